// Unknown fields are never stored nor returned, on every write path and in every fieldValidation mode, and a
// changed metadata.uid is refused (PUT: the uid precondition's 409; patches: the immutable-field 422). A refused
// write leaves the stored object as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeauth, kubectlPath } from './harness.mjs';
import { call } from './http.mjs';

let s;
before(async () => {
  s = await startKubeauth();
});
after(async () => {
  await s?.stop();
});

const json = { 'Content-Type': 'application/json' };
const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const JSONPATCH = 'application/json-patch+json';
const APPLY = 'application/apply-patch+yaml';
const cmPath = (name = '') => `/api/v1/namespaces/default/configmaps${name ? `/${name}` : ''}`;
const q = (mode) => (mode ? `fieldValidation=${mode}` : '');
const withQ = (path, ...parts) => {
  const qs = parts.filter(Boolean).join('&');
  return qs ? `${path}?${qs}` : path;
};
/** The Warning header texts of a response. */
const warnings = (r) =>
  [r.headers.warning ?? []]
    .flat()
    .flatMap((h) => h.split(/,\s*(?=299)/))
    .map((w) => JSON.parse(w.replace(/^299 - /, '')));

async function createCm(name, data = { a: '1' }) {
  const r = await call(s, cmPath(), {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }),
  });
  assert.equal(r.status, 201, r.body);
  return r.json;
}

async function assertUnchanged(path, old) {
  const r = await call(s, path);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, old);
}

test('POST and PUT drop unknown fields (top level, metadata, nested) in Warn and Ignore; Strict refuses', async () => {
  for (const mode of ['', 'Warn', 'Ignore']) {
    const name = `post-${mode.toLowerCase() || 'default'}`;
    const r = await call(s, withQ(cmPath(), q(mode)), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, bogusMeta: 1, labels: { keep: 'me' } },
        data: { x: '1' },
        bogus: { y: 2 },
      }),
    });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.json.bogus, undefined);
    assert.equal(r.json.metadata.bogusMeta, undefined);
    assert.deepEqual(r.json.metadata.labels, { keep: 'me' });
    assert.deepEqual(r.json.data, { x: '1' });
    assert.deepEqual(
      warnings(r),
      mode === 'Ignore' ? [] : ['unknown field "metadata.bogusMeta"', 'unknown field "bogus"'],
    );
    const got = await call(s, cmPath(name));
    assert.equal(got.json.bogus, undefined);
    assert.equal(got.json.metadata.bogusMeta, undefined);

    // PUT of the same object with unknown fields
    const put = await call(s, withQ(cmPath(name), q(mode)), {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ ...got.json, data: { x: '2' }, more: true }),
    });
    assert.equal(put.status, 200, put.body);
    assert.equal(put.json.more, undefined);
    assert.deepEqual(warnings(put), mode === 'Ignore' ? [] : ['unknown field "more"']);
    assert.equal((await call(s, cmPath(name))).json.more, undefined);
  }

  // nested in a typed object: a Role's rules[0]
  const role = await call(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'nested' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'], colour: 'red' }],
    }),
  });
  assert.equal(role.status, 201, role.body);
  assert.deepEqual(role.json.rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
  assert.deepEqual(warnings(role), ['unknown field "rules[0].colour"']);

  // Strict: nothing is created; a PUT changes nothing
  const strict = await call(s, withQ(cmPath(), 'fieldValidation=Strict'), {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, bogus: 1 }),
  });
  assert.equal(strict.status, 400);
  assert.equal(strict.json.reason, 'BadRequest');
  assert.equal((await call(s, cmPath('strict'))).status, 404);
  const old = await createCm('strict-put');
  const put = await call(s, withQ(cmPath('strict-put'), 'fieldValidation=Strict'), {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ ...old, data: { a: '2' }, bogus: 1 }),
  });
  assert.equal(put.status, 400);
  await assertUnchanged(cmPath('strict-put'), old);
});

test('json, merge and strategic merge patches drop the unknown fields they add; Strict answers 422', async () => {
  const bodies = {
    [JSONPATCH]: JSON.stringify([
      { op: 'add', path: '/bogus', value: 1 },
      { op: 'add', path: '/data/b', value: '2' },
    ]),
    [MERGE]: JSON.stringify({ bogus: 1, data: { b: '2' } }),
    [SMP]: JSON.stringify({ bogus: 1, data: { b: '2' } }),
  };
  for (const [type, body] of Object.entries(bodies)) {
    for (const mode of ['', 'Warn', 'Ignore']) {
      const name = `patch-${type.split('/')[1].split('+')[0]}-${mode.toLowerCase() || 'default'}`;
      await createCm(name);
      const r = await call(s, withQ(cmPath(name), q(mode)), {
        method: 'PATCH',
        headers: { 'Content-Type': type },
        body,
      });
      assert.equal(r.status, 200, `${type} ${mode}: ${r.body}`);
      assert.equal(r.json.bogus, undefined);
      assert.deepEqual(r.json.data, { a: '1', b: '2' });
      assert.deepEqual(warnings(r), mode === 'Ignore' ? [] : ['unknown field "bogus"'], `${type} ${mode}`);
      // managed fields never mention the dropped field
      assert.ok(!JSON.stringify(r.json.metadata.managedFields).includes('bogus'));
      assert.equal((await call(s, cmPath(name))).json.bogus, undefined);
    }
    const name = `patch-${type.split('/')[1].split('+')[0]}-strict`;
    const old = await createCm(name);
    const r = await call(s, withQ(cmPath(name), 'fieldValidation=Strict'), {
      method: 'PATCH',
      headers: { 'Content-Type': type },
      body,
    });
    assert.equal(r.status, 422, r.body);
    assert.equal(r.json.reason, 'Invalid');
    assert.ok(r.json.message.startsWith(' "" is invalid: patch: Invalid value: "'), r.json.message);
    assert.ok(r.json.message.endsWith('": strict decoding error: unknown field "bogus"'), r.json.message);
    // an empty GroupKind and name: only the cause
    assert.deepEqual(Object.keys(r.json.details), ['causes']);
    assert.equal(r.json.details.causes[0].field, 'patch');
    assert.equal(r.json.details.causes[0].reason, 'FieldValueInvalid');
    await assertUnchanged(cmPath(name), old);
  }

  // the strategic merge patch's value is Go's %+v of the patch map
  const smp = await call(s, withQ(cmPath('patch-strategic-merge-patch-strict'), 'fieldValidation=Strict'), {
    method: 'PATCH',
    headers: { 'Content-Type': SMP },
    body: '{"metadata":{"bogus":"x"},"data":{"b":"2"}}',
  });
  assert.equal(
    smp.json.message,
    ' "" is invalid: patch: Invalid value: "map[data:map[b:2] metadata:map[bogus:x]]": strict decoding error: unknown field "metadata.bogus"',
  );
});

test('strict errors of the patch body itself: duplicate fields, unknown JSON patch members', async () => {
  await createCm('dups');
  const merge = await call(s, cmPath('dups'), {
    method: 'PATCH',
    headers: { 'Content-Type': MERGE },
    body: '{"data":{"a":"2","a":"3"},"bogus":1}',
  });
  assert.equal(merge.status, 200);
  assert.deepEqual(warnings(merge), ['duplicate field "data.a"', 'unknown field "bogus"']);
  assert.deepEqual(merge.json.data, { a: '3' });

  const jp = await call(s, cmPath('dups'), {
    method: 'PATCH',
    headers: { 'Content-Type': JSONPATCH },
    body: '[{"op":"add","path":"/data/c","value":"1","foo":"bar"},{"op":"add","path":"/data/d","path":"/data/e","value":"1"}]',
  });
  assert.equal(jp.status, 200, jp.body);
  assert.deepEqual(warnings(jp), ['json patch unknown field "[0].foo"', 'json patch duplicate field "[1].path"']);

  const old = (await call(s, cmPath('dups'))).json;
  const strict = await call(s, withQ(cmPath('dups'), 'fieldValidation=Strict'), {
    method: 'PATCH',
    headers: { 'Content-Type': SMP },
    body: '{"data":{"a":"4","a":"5"}}',
  });
  assert.equal(strict.status, 422);
  assert.equal(
    strict.json.message,
    ' "" is invalid: patch: Invalid value: "map[data:map[a:5]]": strict decoding error: duplicate field "data.a"',
  );
  await assertUnchanged(cmPath('dups'), old);
});

test('server-side apply refuses an unknown field (typed conversion) and changes nothing', async () => {
  const old = await createCm('apply-unknown');
  const r = await call(s, withQ(cmPath('apply-unknown'), 'fieldManager=m'), {
    method: 'PATCH',
    headers: { 'Content-Type': APPLY },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'apply-unknown' }, bogus: 1 }),
  });
  assert.equal(r.status, 500);
  assert.equal(r.json.reason, undefined);
  assert.equal(
    r.json.message,
    'failed to create typed patch object (/apply-unknown; /v1, Kind=ConfigMap): .bogus: field not declared in schema',
  );
  await assertUnchanged(cmPath('apply-unknown'), old);
});

test('server-side apply: duplicate keys warn (Warn) or fail (Strict) after the apply, as go-yaml reports them', async () => {
  const yamlBody = (name) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n  a: "2"\nimmutable: false\nimmutable: true\n`;
  const warn = await call(s, withQ(cmPath('apply-dups'), 'fieldManager=m'), {
    method: 'PATCH',
    headers: { 'Content-Type': APPLY },
    body: yamlBody('apply-dups'),
  });
  assert.equal(warn.status, 201, warn.body);
  assert.deepEqual(warnings(warn), [
    'line 7: key "a" already set in map',
    'line 9: key "immutable" already set in map',
  ]);
  assert.deepEqual(warn.json.data, { a: '2' });

  const ignore = await call(s, withQ(cmPath('apply-dups-ignore'), 'fieldManager=m', 'fieldValidation=Ignore'), {
    method: 'PATCH',
    headers: { 'Content-Type': APPLY },
    body: yamlBody('apply-dups-ignore'),
  });
  assert.equal(ignore.status, 201);
  assert.deepEqual(warnings(ignore), []);

  const strict = await call(s, withQ(cmPath('apply-dups-strict'), 'fieldManager=m', 'fieldValidation=Strict'), {
    method: 'PATCH',
    headers: { 'Content-Type': APPLY },
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"apply-dups-strict"},"data":{"a":"1","a":"2"}}',
  });
  assert.equal(strict.status, 400);
  assert.equal(
    strict.json.message,
    'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 1: key "a" already set in map',
  );
  assert.equal((await call(s, cmPath('apply-dups-strict'))).status, 404);
});

test('status subresources drop unknown fields', async () => {
  const ns = await call(s, '/api/v1/namespaces', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'status-unknown' } }),
  });
  assert.equal(ns.status, 201);
  const put = await call(s, '/api/v1/namespaces/status-unknown/status', {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ ...ns.json, status: { ...ns.json.status, bogus: 1 } }),
  });
  assert.equal(put.status, 200, put.body);
  assert.equal(put.json.status.bogus, undefined);
  assert.deepEqual(warnings(put), ['unknown field "status.bogus"']);
  const patch = await call(s, '/api/v1/namespaces/status-unknown/status', {
    method: 'PATCH',
    headers: { 'Content-Type': MERGE },
    body: JSON.stringify({ status: { bogus: 2 } }),
  });
  assert.equal(patch.status, 200);
  assert.equal(patch.json.status.bogus, undefined);
  assert.deepEqual(warnings(patch), ['unknown field "status.bogus"']);
  const got = await call(s, '/api/v1/namespaces/status-unknown');
  assert.equal(got.json.status.bogus, undefined);
});

test('review resources do not echo unknown fields', async () => {
  for (const mode of ['', 'Ignore']) {
    const r = await call(s, withQ('/apis/authentication.k8s.io/v1/tokenreviews', q(mode)), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        metadata: { bogusMeta: 1 },
        spec: { token: 'not-a-token', bogusSpec: 1 },
        bogus: 1,
      }),
    });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.json.bogus, undefined);
    assert.equal(r.json.metadata.bogusMeta, undefined);
    assert.deepEqual(r.json.spec, { token: 'not-a-token' });
    assert.deepEqual(
      warnings(r),
      mode === 'Ignore'
        ? []
        : ['unknown field "metadata.bogusMeta"', 'unknown field "spec.bogusSpec"', 'unknown field "bogus"'],
    );
  }
  const sar = await call(s, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'get', resource: 'pods', shade: 'blue' } },
    }),
  });
  assert.equal(sar.status, 201, sar.body);
  assert.deepEqual(sar.json.spec.resourceAttributes, { verb: 'get', resource: 'pods' });
});

const uidConflict = (resource, name, key, inPrecondition, inMeta) =>
  `Operation cannot be fulfilled on ${resource} "${name}": StorageError: invalid object, Code: 4, Key: ${key}, ` +
  `ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${inPrecondition}, UID in object meta: ${inMeta}`;

test('PUT with another uid: 409 from the uid precondition, nothing stored; an empty uid is no precondition', async () => {
  const old = await createCm('uid-put');
  const r = await call(s, cmPath('uid-put'), {
    method: 'PUT',
    headers: json,
    // the uid precondition wins over a stale resourceVersion
    body: JSON.stringify({
      ...old,
      metadata: { ...old.metadata, uid: 'other', resourceVersion: '1' },
      data: { a: '2' },
    }),
  });
  assert.equal(r.status, 409);
  assert.equal(r.json.reason, 'Conflict');
  assert.equal(
    r.json.message,
    uidConflict('configmaps', 'uid-put', '/registry/configmaps/default/uid-put', 'other', old.metadata.uid),
  );
  assert.deepEqual(r.json.details, { name: 'uid-put', kind: 'configmaps' });
  await assertUnchanged(cmPath('uid-put'), old);

  for (const uid of ['', old.metadata.uid, undefined]) {
    const cur = (await call(s, cmPath('uid-put'))).json;
    const ok = await call(s, cmPath('uid-put'), {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ ...cur, metadata: { ...cur.metadata, uid }, data: { a: `v${uid?.length}` } }),
    });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.json.metadata.uid, old.metadata.uid);
  }

  // cluster-scoped, in a group
  const cr = await call(s, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'uid-cr' },
    }),
  });
  assert.equal(cr.status, 201);
  const crPut = await call(s, '/apis/rbac.authorization.k8s.io/v1/clusterroles/uid-cr', {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ ...cr.json, metadata: { ...cr.json.metadata, uid: 'x' } }),
  });
  assert.equal(crPut.status, 409);
  assert.equal(
    crPut.json.message,
    uidConflict(
      'clusterroles.rbac.authorization.k8s.io',
      'uid-cr',
      '/registry/clusterroles/uid-cr',
      'x',
      cr.json.metadata.uid,
    ),
  );
  assert.deepEqual(crPut.json.details, { name: 'uid-cr', group: 'rbac.authorization.k8s.io', kind: 'clusterroles' });

  // PUT-create (RBAC allows it) with a uid: the precondition fails against the empty object
  const create = await call(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/uid-new', {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'uid-new', uid: 'u1' },
    }),
  });
  assert.equal(create.status, 409);
  assert.equal(
    create.json.message,
    uidConflict('roles.rbac.authorization.k8s.io', 'uid-new', '/registry/roles/default/uid-new', 'u1', ''),
  );
  assert.equal((await call(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/uid-new')).status, 404);

  // nodes are keyed under their historic name; the status subresource shares the key
  const node = await call(s, '/api/v1/nodes', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'uid-node' } }),
  });
  assert.equal(node.status, 201, node.body);
  for (const path of ['/api/v1/nodes/uid-node', '/api/v1/nodes/uid-node/status']) {
    const n = await call(s, path, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ ...node.json, metadata: { ...node.json.metadata, uid: 'n' } }),
    });
    assert.equal(n.status, 409, path);
    assert.equal(
      n.json.message,
      uidConflict('nodes', 'uid-node', '/registry/minions/uid-node', 'n', node.json.metadata.uid),
    );
  }
  await assertUnchanged('/api/v1/nodes/uid-node', node.json);
});

test('patches and apply that change the uid: 422 field is immutable, nothing stored', async () => {
  const old = await createCm('uid-patch');
  const message = 'ConfigMap "uid-patch" is invalid: metadata.uid: Invalid value: "other": field is immutable';
  const cases = [
    [JSONPATCH, JSON.stringify([{ op: 'replace', path: '/metadata/uid', value: 'other' }])],
    [MERGE, JSON.stringify({ metadata: { uid: 'other' } })],
    [SMP, JSON.stringify({ metadata: { uid: 'other' } })],
    [APPLY, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'uid-patch', uid: 'other' } })],
  ];
  for (const [type, body] of cases) {
    const r = await call(s, withQ(cmPath('uid-patch'), type === APPLY ? 'fieldManager=m' : ''), {
      method: 'PATCH',
      headers: { 'Content-Type': type },
      body,
    });
    assert.equal(r.status, 422, `${type}: ${r.body}`);
    assert.equal(r.json.reason, 'Invalid');
    assert.equal(r.json.message, message);
    assert.equal(r.json.details.name, 'uid-patch');
    assert.equal(r.json.details.kind, 'ConfigMap');
    // the generic registry's common checks and the kind's own both report it
    assert.deepEqual(
      r.json.details.causes.map((c) => c.field),
      ['metadata.uid', 'metadata.uid'],
    );
    await assertUnchanged(cmPath('uid-patch'), old);
  }
  // the same uid, or none, is fine
  const same = await call(s, cmPath('uid-patch'), {
    method: 'PATCH',
    headers: { 'Content-Type': MERGE },
    body: JSON.stringify({ metadata: { uid: old.metadata.uid }, data: { a: '2' } }),
  });
  assert.equal(same.status, 200);
  const none = await call(s, cmPath('uid-patch'), {
    method: 'PATCH',
    headers: { 'Content-Type': MERGE },
    body: JSON.stringify({ metadata: { uid: null }, data: { a: '3' } }),
  });
  assert.equal(none.status, 200);
  assert.equal(none.json.metadata.uid, old.metadata.uid);
});

const kubectlVersions = ['1.27', '1.33'].filter((v) => kubectlPath(v));
const manifest = (name) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\nbogus: 1\n`;

for (const v of kubectlVersions) {
  test(`kubectl ${v}: create --validate=strict|warn|ignore and apply with an unknown field`, async () => {
    const k = (argv, o = {}) => s.kubectl(argv, { version: v, ...o });
    const tag = v.replace('.', '');
    let r = await k(['create', '--validate=strict', '-f', '-'], { input: manifest(`k-strict-${tag}`) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown field "bogus"/);
    assert.equal((await call(s, cmPath(`k-strict-${tag}`))).status, 404);

    r = await k(['create', '--validate=warn', '-f', '-'], { input: manifest(`k-warn-${tag}`) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: unknown field "bogus"/);
    assert.equal((await call(s, cmPath(`k-warn-${tag}`))).json.bogus, undefined);

    r = await k(['create', '--validate=ignore', '-f', '-'], { input: manifest(`k-ignore-${tag}`) });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /unknown field/);
    const got = await call(s, cmPath(`k-ignore-${tag}`));
    assert.equal(got.json.bogus, undefined);
    assert.deepEqual(got.json.data, { a: '1' });

    // client-side apply (strict by default) refuses; --validate=false stores it without the field
    r = await k(['apply', '-f', '-'], { input: manifest(`k-apply-${tag}`) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown field "bogus"/);
    r = await k(['apply', '--validate=false', '-f', '-'], { input: manifest(`k-apply-${tag}`) });
    assert.equal(r.code, 0, r.stderr);
    const applied = await call(s, cmPath(`k-apply-${tag}`));
    assert.equal(applied.json.bogus, undefined);

    // server-side apply: the typed conversion error
    r = await k(['apply', '--server-side', '-f', '-'], { input: manifest(`k-ssa-${tag}`) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\.bogus: field not declared in schema/);
    assert.equal((await call(s, cmPath(`k-ssa-${tag}`))).status, 404);
  });
}
