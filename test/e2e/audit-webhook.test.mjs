// The audit webhook backend end to end: a started kubeauth POSTs audit.k8s.io/v1 EventLists to an HTTPS receiver
// started here (its CA and a bearer token from the webhook kubeconfig): batches of --audit-webhook-batch-max-size,
// one request per event in blocking mode, a failed send retried after the initial backoff, the response held
// until its event is sent (blocking) and a request failed when its RequestReceived event is lost (blocking-strict),
// bad flags refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startKubeauth, eventually, mainJs } from './harness.mjs';
import { call } from './http.mjs';

const { createCa } = await import(new URL('../../packages/server/dist/pki/ca.js', import.meta.url));
const { issueServingCert } = await import(new URL('../../packages/server/dist/pki/certs.js', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'kubeauth-audit-webhook-'));
const policy = join(work, 'policy.yaml');
writeFileSync(
  policy,
  `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
- level: Metadata
`,
);

/**
 * Every POST the receiver got: {url, headers, body}; `failNext` answers that many with 500 first; `refuse` answers
 * every POST 403 (not retried); `onPost(body)` is called (and awaited) before a POST is answered.
 */
const received = [];
let failNext = 0;
let refuse = false;
let onPost;
let receiver;
let kubeconfig;
before(async () => {
  const ca = await createCa('audit-receiver-ca');
  const leaf = await issueServingCert(ca, { sans: ['127.0.0.1'] });
  receiver = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', async () => {
      await onPost?.(JSON.parse(Buffer.concat(chunks)));
      if (refuse) {
        res.writeHead(403).end();
        return;
      }
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end();
        return;
      }
      received.push({
        url: req.url,
        method: req.method,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks)),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  kubeconfig = join(work, 'webhook.kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'sink',
          cluster: {
            server: `https://127.0.0.1:${receiver.address().port}/audit`,
            'certificate-authority-data': Buffer.from(ca.certPem).toString('base64'),
          },
        },
      ],
      users: [{ name: 'kubeauth', user: { token: 'sink-token' } }],
      contexts: [{ name: 'sink', context: { cluster: 'sink', user: 'kubeauth' } }],
      'current-context': 'sink',
    }),
  );
});
after(async () => {
  receiver?.close();
  rmSync(work, { recursive: true, force: true });
});

const eventsOf = (posts) => posts.flatMap((p) => p.body.items);

test('batch mode: an EventList of max-size events, with the token and CA of the kubeconfig', async () => {
  received.length = 0;
  const s = await startKubeauth([
    '--storage-backend=memory',
    `--audit-policy-file=${policy}`,
    `--audit-webhook-config-file=${kubeconfig}`,
    '--audit-webhook-batch-max-size=3',
    '--audit-webhook-batch-max-wait=1h',
  ]);
  try {
    const ids = [];
    for (const path of ['/api/v1/namespaces', '/api/v1/namespaces/default', '/version']) {
      const r = await call(s, path);
      assert.equal(r.status, 200);
      ids.push(r.headers['audit-id']);
    }
    await eventually(() => received.length === 1);
    const [post] = received;
    assert.equal(post.method, 'POST');
    assert.equal(post.url, '/audit');
    assert.equal(post.headers.authorization, 'Bearer sink-token');
    assert.equal(post.headers['content-type'], 'application/json');
    assert.equal(post.body.kind, 'EventList');
    assert.equal(post.body.apiVersion, 'audit.k8s.io/v1');
    assert.deepEqual(
      post.body.items.map((e) => [e.kind, e.apiVersion, e.stage, e.auditID]),
      ids.map((id) => ['Event', 'audit.k8s.io/v1', 'ResponseComplete', id]),
    );
    assert.equal(post.body.items[2].requestURI, '/version');
    assert.equal(post.body.items[0].objectRef.resource, 'namespaces');
    // Two more events stay buffered (below max-size, max-wait not over); stopping the server sends them.
    await call(s, '/api');
    await call(s, '/apis');
    assert.equal(received.length, 1);
    await s.stop();
    assert.deepEqual(
      eventsOf(received.slice(1)).map((e) => e.requestURI),
      ['/api', '/apis'],
    );
  } finally {
    await s.stop();
  }
});

test('blocking mode: each event sent at once; a 500 is retried after the initial backoff', async () => {
  received.length = 0;
  const s = await startKubeauth([
    '--storage-backend=memory',
    `--audit-policy-file=${policy}`,
    `--audit-webhook-config-file=${kubeconfig}`,
    '--audit-webhook-mode=blocking',
    '--audit-webhook-initial-backoff=10ms',
  ]);
  try {
    const a = await call(s, '/version');
    await eventually(() => received.length === 1);
    assert.deepEqual(
      received[0].body.items.map((e) => e.auditID),
      [a.headers['audit-id']],
    );
    failNext = 2;
    const b = await call(s, '/api');
    await eventually(() => received.length === 2);
    assert.equal(failNext, 0);
    assert.deepEqual(
      received[1].body.items.map((e) => e.auditID),
      [b.headers['audit-id']],
    );
    // Nothing was lost: the error counter has no webhook sample.
    const m = await call(s, '/metrics');
    assert.doesNotMatch(m.body, /apiserver_audit_error_total\{plugin="webhook"\}/);
  } finally {
    await s.stop();
  }
});

test('blocking mode holds the response until its ResponseComplete event is sent, and ignores a lost one', async () => {
  received.length = 0;
  const s = await startKubeauth([
    '--storage-backend=memory',
    `--audit-policy-file=${policy}`,
    `--audit-webhook-config-file=${kubeconfig}`,
    '--audit-webhook-mode=blocking',
    '--audit-webhook-initial-backoff=10ms',
  ]);
  let answered = false;
  let release;
  const held = new Promise((r) => (release = r));
  let posted;
  const gotPost = new Promise((r) => (posted = r));
  onPost = (body) => {
    posted(body.items.map((e) => e.stage));
    return held;
  };
  try {
    const pending = call(s, '/version').then((x) => ((answered = true), x));
    assert.deepEqual(await gotPost, ['ResponseComplete']);
    // While the receiver holds the event, a later request (healthz: not audited) gets its whole answer, and the
    // first one still has none: its end waits for the webhook.
    assert.equal((await call(s, '/healthz')).status, 200);
    assert.equal(answered, false);
    release();
    const r = await pending;
    assert.equal(r.status, 200);
    onPost = undefined;
    // blocking (not -strict): a webhook that refuses the event does not fail the request; the loss is counted.
    refuse = true;
    const b = await call(s, '/api');
    assert.equal(b.status, 200);
    refuse = false;
    const m = await call(s, '/metrics');
    assert.match(m.body, /^apiserver_audit_error_total\{plugin="webhook"\} 1$/m);
    assert.match(m.body, /^apiserver_audit_requests_rejected_total 0$/m);
  } finally {
    onPost = undefined;
    refuse = false;
    await s.stop();
  }
});

test('blocking-strict mode fails a request whose RequestReceived event is lost, as kube-apiserver does', async () => {
  received.length = 0;
  const strictPolicy = join(work, 'policy-all-stages.yaml');
  writeFileSync(strictPolicy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');
  const s = await startKubeauth([
    '--storage-backend=memory',
    `--audit-policy-file=${strictPolicy}`,
    `--audit-webhook-config-file=${kubeconfig}`,
    '--audit-webhook-mode=blocking-strict',
    '--audit-webhook-initial-backoff=10ms',
  ]);
  try {
    const ok = await call(s, '/api/v1/namespaces/default');
    assert.equal(ok.status, 200);
    assert.deepEqual(
      received.flatMap((p) => p.body.items.map((e) => [e.stage, e.auditID])),
      [
        ['RequestReceived', ok.headers['audit-id']],
        ['ResponseComplete', ok.headers['audit-id']],
      ],
    );
    refuse = true;
    const r = await call(s, '/api/v1/namespaces/default');
    refuse = false;
    assert.equal(r.status, 500);
    assert.deepEqual(JSON.parse(r.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Internal error occurred: failed to store audit event',
      reason: 'InternalError',
      details: { causes: [{ message: 'failed to store audit event' }] },
      code: 500,
    });
    const m = await call(s, '/metrics');
    assert.match(m.body, /^apiserver_audit_requests_rejected_total 1$/m);
    // Only the RequestReceived event was attempted for the failed request (no ResponseComplete after it).
    assert.match(m.body, /^apiserver_audit_error_total\{plugin="webhook"\} 1$/m);
  } finally {
    refuse = false;
    await s.stop();
  }
});

test("bad webhook flags and an unreadable kubeconfig stop the start with kube's messages", () => {
  const run = (...args) =>
    spawnSync(
      process.execPath,
      [
        mainJs,
        'serve',
        '--secure-port=0',
        '--storage-backend=memory',
        `--data-dir=${join(work, 'bad')}`,
        `--audit-policy-file=${policy}`,
        ...args,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
  let r = run(`--audit-webhook-config-file=${kubeconfig}`, '--audit-webhook-mode=async');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /invalid audit webhook mode async, allowed modes are "batch,blocking,blocking-strict"/);
  r = run(`--audit-webhook-config-file=${kubeconfig}`, '--audit-webhook-batch-max-size=0');
  assert.match(r.stderr, /invalid audit batch webhook max batch size 0, must be a positive number/);
  r = run(`--audit-webhook-config-file=${kubeconfig}`, '--audit-webhook-truncate-max-event-size=0');
  assert.match(r.stderr, /invalid audit truncate webhook max event size 0, must be a positive number/);
  r = run(`--audit-webhook-config-file=${kubeconfig}`, '--audit-webhook-batch-throttle-qps=x');
  assert.match(
    r.stderr,
    /invalid argument "x" for "--audit-webhook-batch-throttle-qps" flag: strconv.ParseFloat: parsing "x": invalid syntax/,
  );
  r = run(`--audit-webhook-config-file=${join(work, 'missing.kubeconfig')}`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^Error: initializing audit webhook: ENOENT/m);
});
