// rbac.authorization.k8s.io/v1 as of Kubernetes 1.33. Notation: see ../dsl.ts.
import type { PackageDef } from '../dsl.js';

export const rbac: PackageDef = {
  prefix: 'io.k8s.api.rbac.v1',
  go: 'v1',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kinds: [
    'Role',
    'RoleList',
    'ClusterRole',
    'ClusterRoleList',
    'RoleBinding',
    'RoleBindingList',
    'ClusterRoleBinding',
    'ClusterRoleBindingList',
  ],
  docs: {
    Role: 'A namespaced set of permission rules.',
    ClusterRole: 'A cluster-wide set of permission rules, possibly aggregated from others.',
    RoleBinding: 'Grants a Role or ClusterRole to subjects within a namespace.',
    ClusterRoleBinding: 'Grants a ClusterRole to subjects across the cluster.',
    PolicyRule: 'Verbs allowed on resources or non-resource URLs.',
  },
  types: {
    AggregationRule: {
      clusterRoleSelectors: '[]meta.LabelSelector lt=atomic',
    },
    ClusterRole: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      rules: '[]PolicyRule lt=atomic',
      aggregationRule: 'AggregationRule',
    },
    ClusterRoleBinding: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      subjects: '[]Subject lt=atomic',
      roleRef: 'RoleRef req',
    },
    ClusterRoleBindingList: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ListMeta',
      items: '[]ClusterRoleBinding req',
    },
    ClusterRoleList: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ListMeta',
      items: '[]ClusterRole req',
    },
    PolicyRule: {
      verbs: '[]s req lt=atomic',
      apiGroups: '[]s lt=atomic',
      resources: '[]s lt=atomic',
      resourceNames: '[]s lt=atomic',
      nonResourceURLs: '[]s lt=atomic',
    },
    Role: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      rules: '[]PolicyRule lt=atomic',
    },
    RoleBinding: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      subjects: '[]Subject lt=atomic',
      roleRef: 'RoleRef req',
    },
    RoleBindingList: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ListMeta',
      items: '[]RoleBinding req',
    },
    RoleList: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ListMeta',
      items: '[]Role req',
    },
    RoleRef: { '@': 'atomic', apiGroup: 's req', kind: 's req', name: 's req' },
    Subject: { '@': 'atomic', kind: 's req', apiGroup: 's', name: 's req', namespace: 's' },
  },
};
