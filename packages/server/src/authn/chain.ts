// Authentication as the server runs it: the token union (TokenReview and every request's bearer token), and the
// request authenticators over it in kube-apiserver's order: x509 client certificate, bearer token, then anonymous
// only when no credential was presented at all (a bad credential is 401, never anonymous).
import { aggregate } from '../api/errors.js';
import { BearerTokenAuthenticator, WebSocketProtocolAuthenticator } from './bearer.js';
import { union, withAnonymous, type AuthnRequest, type AuthnResult, type UnionMember } from './request.js';
import { withAuthenticatedGroup } from './groups.js';
import { X509Authenticator } from './x509.js';
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

export class Authenticator {
  /** Certificate, then bearer token, then a WebSocket token when nothing else was presented; then anonymous. */
  private readonly request: { authenticate(r: AuthnRequest): AuthnResult };

  constructor(private readonly o: AuthnOptions) {
    const check = (token: string) => this.authenticateToken(token, this.o.apiAudiences);
    const members: UnionMember[] = [
      ...(o.clientCertificates ? [{ authenticator: new X509Authenticator() }] : []),
      { authenticator: new BearerTokenAuthenticator(check) },
      { authenticator: new WebSocketProtocolAuthenticator(check), onlyWithoutCredential: true },
    ];
    const u = union(members);
    this.request = o.anonymous ? withAnonymous(u, o.anonymousPaths) : u;
  }

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
    return this.request.authenticate({ headers, socket, path });
  }
}

export { bearerToken, extraSpaceBeforeTokenWarning } from './bearer.js';
export { anonymousUser, type AuthnResult } from './request.js';
