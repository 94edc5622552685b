// Leaf certificates signed by the cluster CA: the API server's serving certificate and client
// certificates (subject CN = user name, one O per group — kube-apiserver's x509 authenticator mapping).
import { type KeyObject } from 'node:crypto';
import { backdateMs, loadCa, type CertKeyPair, type LoadedCa } from './ca.js';
import { buildCertificate, derToPem, encodeName, extensions, KeyUsage, keyIdentifier, oids } from './certificate.js';
import { inspectCertificate } from './inspect.js';
import { generateEcKey, privateKeyPem } from './keys.js';

export interface ServingCertOptions {
  /** DNS names and IP literals (IPv4 or IPv6); each is classified by whether it parses as an IP. */
  sans: string[];
  days?: number;
  commonName?: string;
}

export interface ClientCertOptions {
  /** Becomes the user name. */
  commonName: string;
  /** Become the user's groups, in this order (e.g. `system:masters`). */
  organizations?: string[];
  days?: number;
}

const day = 24 * 60 * 60 * 1000;

export async function issueServingCert(ca: CertKeyPair, o: ServingCertOptions): Promise<CertKeyPair> {
  if (o.sans.length === 0) throw new Error('a serving certificate needs at least one SAN');
  return issue(loadCa(ca), {
    subject: [[oids.commonName, o.commonName ?? 'kubeauth']],
    days: o.days,
    purpose: oids.serverAuth,
    sans: o.sans,
  });
}

export async function issueClientCert(ca: CertKeyPair, o: ClientCertOptions): Promise<CertKeyPair> {
  if (!o.commonName) throw new Error('a client certificate needs a common name');
  // O before CN, as Go's pkix.Name encodes them (kubeadm's admin.conf shows "O = system:masters, CN = ...").
  const subject: Array<[string, string]> = [
    ...(o.organizations ?? []).map((org): [string, string] => [oids.organization, org]),
    [oids.commonName, o.commonName],
  ];
  return issue(loadCa(ca), { subject, days: o.days, purpose: oids.clientAuth });
}

interface LeafSpec {
  subject: Array<[string, string]>;
  days?: number;
  /** The one extended key usage: serverAuth or clientAuth. */
  purpose: string;
  sans?: string[];
}

async function issue(ca: LoadedCa, { subject, days = 365, purpose, sans }: LeafSpec): Promise<CertKeyPair> {
  const now = Date.now();
  const caNotAfter = Date.parse(ca.cert.validTo);
  if (caNotAfter <= now) throw new Error(`the CA certificate expired on ${ca.cert.validTo}`);
  const key: KeyObject = await generateEcKey();
  const caFields = inspectCertificate(ca.cert.raw);
  // The AKI must equal the CA's own SKI (chain builders match on it); compute one only if the CA has none.
  const caKeyId =
    caFields.subjectKeyIdentifier ?? keyIdentifier(ca.cert.publicKey.export({ type: 'spki', format: 'der' }));
  // A leaf never outlives its CA.
  const notAfter = Math.min(now + days * day, caNotAfter);
  const cert = buildCertificate({
    subject: encodeName(subject),
    issuer: caFields.subjectRaw,
    publicKey: key,
    signingKey: ca.key,
    notBefore: new Date(now - backdateMs),
    notAfter: new Date(notAfter),
    // Go's extension order. digitalSignature alone: keyEncipherment means nothing for an ECDSA key.
    extensions: [
      extensions.keyUsage([KeyUsage.digitalSignature]),
      extensions.extKeyUsage([purpose]),
      extensions.basicConstraints(false),
      extensions.authorityKeyIdentifier(caKeyId),
      ...(sans ? [extensions.subjectAltName(sans)] : []),
    ],
  });
  return { certPem: derToPem(cert), keyPem: privateKeyPem(key) };
}
