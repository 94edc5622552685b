/**
 * Test-only fake kube-apiserver over real HTTPS: TokenReview, SubjectAccessReview, OIDC discovery and JWKS, with
 * caller authentication (bearer token or client certificate) and failure injection (hang, status codes, delays).
 *
 * @module
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { testPki } from './pki.js';

export interface ReviewedUser {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Record<string, readonly string[]>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly clientCN: string | undefined;
  readonly body: unknown;
}

export type Behaviour =
  | { readonly kind: 'normal' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  | { readonly kind: 'destroy' };

export interface FakeApiServerOptions {
  readonly host?: string;
  /** Bearer tokens accepted from callers. Default `['reviewer-token']`. */
  readonly callerTokens?: readonly string[];
  /** Bearer tokens that authenticate but are denied (403) on reviews. */
  readonly forbiddenTokens?: readonly string[];
  readonly issuer?: string;
  /** Advertised jwks_uri; default `<url>/openid/v1/jwks`. */
  readonly jwksUri?: string;
}

export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** A token the fake TokenReview knows: who it is and which audiences it carries. */
export interface KnownToken {
  readonly user: ReviewedUser;
  readonly audiences?: readonly string[];
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Tokens the default TokenReview handler accepts. */
  readonly tokens = new Map<string, KnownToken>();
  behaviour: Behaviour = { kind: 'normal' };
  /** Delay before answering reviews. */
  delayMs = 0;
  /** Overrides the TokenReview status computation. */
  tokenReview: ((spec: { token: string; audiences?: string[] }) => Record<string, unknown>) | undefined;
  /** SubjectAccessReview decisions; default: deny with no opinion. */
  subjectAccessReview: (spec: Record<string, unknown>) => Record<string, unknown> = () => ({ allowed: false });
  jwks: { keys: unknown[] } = { keys: [] };
  jwksCacheControl = 'public, max-age=3600';
  /** Serve discovery and JWKS to anonymous callers (the system:unauthenticated binding people add). */
  anonymousDiscovery = false;
  callerTokens: Set<string>;
  issuer: string;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeApiServerOptions,
  ) {
    this.callerTokens = new Set(options.callerTokens ?? ['reviewer-token']);
    this.issuer = options.issuer ?? API_AUDIENCE;
  }

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const pki = testPki();
    const host = options.host ?? '127.0.0.1';
    const server = createServer({
      cert: pki.serverCert,
      key: pki.serverKey,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: false,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const self = new FakeApiServer(server, url, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => self.handle(req, res));
    // Every TCP socket, from accept on: closeAllConnections() only knows sockets that finished their TLS handshake,
    // and one caught mid-handshake at teardown kept close() waiting for ever (a test file hung in CI once).
    server.on('connection', (socket: Socket) => {
      self.sockets.add(socket);
      socket.once('close', () => self.sockets.delete(socket));
    });
    return self;
  }

  /** Number of recorded requests whose path starts with `prefix`. */
  count(prefix: string): number {
    return this.requests.filter((r) => r.path.startsWith(prefix)).length;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      const clientCN = peer && typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined;
      const path = (req.url ?? '/').split('?')[0]!;
      this.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, clientCN, body });
      const b = this.behaviour;
      if (b.kind === 'hang') return;
      if (b.kind === 'destroy') {
        req.socket.destroy();
        return;
      }
      if (b.kind === 'status') {
        res.writeHead(b.status, { 'content-type': 'application/json' });
        res.end(b.body ?? statusBody(b.status, 'injected failure'));
        return;
      }
      setTimeout(() => this.route(req, res, path, body, clientCN), this.delayMs);
    });
  }

  private route(req: IncomingMessage, res: ServerResponse, path: string, body: unknown, clientCN: string | undefined) {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const authenticated = clientCN !== undefined || (token !== undefined && this.callerTokens.has(token));
    const discovery = path === '/.well-known/openid-configuration' || path === '/openid/v1/jwks';
    if (!authenticated && !(discovery && this.anonymousDiscovery && token === undefined))
      return json(res, 401, JSON.parse(statusBody(401, 'Unauthorized')));
    const forbidden = token !== undefined && (this.options.forbiddenTokens ?? []).includes(token);
    if (req.method === 'POST' && path === '/apis/authentication.k8s.io/v1/tokenreviews') {
      if (forbidden) {
        return json(res, 403, {
          ...JSON.parse(
            statusBody(
              403,
              'tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:default:nobody" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope',
            ),
          ),
          details: { group: 'authentication.k8s.io', kind: 'tokenreviews' },
        });
      }
      const spec = (body as { spec: { token: string; audiences?: string[] } }).spec;
      const status = this.tokenReview ? this.tokenReview(spec) : this.defaultTokenReview(spec);
      return json(res, 201, {
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec,
        status,
      });
    }
    if (req.method === 'POST' && path === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
      if (forbidden)
        return json(res, 403, JSON.parse(statusBody(403, 'subjectaccessreviews.authorization.k8s.io is forbidden')));
      const spec = (body as { spec: Record<string, unknown> }).spec;
      return json(res, 201, {
        kind: 'SubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec,
        status: this.subjectAccessReview(spec),
      });
    }
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      res.setHeader('cache-control', 'public, max-age=3600');
      return json(res, 200, {
        issuer: this.issuer,
        jwks_uri: this.options.jwksUri ?? `${this.url}/openid/v1/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'GET' && path === '/openid/v1/jwks') {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': this.jwksCacheControl });
      res.end(JSON.stringify(this.jwks));
      return;
    }
    return json(res, 404, JSON.parse(statusBody(404, 'the server could not find the requested resource')));
  }

  private defaultTokenReview(spec: { token: string; audiences?: string[] }): Record<string, unknown> {
    const known = this.tokens.get(spec.token);
    if (!known) return { user: {}, error: 'invalid bearer token' };
    const requested = spec.audiences && spec.audiences.length > 0 ? spec.audiences : [API_AUDIENCE];
    const tokenAuds = known.audiences ?? [API_AUDIENCE];
    const auds = requested.filter((a) => tokenAuds.includes(a));
    if (auds.length === 0) {
      return {
        user: {},
        error: `[invalid bearer token, token audiences ${JSON.stringify(tokenAuds)} is invalid for the target audiences ${JSON.stringify(requested)}]`,
      };
    }
    return {
      authenticated: true,
      user: {
        username: known.user.username,
        uid: known.user.uid ?? '',
        groups: known.user.groups ?? [],
        ...(known.user.extra ? { extra: known.user.extra } : {}),
      },
      audiences: auds,
    };
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

function statusBody(code: number, message: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'Unknown',
    code,
  });
}

/** A service-account user as kube-apiserver reports it. */
export function saUser(namespace: string, name: string, uid = 'sa-uid-1'): ReviewedUser {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}
