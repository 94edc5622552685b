// Plain-data names of the RBAC objects an answer points at (serializable for -o json and the API).
import type { BindingEntry } from '../rbac/index.js';
import type { Subject } from '../rbac/types.js';

export interface BindingRef {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
}

export interface RoleRefName {
  kind: string;
  name: string;
  namespace?: string;
}

export function bindingRef(b: BindingEntry): BindingRef {
  return b.namespace ? { kind: b.kind, name: b.name, namespace: b.namespace } : { kind: b.kind, name: b.name };
}

/** The role a binding references: a Role lives in the binding's namespace. */
export function roleRefName(b: BindingEntry): RoleRefName {
  return b.roleRef.kind === 'Role'
    ? { kind: 'Role', name: b.roleRef.name, namespace: b.namespace }
    : { kind: b.roleRef.kind, name: b.roleRef.name };
}

/** A subject with the namespace a ServiceAccount takes from its RoleBinding filled in. */
export function effectiveSubject(s: Subject, bindingNamespace: string): Subject {
  if (s.kind === 'ServiceAccount') return { kind: s.kind, name: s.name, namespace: s.namespace || bindingNamespace };
  return { kind: s.kind, name: s.name };
}

export const formatBinding = (b: BindingRef) =>
  b.namespace ? `${b.kind}/${b.namespace}/${b.name}` : `${b.kind}/${b.name}`;
export const formatRole = (r: RoleRefName) =>
  r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
export const formatSubject = (s: Subject) =>
  s.kind === 'ServiceAccount' ? `ServiceAccount/${s.namespace ?? ''}/${s.name}` : `${s.kind}/${s.name}`;
