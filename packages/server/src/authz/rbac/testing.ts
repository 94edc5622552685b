// Builders for RBAC objects and request attributes, shared by the tests of this folder.
import type { KObject, UserInfo } from '../../api/types.js';
import type { Attributes } from '../authorizer.js';
import type { PolicyRule, Subject } from './types.js';
import { rbacApiVersion, rbacGroup } from './types.js';

export const userSubject = (name: string): Subject => ({ kind: 'User', apiGroup: rbacGroup, name });
export const groupSubject = (name: string): Subject => ({ kind: 'Group', apiGroup: rbacGroup, name });
export const saSubject = (name: string, namespace?: string): Subject =>
  namespace === undefined ? { kind: 'ServiceAccount', name } : { kind: 'ServiceAccount', name, namespace };

export function clusterRole(name: string, rules: PolicyRule[], labels?: Record<string, string>): KObject {
  const metadata: KObject['metadata'] = { name };
  if (labels) metadata.labels = labels;
  return { apiVersion: rbacApiVersion, kind: 'ClusterRole', metadata, rules };
}

export function role(namespace: string, name: string, rules: PolicyRule[]): KObject {
  return { apiVersion: rbacApiVersion, kind: 'Role', metadata: { name, namespace }, rules };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: Subject[]): KObject {
  return {
    apiVersion: rbacApiVersion,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    subjects,
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: roleName },
  };
}

export function roleBinding(
  namespace: string,
  name: string,
  roleKind: 'Role' | 'ClusterRole',
  roleName: string,
  subjects: Subject[],
): KObject {
  return {
    apiVersion: rbacApiVersion,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    subjects,
    roleRef: { apiGroup: rbacGroup, kind: roleKind, name: roleName },
  };
}

export const rule = (
  verbs: string[],
  apiGroups: string[],
  resources: string[],
  resourceNames?: string[],
): PolicyRule => (resourceNames ? { verbs, apiGroups, resources, resourceNames } : { verbs, apiGroups, resources });

export const urlRule = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

export function resourceAttrs(
  user: UserInfo,
  verb: string,
  resource: string,
  opts: { group?: string; namespace?: string; name?: string; subresource?: string } = {},
): Attributes {
  return {
    user,
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: opts.group ?? '',
    apiVersion: 'v1',
    resource,
    subresource: opts.subresource ?? '',
    namespace: opts.namespace ?? '',
    name: opts.name ?? '',
  };
}

export function pathAttrs(user: UserInfo, verb: string, path: string): Attributes {
  return {
    user,
    verb,
    isResourceRequest: false,
    path,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
  };
}
