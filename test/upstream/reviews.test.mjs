// Ports of test/integration/auth/accessreview_test.go, selfsubjectreview_test.go and rbac_test.go
// (kubernetes/kubernetes, revisions in ledger.json). Upstream injects a stub authorizer ("you're not dave") and
// stub authenticators; here the same decisions come from RBAC bindings and token-file users, so each review must
// follow the reviewed subject (alice allowed, dave denied), not the admin who posts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create, createNamespace, tokenOf, watch } from './lib.mjs';

let s;
const allowAlice = 'RBAC: allowed by ClusterRoleBinding "alice-lists-pods" of ClusterRole "pod-lister" to User "alice"';
before(async () => {
  s = await startServer();
  await createNamespace(s, 'foo');
  await create(s, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'pod-lister' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
  });
  await create(s, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'alice-lists-pods' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-lister' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
  });
});
after(() => s?.stop());

const listPods = (namespace) => ({
  verb: 'list',
  group: '',
  version: 'v1',
  resource: 'pods',
  ...(namespace ? { namespace } : {}),
});
const sar = (spec) =>
  req(s, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec,
  });

test('[it.accessreview.TestSubjectAccessReview.simple-allow] simple allow', async () => {
  const r = await sar({ resourceAttributes: listPods(), user: 'alice' });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status, { allowed: true, reason: allowAlice });
});

test('[it.accessreview.TestSubjectAccessReview.simple-deny] simple deny', async () => {
  const r = await sar({ resourceAttributes: listPods(), user: 'dave' });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status, { allowed: false });
});

test('[it.accessreview.TestSubjectAccessReview.simple-error] simple error', async () => {
  const r = await sar({ resourceAttributes: listPods() });
  assert.equal(r.status, 422, r.body);
  assert.match(r.json.message, /at least one of user or group must be specified/);
});

const ssar = (token) =>
  req(
    s,
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: listPods() },
    },
    { token },
  );

test('[it.accessreview.TestSelfSubjectAccessReview.simple-allow] simple allow', async () => {
  const r = await ssar(tokenOf('alice'));
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status, { allowed: true, reason: allowAlice });
});

test('[it.accessreview.TestSelfSubjectAccessReview.simple-deny] simple deny', async () => {
  const r = await ssar(tokenOf('dave'));
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status, { allowed: false });
});

const lsar = (namespace, spec) =>
  req(s, 'POST', `/apis/authorization.k8s.io/v1/namespaces/${namespace}/localsubjectaccessreviews`, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'LocalSubjectAccessReview',
    metadata: { namespace },
    spec,
  });

test('[it.accessreview.TestLocalSubjectAccessReview.simple-allow] simple allow', async () => {
  const r = await lsar('foo', { resourceAttributes: listPods('foo'), user: 'alice' });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status, { allowed: true, reason: allowAlice });
});

test('[it.accessreview.TestLocalSubjectAccessReview.simple-deny] simple deny', async () => {
  const r = await lsar('foo', { resourceAttributes: listPods('foo'), user: 'dave' });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status, { allowed: false });
});

test('[it.accessreview.TestLocalSubjectAccessReview.conflicting-namespace] conflicting namespace', async () => {
  const r = await lsar('foo', { resourceAttributes: listPods('bar'), user: 'dave' });
  assert.equal(r.status, 422, r.body);
  assert.match(r.json.message, /must match metadata\.namespace/);
});

test('[it.accessreview.TestLocalSubjectAccessReview.missing-namespace] missing namespace', async () => {
  const r = await lsar('foo', { resourceAttributes: listPods(), user: 'dave' });
  assert.equal(r.status, 422, r.body);
  assert.match(r.json.message, /must match metadata\.namespace/);
});

// selfsubjectreview_test.go: the review echoes the authenticated user. Token-file users gain
// system:authenticated (as they do on kube-apiserver); upstream's stub authenticator skips that adder.
const ssr = (version, { token, headers } = {}) =>
  req(
    s,
    'POST',
    `/apis/authentication.k8s.io/${version}/selfsubjectreviews`,
    { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' },
    { token, headers },
  );
const cases = [
  ['Username', { token: tokenOf('bob') }, { username: 'bob', groups: ['system:authenticated'] }],
  [
    'Username with groups and UID',
    { token: tokenOf('alice') },
    { username: 'alice', uid: 'unique-id', groups: ['devs', 'admins', 'system:authenticated'] },
  ],
  [
    'Username with extra attributes',
    { headers: { 'Impersonate-User': 'alice', 'Impersonate-Extra-nicknames': ['cutie', 'bestie'] } },
    { username: 'alice', groups: ['system:authenticated'], extra: { nicknames: ['cutie', 'bestie'] } },
  ],
];
async function selfAttributes(version, i) {
  const [, as, want] = cases[i];
  const r = await ssr(version, as);
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status.userInfo, want);
}

async function selfAttributesError(version) {
  const r = await ssr(version, { token: 'not-a-known-token' });
  assert.equal(r.status, 401, r.body);
  assert.equal(r.json.message, 'Unauthorized');
}

test('[it.selfsubjectreview.TestGetsSelfAttributes.username_v1beta1] Username_v1beta1', () =>
  selfAttributes('v1beta1', 0));
test('[it.selfsubjectreview.TestGetsSelfAttributes.username-with-groups-and-uid_v1beta1] Username with groups and UID_v1beta1', () =>
  selfAttributes('v1beta1', 1));
test('[it.selfsubjectreview.TestGetsSelfAttributes.username-with-extra-attributes_v1beta1] Username with extra attributes_v1beta1', () =>
  selfAttributes('v1beta1', 2));
test('[it.selfsubjectreview.TestGetsSelfAttributes.username_v1] Username_v1', () => selfAttributes('v1', 0));
test('[it.selfsubjectreview.TestGetsSelfAttributes.username-with-groups-and-uid_v1] Username with groups and UID_v1', () =>
  selfAttributes('v1', 1));
test('[it.selfsubjectreview.TestGetsSelfAttributes.username-with-extra-attributes_v1] Username with extra attributes_v1', () =>
  selfAttributes('v1', 2));
test('[it.selfsubjectreview.TestGetsSelfAttributesError.v1beta1] v1beta1', () => selfAttributesError('v1beta1'));
test('[it.selfsubjectreview.TestGetsSelfAttributesError.v1] v1', () => selfAttributesError('v1'));

// rbac_test.go TestRBAC, case 0: the admin creates a namespace and a pod; bob (no bindings) is refused;
// pod-reader (bound to a read-pods ClusterRole) may list but not create.
test('[it.rbac.TestRBAC.case-0-read-pods] users see pods only through their bindings', async () => {
  await create(s, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'read-pods' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'get', 'watch'] }],
  });
  await create(s, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'read-pods' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'read-pods' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'pod-reader' }],
  });
  const aPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'a' },
    spec: { containers: [{ name: 'foo', image: 'bar' }] },
  };
  const steps = [
    [
      undefined,
      'POST',
      '/api/v1/namespaces',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pod-namespace' } },
      201,
    ],
    [undefined, 'GET', '/api/v1/pods', undefined, 200],
    [undefined, 'GET', '/api/v1/namespaces/pod-namespace/pods/a', undefined, 404],
    [undefined, 'POST', '/api/v1/namespaces/pod-namespace/pods', aPod, 201],
    [undefined, 'GET', '/api/v1/namespaces/pod-namespace/pods/a', undefined, 200],
    ['bob', 'GET', '/api/v1/pods', undefined, 403],
    ['bob', 'GET', '/api/v1/namespaces/pod-namespace/pods/a', undefined, 403],
    ['pod-reader', 'GET', '/api/v1/pods', undefined, 200],
    ['pod-reader', 'POST', '/api/v1/namespaces/pod-namespace/pods', aPod, 403],
  ];
  for (const [user, method, path, body, want] of steps) {
    const r = await req(s, method, path, body, { token: user ? tokenOf(user) : undefined });
    assert.equal(r.status, want, `${user ?? 'admin'} ${method} ${path}: ${r.body}`);
  }
});

test('[it.rbac.TestBootstrapping] the bootstrap cluster roles are served, cluster-admin among them', async () => {
  const w = watch(s, '/apis/rbac.authorization.k8s.io/v1/clusterroles?watch=1&resourceVersion=0');
  const res = await w.ready;
  assert.equal(res.statusCode, 200);
  const first = await w.next('ADDED');
  assert.equal(first.object.kind, 'ClusterRole');
  w.close();
  const list = await req(s, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles');
  assert.equal(list.status, 200);
  assert.ok(list.json.items.length > 0, 'missing cluster roles');
  assert.ok(
    list.json.items.some((r) => r.metadata.name === 'cluster-admin'),
    'missing cluster-admin',
  );
});
