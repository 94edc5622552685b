// Bad input gets kube-apiserver's Status error and changes nothing; the server keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeauth } from './harness.mjs';
import { call } from './http.mjs';

let s;
before(async () => {
  s = await startKubeauth();
});
after(async () => {
  await s?.stop();
});

const json = { 'Content-Type': 'application/json' };

// What the bad requests could have written: every object they aim at, by uid and resourceVersion. (Not the list's
// resourceVersion: on etcd the controller leader renews its Lease, which moves the global revision.)
async function snapshot() {
  const out = [];
  for (const path of ['/api/v1/configmaps', '/api/v1/pods', '/api/v1/namespaces'])
    for (const o of (await call(s, path)).json.items)
      out.push(
        `${path} ${o.metadata.namespace ?? ''}/${o.metadata.name} ${o.metadata.uid} ${o.metadata.resourceVersion}`,
      );
  return out.sort();
}

test('malformed bodies, wrong kinds, unknown resources, oversize, invalid names, path tricks', async () => {
  const before = await snapshot();
  const cases = [
    ['POST', '/api/v1/namespaces/default/configmaps', '{"apiVersion":', json, 400, 'BadRequest'],
    [
      'POST',
      '/api/v1/namespaces/default/configmaps',
      'a: [b',
      { 'Content-Type': 'application/yaml' },
      400,
      'BadRequest',
    ],
    [
      'POST',
      '/api/v1/namespaces/default/configmaps',
      '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}',
      json,
      400,
      'BadRequest',
    ],
    [
      'POST',
      '/api/v1/namespaces/default/configmaps',
      '{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}}',
      json,
      400,
      'BadRequest',
    ],
    [
      'POST',
      '/api/v1/namespaces/default/configmaps',
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"other"}}',
      json,
      400,
      'BadRequest',
    ],
    [
      'POST',
      '/api/v1/namespaces/default/configmaps',
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_Valid"}}',
      json,
      422,
      'Invalid',
    ],
    [
      'POST',
      '/api/v1/namespaces/default/configmaps?fieldValidation=Strict',
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"dta":{}}',
      json,
      400,
      'BadRequest',
    ],
    [
      'POST',
      '/api/v1/namespaces/default/configmaps',
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":1}}',
      json,
      400,
      'BadRequest',
    ],
    ['GET', '/api/v1/namespaces/default/widgets', undefined, {}, 404, 'NotFound'],
    ['GET', '/apis/example.com/v1/things', undefined, {}, 404, 'NotFound'],
    ['GET', '/api/v1/namespaces/default/configmaps/..', undefined, {}, 400, 'BadRequest'],
    ['GET', '/api/v1/namespaces/default/configmaps/a%2Fb', undefined, {}, 404, 'NotFound'],
    ['GET', '/api/v1/namespaces/default/configmaps/%zz', undefined, {}, 400, 'BadRequest'],
    [
      'POST',
      '/api/v1/namespaces/missing/configmaps',
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}',
      json,
      404,
      'NotFound',
    ],
    [
      'PATCH',
      '/api/v1/namespaces/default/configmaps/kube-root-ca.crt',
      '{}',
      { 'Content-Type': 'text/plain' },
      415,
      undefined,
    ],
    ['GET', '/api/v1/namespaces/default/configmaps?labelSelector=a%20b', undefined, {}, 400, 'BadRequest'],
    ['GET', '/api/v1/namespaces/default/configmaps?fieldSelector=foo%3Dbar', undefined, {}, 400, 'BadRequest'],
    ['GET', '/api/v1/namespaces/default/configmaps?continue=garbage', undefined, {}, 400, 'BadRequest'],
  ];
  for (const [method, path, body, headers, code, reason] of cases) {
    const r = await call(s, path, { method, body, headers });
    assert.equal(r.status, code, `${method} ${path} ${body ?? ''}: ${r.body}`);
    if (reason) {
      assert.equal(r.json?.kind, 'Status', r.body);
      assert.equal(r.json.reason, reason, r.body);
      assert.equal(r.json.code, code);
    }
  }
  const big = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'big' },
    data: { a: 'x'.repeat(3 * 1024 * 1024) },
  });
  const r = await call(s, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: big, headers: json });
  assert.equal(r.status, 413);
  assert.equal(r.json.reason, 'RequestEntityTooLarge');
  assert.equal(r.json.message, 'Request entity too large: limit is 3145728');
  // Nothing was written and the server still answers.
  assert.deepEqual(await snapshot(), before);
  assert.equal((await call(s, '/readyz')).body, 'ok');
});

test('exact messages', async () => {
  let r = await call(s, '/api/v1/namespaces/default/configmaps', {
    method: 'POST',
    headers: json,
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_Valid"}}',
  });
  assert.equal(
    r.json.message,
    `ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  );
  assert.deepEqual(r.json.details.causes[0].field, 'metadata.name');
  r = await call(s, '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', {
    method: 'POST',
    headers: json,
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"dta":{}}',
  });
  assert.equal(
    r.json.message,
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta"',
  );
  r = await call(s, '/api/v1/namespaces/missing/configmaps', {
    method: 'POST',
    headers: json,
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}',
  });
  assert.equal(r.json.message, 'namespaces "missing" not found');
  r = await call(s, '/api/v1/namespaces/default/configmaps/kube-root-ca.crt', {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', resourceVersion: '1' },
    }),
  });
  assert.equal(r.status, 409);
  assert.equal(
    r.json.message,
    'Operation cannot be fulfilled on configmaps "kube-root-ca.crt": the object has been modified; please apply your changes to the latest version and try again',
  );
  r = await call(s, '/api/v1/namespaces/default/pods', { token: 'not-a-real-token' });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });
  // `Bearer  <token>` (two spaces) carries an empty token: no credential, and kube-apiserver's warning.
  r = await call(s, '/api/v1/namespaces/default/pods', { anonymous: true, headers: { Authorization: 'Bearer  x' } });
  assert.equal(r.status, 403);
  assert.equal(
    r.headers['warning'],
    '299 - "the provided Authorization header contains extra space before the bearer token, and is ignored"',
  );
  r = await call(s, '/api/v1/namespaces/default/pods', { anonymous: true });
  assert.equal(r.status, 403);
  assert.equal(r.headers['warning'], undefined);
  assert.equal(
    r.json.message,
    'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"',
  );
});

test('watch from a too-old resourceVersion is an ERROR event with 410 Expired', async () => {
  const r = await call(s, '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1&timeoutSeconds=1');
  assert.equal(r.status, 200);
  const first = JSON.parse(r.body.split('\n')[0]);
  // The window still holds revision 1 on a fresh server: replay, not 410. Compaction is unit-tested in storage.
  assert.ok(['ADDED', 'MODIFIED', 'ERROR'].includes(first.type));
});
