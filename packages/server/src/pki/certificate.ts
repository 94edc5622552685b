// Assembles and signs an X.509 v3 certificate (RFC 5280 4.1) from DER pieces.
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as der from './der.js';
import { ipToBytes } from './ip.js';
import { signatureScheme, spkiDer } from './keys.js';

export const oids = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** keyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KeyUsage = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

/**
 * A Name with one RDN per attribute, in the order given. Go's pkix.Name emits O before CN, which is
 * what kubeadm's certificates (and so `openssl x509 -subject`) show; callers pass that order.
 */
export function encodeName(attributes: Array<[oid: string, value: string]>): Buffer {
  return der.sequence(
    ...attributes.map(([type, value]) => der.setOf(der.sequence(der.oid(type), der.utf8String(value)))),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

export const extensions = {
  /** Critical, as Go and kubeadm write it; a leaf gets the empty SEQUENCE (cA defaults to FALSE). */
  basicConstraints: (ca: boolean): Buffer =>
    extension(oids.basicConstraints, true, ca ? der.sequence(der.boolean(true)) : der.sequence()),
  keyUsage: (bits: number[]): Buffer => extension(oids.keyUsage, true, der.namedBits(bits)),
  extKeyUsage: (purposes: string[]): Buffer =>
    extension(oids.extKeyUsage, false, der.sequence(...purposes.map((p) => der.oid(p)))),
  subjectKeyIdentifier: (id: Buffer): Buffer => extension(oids.subjectKeyIdentifier, false, der.octetString(id)),
  /** keyIdentifier is [0] IMPLICIT OCTET STRING. */
  authorityKeyIdentifier: (id: Buffer): Buffer =>
    extension(oids.authorityKeyIdentifier, false, der.sequence(der.tlv(0x80, id))),
  /** Each SAN that parses as an IP becomes an iPAddress [7], anything else a dNSName [2]. */
  subjectAltName: (sans: string[]): Buffer =>
    extension(
      oids.subjectAltName,
      false,
      der.sequence(
        ...sans.map((san) => {
          const ip = ipToBytes(san);
          if (ip) return der.tlv(0x87, ip);
          if (san.includes('%')) throw new Error(`invalid SAN ${JSON.stringify(san)}: IPv6 zone ids are not allowed`);
          return der.tlv(0x82, Buffer.from(san, 'ascii'));
        }),
      ),
    ),
};

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's bits — what Go and OpenSSL use. */
export function keyIdentifier(spki: Buffer): Buffer {
  const [, bits] = der.children(der.readNode(spki));
  return createHash('sha1').update(bits!.content.subarray(1)).digest();
}

/** A positive 128-bit serial (RFC 5280 allows up to 20 octets); the 0x40 bit keeps the encoding 16 bytes. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}

export interface CertificateTemplate {
  subject: Buffer;
  /** The issuer's subject exactly as encoded in its certificate, so chain building matches byte-for-byte. */
  issuer: Buffer;
  /** The certified key (private or public). */
  publicKey: KeyObject;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

/** Returns the signed certificate as DER. */
export function buildCertificate(t: CertificateTemplate): Buffer {
  const scheme = signatureScheme(t.signingKey);
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serialNumber()),
    scheme.algorithm,
    t.issuer,
    der.sequence(der.time(t.notBefore), der.time(t.notAfter)),
    t.subject,
    spkiDer(t.publicKey),
    der.explicit(3, der.sequence(...t.extensions)),
  );
  // node signs ECDSA with a DER (r, s) signature by default, which is X.509's encoding.
  const signature = sign(scheme.hash, tbs, t.signingKey);
  return der.sequence(tbs, scheme.algorithm, der.bitString(signature));
}

export function derToPem(bytes: Buffer, label = 'CERTIFICATE'): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
