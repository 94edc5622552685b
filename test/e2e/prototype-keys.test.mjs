// Keys that are also names on Object.prototype (constructor, toString, __proto__, ...) are ordinary data to the
// API: a ConfigMap/Secret may use them as keys, labels may use them, and objects may be named after them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeauth } from './harness.mjs';
import { call } from './http.mjs';

let s;
before(async () => {
  // Users named after Object.prototype members, one of them in groups named so too.
  s = await startKubeauth([], {
    tokens: 'proto-token,__proto__,proto-uid\nctor-token,constructor,ctor-uid,"toString,__proto__"\n',
  });
});
after(async () => {
  await s?.stop();
});

const json = { 'Content-Type': 'application/json' };
const protoKeys = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

/** JSON object text with these members in this order (a `__proto__` member included as written). */
function objText(entries) {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}
function ownEntries(o) {
  return Object.keys(o)
    .sort()
    .map((k) => [k, o[k]]);
}

test('a ConfigMap with prototype-named data keys is stored and returned exactly', async () => {
  const data = protoKeys.map((k) => [k, `v-${k}`]);
  const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto-cm"},"data":${objText(data)},"binaryData":${objText([['bin', 'AAE=']])}}`;
  let r = await call(s, '/api/v1/namespaces/default/configmaps', { method: 'POST', headers: json, body });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(
    ownEntries(r.json.data),
    [...data].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  );
  r = await call(s, '/api/v1/namespaces/default/configmaps/proto-cm');
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(
    ownEntries(r.json.data),
    [...data].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  );
  assert.deepEqual(ownEntries(r.json.binaryData), [['bin', 'AAE=']]);
});

test('a real duplicate across data and binaryData is still refused', async () => {
  for (const k of ['a', 'constructor', '__proto__']) {
    const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":${objText([[k, 'x']])},"binaryData":${objText([[k, 'AA==']])}}`;
    const r = await call(s, '/api/v1/namespaces/default/configmaps', { method: 'POST', headers: json, body });
    assert.equal(r.status, 422, r.body);
    assert.equal(
      r.json.message,
      `ConfigMap "dup" is invalid: data[${k}]: Invalid value: "${k}": duplicate of key present in binaryData`,
    );
  }
});

test('a Secret with prototype-named keys in data and stringData is stored and returned exactly', async () => {
  const data = protoKeys.map((k) => [k, Buffer.from(`d-${k}`).toString('base64')]);
  const stringData = [
    ['__proto__', 'string wins'],
    ['valueOf', 'sv'],
    ['isPrototypeOf', 'ip'],
  ];
  const body = `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"proto-secret"},"data":${objText(data)},"stringData":${objText(stringData)}}`;
  let r = await call(s, '/api/v1/namespaces/default/secrets', { method: 'POST', headers: json, body });
  assert.equal(r.status, 201, r.body);
  const expected = [
    ...data.filter(([k]) => k !== '__proto__' && k !== 'valueOf'),
    ['__proto__', Buffer.from('string wins').toString('base64')],
    ['valueOf', Buffer.from('sv').toString('base64')],
    ['isPrototypeOf', Buffer.from('ip').toString('base64')],
  ].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  assert.deepEqual(ownEntries(r.json.data), expected);
  assert.equal(r.json.stringData, undefined);
  r = await call(s, '/api/v1/namespaces/default/secrets/proto-secret');
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(ownEntries(r.json.data), expected);
  // Go writes map keys sorted: the wire order is the sorted order too.
  assert.deepEqual(
    Object.keys(r.json.data),
    expected.map(([k]) => k),
  );
});

const post = (path, body, o = {}) =>
  call(s, path, { method: 'POST', headers: json, body: typeof body === 'string' ? body : JSON.stringify(body), ...o });

test('a namespace and a ServiceAccount named constructor get a token, and RBAC works for them', async () => {
  let r = await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'constructor' } });
  assert.equal(r.status, 201, r.body);
  r = await post('/api/v1/namespaces/constructor/serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'constructor' },
  });
  assert.equal(r.status, 201, r.body);
  r = await post('/api/v1/namespaces/constructor/serviceaccounts/constructor/token', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {},
  });
  assert.equal(r.status, 201, r.body);
  const token = r.json.status.token;
  // The request's labels are echoed as given, keys named after prototype members included.
  r = await post(
    '/api/v1/namespaces/constructor/serviceaccounts/constructor/token',
    '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{"labels":{"__proto__":"p","constructor":"c"}},"spec":{}}',
  );
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(ownEntries(r.json.metadata.labels), [
    ['__proto__', 'p'],
    ['constructor', 'c'],
  ]);
  // A Pod running as that ServiceAccount, with node selector keys named after prototype members: no warnings.
  r = await post('/api/v1/namespaces/constructor/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'constructor' },
    spec: {
      serviceAccountName: 'constructor',
      nodeSelector: { constructor: 'x', toString: 'y' },
      containers: [{ name: 'c', image: 'busybox', resources: { limits: { cpu: '1' } } }],
    },
  });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.headers.warning, undefined);
  assert.deepEqual(ownEntries(r.json.spec.nodeSelector), [
    ['constructor', 'x'],
    ['toString', 'y'],
  ]);
  assert.deepEqual(r.json.spec.containers[0].resources, { limits: { cpu: '1' }, requests: { cpu: '1' } });
  assert.ok(
    r.json.spec.volumes.some((v) => v.name.startsWith('kube-api-access-')),
    r.body,
  );
  r = await post('/apis/authentication.k8s.io/v1/tokenreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token },
  });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.json.status.authenticated, true, r.body);
  assert.equal(r.json.status.user.username, 'system:serviceaccount:constructor:constructor');
  assert.deepEqual(r.json.status.user.groups, [
    'system:serviceaccounts',
    'system:serviceaccounts:constructor',
    'system:authenticated',
  ]);

  const list = () => call(s, '/api/v1/namespaces/constructor/configmaps', { token });
  r = await list();
  assert.equal(r.status, 403, r.body);
  assert.equal(
    r.json.message,
    'configmaps is forbidden: User "system:serviceaccount:constructor:constructor" cannot list resource "configmaps" in API group "" in the namespace "constructor"',
  );
  r = await post('/apis/rbac.authorization.k8s.io/v1/namespaces/constructor/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'constructor' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
  });
  assert.equal(r.status, 201, r.body);
  r = await post('/apis/rbac.authorization.k8s.io/v1/namespaces/constructor/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'constructor' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'constructor' },
    subjects: [{ kind: 'ServiceAccount', name: 'constructor', namespace: 'constructor' }],
  });
  assert.equal(r.status, 201, r.body);
  r = await list();
  assert.equal(r.status, 200, r.body);
  // The grant is for that namespace only.
  r = await call(s, '/api/v1/namespaces/default/configmaps', { token });
  assert.equal(r.status, 403, r.body);
  // The rules review sees the Role through the binding.
  r = await post(
    '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'constructor' } },
    { token },
  );
  assert.equal(r.status, 201, r.body);
  assert.ok(
    r.json.status.resourceRules.some((x) => x.resources?.includes('configmaps') && x.verbs.includes('list')),
    r.body,
  );
  // A group binding by the namespace's group works too.
  r = await call(s, '/api/v1/namespaces/constructor/secrets', { token });
  assert.equal(r.status, 403, r.body);
  r = await post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'constructor' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:constructor' }],
  });
  assert.equal(r.status, 201, r.body);
  r = await call(s, '/api/v1/namespaces/default/configmaps', { token });
  assert.equal(r.status, 200, r.body);
});

const whoami = (o) =>
  post(
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    o,
  );

test('token-file users named __proto__ and constructor authenticate, and RBAC binds them by name', async () => {
  let r = await whoami({ token: 'proto-token' });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status.userInfo, {
    username: '__proto__',
    uid: 'proto-uid',
    groups: ['system:authenticated'],
  });
  r = await whoami({ token: 'ctor-token' });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status.userInfo, {
    username: 'constructor',
    uid: 'ctor-uid',
    groups: ['toString', '__proto__', 'system:authenticated'],
  });

  for (const token of ['proto-token', 'ctor-token']) {
    r = await call(s, '/api/v1/namespaces/default/secrets', { token });
    assert.equal(r.status, 403, r.body);
  }
  assert.equal(
    r.json.message,
    'secrets is forbidden: User "constructor" cannot list resource "secrets" in API group "" in the namespace "default"',
  );
  r = await post('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'secret-reader' },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }],
  });
  assert.equal(r.status, 201, r.body);
  r = await post('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'proto-user' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: '__proto__' }],
  });
  assert.equal(r.status, 201, r.body);
  r = await call(s, '/api/v1/namespaces/default/secrets', { token: 'proto-token' });
  assert.equal(r.status, 200, r.body);
  // constructor is neither the user __proto__ nor yet in a bound group.
  r = await call(s, '/api/v1/namespaces/default/secrets', { token: 'ctor-token' });
  assert.equal(r.status, 403, r.body);
  r = await post('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'proto-group' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'toString' }],
  });
  assert.equal(r.status, 201, r.body);
  r = await call(s, '/api/v1/namespaces/default/secrets', { token: 'ctor-token' });
  assert.equal(r.status, 200, r.body);
});

test('impersonating __proto__ with extras named __proto__ and constructor', async () => {
  const r = await whoami({
    headers: {
      ...json,
      'Impersonate-User': '__proto__',
      'Impersonate-Group': 'constructor',
      'Impersonate-Extra-__proto__': 'a',
      'Impersonate-Extra-Constructor': 'b',
      'Impersonate-Extra-toString': 'c, d',
    },
  });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status.userInfo, {
    username: '__proto__',
    groups: ['constructor', 'system:authenticated'],
    // JSON.parse: a `__proto__` member in an object literal would set the prototype instead.
    extra: JSON.parse('{"__proto__":["a"],"constructor":["b"],"tostring":["c","d"]}'),
  });
  assert.deepEqual(Object.keys(r.json.status.userInfo.extra), ['__proto__', 'constructor', 'tostring']);
});

test('Impersonate-Extra- keys are unescaped after lowercasing, a malformed escape kept as is', async () => {
  const r = await whoami({
    headers: {
      ...json,
      'Impersonate-User': 'u',
      'Impersonate-Extra-Example.com%2FKey%41': 'a',
      'Impersonate-Extra-%zz': 'b',
      'Impersonate-Extra-%5F%5Fproto%5F%5F': 'c',
    },
  });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(ownEntries(r.json.status.userInfo.extra), [
    ['%zz', ['b']],
    ['__proto__', ['c']],
    ['example.com/keyA', ['a']],
  ]);
});

test('SubjectAccessReview with extra keys __proto__ and constructor', async () => {
  const body = `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"__proto__","groups":["constructor"],"extra":{"__proto__":["x"],"constructor":["y"]},"resourceAttributes":{"namespace":"default","verb":"list","resource":"secrets"}}}`;
  const r = await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', body);
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(ownEntries(r.json.spec.extra), [
    ['__proto__', ['x']],
    ['constructor', ['y']],
  ]);
  assert.equal(r.json.status.allowed, true, r.body);
  assert.equal(
    r.json.status.reason,
    'RBAC: allowed by RoleBinding "proto-user/default" of Role "secret-reader" to User "__proto__"',
  );
});

const cmPath = '/api/v1/namespaces/default/configmaps';
async function patch(name, type, body, query = '') {
  return call(s, `${cmPath}/${name}${query}`, {
    method: 'PATCH',
    headers: { 'Content-Type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const labelKeyMessage = (kind, name, field, key) =>
  `${kind} "${name}" is invalid: ${field}: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`;

for (const [type, label] of [
  ['application/merge-patch+json', 'merge patch'],
  ['application/strategic-merge-patch+json', 'strategic merge patch'],
]) {
  test(`${label} with __proto__ and constructor keys`, async () => {
    const name = type.startsWith('application/merge') ? 'mp' : 'smp';
    let r = await post(cmPath, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });
    assert.equal(r.status, 201, r.body);
    r = await patch(name, type, '{"metadata":{"labels":{"constructor":"m"}},"data":{"__proto__":"p","toString":"t"}}');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(ownEntries(r.json.metadata.labels), [['constructor', 'm']]);
    assert.deepEqual(ownEntries(r.json.data), [
      ['__proto__', 'p'],
      ['a', '1'],
      ['toString', 't'],
    ]);
    // null deletes the key it names, nothing else.
    r = await patch(name, type, '{"data":{"__proto__":null,"constructor":null}}');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(ownEntries(r.json.data), [
      ['a', '1'],
      ['toString', 't'],
    ]);
    // A label key __proto__ is data to the patch and then fails label-key validation, as in kube.
    r = await patch(name, type, '{"metadata":{"labels":{"__proto__":"x"}}}');
    assert.equal(r.status, 422, r.body);
    assert.equal(r.json.message, labelKeyMessage('ConfigMap', name, 'metadata.labels', '__proto__'));
    // A __proto__ member at the top of the patch is an unknown field: ignored (with a warning), never a prototype.
    r = await patch(name, type, '{"__proto__":{"data":{"b":"2"}},"data":{"valueOf":"v"}}');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(ownEntries(r.json.data), [
      ['a', '1'],
      ['toString', 't'],
      ['valueOf', 'v'],
    ]);
    r = await call(s, `${cmPath}/${name}`);
    assert.equal(Object.getPrototypeOf(r.json), Object.prototype);
    assert.equal(r.json.data.b, undefined);
  });
}

test('JSON patch paths through __proto__ and constructor', async () => {
  let r = await post(cmPath, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'jp' }, data: { a: '1' } });
  assert.equal(r.status, 201, r.body);
  const jp = (ops) => patch('jp', 'application/json-patch+json', ops);
  r = await jp([
    { op: 'add', path: '/metadata/labels', value: {} },
    { op: 'add', path: '/metadata/labels/__proto__', value: 'x' },
  ]);
  assert.equal(r.status, 422, r.body);
  assert.equal(r.json.message, labelKeyMessage('ConfigMap', 'jp', 'metadata.labels', '__proto__'));
  r = await jp([
    { op: 'add', path: '/metadata/labels', value: {} },
    { op: 'add', path: '/metadata/labels/constructor', value: 'x' },
    { op: 'add', path: '/data/__proto__', value: 'p' },
    { op: 'add', path: '/data/valueOf', value: 'v' },
    { op: 'test', path: '/data/__proto__', value: 'p' },
  ]);
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(ownEntries(r.json.metadata.labels), [['constructor', 'x']]);
  assert.deepEqual(ownEntries(r.json.data), [
    ['__proto__', 'p'],
    ['a', '1'],
    ['valueOf', 'v'],
  ]);
  // Inherited names are not members: removing or testing one that is absent fails as for any missing key.
  r = await jp([{ op: 'remove', path: '/data/hasOwnProperty' }]);
  assert.equal(r.status, 422, r.body);
  assert.equal(r.json.message, 'the server rejected our request due to an error in our request');
});

test('server-side apply with __proto__ and constructor keys', async () => {
  const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa","labels":{"constructor":"c"}},"data":{"__proto__":"p","constructor":"k","toString":"t"}}`;
  let r = await patch('ssa', 'application/apply-patch+yaml', body, '?fieldManager=tester');
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(ownEntries(r.json.data), [
    ['__proto__', 'p'],
    ['constructor', 'k'],
    ['toString', 't'],
  ]);
  const fields = r.json.metadata.managedFields[0].fieldsV1;
  assert.deepEqual(Object.keys(fields['f:data']).sort(), ['f:__proto__', 'f:constructor', 'f:toString']);
  // Applying again without __proto__ removes it (the manager owned it) and keeps the rest.
  r = await patch(
    'ssa',
    'application/apply-patch+yaml',
    `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa","labels":{"constructor":"c"}},"data":{"constructor":"k2","toString":"t"}}`,
    '?fieldManager=tester',
  );
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(ownEntries(r.json.data), [
    ['constructor', 'k2'],
    ['toString', 't'],
  ]);
  // YAML with a __proto__ key
  r = await patch(
    'ssa-yaml',
    'application/apply-patch+yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-yaml\ndata:\n  __proto__: p\n  valueOf: v\n',
    '?fieldManager=tester',
  );
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(ownEntries(r.json.data), [
    ['__proto__', 'p'],
    ['valueOf', 'v'],
  ]);
});

test('label selectors on keys named constructor and toString', async () => {
  for (const [name, labels] of [
    ['sel-ctor', { constructor: 'x' }],
    ['sel-other', { constructor: 'y' }],
    ['sel-none', { plain: 'z' }],
  ]) {
    const r = await post(cmPath, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } });
    assert.equal(r.status, 201, r.body);
  }
  const names = async (sel) => {
    const r = await call(s, `${cmPath}?labelSelector=${encodeURIComponent(sel)}`);
    assert.equal(r.status, 200, r.body);
    return r.json.items
      .map((i) => i.metadata.name)
      .filter((n) => n.startsWith('sel-'))
      .sort();
  };
  assert.deepEqual(await names('constructor=x'), ['sel-ctor']);
  assert.deepEqual(await names('constructor'), ['sel-ctor', 'sel-other']);
  assert.deepEqual(await names('!constructor'), ['sel-none']);
  assert.deepEqual(await names('constructor in (x,y)'), ['sel-ctor', 'sel-other']);
  assert.deepEqual(await names('constructor notin (x)'), ['sel-none', 'sel-other']);
  assert.deepEqual(await names('toString'), []);
  assert.deepEqual(await names('!toString'), ['sel-ctor', 'sel-none', 'sel-other']);
  assert.deepEqual(await names('plain,!constructor'), ['sel-none']);
  // A `__proto__` member in metadata is an unknown field, not a prototype lending the object labels.
  let r = await post(
    `${cmPath}`,
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"sel-meta-proto","__proto__":{"labels":{"constructor":"x"}}}}',
  );
  assert.equal(r.status, 201, r.body);
  assert.equal(r.headers.warning, '299 - "unknown field \\"metadata.__proto__\\""');
  assert.equal(r.json.metadata.labels, undefined);
  assert.deepEqual(await names('constructor=x'), ['sel-ctor']);
  assert.deepEqual(await names('!constructor'), ['sel-meta-proto', 'sel-none']);
  // Field selectors on a name that is a prototype member.
  r = await call(s, `/api/v1/namespaces?fieldSelector=${encodeURIComponent('metadata.name=constructor')}`);
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(
    r.json.items.map((i) => i.metadata.name),
    ['constructor'],
  );
});
