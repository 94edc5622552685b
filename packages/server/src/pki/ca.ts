// The cluster CA: a self-signed ECDSA P-256 certificate that signs the serving and client certificates.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { buildCertificate, derToPem, encodeName, extensions, KeyUsage, keyIdentifier, oids } from './certificate.js';
import { generateEcKey, loadPrivateKey, privateKeyPem, spkiDer } from './keys.js';

/** A certificate and its private key, both PEM (the key PKCS#8). */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

const day = 24 * 60 * 60 * 1000;
/** Certificates start 5 minutes in the past so a client whose clock is a little behind still accepts them. */
export const backdateMs = 5 * 60 * 1000;

export async function createCa(commonName = 'kubeauth-ca', days = 3650): Promise<CertKeyPair> {
  const key = await generateEcKey();
  const now = Date.now();
  const name = encodeName([[oids.commonName, commonName]]);
  const cert = buildCertificate({
    subject: name,
    issuer: name,
    publicKey: key,
    signingKey: key,
    notBefore: new Date(now - backdateMs),
    notAfter: new Date(now + days * day),
    extensions: [
      extensions.keyUsage([KeyUsage.digitalSignature, KeyUsage.keyCertSign, KeyUsage.cRLSign]),
      extensions.basicConstraints(true),
      extensions.subjectKeyIdentifier(keyIdentifier(spkiDer(key))),
    ],
  });
  return { certPem: derToPem(cert), keyPem: privateKeyPem(key) };
}

/** A parsed CA, ready to sign. */
export interface LoadedCa {
  cert: X509Certificate;
  key: KeyObject;
}

/** Parses a CA pair and checks that it is a CA and that the key belongs to the certificate. */
export function loadCa(ca: CertKeyPair): LoadedCa {
  const cert = new X509Certificate(ca.certPem);
  let key: KeyObject;
  try {
    key = loadPrivateKey(ca.keyPem);
  } catch (err) {
    throw new Error(`cannot parse the CA key: ${(err as Error).message}`, { cause: err });
  }
  if (!cert.ca) throw new Error('the CA certificate is not a CA (basicConstraints cA is false)');
  if (!cert.checkPrivateKey(key)) throw new Error('the CA key does not match the CA certificate');
  return { cert, key };
}
