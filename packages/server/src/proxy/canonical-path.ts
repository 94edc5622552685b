// The one reading of a request target that the proxy decides on and forwards: --ignore-paths / --allow-paths match
// its path, the SubjectAccessReview checks it, and the upstream receives it, so the decision and the upstream never
// see different paths.
//
// kube-rbac-proxy decides on Go's URL.Path (percent-decoded, `%2F` a `/` like any other) and its ServeMux answers
// literal `.`/`..` segments and `//` with a 301 to the cleaned path; encoded ones (`%2e%2e`, `..%2f`) reach its
// authorizer decoded, and the upstream gets the raw bytes, to resolve as it likes. Here the path is decoded once,
// then cleaned as Go's ServeMux cleans (net/http cleanPath: `.` and `..` resolved, `..` stops at the root, repeated
// `/` merged, a trailing `/` kept), and that cleaned path, re-encoded one fixed way, is what goes upstream.
// Whatever cannot be read one way only is refused (400): `#` (no fragment in a request-target, RFC 9112 §3.2),
// a `%` not followed by two hex digits (Go's url.ParseRequestURI fails on it), control characters, decoded or not
// (`%00`), bytes that are not UTF-8 once decoded (a SubjectAccessReview's path is a JSON string), and `\` raw or
// as `%5C` (some servers take it for `/`).
import { isUtf8 } from 'node:buffer';

/** The target cannot be read one way only; the client gets Go's `400 Bad Request`. */
export class BadRequestTarget extends Error {
  override name = 'BadRequestTarget';
}

export interface CanonicalTarget {
  /** The decoded, cleaned path: what path globs match and the SubjectAccessReview checks. */
  readonly path: string;
  /** `path` percent-encoded one fixed way; decoding it gives `path` back. */
  readonly escapedPath: string;
  /** The query after the first `?`, exactly as sent (undefined: no `?`). */
  readonly query: string | undefined;
  /** The origin-form target sent upstream: `escapedPath`, then `?` and the query if there was one. */
  readonly target: string;
}

// A path already canonical: `/`-separated segments of characters that stay unencoded, none empty, `.` or `..`
// (then a trailing `/` may follow). Most request paths are; they need no decoding or cleaning.
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,;=:@]+)*\/?$/;
// Characters a query may hold as sent: visible ASCII but `#`.
const QUERY = /^[\x21\x22\x24-\x7e]*$/;
// What may stay unencoded in a path segment: RFC 3986 pchar minus pct-encoded (unreserved, sub-delims, ':', '@').
const KEEP = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@") {
  KEEP[c.charCodeAt(0)] = 1;
}
const HEX_DIGITS = '0123456789ABCDEF';
// absolute-form (RFC 9112 §3.2.2): the scheme and authority are dropped; the Host field is what is forwarded.
const ABSOLUTE_FORM = /^https?:\/\/[^/?#\x00-\x20\x7f-\uffff]*/i;

/** Reads a request target (origin- or absolute-form); throws BadRequestTarget when it has no one reading. */
export function canonicalTarget(raw: string): CanonicalTarget {
  let rest = raw;
  if (rest.charCodeAt(0) !== 47 /* / */) {
    const absolute = ABSOLUTE_FORM.exec(rest);
    // asterisk-form (`OPTIONS *`) and authority-form (CONNECT) name no resource here.
    if (absolute === null) throw new BadRequestTarget('the request target is not a path');
    rest = rest.slice(absolute[0].length);
    if (rest === '' || rest.charCodeAt(0) === 63 /* ? */) rest = '/' + rest;
    else if (rest.charCodeAt(0) !== 47) throw new BadRequestTarget('invalid character in the authority');
  }
  const q = rest.indexOf('?');
  const rawPath = q === -1 ? rest : rest.slice(0, q);
  const query = q === -1 ? undefined : rest.slice(q + 1);
  if (query !== undefined && !QUERY.test(query)) throw new BadRequestTarget('invalid character in the query');
  if (PLAIN_PATH.test(rawPath)) {
    return { path: rawPath, escapedPath: rawPath, query, target: q === -1 ? rawPath : `${rawPath}?${query}` };
  }
  const path = cleanPath(decodePath(rawPath));
  const escapedPath = escapePath(path);
  return { path, escapedPath, query, target: query === undefined ? escapedPath : `${escapedPath}?${query}` };
}

/** The path with every %XX decoded once; refuses what it cannot decode to one unambiguous string. */
function decodePath(raw: string): string {
  const bytes: number[] = [];
  let escaped = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 35 /* # */ || c === 92 /* \ */) {
      throw new BadRequestTarget(`invalid character ${JSON.stringify(raw[i])} in the path`);
    }
    if (c === 37 /* % */) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      // Go's message for the same (url.EscapeError).
      if (hi < 0 || lo < 0) throw new BadRequestTarget(`invalid URL escape ${JSON.stringify(raw.slice(i, i + 3))}`);
      const b = hi * 16 + lo;
      if (b < 0x20 || b === 0x7f || b === 92) {
        throw new BadRequestTarget(`invalid character %${raw.slice(i + 1, i + 3)} in the path`);
      }
      bytes.push(b);
      escaped = true;
      i += 2;
    } else bytes.push(c);
  }
  if (!escaped) return raw;
  const buffer = Buffer.from(bytes);
  if (!isUtf8(buffer)) throw new BadRequestTarget('the decoded path is not UTF-8');
  return buffer.toString('utf8');
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1; // NaN (past the end) lands here too
}

/** Go's ServeMux cleanPath: path.Clean, with a trailing `/` kept. `p` starts with `/`. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const clean = '/' + out.join('/');
  return clean !== '/' && p.endsWith('/') ? clean + '/' : clean;
}

/** Percent-encodes (UTF-8, upper-case hex) every character of a clean path but `/` and those in KEEP. */
function escapePath(path: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 47 || (c < 128 && KEEP[c] === 1)) continue;
    if (from < i) out += path.slice(from, i);
    // A whole code point (a surrogate pair is one): the decoded path is valid UTF-8, so it has no lone surrogate.
    const cp = path.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    for (const b of Buffer.from(char, 'utf8')) out += '%' + HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
    i += char.length - 1;
    from = i + 1;
  }
  return from === 0 ? path : out + path.slice(from);
}
