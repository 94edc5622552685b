// base64url without padding, decoded the way Go's base64.RawURLEncoding does: no padding, no foreign
// characters. Node's own decoder silently skips bad characters, which would let garbage through.

const alphabet = /^[A-Za-z0-9_-]*$/;

export function b64urlEncode(data: Buffer | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64url');
}

/** Decodes a segment, or returns undefined when Go would reject it (bad character, impossible length). */
export function b64urlDecode(segment: string): Buffer | undefined {
  if (segment.length % 4 === 1 || !alphabet.test(segment)) return undefined;
  return Buffer.from(segment, 'base64url');
}

const values = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++)
  values['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i)] = i;

/**
 * Whether an already-validated segment is in canonical form (unused trailing bits zero). Go decodes
 * non-canonical segments too, and go-jose verifies over the re-encoded (canonical) bytes, so such a token
 * verifies exactly like its canonical twin.
 */
export function isCanonical(segment: string): boolean {
  const rem = segment.length % 4;
  if (rem === 0) return true;
  const last = values[segment.charCodeAt(segment.length - 1)]!;
  return rem === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}
