// The error text of Go's tls.X509KeyPair, which kube-apiserver returns as a warning for kubernetes.io/tls
// secrets whose certificate and key do not belong together.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';

interface PemBlock {
  type: string;
  der: Buffer;
}

/** pem.Decode, repeatedly: every well-formed block in order. */
function pemBlocks(data: Buffer): PemBlock[] {
  const text = data.toString('latin1');
  const re = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  const out: PemBlock[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2]!
      .split(/\r?\n/)
      .filter((l) => !/^[A-Za-z-]+:/.test(l))
      .join('');
    out.push({ type: m[1]!, der: Buffer.from(body, 'base64') });
  }
  return out;
}

/** undefined when the pair is usable, else Go's error message. */
export function x509KeyPairError(certPEM: Buffer, keyPEM: Buffer): string | undefined {
  const certBlocks = pemBlocks(certPEM);
  const certs = certBlocks.filter((b) => b.type === 'CERTIFICATE');
  if (!certs.length) {
    const skipped = certBlocks.map((b) => b.type);
    if (!skipped.length) return 'tls: failed to find any PEM data in certificate input';
    if (skipped.length === 1 && skipped[0]!.endsWith('PRIVATE KEY'))
      return 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched';
    return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`;
  }
  const skipped: string[] = [];
  let keyBlock: PemBlock | undefined;
  for (const b of pemBlocks(keyPEM)) {
    if (b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY')) {
      keyBlock = b;
      break;
    }
    skipped.push(b.type);
  }
  if (!keyBlock) {
    if (!skipped.length) return 'tls: failed to find any PEM data in key input';
    if (skipped.length === 1 && skipped[0] === 'CERTIFICATE')
      return 'tls: found a certificate rather than a key in the PEM for the private key';
    return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`;
  }
  let certPub;
  try {
    certPub = new X509Certificate(certs[0]!.der).publicKey;
  } catch {
    return 'x509: malformed certificate';
  }
  // parsePrivateKey tries PKCS #1, PKCS #8 and SEC 1 whatever the block's type says.
  let priv;
  for (const type of ['pkcs1', 'pkcs8', 'sec1'] as const) {
    try {
      priv = createPrivateKey({ key: keyBlock.der, format: 'der', type });
      break;
    } catch {
      // next encoding
    }
  }
  if (!priv) return 'tls: failed to parse private key';
  const pub = createPublicKey(priv);
  if (pub.asymmetricKeyType !== certPub.asymmetricKeyType)
    return 'tls: private key type does not match public key type';
  const a = pub.export({ format: 'der', type: 'spki' });
  const b = certPub.export({ format: 'der', type: 'spki' });
  if (!a.equals(b)) return 'tls: private key does not match public key';
  return undefined;
}
