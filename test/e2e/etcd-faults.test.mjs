// Faults with real processes: kill -9 of a replica under writers, etcd members stopped under load, etcd
// unreachable at start. Every acknowledged write must be there afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { startKubeauth, eventually } from './harness.mjs';
import { call } from './http.mjs';
import { startEtcd } from '../etcd/etcd.mjs';

const json = (o) => JSON.stringify(o);
const create = (s, ns, name) =>
  call(s, `/api/v1/namespaces/${ns}/configmaps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }),
  }).catch((e) => ({ status: 0, error: e }));
const timeoutStatus = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
  reason: 'Timeout',
  details: {},
  code: 504,
};
/** A failure of etcd as kube-apiserver reports it. */
function assertEtcdFailure(r) {
  if (r.status === 504) return assert.deepEqual(r.json, timeoutStatus);
  assert.equal(r.status, 500, r.body);
  assert.deepEqual(Object.keys(r.json).sort(), ['apiVersion', 'code', 'kind', 'message', 'metadata', 'status']);
  assert.match(r.json.message, /^etcdserver: (request timed out|no leader|leader changed|too many requests)$/);
}
const leaseHolder = async (client) => {
  const kv = await client.get('/registry/leases/kube-system/kube-controller-manager').exec();
  return kv.kvs.length ? JSON.parse(kv.kvs[0].value.toString()).spec : undefined;
};

test('kill -9 of replica A under 8 writers: every acknowledged write is present, B serves, the lease moves to B', async () => {
  const etcd = await startEtcd();
  const client = new Etcd3({ hosts: etcd.urls });
  const flags = ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints}`];
  const a = await startKubeauth(flags);
  // A starts first and takes the lease; B starts once A holds it.
  const first = await eventually(() => leaseHolder(client), 10_000);
  const b = await startKubeauth(flags);
  try {
    const acked = [];
    let killed = false;
    const writer = async (w) => {
      const target = w % 2 ? b : a;
      for (let i = 0; i < 200; i++) {
        if (target === a && killed) return;
        const name = `w${w}-${i}`;
        const r = await create(target, 'default', name);
        if (r.status === 201) acked.push(name);
        else if (target === b) assert.fail(`B failed a write: ${r.status} ${r.body ?? r.error}`);
        if (target === b && killed && i > 40) return;
      }
    };
    const writers = [0, 1, 2, 3, 4, 5, 6, 7].map(writer);
    await eventually(() => acked.length >= 40, 20_000, 10);
    a.child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    const list = await call(b, '/api/v1/namespaces/default/configmaps');
    assert.equal(list.status, 200);
    const present = new Set(list.json.items.map((i) => i.metadata.name));
    assert.deepEqual(
      acked.filter((n) => !present.has(n)),
      [],
    );
    // The lease moves to B once A's record is older than the lease duration (15 s) on B's clock.
    const moved = await eventually(
      async () => {
        const l = await leaseHolder(client);
        return l && l.holderIdentity !== first.holderIdentity ? l : undefined;
      },
      30_000,
      250,
    );
    assert.equal(moved.leaseTransitions, (first.leaseTransitions ?? 0) + 1);
    // B's controllers now run: a new namespace gets its default ServiceAccount.
    assert.equal(
      (
        await call(b, '/api/v1/namespaces', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: json({ metadata: { name: 'after-failover' } }),
        })
      ).status,
      201,
    );
    await eventually(
      async () => (await call(b, '/api/v1/namespaces/after-failover/serviceaccounts/default')).status === 200,
      10_000,
    );
  } finally {
    // After kill -9 the child has exited already (its exit event is gone): stop() would wait for it.
    if (a.child.signalCode === null) await a.stop();
    await b.stop();
    client.close();
    await etcd.stop();
  }
});

test('3 etcd members: 1 stopped, writes continue; 2 stopped, writes fail without hanging and cached reads answer; restarted, writes resume and nothing acknowledged is lost', async () => {
  const etcd = await startEtcd({ members: 3 });
  const s = await startKubeauth(['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints}`]);
  try {
    const acked = [];
    const write = async (name) => {
      const r = await create(s, 'default', name);
      if (r.status === 201) acked.push(name);
      return r;
    };
    for (let i = 0; i < 10; i++) assert.equal((await write(`before-${i}`)).status, 201);
    await etcd.stopMember(2);
    for (let i = 0; i < 10; i++) assert.equal((await write(`one-down-${i}`)).status, 201);
    await etcd.stopMember(1);
    const t0 = Date.now();
    const failed = await write('no-quorum');
    // No quorum: the write fails with kube's Status, it does not hang past the request timeout: etcd's own error
    // verbatim as a 500 without reason (what kube-apiserver's response writer makes of it), or the timeout
    // filter's 504 when the call ran out of time.
    assertEtcdFailure(failed);
    assert.ok(Date.now() - t0 < 60_000);
    // Reads that allow the cache keep answering.
    const cached = await call(s, '/api/v1/namespaces/default/configmaps?resourceVersion=0');
    assert.equal(cached.status, 200);
    await etcd.restartMember(1);
    await etcd.restartMember(2);
    await eventually(async () => (await write(`after-${Date.now()}`)).status === 201, 30_000, 200);
    const list = await call(s, '/api/v1/namespaces/default/configmaps');
    assert.equal(list.status, 200);
    const present = new Set(list.json.items.map((i) => i.metadata.name));
    assert.deepEqual(
      acked.filter((n) => !present.has(n)),
      [],
    );
  } finally {
    await s.stop();
    await etcd.stop();
  }
});

test('etcd stopped mid-run: writes and consistent reads are 504 Timeout at once, cached reads answer, /readyz fails its etcd check; restarted, writes resume', async () => {
  const etcd = await startEtcd();
  const s = await startKubeauth(['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints}`]);
  try {
    assert.equal((await create(s, 'default', 'before-stop')).status, 201);
    await etcd.stopMember(0);
    const w = await create(s, 'default', 'while-stopped');
    assert.deepEqual(w.json, timeoutStatus);
    // A consistent read needs etcd's revision: the same answer. Reads that allow the cache are served.
    const consistent = await call(s, '/api/v1/namespaces/default/configmaps/before-stop');
    assert.deepEqual(consistent.json, timeoutStatus);
    const cached = await call(s, '/api/v1/namespaces/default/configmaps/before-stop?resourceVersion=0');
    assert.equal(cached.status, 200);
    assert.equal(cached.json.metadata.name, 'before-stop');
    const notReady = await eventually(async () => {
      // The etcd check probes every second; the storage check asks at once.
      const r = await call(s, '/readyz?verbose');
      return r.status === 500 && /\[-\]etcd failed/.test(r.body) ? r : undefined;
    }, 10_000);
    assert.match(notReady.body, /\[-\]etcd failed: reason withheld/);
    // Nothing half-written: the failed create is absent once etcd is back, and writes resume.
    await etcd.restartMember(0);
    await eventually(async () => (await create(s, 'default', 'after-restart')).status === 201, 30_000, 200);
    assert.equal((await call(s, '/api/v1/namespaces/default/configmaps/while-stopped')).status, 404);
    assert.equal((await call(s, '/api/v1/namespaces/default/configmaps/before-stop')).status, 200);
    await eventually(async () => (await call(s, '/readyz')).status === 200, 10_000);
  } finally {
    await s.stop();
    await etcd.stop();
  }
});

test('an unreachable --etcd-servers at start is retried with a message; the server is ready once etcd is up', async () => {
  const { createServer } = await import('node:net');
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { mainJs } = await import('./harness.mjs');
  const port = await new Promise((r) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => r(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-e2e-'));
  const child = spawn(
    process.execPath,
    [
      mainJs,
      'serve',
      '--secure-port=0',
      `--data-dir=${dir}`,
      '--log-level=warn',
      '--storage-backend=etcd3',
      `--etcd-servers=http://127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  const waitFor = (get, re) =>
    new Promise((resolve, reject) => {
      const check = () => re.test(get()) && resolve();
      child.stderr.on('data', check);
      child.stdout.on('data', check);
      child.once('exit', (c) => reject(new Error(`kubeauth exited ${c}: ${stderr}`)));
    });
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  let etcd;
  try {
    // The start waits, saying so, while nothing listens; nothing is served yet.
    await waitFor(() => stderr, /"msg":"waiting for etcd at http:\/\/127\.0\.0\.1:\d+"/);
    assert.equal(stdout, '');
    etcd = await startEtcd({ clientPort: port });
    await waitFor(() => stdout, /ready on https:\/\/\S+/);
    const url = /ready on (https:\/\/\S+)/.exec(stdout)[1];
    const ready = await call({ url, kubeconfig: join(dir, 'admin.kubeconfig') }, '/readyz?verbose');
    assert.equal(ready.status, 200);
    assert.match(ready.body, /\[\+\]etcd ok/);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
