import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from '../../api/errors.js';
import type { FieldError } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import {
  clusterRole,
  clusterRoleBinding,
  role,
  roleBinding,
  rule,
  saSubject,
  urlRule,
  userSubject,
} from '../../authz/rbac/testing.js';
import {
  rbacStrategies,
  setDefaults,
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
} from './validation.js';

const message = (kind: string, name: string, errs: FieldError[]) =>
  errors.invalid({ group: 'rbac.authorization.k8s.io', kind }, name, errs).status.message ?? '';

test('rule validation messages', () => {
  const r = role('dev', 'r', [
    { verbs: [], apiGroups: [''], resources: ['pods'] },
    { verbs: ['get'], resources: ['pods'] },
    { verbs: ['get'], apiGroups: [''] },
    { verbs: ['get'], apiGroups: [''], resources: ['pods'], nonResourceURLs: ['/x'] },
    urlRule(['get'], ['/healthz']),
  ] as never);
  assert.equal(
    message('Role', 'r', validateRole(r)),
    'Role.rbac.authorization.k8s.io "r" is invalid: [' +
      'rules[0].verbs: Required value: verbs must contain at least one value, ' +
      'rules[1].apiGroups: Required value: resource rules must supply at least one api group, ' +
      'rules[2].resources: Required value: resource rules must supply at least one resource, ' +
      'rules[3].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs, ' +
      'rules[3].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs, ' +
      'rules[4].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs]',
  );
  // ClusterRoles may have non-resource rules, but not mixed ones.
  assert.deepEqual(validateClusterRole(clusterRole('c', [urlRule(['get'], ['/healthz'])])), []);
  assert.equal(
    message(
      'ClusterRole',
      'c',
      validateClusterRole(clusterRole('c', [{ verbs: ['get'], apiGroups: [''], nonResourceURLs: ['/x'] }])),
    ),
    'ClusterRole.rbac.authorization.k8s.io "c" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs',
  );
  // Structural only: granting `*` or unknown verbs is the escalation check's business.
  assert.deepEqual(validateRole(role('dev', 'r', [rule(['frobnicate'], ['nope'], ['*'])])), []);
});

test('binding validation messages', () => {
  const rb = roleBinding('dev', 'rb', 'Role', 'r', [
    { kind: 'Robot', name: 'x' },
    { kind: 'User', name: 'u' },
    { kind: 'ServiceAccount', apiGroup: 'rbac.authorization.k8s.io', name: 'Bad_Name' },
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: '' },
  ]);
  (rb.roleRef as Record<string, string>).kind = 'Secret';
  assert.equal(
    message('RoleBinding', 'rb', validateRoleBinding(rb)),
    'RoleBinding.rbac.authorization.k8s.io "rb" is invalid: [' +
      'roleRef.kind: Unsupported value: "Secret": supported values: "Role", "ClusterRole", ' +
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group", ' +
      'subjects[1].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io", ' +
      "subjects[2].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), " +
      'subjects[2].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: "", ' +
      'subjects[3].name: Required value]',
  );
  const crb = clusterRoleBinding('c', 'view', [saSubject('default')]);
  (crb.roleRef as Record<string, string>).kind = 'Role';
  assert.equal(
    message('ClusterRoleBinding', 'c', validateClusterRoleBinding(crb)),
    'ClusterRoleBinding.rbac.authorization.k8s.io "c" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value]',
  );
  // In a RoleBinding the SA namespace defaults to the binding's.
  assert.deepEqual(validateRoleBinding(roleBinding('dev', 'ok', 'ClusterRole', 'view', [saSubject('default')])), []);
  const noName = clusterRoleBinding('c', '', []);
  (noName.roleRef as Record<string, string>).apiGroup = 'example.com';
  assert.equal(
    message('ClusterRoleBinding', 'c', validateClusterRoleBinding(noName)),
    'ClusterRoleBinding.rbac.authorization.k8s.io "c" is invalid: [roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io", roleRef.name: Required value]',
  );
});

test('roleRef is immutable', () => {
  const old = roleBinding('dev', 'rb', 'ClusterRole', 'view', [userSubject('u')]);
  old.metadata.resourceVersion = '5';
  const changed = structuredClone(old);
  (changed.roleRef as Record<string, string>).name = 'edit';
  assert.equal(
    message('RoleBinding', 'rb', validateRoleBindingUpdate(changed, old)),
    'RoleBinding.rbac.authorization.k8s.io "rb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
  );
  const oldC = clusterRoleBinding('c', 'view', []);
  oldC.metadata.resourceVersion = '1';
  const c2 = structuredClone(oldC);
  (c2.roleRef as Record<string, string>).name = 'admin';
  assert.match(
    message('ClusterRoleBinding', 'c', validateClusterRoleBindingUpdate(c2, oldC)),
    /roleRef: Invalid value: rbac\.RoleRef\{.*Name:"admin"\}: cannot change roleRef$/,
  );
  assert.deepEqual(validateRoleBindingUpdate(structuredClone(old), old), []);
});

test('aggregationRule validation', () => {
  const agg = (sels: unknown[]): KObject => ({
    ...clusterRole('a', []),
    aggregationRule: { clusterRoleSelectors: sels },
  });
  assert.equal(
    message('ClusterRole', 'a', validateClusterRole(agg([]))),
    'ClusterRole.rbac.authorization.k8s.io "a" is invalid: aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  );
  assert.equal(
    message('ClusterRole', 'a', validateClusterRole(agg([{ matchExpressions: [{ key: 'x', operator: 'In' }] }]))),
    'ClusterRole.rbac.authorization.k8s.io "a" is invalid: [aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: Required value: must be specified when `operator` is \'In\' or \'NotIn\', aggregationRule.clusterRoleSelectors[0]: Invalid value: "null": invalid label selector.]',
  );
  assert.deepEqual(
    validateClusterRole(agg([{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }])),
    [],
  );
});

test('metadata names: path segments only', () => {
  assert.equal(
    message('Role', 'a/b', validateRole(role('dev', 'a/b', []))),
    'Role.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain \'/\'',
  );
  assert.deepEqual(validateRole(role('dev', 'system:Role_With.Odd:chars', [])), []);
});

test('defaults', () => {
  const rb: KObject = {
    kind: 'RoleBinding',
    metadata: { name: 'x', namespace: 'n' },
    roleRef: { kind: 'Role', name: 'r' },
    subjects: [
      { kind: 'User', name: 'u' },
      { kind: 'Group', name: 'g' },
      { kind: 'ServiceAccount', name: 's' },
      { kind: 'ServiceAccount', name: 't', namespace: '', apiGroup: '' },
    ],
  };
  rbacStrategies.RoleBinding.defaults!(rb);
  assert.deepEqual(rb.roleRef, { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual(rb.subjects, [
    { kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'Group', name: 'g', apiGroup: 'rbac.authorization.k8s.io' },
    // Subject.APIGroup and Namespace are omitempty: Go never writes them empty (pkg/apis/rbac/v1/defaults.go).
    { kind: 'ServiceAccount', name: 's' },
    { kind: 'ServiceAccount', name: 't' },
  ]);
  const role1 = role('n', 'r', []);
  setDefaults(role1);
  assert.deepEqual(role1, role('n', 'r', []));
});
