import { AccessReviewer, KubeConnection, type UserInfo } from '../index.js';

// Cached: allowed for 5 min, denied for 30 s (kube-rbac-proxy's values).
const access = new AccessReviewer({ connection: KubeConnection.fromEnvironment() });

/** Whether RBAC lets `user` (e.g. from a TokenReview) list pods in `namespace`. */
export async function canListPods(user: UserInfo, namespace: string): Promise<boolean> {
  const { allowed } = await access.check(user, {
    resourceAttributes: { verb: 'list', resource: 'pods', namespace },
  });
  return allowed;
}
