// IP address <-> the 4/16 bytes an X.509 iPAddress SAN holds. Comparing bytes (not strings) makes
// "::1", "0:0:0:0:0:0:0:1" and "::0001" the same SAN.
import { isIP } from 'node:net';

/** The address bytes, or undefined when `text` is not an IPv4/IPv6 literal (zone ids are rejected). */
export function ipToBytes(text: string): Buffer | undefined {
  const ip = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const kind = isIP(ip);
  if (kind === 4) return Buffer.from(ip.split('.').map(Number));
  if (kind !== 6 || ip.includes('%')) return undefined;
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        });
  const gap = ip.indexOf('::');
  let words: number[];
  if (gap < 0) words = groups(ip);
  else {
    const head = groups(ip.slice(0, gap));
    const tail = groups(ip.slice(gap + 2));
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
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
