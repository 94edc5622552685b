// What is asked about: a request without its user (who-can), or with it (explain), as authorizer Attributes.
import type { UserInfo } from '../../api/types.js';
import type { Attributes } from '../authorizer.js';

export interface AccessQuery {
  verb: string;
  /** Resource requests. */
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** '' (or absent): cluster-wide. */
  namespace?: string;
  /** Non-resource requests (`/healthz`, `/metrics`): set instead of resource. */
  nonResourceURL?: string;
}

export function isResourceQuery(q: AccessQuery): boolean {
  return q.nonResourceURL === undefined;
}

export function toAttributes(user: UserInfo, q: AccessQuery): Attributes {
  const resource = isResourceQuery(q);
  return {
    user,
    verb: q.verb,
    isResourceRequest: resource,
    path: resource ? '' : q.nonResourceURL!,
    apiGroup: resource ? (q.apiGroup ?? '') : '',
    apiVersion: '',
    resource: resource ? (q.resource ?? '') : '',
    subresource: resource ? (q.subresource ?? '') : '',
    namespace: resource ? (q.namespace ?? '') : '',
    name: resource ? (q.name ?? '') : '',
  };
}

/** `pods/log` in group `apps` → `pods/log.apps`; core resources without a group suffix; URLs as they are. */
export function describeQuery(q: AccessQuery): string {
  if (!isResourceQuery(q)) return `${q.verb} ${q.nonResourceURL}`;
  const res = q.subresource ? `${q.resource}/${q.subresource}` : (q.resource ?? '');
  const g = q.apiGroup ? `.${q.apiGroup}` : '';
  return `${q.verb} ${res}${g}${q.name ? ` ${q.name}` : ''}`;
}

/**
 * A user as an authenticator would produce it: service accounts get their groups
 * (`system:serviceaccounts`, `system:serviceaccounts:<ns>`), everyone authenticated `system:authenticated`.
 */
export function impliedUser(
  username: string,
  groups: readonly string[] = [],
  opts: { authenticated?: boolean } = {},
): UserInfo {
  const g = [...groups];
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  if (m) {
    for (const x of ['system:serviceaccounts', `system:serviceaccounts:${m[1]}`]) if (!g.includes(x)) g.push(x);
  }
  const authenticated = opts.authenticated ?? username !== 'system:anonymous';
  if (authenticated && !g.includes('system:authenticated')) g.push('system:authenticated');
  return { username, uid: '', groups: g, extra: {} };
}
