// Ports of test/integration/auth/auth_test.go (kubernetes/kubernetes; revision in ledger.json). Upstream starts one
// kube-apiserver per test with ABAC policies or a stub authorizer; here RBAC bindings give each test's users the same
// decisions (AlwaysAllow and AlwaysDeny are kubeauth modes too, so those two tests run them). Requests go over
// HTTP/2 like upstream's Go client, which is what lets a request carry the method `NOSUCHVERB`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, call2, create, createNamespace, tokenOf } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';

/** An object of upstream's request table, `sub` spliced into its metadata as upstream's `%s` does. */
const bodies = {
  pod: (sub = '') =>
    `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","creationTimestamp":null${sub}},"spec":{"containers":[{"name":"foo","image":"bar/foo"}]}}`,
  rc: (sub = '') =>
    `{"kind":"ReplicationController","apiVersion":"v1","metadata":{"name":"a","labels":{"name":"a"}${sub}},"spec":{"replicas":2,"selector":{"name":"a"},"template":{"metadata":{"labels":{"name":"a"}},"spec":{"containers":[{"name":"foo","image":"bar/foo"}]}}}}`,
  service: (sub = '') =>
    `{"kind":"Service","apiVersion":"v1","metadata":{"name":"a","labels":{"name":"a"}${sub}},"spec":{"ports":[{"protocol":"TCP","port":8000}],"selector":{"name":"a"},"clusterIP":"10.0.0.100"}}`,
  node: (sub = '') =>
    `{"kind":"Node","apiVersion":"v1","metadata":{"name":"a"${sub}},"spec":{"externalID":"external"}}`,
  event:
    (ns) =>
    (sub = '') =>
      `{"kind":"Event","apiVersion":"v1","metadata":{"name":"a"${sub}},"involvedObject":{"kind":"Pod","namespace":"${ns}","name":"a","apiVersion":"v1"}}`,
  binding: (sub = '') =>
    `{"kind":"Binding","apiVersion":"v1","metadata":{"name":"a"${sub}},"target":{"name":"10.10.10.10"}}`,
  emptyEndpoints: (sub = '') => `{"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"a"${sub}}}`,
  endpoints: (sub = '') =>
    `{"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"a"${sub}},"subsets":[{"addresses":[{"ip":"10.10.1.1"}],"ports":[{"port":1909,"protocol":"TCP"}]}]}`,
  deleteNow: (sub = '') => `{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0${sub}}`,
  patch: () => '{}',
  foo: () => '{"foo": "foo"}',
};

const path = (resource, ns, name, prefix) =>
  '/api/v1' +
  (prefix ? `/${prefix}` : '') +
  (ns ? `/namespaces/${ns}` : '') +
  (resource ? `/${resource.toLowerCase()}` : '') +
  (name ? `/${name}` : '');
const timeoutPath = (resource, ns, name) => `${path(resource, ns, name)}?timeout=60s`;

/**
 * upstream's getTestRequests: [method, url, body, code]. `served: false` marks rows on APIs kubeauth does not serve
 * (replicationcontrollers, bindings, pods/exec, pods/portforward, services/proxy, nodes/proxy): there a permitted
 * request answers 404 instead of upstream's code; authentication and authorization, which these tests are about,
 * come first all the same.
 */
function requests(ns) {
  const no = { served: false };
  return [
    ['GET', path('pods'), null, 200],
    ['GET', path('pods', ns), null, 200],
    ['POST', timeoutPath('pods', ns), bodies.pod, 201],
    ['PUT', timeoutPath('pods', ns, 'a'), bodies.pod, 200],
    ['GET', path('pods', ns, 'a'), null, 200],
    ['GET', path('pods', ns, 'a') + '/exec', null, 400, no],
    ['POST', path('pods', ns, 'a') + '/exec', null, 400, no],
    ['PUT', path('pods', ns, 'a') + '/exec', null, 405, no],
    ['GET', path('pods', ns, 'a') + '/portforward', null, 400, no],
    ['POST', path('pods', ns, 'a') + '/portforward', null, 400, no],
    ['PUT', path('pods', ns, 'a') + '/portforward', null, 405, no],
    ['PATCH', path('pods', ns, 'a'), bodies.patch, 200],
    ['DELETE', timeoutPath('pods', ns, 'a'), bodies.deleteNow, 200],
    ['OPTIONS', path('pods', ns), null, 405],
    ['OPTIONS', path('pods', ns, 'a'), null, 405],
    ['HEAD', path('pods', ns), null, 405],
    ['HEAD', path('pods', ns, 'a'), null, 405],
    ['TRACE', path('pods', ns), null, 405],
    ['TRACE', path('pods', ns, 'a'), null, 405],
    ['NOSUCHVERB', path('pods', ns), null, 405],
    ['GET', path('services'), null, 200],
    ['GET', path('services', ns), null, 200],
    ['POST', timeoutPath('services', ns), bodies.service, 201],
    ['POST', timeoutPath('endpoints', ns), bodies.emptyEndpoints, 201],
    ['GET', path('services', ns, 'a') + '/proxy/', null, 503, no],
    ['PUT', timeoutPath('services', ns, 'a'), bodies.service, 200],
    ['GET', path('services', ns, 'a'), null, 200],
    ['DELETE', timeoutPath('endpoints', ns, 'a'), null, 200],
    ['DELETE', timeoutPath('services', ns, 'a'), null, 200],
    ['GET', path('replicationControllers'), null, 200, no],
    ['GET', path('replicationControllers', ns), null, 200, no],
    ['POST', timeoutPath('replicationControllers', ns), bodies.rc, 201, no],
    ['PUT', timeoutPath('replicationControllers', ns, 'a'), bodies.rc, 200, no],
    ['GET', path('replicationControllers', ns, 'a'), null, 200, no],
    ['DELETE', timeoutPath('replicationControllers', ns, 'a'), null, 200, no],
    ['GET', path('endpoints'), null, 200],
    ['GET', path('endpoints', ns), null, 200],
    ['POST', timeoutPath('endpoints', ns), bodies.endpoints, 201],
    ['PUT', timeoutPath('endpoints', ns, 'a'), bodies.endpoints, 200],
    ['GET', path('endpoints', ns, 'a'), null, 200],
    ['DELETE', timeoutPath('endpoints', ns, 'a'), null, 200],
    ['GET', path('nodes'), null, 200],
    ['POST', timeoutPath('nodes'), bodies.node, 201],
    ['PUT', timeoutPath('nodes', '', 'a'), bodies.node, 200],
    ['GET', path('nodes', '', 'a'), null, 200],
    ['DELETE', timeoutPath('nodes', '', 'a'), null, 200],
    ['GET', path('events'), null, 200],
    ['GET', path('events', ns), null, 200],
    ['POST', timeoutPath('events', ns), bodies.event(ns), 201],
    ['PUT', timeoutPath('events', ns, 'a'), bodies.event(ns), 200],
    ['GET', path('events', ns, 'a'), null, 200],
    ['DELETE', timeoutPath('events', ns, 'a'), null, 200],
    ['GET', path('bindings', ns), null, 405, no],
    ['POST', timeoutPath('pods', ns), bodies.pod, 201],
    ['POST', timeoutPath('bindings', ns), bodies.binding, 201, no],
    ['PUT', timeoutPath('bindings', ns, 'a'), bodies.binding, 404],
    ['GET', path('bindings', ns, 'a'), null, 404],
    ['DELETE', timeoutPath('bindings', ns, 'a'), null, 404],
    ['GET', path('foo'), null, 404],
    ['POST', path('foo', ns), bodies.foo, 404],
    ['PUT', path('foo', ns, 'a'), bodies.foo, 404],
    ['GET', path('foo', ns, 'a'), null, 404],
    ['DELETE', timeoutPath('foo', ns), null, 404],
    ['GET', path('nodes', ns, 'a') + '/proxy', null, 404],
    ['GET', path('nodes', ns, 'a', 'redirect'), null, 404],
    ['GET', '/', null, 200],
    ['GET', '/api', null, 200],
    ['GET', '/healthz', null, 200],
    ['GET', '/version', null, 200],
    ['GET', '/invalidURL', null, 404],
  ].map(([method, url, body, code, opts]) => ({ method, url, body, code, served: opts?.served ?? true }));
}

/**
 * Sends upstream's table as `token` (the admin when undefined), with upstream's bodies: a PUT carries the
 * resourceVersion its POST returned and the test namespace; PATCH is a merge patch. Resolves one answer per row.
 */
async function run(s, ns, { token, headers = {}, sendBodies = true } = {}) {
  const rv = new Map();
  const out = [];
  for (const r of requests(ns)) {
    const base = r.url.split('?')[0];
    let body;
    if (r.body && sendBodies) {
      let sub = '';
      if (r.method === 'PUT') {
        if (rv.has(base)) sub += `,\r\n"resourceVersion": "${rv.get(base)}"`;
        sub += `,\r\n"namespace": ${JSON.stringify(ns)}`;
      }
      body = r.body(sub);
      if (r.method === 'PUT' && r.url.includes('/pods/')) body = await withServiceAccountFields(s, r.url, body);
    } else if (r.body) body = r.body('');
    const h = { ...headers };
    if (r.method === 'PATCH') h['content-type'] = 'application/merge-patch+json';
    const res = await call2(s, r.url, { method: r.method, token, body, headers: h });
    if (r.method === 'POST' && res.json?.metadata?.name && res.json.metadata.resourceVersion)
      rv.set(`${base}/${res.json.metadata.name}`, res.json.metadata.resourceVersion);
    out.push({ ...r, status: res.status, text: res.body.slice(0, 300) });
  }
  return out;
}

/**
 * Upstream's servers run without the ServiceAccount admission plugin (no service-account controller there);
 * kubeauth always runs it, and it gives a created pod its service account and token volume, which a pod update
 * may not drop. So the port's PUT of upstream's pod carries what the plugin added, read back from the server.
 */
async function withServiceAccountFields(s, url, body) {
  const stored = (await call2(s, url.split('?')[0])).json;
  const pod = JSON.parse(body);
  const { serviceAccountName, serviceAccount, volumes } = stored.spec;
  Object.assign(pod.spec, { serviceAccountName, serviceAccount, volumes });
  pod.spec.containers[0].volumeMounts = stored.spec.containers[0].volumeMounts;
  return JSON.stringify(pod);
}

const show = (a) => `${a.method} ${a.url}: ${a.status} ${a.text}`;

/** upstream's check for a permitted user: each row answers its code (404 where kubeauth does not serve the API). */
function expectCodes(answers) {
  for (const a of answers) {
    if (a.served) assert.equal(a.status, a.code, show(a));
    else assert.equal(a.status, 404, `${show(a)} (not served by kubeauth: 404, never 401/403)`);
  }
}

const bindClusterRole = async (s, name, rules, subject) => {
  await create(s, `${rbac}/clusterroles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules,
  });
  await create(s, `${rbac}/clusterrolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [subject],
  });
};
const user = (name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

// Paths RBAC's bootstrap policy opens to every authenticated user (system:discovery, system:public-info-viewer);
// upstream's ABAC policy (allowalice.jsonl) opened nothing to bob, so there his answers were 403.
const discovery = new Set(['/api', '/healthz', '/version']);

let s;
before(async () => {
  s = await startServer([], { authorization: 'RBAC' });
});
after(() => s?.stop());

test('[it.auth.TestAuthModeAlwaysAllow] AlwaysAllow: every request of the table gets past authorization', async () => {
  const a = await startServer([], { authorization: 'AlwaysAllow' });
  try {
    await createNamespace(a, 'auth-always-allow');
    // Upstream sends the table as its admin client; a token-file user with no bindings shows it is the mode.
    expectCodes(await run(a, 'auth-always-allow', { token: tokenOf('alice') }));
  } finally {
    await a.stop();
  }
});

test('[it.auth.TestAuthModeAlwaysDeny] AlwaysDeny: every request of the table is 403', async () => {
  const d = await startServer([], { authorization: 'AlwaysDeny' });
  try {
    await createNamespace(d, 'auth-always-deny');
    for (const a of await run(d, 'auth-always-deny', { token: tokenOf('alice'), sendBodies: false }))
      assert.equal(a.status, 403, show(a));
  } finally {
    await d.stop();
  }
});

test('[it.auth.TestAliceNotForbiddenOrUnauthorized] a user allowed everything gets each row’s code', async () => {
  await createNamespace(s, 'auth-alice-not-forbidden');
  await create(s, `${rbac}/clusterrolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'alice-cluster-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [user('alice')],
  });
  expectCodes(await run(s, 'auth-alice-not-forbidden', { token: tokenOf('alice') }));
});

test('[it.auth.TestBobIsForbidden] a known user allowed nothing gets 403, never 401', async () => {
  await createNamespace(s, 'auth-bob-forbidden');
  for (const a of await run(s, 'auth-bob-forbidden', { token: tokenOf('bob'), sendBodies: false }))
    assert.equal(a.status, discovery.has(a.url) ? 200 : 403, show(a));
});

test('[it.auth.TestUnknownUserIsUnauthorized] an unknown bearer token gets 401 on every request', async () => {
  await createNamespace(s, 'auth-unknown-unauthorized');
  for (const a of await run(s, 'auth-unknown-unauthorized', { token: 'qwerty', sendBodies: false }))
    assert.equal(a.status, 401, show(a));
});

test('[it.auth.TestImpersonateIsForbidden] impersonation is authorized per requester and per target', async () => {
  const ns = 'auth-impersonate-forbidden';
  await createNamespace(s, ns);
  // upstream's impersonateAuthorizer, as RBAC: "alice" may do anything but impersonate (the verb "" is what
  // OPTIONS/TRACE/NOSUCHVERB are authorized as), "bob" may impersonate anyone and nothing else, and service
  // accounts may do everything.
  const anything = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', ''];
  await bindClusterRole(
    s,
    'imp-alice-anything-but-impersonate',
    [
      { apiGroups: ['*'], resources: ['*'], verbs: anything },
      { nonResourceURLs: ['*'], verbs: anything },
    ],
    user('imp-alice'),
  );
  await bindClusterRole(
    s,
    'imp-bob-impersonates-anyone',
    [
      { apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['uids', 'userextras'], verbs: ['impersonate'] },
    ],
    user('imp-bob'),
  );
  await create(s, `${rbac}/clusterrolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'serviceaccounts-do-everything' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts' }],
  });
  const bob = tokenOf('imp-bob');
  // bob can't perform actions himself
  for (const a of await run(s, ns, { token: bob, sendBodies: false }))
    assert.equal(a.status, discovery.has(a.url) ? 200 : 403, show(a));
  // bob can impersonate alice to do other things
  for (const a of await run(s, ns, { token: bob, headers: { 'impersonate-user': 'imp-alice' }, sendBodies: false }))
    assert.notEqual(a.status, 403, show(a));
  // alice can't impersonate bob
  for (const a of await run(s, ns, {
    token: tokenOf('imp-alice'),
    headers: { 'impersonate-user': 'imp-bob' },
    sendBodies: false,
  }))
    assert.equal(a.status, 403, show(a));
  // bob can impersonate a service account
  for (const a of await run(s, ns, {
    token: bob,
    headers: { 'impersonate-user': 'system:serviceaccount:default:default' },
    sendBodies: false,
  }))
    assert.notEqual(a.status, 403, show(a));
});

test('[it.auth.TestImpersonateWithUID.impersonation-with-only-uid-fails] Impersonate-Uid alone is a plain-text 500', async () => {
  const r = await call2(s, '/api/v1/nodes', { headers: { 'impersonate-uid': '1234' } });
  // client-go: IsInternalError, and `an error on the server ("<body>") has prevented the request from succeeding`.
  assert.equal(r.status, 500, r.body);
  assert.equal(
    r.body.trim(),
    'Internal Server Error: "/api/v1/nodes": requested [{UID  1234  authentication.k8s.io/v1  }] without impersonating a user',
  );
  assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
});

test('[it.auth.TestImpersonateWithUID.impersonating-uid-without-authorization-fails] impersonating a UID needs its own permission', async () => {
  await bindClusterRole(
    s,
    'anonymous-impersonates-one-user',
    [
      {
        apiGroups: [''],
        resources: ['users'],
        resourceNames: ['some-user-anonymous-can-impersonate'],
        verbs: ['impersonate'],
      },
    ],
    user('system:anonymous'),
  );
  const r = await call2(s, '/api/v1/nodes', {
    anonymous: true,
    headers: { 'impersonate-user': 'some-user-anonymous-can-impersonate', 'impersonate-uid': '1234' },
  });
  assert.equal(r.status, 403, r.body);
  assert.equal(r.json.reason, 'Forbidden');
  assert.equal(
    r.json.message,
    'uids.authentication.k8s.io "1234" is forbidden: User "system:anonymous" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
  );
});

test('[it.auth.TestAuthorizationAttributeDetermination] the authorizer sees the group and resource of the URL', async () => {
  // upstream records the attributes with a tracking authorizer; kubeauth's Forbidden answer is rendered from the
  // attributes the authorizer was asked about, so it shows the same group and resource.
  const cases = [
    ['/api/v1/pods', '', 'pods'],
    ['/apis/extensions/v1/pods', 'extensions', 'pods'],
    ['/apis/autoscaling/v1/horizontalpodautoscalers', 'autoscaling', 'horizontalpodautoscalers'],
  ];
  for (const [url, group, resource] of cases) {
    const r = await call2(s, url, { token: tokenOf('bob') });
    assert.equal(r.status, 403, r.body);
    assert.equal(r.json.details.group ?? '', group, url);
    assert.equal(r.json.details.kind, resource, url);
    assert.equal(
      r.json.message,
      `${group ? `${resource}.${group}` : resource} is forbidden: User "bob" cannot list resource "${resource}" in API group "${group}" at the cluster scope`,
    );
  }
});

/** upstream's rows as [method, url, body, code], sent as `token` with bodies and resourceVersions as in `run`. */
async function rows(token, list) {
  for (const [method, url, body, code] of list) {
    const r = await call2(s, url, { method, token, body: body?.('') });
    assert.equal(r.status, code, `${method} ${url}: ${r.status} ${r.body.slice(0, 300)}`);
  }
}

const everything = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];

test('[it.auth.TestNamespaceAuthorization] a user allowed in one namespace is refused in others', async () => {
  const ns = 'auth-namespace';
  await createNamespace(s, ns);
  await createNamespace(s, 'foo-ns-authz');
  await create(s, `${rbac}/clusterroles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'everything' },
    rules: everything,
  });
  await create(s, `${rbac}/namespaces/${ns}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'bob-namespace' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'everything' },
    subjects: [user('bob-namespace')],
  });
  await rows(tokenOf('bob-namespace'), [
    ['POST', timeoutPath('pods', ns), bodies.pod, 201],
    ['GET', path('pods', ns), null, 200],
    ['GET', path('pods', ns, 'a'), null, 200],
    ['DELETE', timeoutPath('pods', ns, 'a'), null, 200],
    ['POST', timeoutPath('pods', 'foo-ns-authz'), bodies.pod, 403],
    ['GET', path('pods', 'foo-ns-authz'), null, 403],
    ['GET', path('pods', 'foo-ns-authz', 'a'), null, 403],
    ['DELETE', timeoutPath('pods', 'foo-ns-authz', 'a'), null, 403],
    ['POST', timeoutPath('pods', 'default'), bodies.pod, 403],
    ['GET', path('pods'), null, 403],
    ['GET', path('pods', 'default', 'a'), null, 403],
    ['DELETE', timeoutPath('pods', 'default', 'a'), null, 403],
  ]);
});

test('[it.auth.TestKindAuthorization] a user allowed one resource is refused others', async () => {
  const ns = 'auth-kind';
  await createNamespace(s, ns);
  await bindClusterRole(
    s,
    'services-only',
    [{ apiGroups: [''], resources: ['services'], verbs: ['*'] }],
    user('bob-kind'),
  );
  await rows(tokenOf('bob-kind'), [
    ['POST', timeoutPath('services', ns), bodies.service, 201],
    ['GET', path('services', ns), null, 200],
    ['GET', path('services', ns, 'a'), null, 200],
    ['DELETE', timeoutPath('services', ns, 'a'), null, 200],
    ['POST', timeoutPath('pods', ns), bodies.pod, 403],
    ['GET', path('pods'), null, 403],
    ['GET', path('pods', ns, 'a'), null, 403],
    ['DELETE', timeoutPath('pods', ns, 'a'), null, 403],
  ]);
});

test('[it.auth.TestReadOnlyAuthorization] a read-only user reads and cannot write', async () => {
  const ns = 'auth-read-only';
  await createNamespace(s, ns);
  await bindClusterRole(
    s,
    'read-only',
    [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
    user('bob-readonly'),
  );
  await rows(tokenOf('bob-readonly'), [
    ['POST', path('pods', ns), bodies.pod, 403],
    ['GET', path('pods', ns), null, 200],
    ['GET', path('pods', 'default', 'a'), null, 404],
  ]);
});

// node_rule_resolution_test.go: with RBAC (kubeauth has no Node authorizer), a regular user's rules resolve fully.
test('[it.node-rule-resolution.TestNodeAuthorizerRuleResolutionWithNonNodeUser.test-node-authorizer-rule-resolution-with-non-node-regular-user] a regular user’s rules are complete', async () => {
  const r = await call2(s, '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
    method: 'POST',
    headers: { 'impersonate-user': 'user:foo', 'impersonate-group': ['user:foo', 'system:authenticated'] },
    body: JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      spec: { namespace: 'default' },
    }),
  });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.json.status.incomplete, false);
  assert.equal(r.json.status.evaluationError ?? '', '');
});
