// kubeauth's additions to the bootstrap policy: a ClusterRole for the rbac.kubeauth.dev reviews, bound to no one
// (like system:auth-delegator for SubjectAccessReview: who-can answers reveal the policy, so access is granted
// explicitly), and one for the web inspector.
import type { KObject } from '../../api/types.js';
import { bootstrapAnnotation, bootstrapLabel } from '../rbac/bootstrap.js';
import { rbacApiVersion } from '../rbac/types.js';

export const explainerRoleName = 'kubeauth:rbac-explainer';
/**
 * The web inspector (`kubeauth serve --ui`): its page and its API under /ui/. Read-only, bound to no one: its
 * answers reveal the whole RBAC policy, recent decisions and what a pasted token is.
 */
export const uiViewerRoleName = 'kubeauth:ui-viewer';

export function kubeauthBootstrapPolicy(): KObject[] {
  return [
    {
      apiVersion: rbacApiVersion,
      kind: 'ClusterRole',
      metadata: { name: explainerRoleName, labels: { ...bootstrapLabel }, annotations: { ...bootstrapAnnotation } },
      rules: [
        {
          verbs: ['create'],
          apiGroups: ['rbac.kubeauth.dev'],
          resources: ['accessexplanations', 'subjectsaccessreviews'],
        },
      ],
    },
    {
      apiVersion: rbacApiVersion,
      kind: 'ClusterRole',
      metadata: { name: uiViewerRoleName, labels: { ...bootstrapLabel }, annotations: { ...bootstrapAnnotation } },
      // get: the page and the GET answers (trace, info); post: the queries, which carry their question as a body.
      rules: [{ verbs: ['get', 'post'], nonResourceURLs: ['/ui', '/ui/*'] }],
    },
  ];
}
