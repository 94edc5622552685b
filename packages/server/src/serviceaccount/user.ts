// The identity a valid service-account token stands for (k8s.io/apiserver serviceaccount.ServiceAccountInfo)
// and the user.Info it becomes. `system:authenticated` is not added here: the authentication chain does.
import type { UserInfo } from '../api/types.js';

export function makeUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUID?: string;
  nodeName?: string;
  nodeUID?: string;
  /** `JTI=<jti>` for bound tokens that carry a jti. */
  credentialId?: string;
}

export const extraKeys = {
  podName: 'authentication.kubernetes.io/pod-name',
  podUID: 'authentication.kubernetes.io/pod-uid',
  nodeName: 'authentication.kubernetes.io/node-name',
  nodeUID: 'authentication.kubernetes.io/node-uid',
  credentialId: 'authentication.kubernetes.io/credential-id',
} as const;

export function groupsFor(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

export function userInfoFor(sa: ServiceAccountInfo): UserInfo {
  // Key order as in Go's UserInfo struct (username, uid, groups, extra): callers may serialize it as is.
  const user: UserInfo = sa.uid
    ? { username: makeUsername(sa.namespace, sa.name), uid: sa.uid, groups: groupsFor(sa.namespace) }
    : { username: makeUsername(sa.namespace, sa.name), groups: groupsFor(sa.namespace) };
  // Inserted in sorted key order, which is how Go serializes the map.
  const extra: Record<string, string[]> = {};
  if (sa.credentialId) extra[extraKeys.credentialId] = [sa.credentialId];
  if (sa.nodeName) {
    extra[extraKeys.nodeName] = [sa.nodeName];
    // The node UID is only meaningful next to a node name.
    if (sa.nodeUID) extra[extraKeys.nodeUID] = [sa.nodeUID];
  }
  if (sa.podName && sa.podUID) {
    extra[extraKeys.podName] = [sa.podName];
    extra[extraKeys.podUID] = [sa.podUID];
  }
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}
