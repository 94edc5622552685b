// Ports of pkg/registry/rbac/{clusterrole,role,rolebinding}/declarative_validation_test.go (kubernetes/kubernetes;
// revisions in ledger.json). Upstream checks, for rbac.authorization.k8s.io v1, v1alpha1 and v1beta1, that the
// declarative validation returns the case's errors, as the handwritten validation does. Over the API the errors are
// what a create or update answers: here each case is sent as v1 (the only version served, by kube-apiserver 1.33 as
// by kubeauth) and every cause of the 422 must carry the case's type and field; a valid case must be stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create, createNamespace } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const group = 'rbac.authorization.k8s.io';
let s;
before(async () => {
  s = await startServer();
  await createNamespace(s, 'test-namespace');
});
after(() => s?.stop());

const reasonOf = { Required: 'FieldValueRequired', Invalid: 'FieldValueInvalid' };
function assertInvalid(r, type, field) {
  assert.equal(r.status, 422, r.body);
  const causes = r.json.details?.causes ?? [];
  assert.ok(causes.length > 0, r.body);
  for (const c of causes) {
    assert.equal(c.reason, reasonOf[type], JSON.stringify(c));
    assert.equal(c.field, field, JSON.stringify(c));
  }
}

const rule = (verbs) => ({ ...(verbs ? { verbs } : {}), apiGroups: [''], resources: ['pods'] });
const clusterRole = (name, verbs) => ({
  apiVersion: `${group}/v1`,
  kind: 'ClusterRole',
  metadata: { name },
  rules: [rule(verbs)],
});
const role = (name, verbs) => ({
  apiVersion: `${group}/v1`,
  kind: 'Role',
  metadata: { name, namespace: 'default' },
  rules: [rule(verbs)],
});

/** Stores `old`, then PUTs `update` (with the stored resourceVersion) over it. */
async function update(path, old, mutate) {
  const stored = await create(s, path, old);
  const next = structuredClone(stored);
  mutate(next);
  return req(s, 'PUT', `${path}/${stored.metadata.name}`, next);
}

// clusterrole

test('[ut.rbac.declarative.clusterrole.TestDeclarativeValidateForDeclarative.missing-verbs] missing verbs', async () =>
  assertInvalid(await req(s, 'POST', `${rbac}/clusterroles`, clusterRole('test-role')), 'Required', 'rules[0].verbs'));

test('[ut.rbac.declarative.clusterrole.TestDeclarativeValidateForDeclarative.valid-rule] valid rule', async () => {
  const r = await req(s, 'POST', `${rbac}/clusterroles`, clusterRole('valid-role', ['get', 'list']));
  assert.equal(r.status, 201, r.body);
});

test('[ut.rbac.declarative.clusterrole.TestValidateUpdateForDeclarative.update-missing-verbs] update missing verbs', async () =>
  assertInvalid(
    await update(
      `${rbac}/clusterroles`,
      clusterRole('role-update-missing-verbs', ['get']),
      (o) => delete o.rules[0].verbs,
    ),
    'Required',
    'rules[0].verbs',
  ));

test('[ut.rbac.declarative.clusterrole.TestValidateUpdateForDeclarative.valid-update] valid update', async () => {
  const r = await update(`${rbac}/clusterroles`, clusterRole('role-valid-update', ['get']), (o) => {
    o.rules[0].verbs = ['get', 'list'];
  });
  assert.equal(r.status, 200, r.body);
});

// role

test('[ut.rbac.declarative.role.TestDeclarativeValidateForDeclarative.valid] valid', async () => {
  const r = await req(s, 'POST', `${rbac}/namespaces/default/roles`, role('test-role', ['get', 'list']));
  assert.equal(r.status, 201, r.body);
});

test('[ut.rbac.declarative.role.TestDeclarativeValidateForDeclarative.verbs-empty] verbs: empty', async () =>
  assertInvalid(
    await req(s, 'POST', `${rbac}/namespaces/default/roles`, role('test-role-empty')),
    'Required',
    'rules[0].verbs',
  ));

test('[ut.rbac.declarative.role.TestValidateUpdateForDeclarative.valid-no-changes] valid (no changes)', async () => {
  const r = await update(`${rbac}/namespaces/default/roles`, role('role-no-changes', ['get', 'list']), () => {});
  assert.equal(r.status, 200, r.body);
});

test('[ut.rbac.declarative.role.TestValidateUpdateForDeclarative.verbs-made-empty] verbs: made empty', async () =>
  assertInvalid(
    await update(
      `${rbac}/namespaces/default/roles`,
      role('role-made-empty', ['get', 'list']),
      (o) => delete o.rules[0].verbs,
    ),
    'Required',
    'rules[0].verbs',
  ));

// rolebinding

const binding = (name, roleRef, users) => ({
  apiVersion: `${group}/v1`,
  kind: 'RoleBinding',
  metadata: { name, namespace: 'test-namespace' },
  roleRef: { apiGroup: group, ...roleRef },
  ...(users ? { subjects: users.map((n) => ({ kind: 'User', apiGroup: group, name: n })) } : {}),
});
const bindings = `${rbac}/namespaces/test-namespace/rolebindings`;

test('[ut.rbac.declarative.rolebinding.TestDeclarativeValidateForDeclarative.missing-roleref-name] missing roleref name', async () =>
  assertInvalid(
    await req(s, 'POST', bindings, binding('test-binding', { kind: 'ClusterRole' }, ['user'])),
    'Required',
    'roleRef.name',
  ));

test('[ut.rbac.declarative.rolebinding.TestDeclarativeValidateForDeclarative.valid-binding] valid binding', async () => {
  const r = await req(s, 'POST', bindings, binding('valid-binding', { kind: 'ClusterRole', name: 'admin' }, ['user']));
  assert.equal(r.status, 201, r.body);
});

test('[ut.rbac.declarative.rolebinding.TestValidateUpdateForDeclarative.update-immutable-roleref-kind] update immutable roleRef Kind', async () =>
  assertInvalid(
    await update(bindings, binding('binding-kind', { kind: 'Role', name: 'reader' }), (o) => {
      o.roleRef.kind = 'ClusterRole';
    }),
    'Invalid',
    'roleRef',
  ));

test('[ut.rbac.declarative.rolebinding.TestValidateUpdateForDeclarative.valid-update] valid update', async () => {
  const r = await update(bindings, binding('binding-valid', { kind: 'Role', name: 'reader' }, ['user1']), (o) => {
    o.subjects.push({ kind: 'User', apiGroup: group, name: 'user2' });
  });
  assert.equal(r.status, 200, r.body);
});
