// Minimal DER writer and reader: just what X.509 certificates need. Hand-rolled on purpose — loading
// @peculiar/x509 costs ~250 ms of startup (asn1js, tsyringe, a dozen schema packages), a third of the
// whole start-to-ready budget, while certificates are a handful of fixed structures.

/** A universal or context tag byte (low tag numbers only; certificates use nothing else). */
export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  numericString: 0x12,
  printableString: 0x13,
  t61String: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  universalString: 0x1c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const sequence = (...items: Uint8Array[]): Buffer => tlv(Tag.sequence, Buffer.concat(items));

/** SET OF: DER wants the elements sorted by their encodings. */
export const setOf = (...items: Buffer[]): Buffer => tlv(Tag.set, Buffer.concat([...items].sort(Buffer.compare)));

/** [n] EXPLICIT: a constructed context tag around a complete encoding. */
export const explicit = (n: number, inner: Uint8Array): Buffer => tlv(0xa0 | n, inner);

export const boolean = (v: boolean): Buffer => tlv(Tag.boolean, Buffer.from([v ? 0xff : 0x00]));

export const nullValue = (): Buffer => Buffer.from([Tag.null, 0]);

export const octetString = (v: Uint8Array): Buffer => tlv(Tag.octetString, v);

export const utf8String = (s: string): Buffer => tlv(Tag.utf8String, Buffer.from(s, 'utf8'));

export const ia5String = (s: string): Buffer => tlv(Tag.ia5String, Buffer.from(s, 'ascii'));

/** A non-negative INTEGER from big-endian magnitude bytes (minimal, with a 0 pad when the top bit is set). */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const body = Buffer.from(bytes.subarray(i));
  return tlv(Tag.integer, body[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}

export const smallInteger = (n: number): Buffer => unsignedInteger(Buffer.from([n]));

/** BIT STRING with a count of unused bits in the last byte. */
export const bitString = (bytes: Uint8Array, unusedBits = 0): Buffer =>
  tlv(Tag.bitString, Buffer.concat([Buffer.from([unusedBits]), bytes]));

/** A named-bit BIT STRING (e.g. keyUsage): DER drops trailing zero bits. */
export function namedBits(bits: number[]): Buffer {
  if (bits.length === 0) return bitString(Buffer.alloc(0));
  const bytes = Buffer.alloc((Math.max(...bits) >> 3) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const last = bytes[bytes.length - 1]!;
  let unused = 0;
  while (unused < 8 && !(last & (1 << unused))) unused++;
  return bitString(bytes, unused);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(Tag.oid, Buffer.from(out));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after; always UTC seconds with Z. */
export function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(Tag.utcTime, Buffer.from(digits.slice(2), 'ascii'));
  return tlv(Tag.generalizedTime, Buffer.from(digits, 'ascii'));
}

// ---- reader ----

/** One decoded TLV: `bytes` is the whole encoding, `content` its value. */
export interface Node {
  tag: number;
  bytes: Buffer;
  content: Buffer;
}

/** Reads the TLV at `offset`; throws on truncation or indefinite lengths (not DER). */
export function readNode(buf: Buffer, offset = 0): Node {
  if (offset + 2 > buf.length) throw new Error('DER: truncated');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers are not supported');
  let len = buf[offset + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length');
    if (offset + 2 + n > buf.length) throw new Error('DER: truncated');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
    head += n;
  }
  const end = offset + head + len;
  if (end > buf.length) throw new Error('DER: truncated');
  return { tag, bytes: buf.subarray(offset, end), content: buf.subarray(offset + head, end) };
}

/** The elements of a constructed value (SEQUENCE, SET, explicit tag). */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let off = 0; off < node.content.length;) {
    const child = readNode(node.content, off);
    out.push(child);
    off += child.bytes.length;
  }
  return out;
}

export function decodeOid(content: Buffer): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

/** Decodes the directory-string types Go's x509 accepts in names; undefined for anything else. */
export function decodeString(node: Node): string | undefined {
  const c = node.content;
  switch (node.tag) {
    case Tag.utf8String:
    case Tag.printableString:
    case Tag.ia5String:
    case Tag.numericString:
      return c.toString('utf8');
    case Tag.t61String:
      return c.toString('latin1');
    case Tag.bmpString: {
      const le = Buffer.from(c.subarray(0, c.length & ~1));
      le.swap16();
      return le.toString('utf16le');
    }
    case Tag.universalString: {
      let s = '';
      for (let i = 0; i + 3 < c.length; i += 4) s += String.fromCodePoint(c.readUInt32BE(i));
      return s;
    }
    default:
      return undefined;
  }
}
