// Hostile input against a started server: each case gets its exact status and reason (and message where kube's
// text is known), the server answers a concurrent /healthz quickly while it is handled, and nothing is written.
import { test, before, after } from 'node:test';
import tls from 'node:tls';
import assert from 'node:assert/strict';
import { startKubeauth } from '../e2e/harness.mjs';
import { call } from '../e2e/http.mjs';
import { cases } from './cases.mjs';

const APPLY_HEADERS = { 'Content-Type': 'application/apply-patch+yaml' };

let s;
before(async () => {
  s = await startKubeauth();
  const ns = await call(s, '/api/v1/namespaces', {
    method: 'POST',
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hostile' } }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(ns.status, 201);
  const cm = await call(s, '/api/v1/namespaces/hostile/configmaps', {
    method: 'POST',
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' }, data: { a: 'b' } }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(cm.status, 201);
});
after(async () => {
  await s?.stop();
});

/** Every stored object's resourceVersion: a write anywhere changes it. */
async function state() {
  const r = await call(s, '/api/v1/namespaces/hostile/configmaps');
  return r.json.metadata.resourceVersion;
}

function send(c) {
  return call(s, c.path, {
    method: c.method ?? 'POST',
    body: typeof c.body === 'function' ? c.body() : c.body,
    headers: c.headers ?? {},
    anonymous: c.anonymous,
    token: c.token,
  });
}

/**
 * /healthz answers while `pending` runs: requests sent one after another until it settles. Whether a decoder holds
 * the event loop (how long /healthz waits) is measured by the bench (bench/hostile.mjs), not timed here.
 */
async function healthzDuring(pending) {
  let settled = false;
  void pending.finally(() => (settled = true));
  let n = 0;
  do {
    const r = await call(s, '/healthz');
    assert.equal(r.status, 200);
    n++;
  } while (!settled && n < 200);
}

test('at least 60 hostile cases', () => {
  assert.ok(cases.length >= 60, `${cases.length} cases`);
});

for (const c of cases) {
  test(`hostile: ${c.name}`, async () => {
    const before = c.writes ? undefined : await state();
    const pending = send(c);
    await healthzDuring(pending);
    const r = await pending;
    assert.equal(r.status, c.status, `${c.name}: ${r.status} ${r.body.slice(0, 300)}`);
    if (c.reason !== undefined) assert.equal(r.json?.reason, c.reason, r.body.slice(0, 300));
    if (c.message instanceof RegExp) assert.match(r.json?.message ?? '', c.message);
    else if (c.message !== undefined) assert.equal(r.json?.message, c.message);
    c.check?.(r);
    if (!c.writes) assert.equal(await state(), before, `${c.name} changed stored state`);
  });
}

test('request headers over 1 MiB answer 431 and close the connection, as Go does', async () => {
  const u = new URL(s.url);
  const sock = tls.connect({
    host: u.hostname,
    port: Number(u.port),
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
  });
  let got = '';
  sock.on('data', (d) => (got += d));
  sock.on('error', () => undefined); // the server closes while the client is still writing: a reset here
  sock.once('secureConnect', () =>
    sock.write(`GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2 << 20)}\r\n\r\n`),
  );
  await new Promise((r) => sock.once('close', r));
  assert.match(got, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
});

test('a costly server-side apply holds up no one: requests sent after it complete before it does', async () => {
  // A ConfigMap with ~100,000 data keys, all owned by one manager (set up with a large apply).
  const keys = [];
  for (let i = 0, n = 0; n < 1024 * 1024; i++) n += keys.push(`"k${i}":"v"`) && 10;
  const path = '/api/v1/namespaces/default/configmaps/huge';
  const big = await call(s, `${path}?fieldManager=big`, {
    method: 'PATCH',
    body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"huge"},"data":{${keys.join(',')}}}`,
    headers: APPLY_HEADERS,
  });
  assert.equal(big.status, 201, big.body.slice(0, 300));
  // A tiny apply by another manager: its body needs no decoding worth the name, but its field sets and managed
  // fields are computed over the whole live object (a second or more), off the serving thread.
  let sent;
  const sentP = new Promise((r) => (sent = r));
  let applied = false;
  const apply = call(s, `${path}?fieldManager=small&dryRun=All`, {
    method: 'PATCH',
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"huge","labels":{"a":"b"}}}',
    headers: APPLY_HEADERS,
    onSent: sent,
  }).then((r) => ((applied = true), r));
  await sentP;
  // Requests started once the whole apply was sent, one after another: health checks and an authenticated
  // review in turn. On the serving thread the apply held every one of them until it had answered.
  const completed = [];
  for (let i = 0; !applied && i < 1000; i++) {
    const r =
      i % 2
        ? await call(s, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
            method: 'POST',
            body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
            headers: { 'Content-Type': 'application/json' },
          })
        : await call(s, '/healthz');
    assert.ok(r.status === 200 || r.status === 201, r.body);
    if (!applied) completed.push(r.status);
  }
  const r = await apply;
  assert.equal(r.status, 200, r.body.slice(0, 300));
  assert.equal(r.json.metadata.labels.a, 'b');
  assert.equal(Object.keys(r.json.data).length, keys.length);
  assert.ok(completed.length >= 3, `only ${completed.length} requests completed before the apply answered`);
  assert.equal((await call(s, path, { method: 'DELETE' })).status, 200);
});

test('the server still serves after every hostile case and logged no panic', async () => {
  const r = await call(s, '/api/v1/namespaces/hostile/configmaps/target');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.data, { a: 'b' });
  assert.doesNotMatch(s.stderr(), /panic in handler/);
});
