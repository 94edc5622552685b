// rbac.kubeauth.dev/v1alpha1: kubeauth's own create-only reviews over the RBAC policy (who can, explain).
// Request attributes are those of authorization.k8s.io SubjectAccessReview, so clients reuse what they send there.
import type { PackageDef } from '../dsl.js';

export const rbacExplain: PackageDef = {
  prefix: 'dev.kubeauth.rbac.v1alpha1',
  go: 'v1alpha1',
  group: 'rbac.kubeauth.dev',
  version: 'v1alpha1',
  kinds: ['SubjectsAccessReview', 'AccessExplanation'],
  docs: {
    SubjectsAccessReview:
      'Asks which users, groups and service accounts may perform an action, and through which bindings.',
    AccessExplanation: 'Asks why a user may or may not perform an action: the allowing rules, or the nearest misses.',
  },
  types: {
    SubjectsAccessReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'SubjectsAccessReviewSpec req',
      status: 'SubjectsAccessReviewStatus',
    },
    SubjectsAccessReviewSpec: {
      resourceAttributes: 'authz.ResourceAttributes',
      nonResourceAttributes: 'authz.NonResourceAttributes',
      allNamespaces: 'b',
    },
    SubjectsAccessReviewStatus: {
      privileged: '[]rbac.Subject lt=atomic',
      subjects: '[]SubjectGrant lt=atomic',
      unresolved: '[]UnresolvedBinding lt=atomic',
    },
    SubjectGrant: {
      subject: 'rbac.Subject',
      implies: 's',
      binding: 'PolicyObjectReference',
      role: 'PolicyObjectReference',
      ruleIndex: 'i32',
      scope: 's',
    },
    PolicyObjectReference: { kind: 's', name: 's', namespace: 's' },
    UnresolvedBinding: {
      binding: 'PolicyObjectReference',
      role: 'PolicyObjectReference',
      subject: 'rbac.Subject',
      error: 's',
    },
    AccessExplanation: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'AccessExplanationSpec req',
      status: 'AccessExplanationStatus',
    },
    AccessExplanationSpec: {
      resourceAttributes: 'authz.ResourceAttributes',
      nonResourceAttributes: 'authz.NonResourceAttributes',
      user: 's',
      groups: '[]s lt=atomic',
    },
    AccessExplanationStatus: {
      allowed: 'b req',
      privileged: 'b',
      reason: 's',
      allowedBy: '[]RuleReference lt=atomic',
      nearMisses: '[]RuleReference lt=atomic',
      unresolved: '[]UnresolvedBinding lt=atomic',
    },
    RuleReference: {
      binding: 'PolicyObjectReference',
      role: 'PolicyObjectReference',
      ruleIndex: 'i32',
      rule: 'rbac.PolicyRule',
      subject: 'rbac.Subject',
      mismatch: 's',
    },
  },
};
