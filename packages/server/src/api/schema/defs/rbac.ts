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
      clusterRoleSelectors: '[]meta.LabelSelector lt=atomic pb=1',
    },
    ClusterRole: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      rules: '[]PolicyRule lt=atomic pb=2 noomit',
      aggregationRule: 'AggregationRule pb=3 ptr',
    },
    ClusterRoleBinding: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      subjects: '[]Subject lt=atomic pb=2',
      roleRef: 'RoleRef req pb=3',
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
      verbs: '[]s req lt=atomic pb=1',
      apiGroups: '[]s lt=atomic pb=2',
      resources: '[]s lt=atomic pb=3',
      resourceNames: '[]s lt=atomic pb=4',
      nonResourceURLs: '[]s lt=atomic pb=5',
    },
    Role: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      rules: '[]PolicyRule lt=atomic pb=2 noomit',
    },
    RoleBinding: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      subjects: '[]Subject lt=atomic pb=2',
      roleRef: 'RoleRef req pb=3',
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
    RoleRef: { '@': 'atomic', apiGroup: 's req pb=1', kind: 's req pb=2', name: 's req pb=3' },
    Subject: { '@': 'atomic', kind: 's req pb=1', apiGroup: 's pb=2', name: 's req pb=3', namespace: 's pb=4' },
  },
};
