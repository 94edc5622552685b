// authorization.k8s.io/v1 access reviews as of Kubernetes 1.33. Notation: see ../dsl.ts.
import type { PackageDef } from '../dsl.js';

export const authz: PackageDef = {
  prefix: 'io.k8s.api.authorization.v1',
  go: 'v1',
  group: 'authorization.k8s.io',
  version: 'v1',
  kinds: ['SubjectAccessReview', 'SelfSubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'],
  docs: {
    SubjectAccessReview: 'Asks whether a user or group may perform an action.',
    SelfSubjectAccessReview: 'Asks whether the caller may perform an action.',
    LocalSubjectAccessReview: 'A SubjectAccessReview limited to one namespace.',
    SelfSubjectRulesReview: 'Lists the actions the caller may perform in a namespace.',
  },
  aliases: {
    ExtraValue: '[]s',
  },
  types: {
    FieldSelectorAttributes: {
      rawSelector: 's',
      requirements: '[]meta.FieldSelectorRequirement lt=atomic',
    },
    LabelSelectorAttributes: {
      rawSelector: 's',
      requirements: '[]meta.LabelSelectorRequirement lt=atomic',
    },
    LocalSubjectAccessReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'SubjectAccessReviewSpec req',
      status: 'SubjectAccessReviewStatus',
    },
    NonResourceAttributes: {
      path: 's',
      verb: 's',
    },
    NonResourceRule: {
      verbs: '[]s req lt=atomic',
      nonResourceURLs: '[]s lt=atomic',
    },
    ResourceAttributes: {
      namespace: 's',
      verb: 's',
      group: 's',
      version: 's',
      resource: 's',
      subresource: 's',
      name: 's',
      fieldSelector: 'FieldSelectorAttributes',
      labelSelector: 'LabelSelectorAttributes',
    },
    ResourceRule: {
      verbs: '[]s req lt=atomic',
      apiGroups: '[]s lt=atomic',
      resources: '[]s lt=atomic',
      resourceNames: '[]s lt=atomic',
    },
    SelfSubjectAccessReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'SelfSubjectAccessReviewSpec req',
      status: 'SubjectAccessReviewStatus',
    },
    SelfSubjectAccessReviewSpec: {
      resourceAttributes: 'ResourceAttributes',
      nonResourceAttributes: 'NonResourceAttributes',
    },
    SelfSubjectRulesReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'SelfSubjectRulesReviewSpec req',
      status: 'SubjectRulesReviewStatus',
    },
    SelfSubjectRulesReviewSpec: {
      namespace: 's',
    },
    SubjectAccessReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'SubjectAccessReviewSpec req',
      status: 'SubjectAccessReviewStatus',
    },
    SubjectAccessReviewSpec: {
      resourceAttributes: 'ResourceAttributes',
      nonResourceAttributes: 'NonResourceAttributes',
      user: 's',
      groups: '[]s lt=atomic',
      extra: '{}ExtraValue',
      uid: 's',
    },
    SubjectAccessReviewStatus: {
      allowed: 'b req',
      denied: 'b',
      reason: 's',
      evaluationError: 's',
    },
    SubjectRulesReviewStatus: {
      resourceRules: '[]ResourceRule req lt=atomic',
      nonResourceRules: '[]NonResourceRule req lt=atomic',
      incomplete: 'b req',
      evaluationError: 's',
    },
  },
};
