// Impersonation headers (kubectl --as, --as-group, --as-uid), checked with the authorizer exactly like
// k8s.io/apiserver/pkg/endpoints/filters/impersonation.go: one `impersonate` check per requested value.
import type { StatusError } from '../api/errors.js';
import { setKey } from '../api/ownkeys.js';
import type { UserInfo } from '../api/types.js';
import type { Attributes, AuthorizerResult } from '../authz/authorizer.js';

type Headers = Record<string, string | string[] | undefined>;

function all(h: Headers, name: string): string[] {
  const v = h[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',').map((s) => s.trim()));
}

const saPrefix = 'system:serviceaccount:';

/**
 * Impersonation headers that name no user. kube-apiserver 1.33's filter answers this with
 * responsewriters.InternalError (filters/impersonation.go): a plain-text 500, not a Status; releases from 1.35 on
 * answer a 400 Status instead. The server writes it (see `internalErrorText`).
 */
export class ImpersonationHeadersError extends Error {}

export interface ImpersonationDeps {
  authorize(a: Attributes): AuthorizerResult;
  forbidden(a: Attributes, reason: string): StatusError;
}

/** Returns the impersonated user, or undefined when the request impersonates no one. */
export function impersonate(headers: Headers, requester: UserInfo, deps: ImpersonationDeps): UserInfo | undefined {
  const userHeader = headers['impersonate-user'];
  const username = Array.isArray(userHeader) ? userHeader[0] : userHeader;
  const groups = all(headers, 'impersonate-group');
  const uidHeader = headers['impersonate-uid'];
  const uid = Array.isArray(uidHeader) ? uidHeader[0] : uidHeader;
  const extra: Record<string, string[]> = {};
  for (const k in headers) {
    // for…in over the parsed headers: no entries array per request (most requests impersonate nothing).
    if (!k.startsWith('impersonate-extra-')) continue;
    const v = headers[k];
    if (v === undefined) continue;
    // Node has lowercased the header name; the escapes are decoded after that, as kube does.
    const key = unescapeExtraKey(k.slice('impersonate-extra-'.length));
    setKey(
      extra,
      key,
      (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',').map((s) => s.trim())),
    );
  }
  if (username === undefined) {
    if (groups.length || uid !== undefined || Object.keys(extra).length)
      throw new ImpersonationHeadersError(`requested ${describe(groups, extra, uid)} without impersonating a user`);
    return undefined;
  }
  const check = (a: Partial<Attributes>) => {
    const attrs: Attributes = {
      user: requester,
      verb: 'impersonate',
      isResourceRequest: true,
      path: '',
      apiGroup: '',
      apiVersion: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
      ...a,
    };
    const d = deps.authorize(attrs);
    if (d.decision !== 'Allow') throw deps.forbidden(attrs, d.reason);
  };
  let outGroups = [...groups];
  if (username.startsWith(saPrefix) && username.split(':').length === 4) {
    const [, , ns, name] = username.split(':') as [string, string, string, string];
    check({ resource: 'serviceaccounts', namespace: ns, name });
    if (groups.length === 0) outGroups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`];
  } else {
    check({ resource: 'users', name: username });
  }
  for (const g of groups) check({ resource: 'groups', name: g });
  for (const [k, vs] of Object.entries(extra))
    for (const v of vs) check({ apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: k, name: v });
  if (uid !== undefined) check({ apiGroup: 'authentication.k8s.io', resource: 'uids', name: uid });

  if (username === 'system:anonymous') {
    if (!outGroups.includes('system:unauthenticated')) outGroups.push('system:unauthenticated');
  } else if (!outGroups.includes('system:authenticated')) {
    outGroups.push('system:authenticated');
  }
  const u: UserInfo = { username, groups: outGroups };
  if (uid !== undefined) u.uid = uid;
  if (Object.keys(extra).length) u.extra = extra;
  return u;
}

/**
 * kube's unescapeExtraKey (filters/impersonation.go): url.PathUnescape, and on a malformed escape the key as
 * sent — an extra key is always recorded, a bad escape is never an error. Go keeps undecodable bytes; a JS
 * string cannot, so bytes that are not UTF-8 become U+FFFD (what Go's JSON encoder shows for them too).
 */
export function unescapeExtraKey(encoded: string): string {
  if (!encoded.includes('%')) return encoded;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length;) {
    const c = encoded.charCodeAt(i);
    if (c === 37 /* % */) {
      const hi = hexValue(encoded.charCodeAt(i + 1));
      const lo = hexValue(encoded.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return encoded;
      bytes.push(hi * 16 + lo);
      i += 3;
      continue;
    }
    // Header names are ASCII tokens; anything else is kept as its UTF-8 bytes all the same.
    if (c < 0x80) bytes.push(c);
    else for (const b of Buffer.from(encoded[i]!, 'utf8')) bytes.push(b);
    i++;
  }
  return Buffer.from(bytes).toString('utf8');
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Go's %v of the []ObjectReference kube-apiserver builds for the request (Kind, Namespace, Name, UID...). */
function describe(groups: string[], extra: Record<string, string[]>, uid: string | undefined): string {
  const ref = (kind: string, name: string, apiVersion = '', fieldPath = '') =>
    `{${kind}  ${name}  ${apiVersion}  ${fieldPath}}`;
  const parts = [
    ...groups.map((g) => ref('Group', g)),
    ...Object.entries(extra).flatMap(([k, vs]) => vs.map((v) => ref('UserExtra', v, 'authentication.k8s.io/v1', k))),
    ...(uid !== undefined ? [ref('UID', uid, 'authentication.k8s.io/v1')] : []),
  ];
  return `[${parts.join(' ')}]`;
}
