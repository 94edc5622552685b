// Ports of pkg/registry/rbac/helpers_test.go TestIsOnlyMutatingGCFields (kubernetes/kubernetes; revision in
// ledger.json). IsOnlyMutatingGCFields decides whether an update of an RBAC object changes nothing but its
// garbage-collection fields (ownerReferences, finalizers), in which case the RBAC storages skip the escalation
// check. Upstream calls it on pods; here each case is an update of a Role granting `get` on secrets, made by a user
// who may update roles but does not hold that permission: the update is stored (200) exactly when only GC fields
// change, and refused by the escalation check (403) otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const group = 'rbac.authorization.k8s.io';
const user = 'gc-fields-user';
let s;
before(async () => {
  s = await startServer();
  await create(s, `${rbac}/clusterroles`, {
    apiVersion: `${group}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'gc-fields-update-roles' },
    rules: [{ apiGroups: [group], resources: ['roles'], verbs: ['update'] }],
  });
  await create(s, `${rbac}/clusterrolebindings`, {
    apiVersion: `${group}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'gc-fields-update-roles' },
    roleRef: { apiGroup: group, kind: 'ClusterRole', name: 'gc-fields-update-roles' },
    subjects: [{ apiGroup: group, kind: 'User', name: user }],
  });
});
after(() => s?.stop());

const ownerRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'foo', uid: '6b2b5a4e-2f2c-4f7e-9a52-0d7c1f3b9a11' };
let seq = 0;

/** Stores upstream's newPod analogue (a Role), applies `mutate` to it as the user, resolves the PUT's status. */
async function update(mutate) {
  const name = `gc-fields-${++seq}`;
  const stored = await create(s, `${rbac}/namespaces/default/roles`, {
    apiVersion: `${group}/v1`,
    kind: 'Role',
    metadata: { name, namespace: 'default', annotations: {} },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
  });
  const next = structuredClone(stored);
  mutate(next);
  const r = await req(s, 'PUT', `${rbac}/namespaces/default/roles/${name}`, next, {
    headers: { 'Impersonate-User': user },
  });
  return r;
}
const expectOnlyGC = async (mutate, expected) => {
  const r = await update(mutate);
  if (expected) assert.equal(r.status, 200, r.body);
  else {
    assert.equal(r.status, 403, r.body);
    assert.match(r.json.message, /is attempting to grant RBAC permissions not currently held/, r.body);
  }
};

test('[ut.rbac.helpers.TestIsOnlyMutatingGCFields.same] same', () => expectOnlyGC(() => {}, true));

test('[ut.rbac.helpers.TestIsOnlyMutatingGCFields.only-annotations] only annotations', () =>
  expectOnlyGC((o) => (o.metadata.annotations = { foo: 'bar' }), false));

test('[ut.rbac.helpers.TestIsOnlyMutatingGCFields.only-other] only other', () =>
  expectOnlyGC((o) => (o.metadata.labels = { foo: 'bar' }), false));

test('[ut.rbac.helpers.TestIsOnlyMutatingGCFields.only-ownerref] only ownerRef', () =>
  expectOnlyGC((o) => (o.metadata.ownerReferences = [ownerRef]), true));

test('[ut.rbac.helpers.TestIsOnlyMutatingGCFields.ownerref-and-finalizer] ownerRef and finalizer', () =>
  expectOnlyGC((o) => {
    o.metadata.ownerReferences = [ownerRef];
    o.metadata.finalizers = ['example.com/final'];
  }, true));

test('[ut.rbac.helpers.TestIsOnlyMutatingGCFields.and-annotations] and annotations', () =>
  expectOnlyGC((o) => {
    o.metadata.ownerReferences = [ownerRef];
    o.metadata.annotations = { foo: 'bar' };
  }, false));

test('[ut.rbac.helpers.TestIsOnlyMutatingGCFields.and-other] and other', () =>
  expectOnlyGC((o) => {
    o.metadata.ownerReferences = [ownerRef];
    o.metadata.labels = { foo: 'bar' };
  }, false));
