// Bearer tokens from the request: the Authorization header (kube's bearertoken authenticator) and the
// WebSocket subprotocol (kube's websocket protocol authenticator), each handing the token to the token union.
import type { TokenResult } from './types.js';
import type { AuthnRequest, RequestAnswer, RequestAuthenticator } from './request.js';

/** Authenticates one token (the token union: token file, service accounts, external issuers). */
export type TokenCheck = (token: string) => TokenResult | { error: string };

/** kube's bearertoken authenticator's warning for `Bearer  <token>`, whose token it takes as empty (no credential). */
export const extraSpaceBeforeTokenWarning =
  'the provided Authorization header contains extra space before the bearer token, and is ignored';

export class BearerTokenAuthenticator implements RequestAuthenticator {
  constructor(private readonly check: TokenCheck) {}

  authenticate(r: AuthnRequest): RequestAnswer {
    const auth = r.headers['authorization'];
    const header = Array.isArray(auth) ? auth[0] : auth;
    if (!header) return noCredential;
    const token = bearerToken(header);
    if (!token) return extraSpaceBeforeToken(header) ? extraSpace : noCredential;
    const t = this.check(token);
    return 'user' in t ? { user: t.user, warnings: t.warnings ?? [], annotations: t.annotations } : t;
  }
}

export class WebSocketProtocolAuthenticator implements RequestAuthenticator {
  constructor(private readonly check: TokenCheck) {}

  authenticate(r: AuthnRequest): RequestAnswer {
    const proto = r.headers['sec-websocket-protocol'];
    const token = websocketToken(Array.isArray(proto) ? proto.join(',') : proto);
    if (!token) return noCredential;
    const t = this.check(token);
    return 'user' in t ? { user: t.user, warnings: t.warnings ?? [], annotations: t.annotations } : t;
  }
}

const noCredential: RequestAnswer = { none: true };
const extraSpace: RequestAnswer = { none: true, warnings: Object.freeze([extraSpaceBeforeTokenWarning]) };

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
