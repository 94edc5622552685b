// Reads the few certificate fields node:crypto's X509Certificate does not expose (raw subject bytes,
// key identifier, SANs as bytes, subject attributes in order) straight from the DER.
import * as der from './der.js';
import { oids } from './certificate.js';

export interface CertificateFields {
  /** The subject Name's full encoding (to use as the issuer of certificates this one signs). */
  subjectRaw: Buffer;
  /** Subject attributes in encoding order, e.g. [['2.5.4.10', 'system:masters'], ['2.5.4.3', 'admin']]. */
  subject: Array<[oid: string, value: string]>;
  subjectKeyIdentifier?: Buffer;
  dnsNames: string[];
  /** iPAddress SANs as 4 or 16 raw bytes. */
  ipAddresses: Buffer[];
}

/** Subject attributes (OID, string value) in order; values of non-string types are skipped. */
export function nameAttributes(name: der.Node): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const rdn of der.children(name)) {
    for (const atv of der.children(rdn)) {
      const [type, value] = der.children(atv);
      if (!type || !value || type.tag !== der.Tag.oid) continue;
      const text = der.decodeString(value);
      if (text !== undefined) out.push([der.decodeOid(type.content), text]);
    }
  }
  return out;
}

/** The subject Name node of a DER certificate. */
export function subjectNode(cert: Buffer): der.Node {
  return tbsFields(cert).subject;
}

function tbsFields(cert: Buffer): { subject: der.Node; extensions?: der.Node } {
  const [tbs] = der.children(der.readNode(cert));
  if (!tbs) throw new Error('certificate: missing tbsCertificate');
  const fields = der.children(tbs);
  // version [0] is optional (absent means v1); subject is then the 5th field after it.
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[at + 4];
  if (!subject) throw new Error('certificate: missing subject');
  return { subject, extensions: fields.find((f) => f.tag === 0xa3) };
}

export function inspectCertificate(cert: Buffer): CertificateFields {
  const { subject, extensions } = tbsFields(cert);
  const fields: CertificateFields = {
    subjectRaw: subject.bytes,
    subject: nameAttributes(subject),
    dnsNames: [],
    ipAddresses: [],
  };
  const list = extensions ? der.children(extensions)[0] : undefined;
  for (const ext of list ? der.children(list) : []) {
    const parts = der.children(ext);
    const id = der.decodeOid(parts[0]!.content);
    // extnValue is an OCTET STRING wrapping the extension's own DER; only the two we need are opened.
    const value = () => der.readNode(parts[parts.length - 1]!.content);
    if (id === oids.subjectKeyIdentifier) fields.subjectKeyIdentifier = value().content;
    else if (id === oids.subjectAltName) {
      for (const name of der.children(value())) {
        if (name.tag === 0x82) fields.dnsNames.push(name.content.toString('ascii'));
        else if (name.tag === 0x87) fields.ipAddresses.push(name.content);
      }
    }
  }
  return fields;
}
