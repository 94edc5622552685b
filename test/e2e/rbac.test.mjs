// RBAC end to end: `kubectl auth can-i`, escalation prevention (escalate / bind), impersonation denial,
// SubjectAccessReview reasons, resolution errors and immediate effect of new bindings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startKubeauth, kubectlPath } from './harness.mjs';
import { call } from './http.mjs';

let s;
let aliceKubeconfig;
before(async () => {
  s = await startKubeauth([], { tokens: 'alice-token,alice,alice-uid\n' });
  // alice's own kubeconfig: same cluster, a bearer token instead of the admin client certificate
  aliceKubeconfig = s.tokenKubeconfig('alice', 'alice-token');
});
after(async () => {
  await s?.stop();
});

const v = ['1.33', '1.27'].find((x) => kubectlPath(x));
const versions = ['1.27', '1.33'].filter((x) => kubectlPath(x));
const k = (argv, o = {}) => s.kubectl(argv, { version: v, ...o });
const ok = (r) => assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
const apply = async (yaml, o = {}) => {
  const r = await k(['apply', '-f', '-'], { input: yaml, ...o });
  ok(r);
  return r;
};
const asAlice = { 'Impersonate-User': 'alice' };

test('setup: namespaces esc and other', async () => {
  ok(await k(['create', 'namespace', 'esc']));
  ok(await k(['create', 'namespace', 'other']));
});

for (const ver of versions) {
  test(`kubectl ${ver}: auth can-i yes/no and exit codes`, async () => {
    const c = (argv, o) => s.kubectl(['auth', 'can-i', ...argv], { version: ver, ...o });
    let r = await c(['get', 'pods']);
    assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
    r = await c(['create', 'roles', '-n', 'esc']);
    assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
    r = await c(['get', 'pods', '-A']);
    assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
    r = await c(['get', '/logs']);
    assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
    r = await c(['get', 'pods', '--subresource=log']);
    assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
    // an impersonated user without grants
    r = await c(['get', 'pods', '--as', 'nobody']);
    assert.deepEqual([r.code, r.stdout], [1, 'no\n'], r.stderr);
    r = await c(['get', 'pods', '-n', 'esc', '--as', 'nobody']);
    assert.deepEqual([r.code, r.stdout], [1, 'no\n'], r.stderr);
    r = await c(['get', 'pods', '-A', '--as', 'nobody']);
    assert.deepEqual([r.code, r.stdout], [1, 'no\n'], r.stderr);
    r = await c(['get', '/logs', '--as', 'nobody']);
    assert.deepEqual([r.code, r.stdout], [1, 'no\n'], r.stderr);
    // bootstrap policy: public info and self reviews for every authenticated user
    r = await c(['get', '/healthz', '--as', 'nobody']);
    assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
    r = await c(['create', 'selfsubjectaccessreviews.authorization.k8s.io', '--as', 'nobody']);
    assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
    // cluster-scoped resource with a namespace: answered, with a warning
    r = await c(['list', 'nodes', '-n', 'esc']);
    assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
    assert.match(r.stderr, /Warning: resource 'nodes' is not namespace scoped/);
  });

  test(`kubectl ${ver}: auth can-i --list header`, async () => {
    let r = await s.kubectl(['auth', 'can-i', '--list', '-n', 'esc'], { version: ver });
    ok(r);
    assert.match(r.stdout.split('\n')[0], /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
    assert.match(r.stdout, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    r = await s.kubectl(['auth', 'can-i', '--list', '--as', 'nobody'], { version: ver });
    ok(r);
    assert.match(r.stdout.split('\n')[0], /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
    assert.match(r.stdout, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(r.stdout, /^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/m);
  });
}

test('escalation prevention: roles need held permissions or escalate', async () => {
  await apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rbac-writer, namespace: esc}
rules:
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings]
  verbs: [create, get, list, update, patch, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-rbac-writer, namespace: esc}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rbac-writer}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
`);
  let r = await k(['auth', 'can-i', 'get', 'pods', '-n', 'esc', '--as', 'alice']);
  assert.deepEqual([r.code, r.stdout], [1, 'no\n']);
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'r1', namespace: 'esc' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  };
  const msg =
    'roles.rbac.authorization.k8s.io "r1" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
    '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}';
  const res = await call(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/esc/roles', {
    method: 'POST',
    headers: { ...asAlice, 'Content-Type': 'application/json' },
    body: JSON.stringify(role),
  });
  assert.equal(res.status, 403, res.body);
  assert.deepEqual(res.json, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: msg,
    reason: 'Forbidden',
    details: { name: 'r1', group: 'rbac.authorization.k8s.io', kind: 'roles' },
    code: 403,
  });
  r = await k(['create', 'role', 'r1', '-n', 'esc', '--verb=get', '--resource=pods', '--as', 'alice']);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(msg), r.stderr);
  // a rule she does hold is fine without escalate
  r = await k([
    'create',
    'role',
    'r0',
    '-n',
    'esc',
    '--verb=get',
    '--resource=roles.rbac.authorization.k8s.io',
    '--as',
    'alice',
  ]);
  ok(r);
  assert.equal(r.stdout.trim(), 'role.rbac.authorization.k8s.io/r0 created');
  // grant escalate on roles: the same request now succeeds
  await apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: escalator, namespace: esc}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-escalator, namespace: esc}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: escalator}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
`);
  r = await k(['create', 'role', 'r1', '-n', 'esc', '--verb=get', '--resource=pods', '--as', 'alice']);
  ok(r);
  assert.equal(r.stdout.trim(), 'role.rbac.authorization.k8s.io/r1 created');
  // escalate in one namespace does not help in another
  r = await k(['create', 'role', 'r1', '-n', 'other', '--verb=get', '--resource=pods', '--as', 'alice']);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /roles\.rbac\.authorization\.k8s\.io is forbidden: User "alice" cannot create resource "roles" in API group "rbac\.authorization\.k8s\.io" in the namespace "other"/,
  );
});

test('escalation prevention: bindings need held permissions or bind', async () => {
  await apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-getter}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get]}
`);
  const msg =
    'rolebindings.rbac.authorization.k8s.io "rb1" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
    '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}';
  const rb = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'rb1', namespace: 'esc' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-getter' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol' }],
  };
  const res = await call(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/esc/rolebindings', {
    method: 'POST',
    headers: { ...asAlice, 'Content-Type': 'application/json' },
    body: JSON.stringify(rb),
  });
  assert.equal(res.status, 403, res.body);
  assert.equal(res.json.message, msg);
  assert.deepEqual(res.json.details, { name: 'rb1', group: 'rbac.authorization.k8s.io', kind: 'rolebindings' });
  let r = await k([
    'create',
    'rolebinding',
    'rb1',
    '-n',
    'esc',
    '--clusterrole=pod-getter',
    '--user=carol',
    '--as',
    'alice',
  ]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(msg), r.stderr);
  // a missing referenced role is reported as NotFound
  r = await k([
    'create',
    'rolebinding',
    'rb2',
    '-n',
    'esc',
    '--clusterrole=no-such-role',
    '--user=carol',
    '--as',
    'alice',
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /clusterroles\.rbac\.authorization\.k8s\.io "no-such-role" not found/);
  // bind on exactly that cluster role
  await apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: binder, namespace: esc}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [pod-getter]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-binder, namespace: esc}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: binder}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
`);
  r = await k([
    'create',
    'rolebinding',
    'rb1',
    '-n',
    'esc',
    '--clusterrole=pod-getter',
    '--user=carol',
    '--as',
    'alice',
  ]);
  ok(r);
  assert.equal(r.stdout.trim(), 'rolebinding.rbac.authorization.k8s.io/rb1 created');
  // and the binding takes effect on the very next request
  r = await k(['auth', 'can-i', 'get', 'pods', '-n', 'esc', '--as', 'carol']);
  assert.deepEqual([r.code, r.stdout], [0, 'yes\n']);
  r = await k(['auth', 'can-i', 'get', 'pods', '-n', 'other', '--as', 'carol']);
  assert.deepEqual([r.code, r.stdout], [1, 'no\n']);
});

test('impersonation denied for a user without impersonate', async () => {
  let r = await k(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig: aliceKubeconfig });
  ok(r);
  assert.equal(r.stdout, 'alice');
  r = await k(['get', 'pods', '-n', 'esc', '--as', 'bob'], { kubeconfig: aliceKubeconfig });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim(),
    'Error from server (Forbidden): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
  );
  const res = await call(s, '/api/v1/namespaces/esc/pods', {
    token: 'alice-token',
    headers: { 'Impersonate-User': 'bob' },
  });
  assert.equal(res.status, 403);
  assert.deepEqual(res.json.details, { name: 'bob', kind: 'users' });
  r = await k(['get', 'pods', '-n', 'esc', '--as', 'system:serviceaccount:esc:default'], {
    kubeconfig: aliceKubeconfig,
  });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /serviceaccounts "default" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "esc"/,
  );
  r = await k(['get', 'pods', '-n', 'esc', '--as-group', 'admins', '--as', 'alice'], { kubeconfig: aliceKubeconfig });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /User "alice" cannot impersonate resource "(users|groups)" in API group "" at the cluster scope/,
  );
  // granted: impersonating bob now works (bob himself may not list pods)
  await apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-bob}
rules:
- {apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [bob]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: alice-impersonate-bob}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-bob}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
`);
  r = await k(['get', 'pods', '-n', 'esc', '--as', 'bob'], { kubeconfig: aliceKubeconfig });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim(),
    'Error from server (Forbidden): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "esc"',
  );
});

test('SubjectAccessReview via kubectl create -f shows allowed and the RBAC reason', async () => {
  await apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dave-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: dave}
`);
  const sar = (user, extra = {}) =>
    `apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: ${user}
  resourceAttributes: {namespace: esc, verb: list, resource: configmaps}
${Object.entries(extra)
  .map(([a, b]) => `  ${a}: ${JSON.stringify(b)}\n`)
  .join('')}`;
  const f = join(s.dir, 'sar.yaml');
  writeFileSync(f, sar('dave'));
  let r = await k(['create', '-f', f, '-o', 'yaml']);
  ok(r);
  let o = parse(r.stdout);
  assert.equal(o.kind, 'SubjectAccessReview');
  assert.deepEqual(o.status, {
    allowed: true,
    reason: 'RBAC: allowed by ClusterRoleBinding "dave-view" of ClusterRole "view" to User "dave"',
  });
  // a denied review: allowed false, no reason
  r = await k(['create', '-f', '-', '-o', 'json'], { input: sar('erin') });
  ok(r);
  assert.deepEqual(JSON.parse(r.stdout).status, { allowed: false });
  // a group grant via RoleBinding; groups are not augmented with system:authenticated
  r = await k(['create', '-f', '-', '-o', 'json'], { input: sar('erin', { groups: ['system:authenticated'] }) });
  assert.deepEqual(JSON.parse(r.stdout).status, { allowed: false });
  ok(await k(['create', 'rolebinding', 'erin-edit', '-n', 'esc', '--clusterrole=edit', '--group=editors']));
  r = await k(['create', '-f', '-', '-o', 'json'], { input: sar('erin', { groups: ['editors'] }) });
  o = JSON.parse(r.stdout);
  assert.deepEqual(o.status, {
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "erin-edit/esc" of ClusterRole "edit" to Group "editors"',
  });
  // system:masters short-circuits RBAC: allowed without a reason
  r = await k(['create', '-f', '-', '-o', 'json'], { input: sar('root', { groups: ['system:masters'] }) });
  assert.deepEqual(JSON.parse(r.stdout).status, { allowed: true });
});

test('RoleBinding to a missing Role: 403 message ends with the resolution error', async () => {
  ok(await k(['create', 'namespace', 'miss']));
  ok(await k(['create', 'rolebinding', 'frank-missing', '-n', 'miss', '--role=missing', '--user=frank']));
  const r = await k(['get', 'pods', '-n', 'miss', '--as', 'frank']);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim(),
    'Error from server (Forbidden): pods is forbidden: User "frank" cannot list resource "pods" in API group "" in the namespace "miss": RBAC: role.rbac.authorization.k8s.io "missing" not found',
  );
  const c = await k(['auth', 'can-i', 'list', 'pods', '-n', 'miss', '--as', 'frank']);
  assert.equal(c.code, 1);
  assert.equal(c.stdout, 'no - RBAC: role.rbac.authorization.k8s.io "missing" not found\n');
  // creating the role fixes it on the very next request
  ok(await k(['create', 'role', 'missing', '-n', 'miss', '--verb=list', '--resource=pods']));
  const y = await k(['get', 'pods', '-n', 'miss', '--as', 'frank']);
  ok(y);
  assert.match(y.stderr, /No resources found in miss namespace\./);
});

test('can-i: resource names, subresources, service accounts, unknown verbs, wildcards', async () => {
  ok(await k(['create', 'namespace', 'names']));
  await apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: one-cm, namespace: names}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get], resourceNames: [app-config]}
- {apiGroups: [""], resources: [pods/log], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: sa-one-cm, namespace: names}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-cm}
subjects:
- {kind: ServiceAccount, name: default, namespace: names}
`);
  const as = ['--as', 'system:serviceaccount:names:default', '-n', 'names'];
  const c = (argv) => k(['auth', 'can-i', ...argv, ...as]);
  let r = await c(['get', 'configmaps/app-config']);
  assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
  r = await c(['get', 'configmaps/other']);
  assert.deepEqual([r.code, r.stdout], [1, 'no\n'], r.stderr);
  r = await c(['list', 'configmaps']);
  assert.deepEqual([r.code, r.stdout], [1, 'no\n'], r.stderr);
  r = await c(['get', 'pods', '--subresource=log']);
  assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
  r = await c(['get', 'pods']);
  assert.deepEqual([r.code, r.stdout], [1, 'no\n'], r.stderr);
  // the SA's own groups come from impersonation: system:serviceaccounts:<ns>
  ok(
    await k([
      'create',
      'rolebinding',
      'ns-sas',
      '-n',
      'names',
      '--clusterrole=view',
      '--group=system:serviceaccounts:names',
    ]),
  );
  r = await c(['list', 'configmaps']);
  assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
  r = await k(['auth', 'can-i', 'frobnicate', 'pods', '-n', 'names']);
  assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
  assert.match(r.stderr, /Warning: verb 'frobnicate' is not a known verb/);
  r = await k(['auth', 'can-i', '*', '*']);
  assert.deepEqual([r.code, r.stdout], [0, 'yes\n'], r.stderr);
  r = await k(['auth', 'can-i', '*', '*', '--as', 'nobody']);
  assert.deepEqual([r.code, r.stdout], [1, 'no\n'], r.stderr);
  r = await k(['auth', 'can-i', 'get', 'nosuchthings']);
  assert.match(r.stderr, /Warning: the server doesn't have a resource type 'nosuchthings'/);
});

test('new bindings and their removal take effect on the very next request', async () => {
  ok(await k(['create', 'namespace', 'live']));
  let r = await k(['get', 'secrets', '-n', 'live', '--as', 'gina']);
  assert.equal(r.code, 1);
  ok(await k(['create', 'rolebinding', 'gina-admin', '-n', 'live', '--clusterrole=admin', '--user=gina']));
  r = await k(['get', 'secrets', '-n', 'live', '--as', 'gina']);
  ok(r);
  ok(await k(['delete', 'rolebinding', 'gina-admin', '-n', 'live']));
  r = await k(['get', 'secrets', '-n', 'live', '--as', 'gina']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /secrets is forbidden: User "gina" cannot list resource "secrets"/);
  // ClusterRoleBinding via a group
  ok(await k(['create', 'clusterrolebinding', 'ops-view', '--clusterrole=view', '--group=ops']));
  r = await k(['auth', 'can-i', 'list', 'configmaps', '-n', 'live', '--as', 'gina', '--as-group', 'ops']);
  assert.deepEqual([r.code, r.stdout], [0, 'yes\n']);
  // roles edited in place apply immediately too
  ok(await k(['create', 'role', 'sec-reader', '-n', 'live', '--verb=get', '--resource=secrets']));
  ok(await k(['create', 'rolebinding', 'gina-sec', '-n', 'live', '--role=sec-reader', '--user=gina']));
  r = await k(['auth', 'can-i', 'list', 'secrets', '-n', 'live', '--as', 'gina']);
  assert.deepEqual([r.code, r.stdout], [1, 'no\n']);
  ok(
    await k([
      'patch',
      'role',
      'sec-reader',
      '-n',
      'live',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/rules/0/verbs/-","value":"list"}]',
    ]),
  );
  r = await k(['auth', 'can-i', 'list', 'secrets', '-n', 'live', '--as', 'gina']);
  assert.deepEqual([r.code, r.stdout], [0, 'yes\n']);
});

test('a repeated review body is decided afresh each time (same bytes, new bindings, same warnings)', async () => {
  // Webhook clients post the same bytes again and again; the server keeps the decoded body, never the decision.
  ok(await k(['create', 'namespace', 'again']));
  const body = JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: 'hana', resourceAttributes: { namespace: 'again', verb: 'get', resource: 'pods' }, bogus: 1 },
  });
  const sar = async () => {
    const r = await call(s, '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.headers['warning'], '299 - "unknown field \\"spec.bogus\\""');
    return r.json;
  };
  const first = await sar();
  assert.deepEqual(first.status, { allowed: false });
  assert.deepEqual(first.spec, {
    resourceAttributes: { namespace: 'again', verb: 'get', resource: 'pods' },
    user: 'hana',
  });
  ok(await k(['create', 'rolebinding', 'hana-view', '-n', 'again', '--clusterrole=view', '--user=hana']));
  const second = await sar();
  assert.equal(second.status.allowed, true);
  assert.equal(
    second.status.reason,
    'RBAC: allowed by RoleBinding "hana-view/again" of ClusterRole "view" to User "hana"',
  );
  assert.deepEqual({ ...second, status: undefined }, { ...first, status: undefined });
  ok(await k(['delete', 'rolebinding', 'hana-view', '-n', 'again']));
  assert.deepEqual((await sar()).status, { allowed: false });
});
