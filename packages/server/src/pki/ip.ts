// IP address <-> the 4/16 bytes an X.509 iPAddress SAN holds. Comparing bytes (not strings) makes
// "::1", "0:0:0:0:0:0:0:1" and "::0001" the same SAN.
//
// Parsed by hand rather than with node's isIP: its IPv6 regular expression costs 5–9 ms to compile on first use,
// and every start checks the serving certificate's SANs. The accepted forms are exactly isIP's (a differential
// test in der.test.ts holds them together), zone ids aside.

/** A decimal octet as isIPv4 accepts it: 0–255, no leading zero. */
function octet(text: string, start: number, end: number): number {
  const n = end - start;
  if (n < 1 || n > 3 || (n > 1 && text.charCodeAt(start) === 48)) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= 255 ? v : -1;
}

/** The four bytes of a dotted-quad IPv4 address text[start, end), or undefined. */
function ipv4(text: string, start: number, end: number): number[] | undefined {
  const out: number[] = [];
  let from = start;
  for (let k = 0; k < 4; k++) {
    let to = text.indexOf('.', from);
    if (k === 3) to = to === -1 || to >= end ? end : -1;
    if (to === -1 || to > end) return undefined;
    const v = octet(text, from, to);
    if (v < 0) return undefined;
    out.push(v);
    from = to + 1;
  }
  return out;
}

/** The 16-bit words of the groups in text[start, end) ("a:b:c", maybe ending in a dotted quad), or undefined. */
function groups(text: string, start: number, end: number, last: boolean): number[] | undefined {
  const words: number[] = [];
  if (start === end) return words;
  let from = start;
  for (;;) {
    let to = text.indexOf(':', from);
    if (to === -1 || to > end) to = end;
    if (to === from) return undefined; // an empty group: ":" at an edge or ":::"
    let v = 0;
    let hex = true;
    for (let i = from; i < to && hex; i++) {
      const c = text.charCodeAt(i) | 0x20;
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) hex = false;
      else v = v * 16 + d;
    }
    if (hex && to - from <= 4) words.push(v);
    else if (last && to === end) {
      // Only the address's last group may be an embedded IPv4 address (two words).
      const b = ipv4(text, from, to);
      if (!b) return undefined;
      words.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
    } else return undefined;
    if (to === end) return words;
    from = to + 1;
  }
}

/** The eight words of an IPv6 address, or undefined. */
function ipv6(text: string): number[] | undefined {
  const gap = text.indexOf('::');
  if (gap === -1) {
    const words = groups(text, 0, text.length, true);
    return words?.length === 8 ? words : undefined;
  }
  if (text.indexOf('::', gap + 1) !== -1) return undefined;
  const head = groups(text, 0, gap, false);
  const tail = groups(text, gap + 2, text.length, true);
  if (!head || !tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** The address bytes of a SAN, which may be an IPv6 literal in brackets; see ipBytes. */
export function ipToBytes(text: string): Buffer | undefined {
  return ipBytes(text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text);
}

/**
 * The address bytes (4 or 16), or undefined when `ip` is not an IPv4 or IPv6 literal as net.ParseIP reads them: no
 * brackets, no zone id, IPv4 octets without leading zeros.
 */
export function ipBytes(ip: string): Buffer | undefined {
  if (!ip.includes(':')) {
    const b = ipv4(ip, 0, ip.length);
    return b ? Buffer.from(b) : undefined;
  }
  const words = ipv6(ip);
  if (!words) return undefined;
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** Text form of SAN address bytes: dotted IPv4, compressed lower-case IPv6. */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return Buffer.from(bytes).toString('hex');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run (length >= 2) of zero words, as RFC 5952 says.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}
