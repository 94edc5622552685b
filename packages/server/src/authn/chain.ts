// The request authentication chain, in kube-apiserver's order: x509 client certificate, then bearer token
// over the token union, then the authenticated-group adder, then anonymous only when no credential was
// presented at all (a bad credential is 401, never anonymous). TokenReview goes through the same union.
import { aggregate } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';
import { peerIdentity } from './x509.js';
import { invalidBearerToken, type TokenAuthenticator, type TokenResult } from './types.js';

export interface AuthnOptions {
  tokenAuthenticators: TokenAuthenticator[];
  apiAudiences: string[];
  anonymous: boolean;
  /** When set, anonymous requests are allowed only on these paths (AuthenticationConfiguration conditions). */
  anonymousPaths?: string[];
  /** Whether TLS client certificates are checked (a --client-ca-file was given). */
  clientCertificates: boolean;
}

export type AuthnResult =
  | { user: UserInfo; warnings: string[]; anonymous?: boolean }
  | { error: string; warnings?: string[] }
  | { none: true; warnings?: string[] };

/** kube's bearertoken authenticator's warning for `Bearer  <token>`, whose token it takes as empty (no credential). */
export const extraSpaceBeforeTokenWarning =
  'the provided Authorization header contains extra space before the bearer token, and is ignored';

export const anonymousUser: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

// Authenticators that keep one UserInfo per credential (the token file) get one extended copy per user.
const extended = new WeakMap<UserInfo, UserInfo>();

/** Appends `system:authenticated` unless the user already has it (or is anonymous). */
export function withAuthenticatedGroup(u: UserInfo): UserInfo {
  if (u.username === 'system:anonymous') return u;
  if (u.groups.includes('system:authenticated') || u.groups.includes('system:unauthenticated')) return u;
  if (Object.isFrozen(u)) {
    let x = extended.get(u);
    if (x === undefined) {
      x = Object.freeze({ ...u, groups: Object.freeze([...u.groups, 'system:authenticated']) as string[] });
      extended.set(u, x);
    }
    return x;
  }
  return { ...u, groups: [...u.groups, 'system:authenticated'] };
}

export class Authenticator {
  constructor(private readonly o: AuthnOptions) {}

  get apiAudiences(): string[] {
    return this.o.apiAudiences;
  }

  /** Runs the token union: the first authenticator that claims the token decides. */
  authenticateToken(token: string, audiences: string[]): TokenResult | { error: string } {
    const errs: string[] = [];
    for (const a of this.o.tokenAuthenticators) {
      const r = a.authenticateToken(token, audiences);
      if (!r) continue;
      if ('error' in r) {
        errs.push(r.error);
        continue;
      }
      return { ...r, user: withAuthenticatedGroup(r.user) };
    }
    return { error: errs.length ? aggregate(errs) : invalidBearerToken };
  }

  /**
   * TokenReview's view: kube-apiserver's loopback authenticator sits in a union in front of the chain and
   * says `invalid bearer token` for every token it does not own, so failures read `[invalid bearer token, …]`.
   */
  reviewToken(token: string, audiences: string[]): TokenResult | { error: string } {
    const r = this.authenticateToken(token, audiences.length ? audiences : this.o.apiAudiences);
    if ('error' in r) return { error: aggregate([invalidBearerToken, r.error]) };
    return r;
  }

  authenticateRequest(headers: Record<string, string | string[] | undefined>, socket: unknown, path = ''): AuthnResult {
    const errs: string[] = [];
    if (this.o.clientCertificates) {
      const r = this.x509(socket);
      if (r && 'user' in r) return { user: withAuthenticatedGroup(r.user), warnings: [] };
      if (r && 'error' in r) errs.push(r.error);
    }
    const auth = headers['authorization'];
    const authz = Array.isArray(auth) ? auth[0] : auth;
    let sawCredential = errs.length > 0;
    let warnings: string[] = [];
    if (authz) {
      const token = bearerToken(authz);
      if (token) {
        sawCredential = true;
        const r = this.authenticateToken(token, this.o.apiAudiences);
        if ('user' in r) return { user: r.user, warnings: r.warnings ?? [] };
        errs.push(r.error);
      } else if (extraSpaceBeforeToken(authz)) warnings = [extraSpaceBeforeTokenWarning];
    }
    if (!sawCredential) {
      const proto = headers['sec-websocket-protocol'];
      const token = websocketToken(Array.isArray(proto) ? proto.join(',') : proto);
      if (token) {
        const r = this.authenticateToken(token, this.o.apiAudiences);
        if ('user' in r) return { user: r.user, warnings: [...warnings, ...(r.warnings ?? [])] };
        errs.push(r.error);
      }
    }
    if (errs.length) return { error: aggregate(errs), warnings };
    if (this.o.anonymous && (!this.o.anonymousPaths?.length || this.o.anonymousPaths.includes(path)))
      return { user: anonymousUser, warnings, anonymous: true };
    return { none: true, warnings };
  }

  /** x509 identity per TLS connection: the peer certificate cannot change within one, so keep-alive and h2
   * requests do not re-hash it. */
  private readonly peers = new WeakMap<object, { user: UserInfo } | { error: string } | null>();

  private x509(socket: unknown): { user: UserInfo } | { error: string } | null {
    if (!socket || typeof socket !== 'object') return null;
    let r = this.peers.get(socket);
    if (r === undefined) this.peers.set(socket, (r = peerIdentity(socket)));
    return r;
  }
}

/**
 * The token of an `Authorization` header, read as kube's bearertoken authenticator reads it: the header trimmed,
 * then split on single spaces, the first part `bearer` in any case. `Bearer  x` (two spaces) carries an empty token,
 * which is no credential at all.
 */
export function bearerToken(header: string): string | undefined {
  const auth = header.trim();
  if (auth.length < 8 || auth.charCodeAt(6) !== 32 || auth.slice(0, 6).toLowerCase() !== 'bearer') return undefined;
  const end = auth.indexOf(' ', 7);
  return (end < 0 ? auth.slice(7) : auth.slice(7, end)) || undefined;
}

/** `Bearer  x`: split on single spaces, the header's second part is empty and a third follows. */
function extraSpaceBeforeToken(header: string): boolean {
  const auth = header.trim();
  return auth.charCodeAt(6) === 32 && auth.charCodeAt(7) === 32 && auth.slice(0, 6).toLowerCase() === 'bearer';
}

/** `base64url.bearer.authorization.k8s.io.<token>` among other subprotocols (kube's websocket authenticator). */
function websocketToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const protos = header.split(',').map((p) => p.trim());
  const prefix = 'base64url.bearer.authorization.k8s.io.';
  const tok = protos.find((p) => p.startsWith(prefix));
  if (!tok || protos.length < 2) return undefined;
  try {
    return Buffer.from(tok.slice(prefix.length), 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
}
