// Ports of pkg/registry/rbac/{clusterrole,role,clusterrolebinding,rolebinding}/strategy_test.go (kubernetes/kubernetes;
// revision in ledger.json). Upstream asks each strategy whether its kind is namespaced and may be created by an
// update, validates an object for create, validates a second one, and expects ValidateUpdate of the second over the
// first (another name) to fail. Over the API: discovery says whether the kind is namespaced; a PUT of the first object
// to a name that does not exist creates it (201); the second validates (a dry-run create, 201, nothing stored); and a
// PUT of the second to the first's URL is refused, 400 with kube's name-mismatch message, leaving the first unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const group = 'rbac.authorization.k8s.io';
let s;
let discovery;
before(async () => {
  s = await startServer();
  const r = await req(s, 'GET', rbac);
  assert.equal(r.status, 200, r.body);
  discovery = r.json.resources;
});
after(() => s?.stop());

const readRules = [
  {
    apiGroups: [''],
    resourceNames: [],
    resources: ['endpoints', 'nodes', 'pods', 'services'],
    verbs: ['get', 'list', 'watch'],
  },
];

async function strategy(resource, namespaced, oldObject, newObject) {
  const entry = discovery.find((d) => d.name === resource);
  assert.ok(entry, `${resource} is served`);
  assert.equal(entry.namespaced, namespaced, `${resource} ${namespaced ? 'must' : 'must not'} be namespace scoped`);
  const collection = namespaced ? `${rbac}/namespaces/default/${resource}` : `${rbac}/${resource}`;
  const oldName = oldObject.metadata.name;

  // AllowCreateOnUpdate, and the old object validates.
  const created = await req(s, 'PUT', `${collection}/${oldName}`, oldObject);
  assert.equal(created.status, 201, `${resource} should allow create on update: ${created.body}`);

  // The new object validates.
  const dry = await req(s, 'POST', `${collection}?dryRun=All`, newObject);
  assert.equal(dry.status, 201, dry.body);
  assert.equal((await req(s, 'GET', `${collection}/${newObject.metadata.name}`)).status, 404, 'dry run stores nothing');

  // ValidateUpdate(new, old) fails: the name cannot change.
  const u = await req(s, 'PUT', `${collection}/${oldName}`, {
    ...newObject,
    metadata: { ...newObject.metadata, resourceVersion: created.json.metadata.resourceVersion },
  });
  assert.equal(u.status, 400, u.body);
  assert.equal(
    u.json.message,
    `the name of the object (${newObject.metadata.name}) does not match the name on the URL (${oldName})`,
  );
  const after = await req(s, 'GET', `${collection}/${oldName}`);
  assert.equal(after.json.metadata.resourceVersion, created.json.metadata.resourceVersion, 'unchanged');
}

test('[ut.rbac.strategy.TestClusterRoleStrategy] ClusterRole strategy', () =>
  strategy(
    'clusterroles',
    false,
    { apiVersion: `${group}/v1`, kind: 'ClusterRole', metadata: { name: 'valid-clusterRole' }, rules: readRules },
    { apiVersion: `${group}/v1`, kind: 'ClusterRole', metadata: { name: 'valid-clusterRole-2' }, rules: readRules },
  ));

test('[ut.rbac.strategy.TestRoleStrategy] Role strategy', () =>
  strategy(
    'roles',
    true,
    {
      apiVersion: `${group}/v1`,
      kind: 'Role',
      metadata: { name: 'valid-role', namespace: 'default' },
      rules: readRules,
    },
    {
      apiVersion: `${group}/v1`,
      kind: 'Role',
      metadata: { name: 'valid-role-2', namespace: 'default' },
      rules: readRules,
    },
  ));

const binding = (kind, name, roleKind, roleName, namespace) => ({
  apiVersion: `${group}/v1`,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  subjects: [{ kind: 'ServiceAccount', name: roleName.replace(/-2$/, ''), namespace: 'default' }],
  roleRef: { name: roleName, apiGroup: group, kind: roleKind },
});

test('[ut.rbac.strategy.TestClusterRoleBindingStrategy] ClusterRoleBinding strategy', () =>
  strategy(
    'clusterrolebindings',
    false,
    binding('ClusterRoleBinding', 'valid-cluster-role-binding', 'ClusterRole', 'test-valid-cluster-role-binding'),
    binding('ClusterRoleBinding', 'valid-cluster-role-binding-2', 'ClusterRole', 'test-valid-cluster-role-binding-2'),
  ));

test('[ut.rbac.strategy.TestRoleBindingStrategy] RoleBinding strategy', () =>
  strategy(
    'rolebindings',
    true,
    binding('RoleBinding', 'valid-role-binding', 'Role', 'test-valid-role-binding', 'default'),
    binding('RoleBinding', 'valid-role-binding-2', 'Role', 'test-valid-role-binding-2', 'default'),
  ));
