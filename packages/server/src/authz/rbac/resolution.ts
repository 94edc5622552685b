// How a binding whose role cannot be resolved is reported. The authorizer reads roles through informer listers
// (singular resource: `clusterrole.rbac.authorization.k8s.io "x" not found`); the escalation check in the RBAC
// registry reads them through storage (plural: `clusterroles.rbac.authorization.k8s.io "x" not found`).
import type { RoleRefError } from './index.js';
import { rbacGroup } from './types.js';
import { goQuote } from '../../gocompat/quote.js';

/** The authorizer's (lister) error text. */
export function listerErrorMessage(err: RoleRefError): string {
  if (err.reason === 'UnsupportedKind') return unsupportedKindMessage(err.kind);
  const resource = err.kind === 'Role' ? 'role' : 'clusterrole';
  return `${resource}.${rbacGroup} ${goQuote(err.name)} not found`;
}

/** The registry's (storage) error text. */
export function storageErrorMessage(err: RoleRefError): string {
  if (err.reason === 'UnsupportedKind') return unsupportedKindMessage(err.kind);
  const resource = err.kind === 'Role' ? 'roles' : 'clusterroles';
  return `${resource}.${rbacGroup} ${goQuote(err.name)} not found`;
}

export function unsupportedKindMessage(kind: string): string {
  return `unsupported role reference kind: ${goQuote(kind)}`;
}
