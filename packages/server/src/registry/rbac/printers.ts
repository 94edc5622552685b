// `kubectl get` tables for the RBAC kinds (pkg/printers/internalversion/printers.go). Roles and ClusterRoles have
// no printer: kube-apiserver uses the default `Name`/`Created At` table. The server always prints the wide
// columns (priority 1); kubectl shows them with -o wide.
import type { KObject } from '../../api/types.js';
import { ageColumn, defaultTable, nameColumn } from '../printers/default.js';
import { age } from '../printers/duration.js';
import type { ColumnDefinition, TablePrinter } from '../types.js';
import { roleRefOf, subjectsOf } from '../../authz/rbac/types.js';

/** rbacv1beta1.RoleBinding{}.SwaggerDoc()["roleRef"] */
export const roleBindingRoleRefDescription =
  'roleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.';
/** rbacv1beta1.ClusterRoleBinding{}.SwaggerDoc()["roleRef"] */
export const clusterRoleBindingRoleRefDescription =
  'roleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.';

function bindingColumns(roleRefDescription: string, what: 'roleBinding' | 'clusterRoleBinding'): ColumnDefinition[] {
  const wide = (name: string): ColumnDefinition => ({
    name,
    type: 'string',
    format: '',
    description: `${name} in the ${what}`,
    priority: 1,
  });
  return [
    nameColumn,
    { name: 'Role', type: 'string', format: '', description: roleRefDescription, priority: 0 },
    ageColumn,
    wide('Users'),
    wide('Groups'),
    wide('ServiceAccounts'),
  ];
}

/** SubjectsStrings: users, groups and `namespace/name` service accounts, each joined with ", ". */
export function subjectColumns(obj: KObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjectsOf(obj)) {
    if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingRow(obj: KObject, now: number): unknown[] {
  const ref = roleRefOf(obj);
  return [
    obj.metadata.name ?? '',
    `${ref.kind}/${ref.name}`,
    age(obj.metadata.creationTimestamp, now),
    ...subjectColumns(obj),
  ];
}

export const rolePrinter: TablePrinter = defaultTable;
export const clusterRolePrinter: TablePrinter = defaultTable;

export const roleBindingPrinter: TablePrinter = {
  columns: bindingColumns(roleBindingRoleRefDescription, 'roleBinding'),
  row: bindingRow,
};

export const clusterRoleBindingPrinter: TablePrinter = {
  columns: bindingColumns(clusterRoleBindingRoleRefDescription, 'clusterRoleBinding'),
  row: bindingRow,
};

export const rbacPrinters = {
  Role: rolePrinter,
  ClusterRole: clusterRolePrinter,
  RoleBinding: roleBindingPrinter,
  ClusterRoleBinding: clusterRoleBindingPrinter,
} as const;
