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
      rawSelector: 's pb=1',
      requirements: '[]meta.FieldSelectorRequirement lt=atomic pb=2',
    },
    LabelSelectorAttributes: {
      rawSelector: 's pb=1',
      requirements: '[]meta.LabelSelectorRequirement lt=atomic pb=2',
    },
    LocalSubjectAccessReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      spec: 'SubjectAccessReviewSpec req pb=2',
      status: 'SubjectAccessReviewStatus pb=3',
    },
    NonResourceAttributes: {
      path: 's pb=1',
      verb: 's pb=2',
    },
    NonResourceRule: {
      verbs: '[]s req lt=atomic pb=1',
      nonResourceURLs: '[]s lt=atomic pb=2',
    },
    ResourceAttributes: {
      namespace: 's pb=1',
      verb: 's pb=2',
      group: 's pb=3',
      version: 's pb=4',
      resource: 's pb=5',
      subresource: 's pb=6',
      name: 's pb=7',
      fieldSelector: 'FieldSelectorAttributes pb=8 ptr',
      labelSelector: 'LabelSelectorAttributes pb=9 ptr',
    },
    ResourceRule: {
      verbs: '[]s req lt=atomic pb=1',
      apiGroups: '[]s lt=atomic pb=2',
      resources: '[]s lt=atomic pb=3',
      resourceNames: '[]s lt=atomic pb=4',
    },
    SelfSubjectAccessReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      spec: 'SelfSubjectAccessReviewSpec req pb=2',
      status: 'SubjectAccessReviewStatus pb=3',
    },
    SelfSubjectAccessReviewSpec: {
      resourceAttributes: 'ResourceAttributes pb=1 ptr',
      nonResourceAttributes: 'NonResourceAttributes pb=2 ptr',
    },
    SelfSubjectRulesReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      spec: 'SelfSubjectRulesReviewSpec req pb=2',
      status: 'SubjectRulesReviewStatus pb=3',
    },
    SelfSubjectRulesReviewSpec: {
      namespace: 's pb=1',
    },
    SubjectAccessReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      spec: 'SubjectAccessReviewSpec req pb=2',
      status: 'SubjectAccessReviewStatus pb=3',
    },
    SubjectAccessReviewSpec: {
      resourceAttributes: 'ResourceAttributes pb=1 ptr',
      nonResourceAttributes: 'NonResourceAttributes pb=2 ptr',
      user: 's pb=3',
      groups: '[]s lt=atomic pb=4',
      extra: '{}ExtraValue pb=5',
      uid: 's pb=6',
    },
    SubjectAccessReviewStatus: {
      allowed: 'b req pb=1',
      denied: 'b pb=4',
      reason: 's pb=2',
      evaluationError: 's pb=3',
    },
    SubjectRulesReviewStatus: {
      resourceRules: '[]ResourceRule req lt=atomic pb=1',
      nonResourceRules: '[]NonResourceRule req lt=atomic pb=2',
      incomplete: 'b req pb=3',
      evaluationError: 's pb=4',
    },
  },
};
