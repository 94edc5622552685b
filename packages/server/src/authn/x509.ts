// Client certificates: kube-apiserver's x509 authenticator (k8s.io/apiserver/pkg/authentication/request/x509,
// CommonNameUserConversion): the subject's CN is the user name and each O a group. The server's request
// authentication and the proxy both map certificates through here.
import { createHash } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { UserInfo } from '../api/types.js';
import type { AuthnRequest, RequestAnswer, RequestAuthenticator } from './request.js';
import { withAuthenticatedGroup } from './groups.js';

/** A certificate subject's user (CN the name, each O a group); undefined when it has no CN. */
export function subjectUser(
  subject: PeerCertificate['subject'] | undefined,
): { username: string; groups: string[] } | undefined {
  const s = subject as unknown as Record<string, string | string[] | undefined> | undefined;
  const cn = s?.CN;
  const username = Array.isArray(cn) ? cn[0] : cn;
  if (!username) return undefined;
  const o = s?.O;
  const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return { username, groups: [...groups] };
}

/**
 * The identity a TLS connection's client certificate proves: a user, an error for a certificate that did not
 * verify, or null for no certificate (or one without a CN).
 */
export function peerIdentity(socket: unknown): { user: UserInfo } | { error: string } | null {
  const s = socket as TLSSocket | undefined;
  if (!s || typeof s.getPeerCertificate !== 'function') return null;
  const cert = s.getPeerCertificate(false);
  if (!cert || !cert.raw) return null;
  if (!s.authorized)
    return {
      error: `verifying certificate ${certIdentifier(cert)} failed: ${String(s.authorizationError ?? 'x509: certificate signed by unknown authority')}`,
    };
  const u = subjectUser(cert.subject);
  if (!u) return null;
  const id = createHash('sha256').update(cert.raw).digest('hex');
  return { user: { ...u, extra: { 'authentication.kubernetes.io/credential-id': [`X509SHA256=${id}`] } } };
}

function certIdentifier(cert: { serialNumber?: string; subject?: unknown; issuer?: unknown }): string {
  const subj = cert.subject as Record<string, unknown> | undefined;
  const iss = cert.issuer as Record<string, unknown> | undefined;
  return `SN=${BigInt('0x' + (cert.serialNumber ?? '0')).toString()}, CN=${String(subj?.CN ?? '')}, issuer="CN=${String(iss?.CN ?? '')}"`;
}

/** The x509 request authenticator: the identity is kept per TLS connection (its peer certificate cannot change
 * within one), so keep-alive and h2 requests do not re-hash it. */
export class X509Authenticator implements RequestAuthenticator {
  private readonly peers = new WeakMap<object, { user: UserInfo } | { error: string } | null>();

  authenticate(r: AuthnRequest): RequestAnswer {
    const socket = r.socket;
    if (!socket || typeof socket !== 'object') return noCertificate;
    let id = this.peers.get(socket);
    if (id === undefined) this.peers.set(socket, (id = peerIdentity(socket)));
    if (id === null) return noCertificate;
    return 'user' in id ? { user: withAuthenticatedGroup(id.user), warnings: [] } : id;
  }
}

const noCertificate: RequestAnswer = { none: true };
