// etcd's history compacted under kubeauth: continue tokens and watches from before the compaction expire as
// kube-apiserver's do (410 Expired), and a client-go-style informer relists and carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import { startKubeauth, eventually } from './harness.mjs';
import { call } from './http.mjs';
import { startEtcd } from '../etcd/etcd.mjs';

const json = (o) => JSON.stringify(o);
const create = (s, ns, name) =>
  call(s, `/api/v1/namespaces/${ns}/configmaps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { t: 'y' } } }),
  });
/** The namespace exists and the root CA controller has written its ConfigMap there. */
const ready = (s, ns) =>
  eventually(async () => (await call(s, `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`)).status === 200);
const createNs = (s, name) =>
  call(s, '/api/v1/namespaces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json({ metadata: { name } }),
  });

/** What kube-apiserver's compactor (and kubeauth's) does: record the revision in compact_rev_key, compact to it. */
async function compactNow(client) {
  const cur = await client.get('compact_rev_key').exec();
  const rev = Number(cur.header.revision);
  const version = cur.kvs.length ? Number(cur.kvs[0].version) : 0;
  const r = await client
    .if('compact_rev_key', 'Version', '==', version)
    .then(client.put('compact_rev_key').value(String(rev)))
    .commit();
  assert.ok(r.succeeded);
  await client.kv.compact({ revision: String(rev) });
  return rev;
}

const inconsistentContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

test('after a compaction, an older continue token is 410 Expired with a token for the rest, and older watches are 410 on every replica', async () => {
  const etcd = await startEtcd();
  const client = new Etcd3({ hosts: etcd.urls });
  const flags = ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints}`, '--etcd-compaction-interval=0'];
  const a = await startKubeauth(flags);
  const b = await startKubeauth(flags);
  try {
    assert.equal((await createNs(a, 'paging')).status, 201);
    await ready(a, 'paging');
    for (const n of ['p1', 'p2', 'p3']) assert.equal((await create(a, 'paging', n)).status, 201);
    const page1 = await call(a, '/api/v1/namespaces/paging/configmaps?labelSelector=t%3Dy&limit=1');
    assert.equal(page1.status, 200);
    assert.deepEqual(
      page1.json.items.map((i) => i.metadata.name),
      ['p1'],
    );
    const token = page1.json.metadata.continue;
    const listRev = Number(page1.json.metadata.resourceVersion);
    // Before the compaction the token continues the list, on either replica, at the first page's revision.
    const ok = await call(
      b,
      `/api/v1/namespaces/paging/configmaps?labelSelector=t%3Dy&limit=1&continue=${encodeURIComponent(token)}`,
    );
    assert.equal(ok.status, 200);
    assert.deepEqual(
      ok.json.items.map((i) => i.metadata.name),
      ['p2'],
    );
    assert.equal(ok.json.metadata.resourceVersion, String(listRev));

    // A write after the list, then the history up to now is compacted.
    assert.equal((await create(a, 'paging', 'p4')).status, 201);
    const compacted = await compactNow(client);
    assert.ok(compacted > listRev);
    for (const s of [a, b]) {
      const gone = await eventually(async () => {
        const r = await call(
          s,
          `/api/v1/namespaces/paging/configmaps?labelSelector=t%3Dy&limit=1&continue=${encodeURIComponent(token)}`,
        );
        return r.status === 410 ? r : undefined;
      });
      assert.equal(gone.json.kind, 'Status');
      assert.equal(gone.json.reason, 'Expired');
      assert.equal(gone.json.code, 410);
      assert.equal(gone.json.message, inconsistentContinue);
      // kube's token for the rest: the same start key at resourceVersion -1 (the latest).
      const fresh = gone.json.metadata.continue;
      const decoded = JSON.parse(Buffer.from(fresh, 'base64url').toString());
      assert.equal(decoded.rv, -1);
      assert.equal(decoded.start, JSON.parse(Buffer.from(token, 'base64url').toString()).start);
      const rest = await call(
        s,
        `/api/v1/namespaces/paging/configmaps?labelSelector=t%3Dy&continue=${encodeURIComponent(fresh)}`,
      );
      assert.equal(rest.status, 200);
      // The rest at the current revision: p4, written after the first page, shows up (the inconsistency kube warns of).
      assert.deepEqual(
        rest.json.items.map((i) => i.metadata.name),
        ['p2', 'p3', 'p4'],
      );
      assert.ok(Number(rest.json.metadata.resourceVersion) > compacted);

      // A watch from before the compaction: 410 Expired naming the compacted revision.
      const w = await call(s, `/api/v1/namespaces/paging/configmaps?watch=1&resourceVersion=${listRev}`);
      assert.equal(w.status, 200);
      const ev = JSON.parse(w.body.trim().split('\n')[0]);
      assert.equal(ev.type, 'ERROR');
      assert.deepEqual(ev.object, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${listRev} (${compacted})`,
        reason: 'Expired',
        code: 410,
      });
    }
  } finally {
    await a.stop();
    await b.stop();
    client.close();
    await etcd.stop();
  }
});

/** A TCP relay the test can cut: the informer's connections go through it. */
async function relay(target) {
  const { port, hostname } = new URL(target);
  const sockets = new Set();
  let paused = false;
  const server = createServer((inbound) => {
    if (paused) return void inbound.destroy();
    const outbound = connect(Number(port), hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${server.address().port}`,
    /** Drops every connection and refuses new ones until resume(). */
    cut: () => {
      paused = true;
      sockets.forEach((s) => s.destroy());
    },
    resume: () => (paused = false),
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((r) => server.close(r));
    },
  };
}

test("kubeauth's compactor compacts etcd; an informer whose watch resumes from a compacted revision relists and sees what it missed", async () => {
  const etcd = await startEtcd();
  const client = new Etcd3({ hosts: etcd.urls });
  const s = await startKubeauth([
    '--storage-backend=etcd3',
    `--etcd-servers=${etcd.endpoints}`,
    '--etcd-compaction-interval=1s',
  ]);
  const r = await relay(s.url);
  const informer = { stop: () => undefined };
  try {
    assert.equal((await createNs(s, 'inf')).status, 201);
    assert.equal((await createNs(s, 'elsewhere')).status, 201);
    await ready(s, 'inf');
    assert.equal((await create(s, 'inf', 'before')).status, 201);

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    kc.clusters[0] = { ...kc.clusters[0], server: r.url };
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const lists = [];
    const listFn = async () => {
      const l = await api.listNamespacedConfigMap({ namespace: 'inf' });
      lists.push(l.metadata.resourceVersion);
      return l;
    };
    const inf = k8s.makeInformer(kc, '/api/v1/namespaces/inf/configmaps', listFn);
    // client-node's informer stops on a connection error; its documented answer is to start it again, which
    // resumes the watch from the last resourceVersion (client-go's reflector does the same on its own).
    let errors = 0;
    let stopped = false;
    inf.on('error', () => {
      errors++;
      if (!stopped) setTimeout(() => void (stopped || inf.start().catch(() => undefined)), 100);
    });
    await inf.start();
    informer.stop = () => {
      stopped = true;
      inf.stop();
    };
    assert.deepEqual(
      inf.list().map((o) => o.metadata.name),
      ['before', 'kube-root-ca.crt'],
    );
    const informerRev = Number(lists[0]);

    // Writes elsewhere move etcd on; the compactor (one interval behind) compacts past the informer's revision.
    await eventually(
      async () => {
        assert.equal((await create(s, 'elsewhere', `w${Date.now()}`)).status, 201);
        const kv = await client.get('compact_rev_key').exec();
        return kv.kvs.length && Number(kv.kvs[0].value.toString()) > informerRev;
      },
      20_000,
      200,
    );
    // etcd itself refuses the old revision now.
    await assert.rejects(client.kv.range({ key: Buffer.from('x'), revision: String(informerRev) }), /compacted/);
    const direct = await eventually(async () => {
      const w = await call(s, `/api/v1/namespaces/inf/configmaps?watch=1&resourceVersion=${informerRev}`);
      const ev = JSON.parse(w.body.trim().split('\n')[0]);
      return ev.type === 'ERROR' ? ev.object : undefined;
    });
    assert.equal(direct.code, 410);
    assert.equal(direct.reason, 'Expired');
    assert.match(direct.message, new RegExp(`^too old resource version: ${informerRev} \\(\\d+\\)$`));

    // Written while the informer is cut off; its watch then resumes from the compacted revision, gets 410 and
    // relists.
    assert.equal(lists.length, 1);
    r.cut();
    assert.equal((await create(s, 'inf', 'missed')).status, 201);
    await eventually(() => errors > 0);
    r.resume();
    await eventually(() => inf.list().some((o) => o.metadata.name === 'missed'), 10_000);
    assert.equal(lists.length, 2, `the informer listed ${lists.length} times`);
    assert.ok(Number(lists[1]) > informerRev);
    assert.deepEqual(
      inf
        .list()
        .map((o) => o.metadata.name)
        .sort(),
      ['before', 'kube-root-ca.crt', 'missed'],
    );
  } finally {
    informer.stop();
    await r.close();
    await s.stop();
    client.close();
    await etcd.stop();
  }
});
