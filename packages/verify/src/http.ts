/**
 * A minimal HTTP(S) client over node:http/node:https with keep-alive, an overall timeout, a response size cap and
 * AbortSignal support. Every failure becomes a {@link ReviewError}; nothing is left as an unhandled rejection.
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { ReviewError } from './errors.js';

/** Default overall timeout of one request, from sending it to the last byte of the answer. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** TLS settings of an {@link HttpClient}. */
export interface TlsSettings {
  /** Trusted CA certificates (PEM). Default: Node's built-in roots. */
  readonly ca?: Buffer | string;
  /** Client certificate (PEM) for mutual TLS. */
  readonly cert?: Buffer | string;
  /** Private key (PEM) of `cert`. */
  readonly key?: Buffer | string;
  /** Skip server certificate verification. Dangerous; for development only. */
  readonly insecureSkipTLSVerify?: boolean;
  /** Server name to verify the certificate against (and to send as SNI) instead of the URL's host. */
  readonly servername?: string;
}

/** Tuning of an {@link HttpClient}. */
export interface HttpClientOptions {
  /** Overall timeout per request. Default {@link DEFAULT_TIMEOUT_MS} (10 s). */
  readonly timeoutMs?: number;
  /** Larger answers are cut off with a `bad-response` error. Default 4 MiB. */
  readonly maxResponseBytes?: number;
  /** Sockets per origin. Default 64. */
  readonly maxSockets?: number;
}

/** One request of an {@link HttpClient}. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  readonly timeoutMs?: number;
}

/** A complete answer (the body is fully read). */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** HTTP(S) client with one keep-alive agent per scheme. */
export class HttpClient {
  readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly httpsAgent: https.Agent;
  private readonly httpAgent: http.Agent;

  constructor(tls: TlsSettings = {}, options: HttpClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be a positive number');
    this.maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
    const maxSockets = options.maxSockets ?? 64;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: !tls.insecureSkipTLSVerify,
      servername: tls.servername,
    });
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /**
   * Sends one request and reads the whole answer.
   *
   * @throws {@link ReviewError} `unavailable` on network/TLS errors and timeouts (`ERR_KUBE_TIMEOUT`),
   *   `bad-response` when the answer is larger than the cap. Rejects with `signal.reason` when aborted.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.attempt(req);
    } catch (err) {
      // A keep-alive socket the server closed just as we reused it: the request never reached it; retry once.
      if (err instanceof StaleSocketError) return this.attempt(req);
      throw err;
    }
  }

  /**
   * Opens a long-lived GET (a watch): resolves with the status and the response stream once the headers arrive
   * (within the timeout); the body is then the caller's, until it ends or `signal` aborts. Uses a socket of its own
   * (not the keep-alive pool), so a watch never holds a pooled socket.
   *
   * @throws {@link ReviewError} `unavailable` when no headers arrive in time or the connection fails.
   */
  openStream(req: Omit<HttpRequest, 'method' | 'body'>): Promise<{ statusCode: number; body: http.IncomingMessage }> {
    const { url, signal } = req;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const secure = url.protocol === 'https:';
    const what = `GET ${url.pathname}`;
    const server = url.origin;
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const tls = this.httpsAgent.options;
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || (secure ? 443 : 80),
        path: url.pathname + url.search,
        method: 'GET',
        headers: { ...req.headers },
        agent: false,
        ...(secure
          ? {
              ca: tls.ca,
              cert: tls.cert,
              key: tls.key,
              rejectUnauthorized: tls.rejectUnauthorized,
              servername: tls.servername,
            }
          : {}),
        signal,
      });
      const timer = setTimeout(() => {
        request.destroy(
          new ReviewError('unavailable', `${what}: no answer within ${timeoutMs} ms`, {
            code: 'ERR_KUBE_TIMEOUT',
            server,
          }),
        );
      }, timeoutMs);
      request.on('response', (res) => {
        clearTimeout(timer);
        resolve({ statusCode: res.statusCode ?? 0, body: res });
      });
      request.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err instanceof ReviewError) reject(err);
        else if (signal?.aborted) reject(signal.reason);
        else reject(unavailable(what, server, err));
      });
      request.end();
    });
  }

  /** Closes idle sockets; in-flight requests finish. */
  close(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }

  private attempt(req: HttpRequest): Promise<HttpResponse> {
    const { url, signal } = req;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const secure = url.protocol === 'https:';
    // Messages name the path, not the server (which goes in `server`): they can reach a client through a framework.
    const what = `${req.method} ${url.pathname}`;
    const server = url.origin;

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let reason: unknown;
      const settle = (err: unknown, res?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (res) resolve(res);
        else reject(err);
      };
      // Destroy the request with a reason; whichever event reports it first, the reason wins.
      const fail = (err: unknown): void => {
        reason ??= err;
        request.destroy();
        settle(reason);
      };

      const request = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port || (secure ? 443 : 80),
          path: url.pathname + url.search,
          method: req.method,
          headers: {
            ...req.headers,
            ...(req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(req.body)) }),
          },
          agent: secure ? this.httpsAgent : this.httpAgent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxResponseBytes) {
              fail(
                new ReviewError('bad-response', `${what}: answer larger than ${this.maxResponseBytes} bytes`, {
                  server,
                }),
              );
            } else chunks.push(chunk);
          });
          res.on('end', () =>
            settle(undefined, { statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', (err) => fail(reason ?? unavailable(what, server, err)));
          res.on('close', () => {
            if (!res.complete) fail(reason ?? unavailable(what, server, new Error('connection closed mid-answer')));
          });
        },
      );
      request.on('error', (err: NodeJS.ErrnoException) => {
        if (reason === undefined && request.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
          settle(new StaleSocketError());
          return;
        }
        fail(reason ?? unavailable(what, server, err));
      });
      const timer = setTimeout(
        () =>
          fail(
            new ReviewError('unavailable', `${what}: no answer within ${timeoutMs} ms`, {
              code: 'ERR_KUBE_TIMEOUT',
              server,
            }),
          ),
        timeoutMs,
      );
      const onAbort = (): void => fail(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(req.body);
    });
  }
}

class StaleSocketError extends Error {}

function unavailable(what: string, server: string, err: NodeJS.ErrnoException): ReviewError {
  const code = err.code ?? '';
  // The system error code (ECONNREFUSED, ...) rather than its message, which names the address; the error itself
  // is the `cause`.
  if (TLS_ERROR_CODES.has(code) || /certificate|TLS|SSL/i.test(err.message)) {
    return new ReviewError('unavailable', `${what}: TLS handshake failed${code ? ` (${code})` : ''}`, {
      code: 'ERR_KUBE_TLS',
      server,
      cause: err,
    });
  }
  return new ReviewError('unavailable', `${what}: ${code || 'connection failed'}`, { server, cause: err });
}
