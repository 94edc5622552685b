// Go renderings that show up in kube-apiserver's OIDC error strings and nowhere else: os file errors and
// net/url parse errors (the general ones — %q, JSON, time — are in gocompat/).
import { goQuote } from '../../gocompat/quote.js';

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
