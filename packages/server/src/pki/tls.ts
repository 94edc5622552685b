// What the server needs from a client certificate: the identity kube-apiserver's x509 authenticator
// derives from it (user = subject CN, groups = every subject O, in order) and its SHA-256 fingerprint.
import { createHash, X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { oids } from './certificate.js';
import { nameAttributes, subjectNode } from './inspect.js';

export interface PeerIdentity {
  commonName: string;
  organizations: string[];
}

/**
 * Reads the subject from the DER (`raw`) the way Go's pkix.Name does: all O values in encoding order,
 * and the last CN when there are several. Falls back to node's subject object when there is no `raw`.
 */
export function peerIdentity(cert: PeerCertificate | X509Certificate): PeerIdentity {
  const raw: Buffer | undefined = cert.raw;
  if (raw && raw.length > 0) {
    try {
      return fromAttributes(nameAttributes(subjectNode(raw)));
    } catch {
      // not DER we can walk (OpenSSL accepted it, so it is a BER oddity): use node's reading below
    }
  }
  const subject = cert instanceof X509Certificate ? cert.toLegacyObject().subject : cert.subject;
  const fields = subject as Record<string, string | string[] | undefined> | undefined;
  const values = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return { commonName: values(fields?.CN).at(-1) ?? '', organizations: values(fields?.O) };
}

function fromAttributes(attributes: Array<[string, string]>): PeerIdentity {
  let commonName = '';
  const organizations: string[] = [];
  for (const [type, value] of attributes) {
    if (type === oids.commonName) commonName = value;
    else if (type === oids.organization) organizations.push(value);
  }
  return { commonName, organizations };
}

/** Lower-case hex SHA-256 of the DER certificate, as in the `X509SHA256=<hex>` credential id. */
export function certSha256Hex(raw: Buffer | Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}
