// JSON exactly as Go's encoding/json (and go-jose's fork of it) writes it for the values we emit: strings quoted
// HTML-safe, numbers in Go's float format, map keys sorted by byte order. JSON.stringify differs on each point.
// Checked against Go's own output (corpus.test.ts).
import { goNumberV } from './number.js';

const needsEscape = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

function hex4(c: number): string {
  return '\\u' + c.toString(16).padStart(4, '0');
}

/**
 * A JSON string literal as encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 as \u00XX / \u20XX, control
 * characters other than \n \r \t as \u00XX (lowercase hex), and invalid UTF-16 as U+FFFD (Go strings are UTF-8).
 */
export function goQuoteJson(s: string): string {
  if (!needsEscape.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) out += hex4(c);
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += s[i]!;
  }
  return out + '"';
}

/** Go's strings.Compare: byte order of UTF-8, i.e. code point order (JS `<` compares UTF-16 units). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * A float64 as encoding/json writes it: like ES's Number#toString ('f' from 1e-6 up to 1e21, else 'e'), but the
 * exponent keeps no leading zero ("1e-7") and negative zero keeps its sign.
 */
export function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`json: unsupported value: ${n}`);
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/** Compact JSON as encoding/json writes a decoded value: map keys sorted; `undefined` members dropped (omitempty). */
export function goJson(value: unknown): string {
  return encode(value, goNumber);
}

/**
 * Compact JSON as go-jose's fork of encoding/json writes JWT claims and headers: the same, except that numbers are
 * written with strconv's 'g' format (integer claims such as exp are int64 and print plainly).
 */
export function goJoseJson(value: unknown): string {
  return encode(value, goNumberV);
}

function encode(value: unknown, num: (n: number) => string): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return goQuoteJson(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`);
      return num(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => encode(v, num)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort(compareStrings);
      return `{${keys.map((k) => `${goQuoteJson(k)}:${encode(obj[k], num)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
}

/** Compact JSON keeping the given member order (Go structs marshal in field order, not sorted). */
export function goJsonOrdered(members: ReadonlyArray<readonly [string, unknown]>): string {
  return `{${members.map(([k, v]) => `${goQuoteJson(k)}:${goJson(v)}`).join(',')}}`;
}
