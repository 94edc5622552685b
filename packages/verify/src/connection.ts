/**
 * The connection to a Kubernetes API server used for TokenReview, SubjectAccessReview and issuer discovery:
 * in-cluster (like client-go's `rest.InClusterConfig`), from a kubeconfig, or from explicit options.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ReviewError, type KubeStatus } from './errors.js';
import { HttpClient, DEFAULT_TIMEOUT_MS, type HttpResponse } from './http.js';
import { loadKubeconfig, type KubeconfigOptions } from './kubeconfig.js';
import { assertPemCertificates, assertPemPrivateKey, readConfigFile } from './pem.js';
import { FileTokenSource, StaticTokenSource, type TokenSource } from './token-source.js';
import type { ConnectionOptions, ConnectionTuning } from './connection-options.js';

export { DEFAULT_TIMEOUT_MS };
export type { ConnectionOptions, ConnectionTuning };

/** The directory where the kubelet mounts a Pod's ServiceAccount token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Options of {@link KubeConnection.inCluster}. */
export interface InClusterOptions extends ConnectionTuning {
  /** Where `token` and `ca.crt` are. Default {@link SERVICE_ACCOUNT_DIR}. */
  readonly serviceAccountDir?: string;
  /** Environment holding `KUBERNETES_SERVICE_HOST` / `KUBERNETES_SERVICE_PORT`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Options of {@link KubeConnection.fromKubeconfig}. */
export interface KubeconfigConnectionOptions extends ConnectionTuning, KubeconfigOptions {}

/** Options of {@link KubeConnection.fromEnvironment}. */
export interface EnvironmentConnectionOptions extends ConnectionTuning {
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default {@link SERVICE_ACCOUNT_DIR}. */
  readonly serviceAccountDir?: string;
  /** Kubeconfig context to use instead of `current-context`. */
  readonly context?: string;
}

/** Per-request options of {@link KubeConnection.request} and friends. */
export interface ApiRequestOptions {
  readonly signal?: AbortSignal;
  /** Overrides the connection's timeout. */
  readonly timeoutMs?: number;
}

/**
 * A connection to one Kubernetes API server: base URL, TLS trust, our credentials (bearer token re-read from its
 * file, and/or a client certificate) and a keep-alive agent.
 *
 * Credentials are only ever sent to this server's own origin.
 *
 * @example
 * ```ts
 * const conn = KubeConnection.inCluster();              // in a Pod
 * const conn2 = KubeConnection.fromKubeconfig();         // $KUBECONFIG or ~/.kube/config, current context
 * const conn3 = KubeConnection.fromEnvironment();        // KUBECONFIG, else in-cluster, else ~/.kube/config
 * ```
 */
export class KubeConnection {
  /** The API server's base URL, without a trailing slash. */
  readonly server: string;
  /** Overall timeout of one request in milliseconds. */
  readonly timeoutMs: number;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly http: HttpClient;
  private readonly tokens: TokenSource;

  /**
   * @throws {@link ConfigError} for a bad URL (`ERR_INVALID_OPTIONS`), unreadable files (`ERR_FILE_UNREADABLE`) or
   *   non-PEM data (`ERR_INVALID_PEM`).
   */
  constructor(options: ConnectionOptions) {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new ConfigError('ERR_INVALID_OPTIONS', `server "${options.server}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigError('ERR_INVALID_OPTIONS', `server "${options.server}" must be an https:// or http:// URL`);
    }
    if (url.search || url.hash || url.username || url.password) {
      throw new ConfigError(
        'ERR_INVALID_OPTIONS',
        `server "${options.server}" must not have credentials, a query or a fragment`,
      );
    }
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.server = options.server.trim().replace(/\/+$/, '');

    const ca = pem(options.ca, options.caFile, 'certificate authority', assertPemCertificates);
    const cert = pem(options.cert, options.certFile, 'client certificate', assertPemCertificates);
    const key = pem(options.key, options.keyFile, 'client key', assertPemPrivateKey);
    if ((cert === undefined) !== (key === undefined)) {
      throw new ConfigError('ERR_INVALID_OPTIONS', 'a client certificate needs its key, and a key its certificate');
    }
    if (options.token !== undefined && /[\s]/.test(options.token.trim())) {
      throw new ConfigError('ERR_INVALID_OPTIONS', 'token must not contain whitespace');
    }
    this.http = new HttpClient(
      { ca, cert, key, insecureSkipTLSVerify: options.insecureSkipTLSVerify, servername: options.tlsServerName },
      { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxSockets: options.maxSockets },
    );
    this.timeoutMs = this.http.timeoutMs;
    this.tokens = options.tokenFile
      ? new FileTokenSource(options.tokenFile, {
          refreshMs: options.tokenRefreshMs,
          fallback: options.token?.trim() || undefined,
          now: options.now,
        })
      : new StaticTokenSource(options.token?.trim() || undefined);
  }

  /**
   * The connection of a Pod: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` (IPv6 hosts bracketed),
   * trusting `ca.crt` and sending the projected `token`, which is re-read at most once a minute (like client-go);
   * while the kubelet swaps the file the last token read keeps being used.
   *
   * @throws {@link ConfigError} `ERR_NOT_IN_CLUSTER` without the environment variables; `ERR_FILE_UNREADABLE` /
   *   `ERR_INVALID_PEM` for a missing or bad `ca.crt`.
   */
  static inCluster(options: InClusterOptions = {}): KubeConnection {
    const env = options.env ?? process.env;
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    if (!host || !port) {
      throw new ConfigError(
        'ERR_NOT_IN_CLUSTER',
        'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
      );
    }
    const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    return new KubeConnection({
      ...tuning(options),
      server: `https://${hostPart}:${port}`,
      caFile: join(dir, 'ca.crt'),
      tokenFile: join(dir, 'token'),
    });
  }

  /**
   * The connection of a kubeconfig's current (or given) context.
   *
   * @throws {@link ConfigError}; see {@link loadKubeconfig} for the codes.
   */
  static fromKubeconfig(options: KubeconfigConnectionOptions = {}): KubeConnection {
    const resolved = loadKubeconfig(options);
    return new KubeConnection({ ...resolved.connection, ...tuning(options) });
  }

  /**
   * Picks a connection the way controller-runtime does: `$KUBECONFIG` if set, else in-cluster if
   * `KUBERNETES_SERVICE_HOST` is set, else `~/.kube/config`.
   *
   * @throws {@link ConfigError} `ERR_NOT_IN_CLUSTER` when none of them is available.
   */
  static fromEnvironment(options: EnvironmentConnectionOptions = {}): KubeConnection {
    const env = options.env ?? process.env;
    if (env.KUBECONFIG) return KubeConnection.fromKubeconfig({ ...options, env });
    if (env.KUBERNETES_SERVICE_HOST) return KubeConnection.inCluster({ ...options, env });
    const home = join(homedir(), '.kube', 'config');
    if (existsSync(home)) return KubeConnection.fromKubeconfig({ ...options, path: home, env });
    throw new ConfigError(
      'ERR_NOT_IN_CLUSTER',
      'no Kubernetes connection found: KUBECONFIG is unset, KUBERNETES_SERVICE_HOST is unset and ~/.kube/config does not exist',
    );
  }

  /** Whether `url` has this server's origin (the only place credentials are sent). */
  isSameOrigin(url: URL | string): boolean {
    return new URL(url).origin === this.origin;
  }

  /** `path` (starting with `/`) under the server's base URL. */
  url(path: string): URL {
    return new URL(this.origin + this.basePath + path);
  }

  /**
   * Sends a request to this server with our credentials. A 401 answer is retried once when the token file holds
   * a newer token than the one sent.
   *
   * @param target - a path under the base URL, or an absolute URL of the same origin.
   * @throws {@link ReviewError} `unavailable` for network errors and timeouts; rejects with `signal.reason` when
   *   aborted; `Error` when `target` is another origin.
   */
  async request(
    method: 'GET' | 'POST',
    target: string | URL,
    body?: unknown,
    options: ApiRequestOptions = {},
  ): Promise<HttpResponse> {
    const url = typeof target === 'string' && target.startsWith('/') ? this.url(target) : new URL(target);
    if (!this.isSameOrigin(url)) throw new Error(`refusing to send credentials to ${url.origin}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const send = async (): Promise<{ res: HttpResponse; token: string | undefined }> => {
      const token = await this.tokens.token();
      const headers: Record<string, string> = { accept: 'application/json' };
      if (payload !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await this.http.request({
        method,
        url,
        headers,
        body: payload,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      return { res, token };
    };
    const first = await send();
    if (first.res.statusCode === 401 && this.tokens.invalidate()) {
      // The kubelet may have rotated the token since our last read.
      if ((await this.tokens.token()) !== first.token) return (await send()).res;
    }
    return first.res;
  }

  /**
   * Sends a request and returns the parsed JSON of a 2xx answer.
   *
   * @param what - names the call in error messages, e.g. `TokenReview`.
   * @throws {@link ReviewError}: `unauthorized` (401), `forbidden` (403), `unavailable` (network, timeout, 429,
   *   5xx), `bad-response` (other statuses, non-JSON bodies).
   */
  async requestJson(
    method: 'GET' | 'POST',
    target: string | URL,
    body: unknown,
    what: string,
    options: ApiRequestOptions = {},
  ): Promise<unknown> {
    const res = await this.request(method, target, body, options);
    return parseJsonAnswer(res, what, this.server);
  }

  /** Closes idle keep-alive sockets so the process can exit. */
  close(): void {
    this.http.close();
  }
}

/**
 * Maps an HTTP answer to parsed JSON or a {@link ReviewError}.
 *
 * @internal shared with the JWKS fetcher.
 */
export function parseJsonAnswer(res: HttpResponse, what: string, server: string): unknown {
  const { statusCode } = res;
  if (statusCode >= 200 && statusCode < 300) {
    try {
      return JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      throw new ReviewError('bad-response', `${what}: ${server} answered ${statusCode} with a body that is not JSON`, {
        statusCode,
        cause: err,
      });
    }
  }
  const status = parseStatus(res.body);
  const detail = status?.message ? `: ${status.message}` : '';
  const opts = { statusCode, status };
  if (statusCode === 401) {
    throw new ReviewError(
      'unauthorized',
      `${what}: ${server} rejected our own credentials (401 Unauthorized${detail}); check the token or client certificate`,
      opts,
    );
  }
  if (statusCode === 403) {
    throw new ReviewError(
      'forbidden',
      `${what}: ${server} answered 403 Forbidden${detail}; grant our identity the ClusterRole system:auth-delegator`,
      opts,
    );
  }
  if (statusCode === 429 || statusCode >= 500) {
    throw new ReviewError('unavailable', `${what}: ${server} answered ${statusCode}${detail}`, opts);
  }
  throw new ReviewError('bad-response', `${what}: ${server} answered ${statusCode}${detail}`, opts);
}

function parseStatus(body: Buffer): KubeStatus | undefined {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as KubeStatus) : undefined;
  } catch {
    return undefined;
  }
}

function tuning(o: ConnectionTuning): ConnectionTuning {
  const out: { -readonly [K in keyof ConnectionTuning]: ConnectionTuning[K] } = {};
  if (o.timeoutMs !== undefined) out.timeoutMs = o.timeoutMs;
  if (o.tokenRefreshMs !== undefined) out.tokenRefreshMs = o.tokenRefreshMs;
  if (o.maxSockets !== undefined) out.maxSockets = o.maxSockets;
  if (o.now !== undefined) out.now = o.now;
  return out;
}

function pem(
  value: string | Buffer | undefined,
  file: string | undefined,
  label: string,
  check: (data: string | Buffer, label: string) => Buffer,
): Buffer | undefined {
  if (value !== undefined) return check(value, label);
  if (file !== undefined) return check(readConfigFile(file, `${label} file`), `${label} file "${file}"`);
  return undefined;
}
