// kubeauth's addition to the bootstrap policy: a ClusterRole for the rbac.kubeauth.dev reviews, bound to no one
// (like system:auth-delegator for SubjectAccessReview: who-can answers reveal the policy, so access is granted
// explicitly).
import type { KObject } from '../../api/types.js';
import { bootstrapAnnotation, bootstrapLabel } from '../rbac/bootstrap.js';
import { rbacApiVersion } from '../rbac/types.js';

export const explainerRoleName = 'kubeauth:rbac-explainer';

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
  ];
}
