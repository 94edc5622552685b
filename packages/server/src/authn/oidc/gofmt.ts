// Go renderings that show up in kube-apiserver's OIDC error strings: time.Time's String(), encoding/json's
// type-mismatch errors, os file errors and net/url parse errors.
import { goQuote } from '../../api/field.js';

/** Go's JSON kind names as encoding/json reports them in UnmarshalTypeError. */
export function goJsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : 'object';
}

/** `json: cannot unmarshal <kind> into Go value of type <type>`. */
export function goUnmarshalError(v: unknown, goType: string): string {
  return `json: cannot unmarshal ${goJsonKind(v)} into Go value of type ${goType}`;
}

/** json.Unmarshal into a Go string: null leaves "" (no error); anything else but a string fails. */
export function asGoString(v: unknown): { value: string } | { error: string } {
  if (v === null) return { value: '' };
  if (typeof v === 'string') return { value: v };
  return { error: goUnmarshalError(v, 'string') };
}

/** json.Unmarshal into a Go bool: null leaves false. */
export function asGoBool(v: unknown): { value: boolean } | { error: string } {
  if (v === null) return { value: false };
  if (typeof v === 'boolean') return { value: v };
  return { error: goUnmarshalError(v, 'bool') };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * time.Time.String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC` (fraction trimmed, omitted when
 * zero). kube-apiserver prints local time; its containers run in UTC, so do we.
 */
export function goTimeString(ms: number, monotonic = false): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '0001-01-01 00:00:00 +0000 UTC';
  const y = d.getUTCFullYear();
  let s = `${pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
  const frac = d.getUTCMilliseconds();
  if (frac) s += '.' + pad(frac, 3).replace(/0+$/, '');
  s += ' +0000 UTC';
  // time.Now() carries a monotonic reading that String() appends (`m=+12.345678901`).
  if (monotonic) s += ` m=+${process.uptime().toFixed(9)}`;
  return s;
}

/** The zero time.Time (a token without `exp` is "expired" at it). */
export const goZeroTime = '0001-01-01 00:00:00 +0000 UTC';

/** os.ReadFile's error text for the common errno values. */
export function goFileError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
  };
  if (code === 'EISDIR') return `read ${path}: is a directory`;
  if (code && why[code]) return `open ${path}: ${why[code]}`;
  return `open ${path}: ${(err as Error)?.message ?? String(err)}`;
}

export interface GoUrl {
  scheme: string;
  hasUser: boolean;
  rawQuery: string;
  fragment: string;
}

/**
 * The parts of Go's url.Parse that kube's issuer validation looks at, and its common parse errors
 * (`parse "<url>": <why>`). Go is lenient: a string without a scheme parses (scheme "").
 */
export function goUrlParse(raw: string): GoUrl | { error: string } {
  const fail = (why: string) => ({ error: `parse ${goQuote(raw)}: ${why}` });
  if (/[\x00-\x1f\x7f]/.test(raw)) return fail('net/url: invalid control character in URL');
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const bad = /%(?![0-9A-Fa-f]{2})(.{0,2})/.exec(rest);
  if (bad) return fail(`invalid URL escape ${goQuote('%' + bad[1])}`);
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith(':')) return fail('missing protocol scheme');
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let hasUser = false;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    const at = authority.lastIndexOf('@');
    hasUser = at >= 0;
    const host = at >= 0 ? authority.slice(at + 1) : authority;
    if (host.startsWith('[')) {
      const close = host.indexOf(']');
      if (close < 0) return fail("missing ']' in host");
      const port = host.slice(close + 1);
      if (port && !/^:\d*$/.test(port)) return fail(`invalid port ${goQuote(port)} after host`);
    } else {
      const colon = host.lastIndexOf(':');
      if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1)))
        return fail(`invalid port ${goQuote(host.slice(colon))} after host`);
    }
  }
  return { scheme, hasUser, rawQuery, fragment };
}
