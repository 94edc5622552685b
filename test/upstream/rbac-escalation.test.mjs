// Ports of pkg/registry/rbac/clusterrole/policybased/storage_test.go and pkg/registry/rbac/role/policybased/
// storage_test.go TestEscalation (kubernetes/kubernetes; revisions in ledger.json). Upstream wraps a fake storage in
// the escalation-checking storage and creates, then updates, a role granting get on pods as four users: superuser
// (system:masters), bob (no permission at all), steve (allowed by the authorizer, i.e. the `escalate` verb) and
// alice (holds every permission through RBAC). Here the same four users (impersonated by the admin, each also
// allowed to create and update roles, which upstream's fake storage does not ask) create and update the role
// over the API: bob is refused 403 and nothing is written; the others' writes are stored. Upstream also counts
// authorizer calls (superuser skips them), which has no wire form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create, createNamespace } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const group = 'rbac.authorization.k8s.io';
let s;
before(async () => {
  s = await startServer();
  await createNamespace(s, 'myns');
  const clusterRole = (name, rules) =>
    create(s, `${rbac}/clusterroles`, { apiVersion: `${group}/v1`, kind: 'ClusterRole', metadata: { name }, rules });
  const bind = (role, users) =>
    create(s, `${rbac}/clusterrolebindings`, {
      apiVersion: `${group}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: role },
      roleRef: { apiGroup: group, kind: 'ClusterRole', name: role },
      subjects: users.map((name) => ({ apiGroup: group, kind: 'User', name })),
    });
  // What upstream's test does not need to ask: permission to write roles at all.
  await clusterRole('esc-write-roles', [
    { apiGroups: [group], resources: ['roles', 'clusterroles'], verbs: ['create', 'update', 'get'] },
  ]);
  await bind('esc-write-roles', ['esc-bob', 'esc-steve']);
  // steve: the authorizer allows him (the escalate verb on roles).
  await clusterRole('esc-escalate', [
    { apiGroups: [group], resources: ['roles', 'clusterroles'], verbs: ['escalate'] },
  ]);
  await bind('esc-escalate', ['esc-steve']);
  // alice: upstream's alice-role, every verb on every resource.
  await clusterRole('esc-alice-role', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
  await bind('esc-alice-role', ['esc-alice']);
});
after(() => s?.stop());

const as = (user) => (user === 'superuser' ? {} : { headers: { 'Impersonate-User': `esc-${user}` } });
const rules = [{ apiGroups: [''], verbs: ['get'], resources: ['pods'] }];
/** kube's refusal (rbac validation ConfirmNoEscalation, wrapped in a Forbidden for the role), beyond upstream's IsForbidden. */
const forbidden = (kind, name, user) =>
  `${kind === 'Role' ? 'roles' : 'clusterroles'}.rbac.authorization.k8s.io "${name}" is forbidden: user "esc-${user}" ` +
  '(groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
  '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}';

async function escalation(kind, user, expectAllowed) {
  const namespaced = kind === 'Role';
  const collection = namespaced ? `${rbac}/namespaces/myns/roles` : `${rbac}/clusterroles`;
  const name = `myrole-${kind.toLowerCase()}-${user}`;
  const object = (extra = {}) => ({
    apiVersion: `${group}/v1`,
    kind,
    metadata: { name, ...(namespaced ? { namespace: 'myns' } : {}), ...extra },
    rules,
  });

  // create
  const c = await req(s, 'POST', collection, object(), as(user));
  if (expectAllowed) assert.equal(c.status, 201, c.body);
  else {
    assert.equal(c.status, 403, c.body);
    assert.equal(c.json.reason, 'Forbidden', c.body);
    assert.equal(c.json.message, forbidden(kind, name, user));
    assert.equal((await req(s, 'GET', `${collection}/${name}`)).status, 404, 'nothing was created');
  }

  // update: the role is stored without rules (by the admin when the user could not create it), then replaced
  if (!expectAllowed) await create(s, collection, { ...object(), rules: [] });
  const current = (await req(s, 'GET', `${collection}/${name}`)).json;
  const u = await req(
    s,
    'PUT',
    `${collection}/${name}`,
    object({ resourceVersion: current.metadata.resourceVersion }),
    as(user),
  );
  if (expectAllowed) assert.equal(u.status, 200, u.body);
  else {
    assert.equal(u.status, 403, u.body);
    assert.equal(u.json.reason, 'Forbidden', u.body);
    assert.equal(u.json.message, forbidden(kind, name, user));
    const after = (await req(s, 'GET', `${collection}/${name}`)).json;
    assert.equal(after.metadata.resourceVersion, current.metadata.resourceVersion, 'nothing was updated');
  }
}

test('[ut.rbac.policybased.clusterrole.TestEscalation.superuser] superuser', () =>
  escalation('ClusterRole', 'superuser', true));
test('[ut.rbac.policybased.clusterrole.TestEscalation.bob] bob', () => escalation('ClusterRole', 'bob', false));
test('[ut.rbac.policybased.clusterrole.TestEscalation.steve] steve', () => escalation('ClusterRole', 'steve', true));
test('[ut.rbac.policybased.clusterrole.TestEscalation.alice] alice', () => escalation('ClusterRole', 'alice', true));
test('[ut.rbac.policybased.role.TestEscalation.superuser] superuser', () => escalation('Role', 'superuser', true));
test('[ut.rbac.policybased.role.TestEscalation.bob] bob', () => escalation('Role', 'bob', false));
test('[ut.rbac.policybased.role.TestEscalation.steve] steve', () => escalation('Role', 'steve', true));
test('[ut.rbac.policybased.role.TestEscalation.alice] alice', () => escalation('Role', 'alice', true));
