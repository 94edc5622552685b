import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterRoleBindingPrinter, roleBindingPrinter, rolePrinter } from './printers.js';
import {
  clusterRoleBinding,
  groupSubject,
  role,
  roleBinding,
  saSubject,
  userSubject,
} from '../../authz/rbac/testing.js';

test('RoleBinding columns and rows', () => {
  assert.deepEqual(
    roleBindingPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Role', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['Users', 'string', '', 1],
      ['Groups', 'string', '', 1],
      ['ServiceAccounts', 'string', '', 1],
    ],
  );
  assert.equal(roleBindingPrinter.columns[3]!.description, 'Users in the roleBinding');
  assert.equal(clusterRoleBindingPrinter.columns[5]!.description, 'ServiceAccounts in the clusterRoleBinding');
  assert.match(clusterRoleBindingPrinter.columns[1]!.description, /^roleRef can only reference a ClusterRole/);
  const rb = roleBinding('dev', 'rb', 'ClusterRole', 'view', [
    userSubject('a'),
    userSubject('b'),
    groupSubject('g'),
    saSubject('s1', 'ns'),
    saSubject('s2'),
  ]);
  rb.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
  assert.deepEqual(roleBindingPrinter.row(rb, Date.parse('2024-01-01T00:05:30Z')), [
    'rb',
    'ClusterRole/view',
    '5m30s',
    'a, b',
    'g',
    'ns/s1, /s2',
  ]);
  const crb = clusterRoleBinding('c', 'cluster-admin', []);
  assert.deepEqual(clusterRoleBindingPrinter.row(crb, 0), ['c', 'ClusterRole/cluster-admin', '<unknown>', '', '', '']);
});

test('Roles use the default Name / Created At table', () => {
  assert.deepEqual(
    rolePrinter.columns.map((c) => [c.name, c.type]),
    [
      ['Name', 'string'],
      ['Created At', 'date'],
    ],
  );
  const r = role('dev', 'r', []);
  r.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
  assert.deepEqual(rolePrinter.row(r, 0), ['r', '2024-01-01T00:00:00Z']);
});
