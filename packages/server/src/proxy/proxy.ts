// The kube-rbac-proxy-compatible reverse proxy: authenticate (client certificate or TokenReview), authorize
// (static rules, then SubjectAccessReview), then stream the request to the upstream (WebSocket/Upgrade included).
// Clients are served by the front (./front.ts), a lean HTTP/1.1 server for bodiless keep-alive requests that hands
// every other connection to node's http server. Requests go to the upstream through UpstreamPool (./upstream.ts), a
// lean keep-alive HTTP/1.1 client; upgrades, which take their socket out of any pool, through node's http.request.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { isIP, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import {
  forbiddenMessage,
  forbiddenResponse,
  internalErrorResponse,
  nonResourceAttributesFor,
  pathOf,
  unauthorizedResponse,
  unavailableResponse,
} from '@kubeauth/verify/internal';
import {
  AccessReviewer,
  ReviewError,
  TokenReviewer,
  parseAuthorization,
  verbForMethod,
  type AccessAttributes,
  type AccessReviewResult,
  type ErrorResponse,
  type KubeConnection,
  type TokenReviewResult,
  type UserInfo,
} from '@kubeauth/verify';
import {
  compileGlob,
  type AuthHeaderOptions,
  type AuthorizationConfig,
  type TlsVersion,
  type StaticAuthorizationConfig,
} from './config.js';
import { subjectUser } from '../authn/x509.js';
import { createLogger } from '../server/log.js';
import { BadRequestTarget, canonicalTarget, type CanonicalTarget } from './canonical-path.js';
import { createEndpointsServer } from './endpoints.js';
import type { AuthnResult, AuthzResult, ProxyMetrics } from './metrics.js';
import { createFront, type ClientResponse, type FrontRequest } from './front.js';
import { HOP_BY_HOP_FIELDS, UpstreamPool, type ResponseHandler, type UpstreamExchange } from './upstream.js';

export interface ProxyOptions {
  upstream: URL;
  /** API server used for TokenReview and SubjectAccessReview. */
  connection: KubeConnection;
  /** Serving certificate and key (PEM), the lowest TLS version and the TLS ≤ 1.2 ciphers (node's names). */
  tls: { cert: string; key: string; minVersion?: TlsVersion; ciphers?: string };
  /** Client CA bundle (PEM); enables x509 client authentication. */
  clientCa?: string;
  audiences?: string[];
  authorization?: AuthorizationConfig;
  allowPaths?: string[];
  ignorePaths?: string[];
  authHeader?: AuthHeaderOptions;
  upstreamCa?: string;
  upstreamClientCert?: { cert: string; key: string };
  /** One TTL for all caches (ms); default: the verify library's (2 min / 10 s tokens, 5 min / 30 s access). */
  cacheTtlMs?: number;
  /** The caches' clock (tests advance a fake one instead of sleeping past a TTL). */
  now?: () => number;
  /** Errors that made the proxy answer 5xx. Default: one JSON line on stderr. */
  onError?: (error: unknown, what: string) => void;
  /** Request, authentication and authorization metrics (served on the endpoints port's /metrics). */
  metrics?: ProxyMetrics;
}

export interface RunningProxy {
  server: TlsServer;
  url: string;
  port: number;
  /** With --proxy-endpoints-port: where `/healthz` is served. */
  endpointsUrl?: string;
  endpointsPort?: number;
  /** Serves new connections with another certificate and key (PEM); throws, changing nothing, when they are bad. */
  setServingCertificate(cert: string, key: string): void;
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1), never forwarded (the upstream pool drops them from responses).
const HOP_BY_HOP_SET: ReadonlySet<string> = new Set(HOP_BY_HOP_FIELDS);

/**
 * Per-request cancellation whose AbortSignal is only made when something asks for it: the reviewers read
 * `options.signal` only when they have to ask the API server, and most requests are answered from their caches.
 * Passed to them as their options object (`{ signal }`).
 */
class LazyAbort {
  private controller: AbortController | undefined;
  aborted = false;

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted && !this.controller.signal.aborted) this.controller.abort();
    return this.controller.signal;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.controller?.abort();
  }
}

/**
 * Let through (user undefined on an ignored path) to `target`, the request target that was decided on and the only
 * one the upstream may be sent; or answered by the proxy itself.
 */
type Decision = { ok: true; user: UserInfo | undefined; target: CanonicalTarget } | { ok: false; response: Answer };

/** A complete answer the proxy sends itself instead of the upstream's. */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The connection closes after it. */
  readonly close?: boolean;
}

const NOT_FOUND: Answer = {
  status: 404,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  body: '404 page not found\n',
};

// What Go's net/http server answers a request whose target it cannot parse (server.go, before any handler runs),
// and then closes the connection.
const BAD_REQUEST: Answer = {
  status: 400,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: '400 Bad Request',
  close: true,
};

// What Go's httputil.ReverseProxy (kube-rbac-proxy) answers when the upstream cannot be reached: 502, empty body.
const BAD_GATEWAY: Answer = { status: 502, headers: {}, body: '' };

export function createProxy(o: ProxyOptions) {
  const ttl = o.cacheTtlMs;
  const tokens = new TokenReviewer({
    connection: o.connection,
    audiences: o.audiences ?? [],
    // kube-rbac-proxy without --auth-token-audiences accepts tokens for the API server's own audiences.
    skipAudienceCheck: (o.audiences ?? []).length === 0,
    ...(ttl !== undefined ? { successTtlMs: ttl, failureTtlMs: Math.min(ttl, 10_000) } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  const access = new AccessReviewer({
    connection: o.connection,
    ...(o.now ? { now: o.now } : {}),
    ...(ttl !== undefined ? { allowTtlMs: ttl, denyTtlMs: Math.min(ttl, 30_000) } : {}),
  });
  const allow = (o.allowPaths ?? []).map(compileGlob);
  const ignore = (o.ignorePaths ?? []).map(compileGlob);
  const authHeader = o.authHeader;
  const stripSet: ReadonlySet<string> = new Set(
    authHeader?.enabled ? [authHeader.userFieldName.toLowerCase(), authHeader.groupsFieldName.toLowerCase()] : [],
  );
  const statics = o.authorization?.static ?? [];
  const resource = o.authorization?.resourceAttributes;
  const rewrites = o.authorization?.rewrites;
  const log = createLogger();
  const metrics = o.metrics;
  const onError =
    o.onError ??
    ((error: unknown, what: string) =>
      log.error(what, { error: error instanceof Error ? error.message : String(error) }));

  const isUpstreamTls = o.upstream.protocol === 'https:';
  const tlsOptions = {
    ...(o.upstreamCa ? { ca: o.upstreamCa } : {}),
    ...(o.upstreamClientCert ? { cert: o.upstreamClientCert.cert, key: o.upstreamClientCert.key } : {}),
  };
  const pool = new UpstreamPool({ url: o.upstream, ...tlsOptions });
  const upstreamHost = o.upstream.hostname.replace(/^\[|\]$/g, '');
  const upstreamBase = o.upstream.pathname.replace(/\/+$/, '');

  /**
   * The attributes to check, all of which must be allowed: the path (no config file), the configured resource, or
   * with `rewrites` one resource per query parameter / header value (`{{ .Value }}` substituted); no value → none,
   * which denies (as kube-rbac-proxy).
   */
  function attributesFor(req: FrontRequest, method: string, target: CanonicalTarget): AccessAttributes[] {
    if (!resource) return [nonResourceAttributesFor({ method, path: target.path })];
    const build = (value: string | undefined): AccessAttributes => {
      const t = (field: string | undefined) =>
        field === undefined || value === undefined ? field : field.replace(/\{\{\s*\.Value\s*\}\}/g, value);
      const r = {
        group: t(resource.apiGroup),
        version: t(resource.apiVersion),
        subresource: t(resource.subresource),
        namespace: t(resource.namespace),
        name: t(resource.name),
      };
      return {
        resourceAttributes: {
          verb: verbForMethod(method),
          resource: t(resource.resource) ?? '',
          ...Object.fromEntries(Object.entries(r).filter(([, v]) => v)),
        },
      };
    };
    if (!rewrites) return [build(undefined)];
    const values: string[] = [];
    if (rewrites.byQueryParameter) {
      values.push(...new URLSearchParams(target.query ?? '').getAll(rewrites.byQueryParameter));
    } else if (rewrites.byHttpHeader) {
      values.push(...headerValues(req.rawHeaders, rewrites.byHttpHeader.toLowerCase()));
    }
    return values.map(build);
  }

  function staticAllows(user: UserInfo, attrs: AccessAttributes): boolean {
    return statics.some((s) => staticMatches(s, user, attrs));
  }

  /**
   * Authentication then authorization. Answered from the reviewers' caches, as most requests are, it is a plain value
   * (no promise and no turn of the microtask queue on the hot path); a review that has to ask the API server makes it
   * a promise.
   */
  function decide(req: FrontRequest, target: CanonicalTarget, signal: LazyAbort): Decision | Promise<Decision> {
    const method = req.method.toUpperCase();
    const path = target.path;
    const started = metrics ? performance.now() : 0;
    const outcome = (r: AuthnResult) => metrics?.authenticated(r, (performance.now() - started) / 1000);
    // 1. x509 client certificate (verified against --client-ca-file), as kube-apiserver's x509 authenticator.
    const certified = o.clientCa ? certificateUser(req.socket as TLSSocket) : undefined;
    if (certified) {
      outcome('success');
      return authorize(req, method, target, certified, signal);
    }
    // 2. Bearer token → TokenReview.
    const credentials = parseAuthorization(firstHeader(req.rawHeaders, 'authorization'));
    if (credentials.kind === 'none' || credentials.kind === 'invalid') {
      outcome('failure');
      return { ok: false, response: unauthorizedResponse('kubernetes', credentials.kind === 'invalid') };
    }
    const authenticated = (result: TokenReviewResult): Decision | Promise<Decision> => {
      outcome(result.authenticated ? 'success' : 'failure');
      return result.authenticated
        ? authorize(req, method, target, result.user, signal)
        : { ok: false, response: unauthorizedResponse('kubernetes', true) };
    };
    const hit = tokens.cached(credentials.token);
    if (hit !== undefined) return authenticated(hit);
    return tokens.review(credentials.token, signal).then(authenticated, (err: unknown) => {
      outcome('error');
      return { ok: false, response: failure(err, `TokenReview for ${method} ${path} failed`, signal) };
    });
  }

  function authorize(
    req: FrontRequest,
    method: string,
    target: CanonicalTarget,
    user: UserInfo,
    signal: LazyAbort,
  ): Decision | Promise<Decision> {
    const path = target.path;
    const started = metrics ? performance.now() : 0;
    const outcome = (r: AuthzResult) => metrics?.authorized(r, (performance.now() - started) / 1000);
    const all = attributesFor(req, method, target);
    if (all.length === 0) {
      outcome('denied');
      // A rewrite without values: nothing can be allowed (kube-rbac-proxy's message).
      const message = forbiddenMessage(
        user.username,
        nonResourceAttributesFor({ method, path }),
        'No attribute combination matched',
      );
      return { ok: false, response: forbiddenResponse(message, undefined) };
    }
    return authorizeFrom(all, 0);

    /** Every attribute set from `i` on must be allowed. */
    function authorizeFrom(all: AccessAttributes[], i: number): Decision | Promise<Decision> {
      for (; i < all.length; i++) {
        const attrs = all[i]!;
        if (staticAllows(user, attrs)) continue;
        const hit = access.cached(user, attrs);
        if (hit === undefined) {
          const next = i + 1;
          return access.check(user, attrs, signal).then(
            (result) => (result.allowed ? authorizeFrom(all, next) : denied(attrs, result)),
            (err: unknown) => {
              outcome('error');
              return {
                ok: false as const,
                response: failure(err, `SubjectAccessReview for ${method} ${path} failed`, signal),
              };
            },
          );
        }
        if (!hit.allowed) return denied(attrs, hit);
      }
      outcome('allowed');
      return { ok: true, user, target };
    }

    function denied(attrs: AccessAttributes, result: AccessReviewResult): Decision {
      outcome('denied');
      const reason = result.reason ?? result.evaluationError;
      return {
        ok: false,
        response: forbiddenResponse(
          forbiddenMessage(user.username, attrs, reason),
          attrs.resourceAttributes ? attrs : undefined,
        ),
      };
    }
  }

  function failure(err: unknown, what: string, signal: LazyAbort): ErrorResponse {
    if (signal.aborted) return unavailableResponse(); // the client went away; nobody reads this
    onError(err, what);
    return err instanceof ReviewError ? unavailableResponse() : internalErrorResponse();
  }

  /** /metrics on the endpoints port: a bearer token allowed `<method> /metrics` (non-resource), else 401/403. */
  async function metricsAccess(method: string, authorization: string | undefined): Promise<ErrorResponse | undefined> {
    const credentials = parseAuthorization(authorization);
    if (credentials.kind !== 'token') return unauthorizedResponse('kubernetes', credentials.kind === 'invalid');
    const signal = new LazyAbort();
    try {
      const who = tokens.cached(credentials.token) ?? (await tokens.review(credentials.token, signal));
      if (!who.authenticated) return unauthorizedResponse('kubernetes', true);
      const attrs = nonResourceAttributesFor({ method: method.toUpperCase(), path: '/metrics' });
      const result = access.cached(who.user, attrs) ?? (await access.check(who.user, attrs, signal));
      if (result.allowed) return undefined;
      return forbiddenResponse(
        forbiddenMessage(who.user.username, attrs, result.reason ?? result.evaluationError),
        undefined,
      );
    } catch (err) {
      return failure(err, `review for ${method} /metrics failed`, signal);
    }
  }

  /**
   * Routing and auth shared by plain requests and upgrades; undefined user = ignored path. Everything from here on
   * reads the canonical target (./canonical-path.ts), never the raw one: the globs, the reviews and the upstream.
   */
  function admit(req: FrontRequest, signal: LazyAbort): Decision | Promise<Decision> {
    let target: CanonicalTarget;
    try {
      target = canonicalTarget(req.url);
    } catch (err) {
      if (err instanceof BadRequestTarget) return { ok: false, response: BAD_REQUEST };
      throw err;
    }
    const path = target.path;
    if (allow.length && !allow.some((re) => re.test(path))) return { ok: false, response: NOT_FOUND };
    if (ignore.some((re) => re.test(path))) return { ok: true, user: undefined, target };
    return decide(req, target, signal);
  }

  /**
   * The fields sent upstream, a flat [name, value, ...] list: the client's field lines (spelling and duplicates
   * kept, as Go's ReverseProxy does) without hop-by-hop ones, the identity fields the proxy owns and a consumed bearer
   * token; then the identity and X-Forwarded-For.
   */
  function upstreamHeaders(req: FrontRequest, user: UserInfo | undefined, upgrade: boolean): string[] {
    const raw = req.rawHeaders;
    // Fields named in Connection (every Connection line, as Go's removeHopByHopHeaders reads them) are hop-by-hop
    // too; the usual values name none but hop-by-hop ones.
    const connection = joinedValues(raw, 'connection').toLowerCase();
    const connectionListed =
      connection && connection !== 'keep-alive' && connection !== 'close'
        ? connection.split(',').map((s) => s.trim())
        : undefined;
    const fields: string[] = [];
    let prior: string | undefined;
    let hasHost = false;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      const value = raw[i + 1]!;
      const lower = name.toLowerCase();
      if (
        HOP_BY_HOP_SET.has(lower) ||
        connectionListed?.includes(lower) ||
        // Client-supplied identity headers never reach the upstream (header injection).
        stripSet.has(lower) ||
        // The bearer token was consumed here (kube-apiserver's bearer token authenticator removes it too).
        (user && lower === 'authorization')
      ) {
        continue;
      }
      if (lower === 'x-forwarded-for') {
        prior = prior === undefined ? value : `${prior}, ${value}`;
        continue;
      }
      if (lower === 'host') {
        if (hasHost) continue; // one Host only
        hasHost = true;
      }
      fields.push(name, value);
    }
    if (user && authHeader?.enabled) {
      fields.push(authHeader.userFieldName, user.username);
      fields.push(authHeader.groupsFieldName, user.groups.join(authHeader.groupsSeparator));
    }
    const remote = req.socket.remoteAddress;
    const forwardedFor = remote ? (prior ? `${prior}, ${remote}` : remote) : prior;
    if (forwardedFor !== undefined) fields.push('X-Forwarded-For', forwardedFor);
    if (upgrade) {
      fields.push('Connection', 'Upgrade');
      const protocol = firstHeader(raw, 'upgrade');
      if (protocol !== undefined) fields.push('Upgrade', protocol);
    }
    return fields;
  }

  /** The request target at the upstream: --upstream's path prefix joined with the one that was decided on. */
  function upstreamTarget(target: CanonicalTarget): string {
    return upstreamBase + target.target;
  }

  /** An Upgrade request: on a connection of its own (an upgraded socket leaves any pool). */
  function upgradeRequest(req: FrontRequest, target: CanonicalTarget, headers: string[]): http.ClientRequest {
    const options: http.RequestOptions = {
      protocol: o.upstream.protocol,
      hostname: upstreamHost,
      port: o.upstream.port || (isUpstreamTls ? 443 : 80),
      method: req.method,
      path: upstreamTarget(target),
      headers, // a flat [name, value, ...] list, as rawHeaders
      agent: false,
      // The upstream's TLS identity comes from --upstream, not from the client's Host header (which is forwarded).
      ...(isUpstreamTls ? { servername: isIP(upstreamHost) ? '' : upstreamHost, ...tlsOptions } : {}),
    };
    return isUpstreamTls ? https.request(options) : http.request(options);
  }

  /** Relays one upstream response to the client, with backpressure; one object per request, no closure per chunk. */
  class Relay implements ResponseHandler {
    exchange: UpstreamExchange | undefined;
    private resume: (() => void) | undefined;

    constructor(
      private readonly req: FrontRequest,
      private readonly res: ClientResponse,
    ) {}

    onHead(status: number, statusMessage: string, headers: string[]): void {
      // Not sent yet: the head goes out with the first body piece (one write, one TLS record, for the common small
      // answer), which the pool hands on in the same turn when it came in the same packet.
      this.res.writeHead(status, statusMessage, headers);
    }

    onHeadAlone(): void {
      // A slow or streaming upstream: the client sees the head without waiting for the body.
      if (!this.res.destroyed) this.res.flushHeaders();
    }

    onData(chunk: Buffer): void {
      if (this.res.write(chunk)) return;
      this.exchange?.pause();
      if (this.resume === undefined) {
        this.resume = () => this.exchange?.resume();
        this.res.on('drain', this.resume);
      }
    }

    onEnd(last: Buffer | undefined): void {
      this.res.end(last);
    }

    onError(err: Error): void {
      const { req, res } = this;
      if (!res.headersSent) {
        onError(err, `upstream ${req.method} ${pathOf(req.url)} failed`); // the proxy's onError (5xx log)
        sendError(res, BAD_GATEWAY);
      } else res.destroy(); // mid-body: the client must not take a truncated body for a complete one
    }
  }

  /** A client request; `body`: the request's body stream when node's server parsed it (the front's have none). */
  function onRequest(req: FrontRequest, res: ClientResponse, body: IncomingMessage | undefined): void | Promise<void> {
    const abort = new LazyAbort();
    const relay = new Relay(req, res);
    // Counted when the answer is complete, or when the client went away before that.
    const started = metrics ? performance.now() : 0;
    const record = metrics && (() => metrics.request(req.method, res.statusCode, (performance.now() - started) / 1000));
    if (record) res.on('finish', record);
    // 'close' also ends every completed response: only an unfinished one is an abort.
    res.on('close', () => {
      if (res.writableFinished) return;
      record?.();
      abort.abort();
      relay.exchange?.abort();
    });
    const admitted = admit(req, abort);
    if (admitted instanceof Promise) return admitted.then((a) => forward(req, res, body, relay, a));
    forward(req, res, body, relay, admitted);
  }

  function forward(
    req: FrontRequest,
    res: ClientResponse,
    body: IncomingMessage | undefined,
    relay: Relay,
    admitted: Decision,
  ): void {
    if (!admitted.ok) return sendError(res, admitted.response);
    if (res.destroyed) return; // the client went away while we were deciding
    const headers = upstreamHeaders(req, admitted.user, false);
    // RFC 9112 §6.3: a request has a body only with Content-Length or Transfer-Encoding; node has de-chunked the
    // latter, and the pool sends such a body chunked again.
    const length = body?.headers['content-length'];
    const framing =
      length !== undefined
        ? { body, bodyLength: Number(length) }
        : body?.headers['transfer-encoding'] !== undefined
          ? { body }
          : {};
    relay.exchange = pool.request(
      { method: req.method, target: upstreamTarget(admitted.target), headers, ...framing },
      relay,
    );
  }

  async function onUpgrade(req: FrontRequest, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const abort = new LazyAbort();
    socket.on('close', () => abort.abort());
    const admitted = await admit(req, abort);
    if (!admitted.ok) return writeRawError(socket, admitted.response);
    const up = upgradeRequest(req, admitted.target, upstreamHeaders(req, admitted.user, true));
    up.on('upgrade', (upRes, upSocket, upHead) => {
      upSocket.on('error', () => socket.destroy());
      socket.on('error', () => upSocket.destroy());
      socket.write(rawHead(upRes.statusCode ?? 101, upRes.statusMessage ?? 'Switching Protocols', upRes.rawHeaders));
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.pipe(socket);
      socket.pipe(upSocket);
      socket.on('close', () => upSocket.destroy());
      upSocket.on('close', () => socket.destroy());
    });
    up.on('response', (upRes) => {
      // The upstream declined the upgrade: relay its answer and close.
      socket.write(rawHead(upRes.statusCode ?? 502, upRes.statusMessage ?? '', upRes.rawHeaders, true));
      upRes.pipe(socket);
    });
    up.on('error', (err) => {
      onError(err, `upstream upgrade ${admitted.target.path} failed`);
      writeRawError(socket, BAD_GATEWAY);
    });
    up.end();
  }

  /** A request of either path, with errors answered 500 (or the connection cut mid-answer). */
  function handle(req: FrontRequest, res: ClientResponse, body: IncomingMessage | undefined): void {
    const failed = (err: unknown) => {
      onError(err, 'proxy request failed');
      if (!res.headersSent) sendError(res, internalErrorResponse());
      else res.destroy();
    };
    try {
      onRequest(req, res, body)?.catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  // node's http server for what the front hands over: requests with bodies, upgrades, anything unusual. It never
  // listens: the front's TLS server gives it whole connections. Malformed requests get node's 400, heads over Go's
  // DefaultMaxHeaderBytes (1 MiB, kube-rbac-proxy's limit; node's default is 16 KiB) its 431.
  const fallback = http.createServer({ maxHeaderSize: 1 << 20 });
  fallback.on('request', (req: IncomingMessage, res: ServerResponse) => handle(requestOf(req), res, req));
  fallback.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(requestOf(req), socket, head).catch((err: unknown) => {
      onError(err, 'proxy upgrade failed');
      socket.destroy();
    });
  });
  // What makes a serving context (a certificate reload builds it again): the certificate and TLS settings, and for
  // the proxy's own port the client CA too; the client-certificate request itself is the server's.
  const servingOptions = (cert: string, key: string) => ({
    cert,
    key,
    ...(o.tls.minVersion ? { minVersion: o.tls.minVersion } : {}),
    ...(o.tls.ciphers ? { ciphers: o.tls.ciphers } : {}),
  });
  const contextOptions = (cert: string, key: string) => ({
    ...servingOptions(cert, key),
    ...(o.clientCa ? { ca: o.clientCa } : {}),
  });
  const front = createFront({
    tls: {
      ...contextOptions(o.tls.cert, o.tls.key),
      ...(o.clientCa ? { requestCert: true, rejectUnauthorized: false } : {}),
    },
    onRequest: (req, res) => handle(req, res, undefined),
    fallback,
  });
  const server = front.server;

  /** Listens on host:port: the address, or the listen error. */
  const listenOn = (srv: NetServer, port: number, host: string): Promise<AddressInfo> =>
    new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, host, () => {
        srv.off('error', reject);
        resolve(srv.address() as AddressInfo);
      });
    });
  const urlOf = (addr: AddressInfo) =>
    `https://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;

  return {
    server,
    /** `endpointsPort`: also serve the proxy's own endpoints (`/healthz`) on that port of the same host. */
    async listen(port: number, host: string, endpointsPort?: number): Promise<RunningProxy> {
      const addr = await listenOn(server, port, host);
      // The proxy's own endpoints: the same certificate and TLS settings without the client-certificate request
      // (kube-rbac-proxy copies its serving options before the client CA is applied to them).
      const endpoints =
        endpointsPort !== undefined
          ? createEndpointsServer(
              servingOptions(o.tls.cert, o.tls.key),
              metrics ? { check: metricsAccess, text: () => metrics.text() } : undefined,
            )
          : undefined;
      let endpointsAddr: AddressInfo | undefined;
      if (endpoints) {
        try {
          endpointsAddr = await listenOn(endpoints.server, endpointsPort!, host);
        } catch (err) {
          server.close();
          pool.destroy();
          throw err;
        }
      }
      return {
        server,
        port: addr.port,
        url: urlOf(addr),
        ...(endpointsAddr ? { endpointsUrl: urlOf(endpointsAddr), endpointsPort: endpointsAddr.port } : {}),
        setServingCertificate: (cert: string, key: string) => {
          // Throws, changing nothing, on a pair that does not load; the endpoints then take the same pair.
          server.setSecureContext(contextOptions(cert, key));
          endpoints?.server.setSecureContext(servingOptions(cert, key));
        },
        close: () =>
          new Promise<void>((resolve) => {
            let open = endpoints ? 2 : 1;
            const closed = () => {
              if (--open === 0) resolve();
            };
            server.close(closed);
            endpoints?.close(closed);
            front.closeAllConnections();
            pool.destroy();
          }),
      };
    },
  };
}

function sendError(res: ClientResponse, response: Answer): void {
  const fields: string[] = [];
  for (const name in response.headers) fields.push(name, response.headers[name]!);
  if (response.close) fields.push('Connection', 'close');
  res.writeHead(response.status, http.STATUS_CODES[response.status] ?? '', fields);
  res.end(response.body);
}

/** node's view of a request it parsed, as the proxy reads requests. */
function requestOf(req: IncomingMessage): FrontRequest {
  return { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, socket: req.socket };
}

/** The first value of a field (`lower`: its name in lower case), as Go's Header.Get. */
function firstHeader(raw: readonly string[], lower: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lower.length && name.toLowerCase() === lower) return raw[i + 1];
  }
  return undefined;
}

/** Every value of a field as one comma-separated list (RFC 9110 §5.3), '' when absent; no array per request. */
function joinedValues(raw: readonly string[], lower: string): string {
  let out = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lower.length && name.toLowerCase() === lower) {
      out = out === '' ? raw[i + 1]! : `${out},${raw[i + 1]!}`;
    }
  }
  return out;
}

/** Every value of a field, a line each. */
function headerValues(raw: readonly string[], lower: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lower.length && name.toLowerCase() === lower) values.push(raw[i + 1]!);
  }
  return values;
}

function writeRawError(socket: Duplex, r: Answer): void {
  const lines = [`HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status] ?? ''}`];
  for (const [k, v] of Object.entries(r.headers)) lines.push(`${k}: ${v}`);
  lines.push(`content-length: ${Buffer.byteLength(r.body)}`, 'connection: close', '', '');
  socket.end(lines.join('\r\n') + r.body);
}

function rawHead(status: number, message: string, rawHeaders: string[], close = false): string {
  const lines = [`HTTP/1.1 ${status} ${message}`];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    // The relayed body is already de-chunked and ends when the socket closes.
    if (close && ['connection', 'transfer-encoding', 'content-length'].includes(rawHeaders[i]!.toLowerCase())) continue;
    lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  }
  if (close) lines.push('connection: close');
  return lines.join('\r\n') + '\r\n\r\n';
}

/** The user of a verified client certificate (the server's x509 mapping), as kube-rbac-proxy hands it on. */
function certificateUser(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const u = subjectUser(cert.subject);
  if (!u) return undefined;
  return { username: u.username, uid: '', groups: [...u.groups, 'system:authenticated'], extra: {} };
}

/** kube-rbac-proxy's static authorizer: every field the entry sets must equal the request's. */
export function staticMatches(s: StaticAuthorizationConfig, user: UserInfo, attrs: AccessAttributes): boolean {
  if (s.user?.name && s.user.name !== user.username) return false;
  if (s.user?.groups?.length && !s.user.groups.every((g) => user.groups.includes(g))) return false;
  const r = attrs.resourceAttributes;
  const n = attrs.nonResourceAttributes;
  const verb = r?.verb ?? n?.verb ?? '';
  if (s.resourceRequest !== undefined && s.resourceRequest !== !!r) return false;
  if (s.verb && s.verb !== verb) return false;
  if (s.path && s.path !== (n?.path ?? '')) return false;
  if (s.namespace && s.namespace !== (r?.namespace ?? '')) return false;
  if (s.apiGroup && s.apiGroup !== (r?.group ?? '')) return false;
  if (s.resource && s.resource !== (r?.resource ?? '')) return false;
  if (s.subresource && s.subresource !== (r?.subresource ?? '')) return false;
  if (s.name && s.name !== (r?.name ?? '')) return false;
  return true;
}
