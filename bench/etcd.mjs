#!/usr/bin/env node
// etcd backend figures beside SQLite's, measured in the same run (a report, always exits 0):
//   per-replica GET and TokenReview throughput (wrk), write latency p50/p99, propagation from replica A to a
//   watch on replica B, and start-to-ready with 50,000 objects in etcd. The floor is bare node:https replaying
//   the same response bytes.        node bench/etcd.mjs [--quick]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { Etcd3 } from 'etcd3';
import { json, killAll, request, startFloor, startServer, stopServer, pct } from './lib.mjs';
import { ensureWrk, wrkLoad } from './wrk.mjs';
import { startEtcd } from '../test/etcd/etcd.mjs';

const QUICK = process.argv.includes('--quick');
const DUR = QUICK ? 2 : 4;
const WRITES = QUICK ? 200 : 500;
const SEEDED = 50_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-bench-etcd-'));
const token = 'bench-admin-token';
writeFileSync(path.join(tmp, 'tokens.csv'), `${token},admin,1,system:masters\n`);
const common = [`--token-auth-file=${path.join(tmp, 'tokens.csv')}`, '--log-level=error'];
const auth = { authorization: `Bearer ${token}` };
const f = (n, d = 0) => n.toFixed(d);

async function throughput(port, label) {
  const sa = await json(port, 'POST', '/api/v1/namespaces/default/serviceaccounts', {
    token,
    body: { metadata: { name: `b-${label}` } },
  }).catch(() => undefined);
  void sa;
  const tr = await json(port, 'POST', `/api/v1/namespaces/default/serviceaccounts/b-${label}/token`, {
    token,
    body: { spec: {} },
  });
  const reviewBody = JSON.stringify({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: tr.status.token },
  });
  const script = path.join(tmp, `review-${label}.lua`);
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(reviewBody)}\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  const getPath = `/api/v1/namespaces/default/serviceaccounts/b-${label}`;
  const get = await wrkLoad({ port, path: getPath, headers: auth, duration: DUR });
  const getCache = await wrkLoad({ port, path: `${getPath}?resourceVersion=0`, headers: auth, duration: DUR });
  const review = await wrkLoad({
    port,
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    headers: auth,
    duration: DUR,
    script,
  });
  return { get, getCache, review };
}

async function writeLatency(port, label) {
  const ms = [];
  for (let i = 0; i < WRITES; i++) {
    const t = performance.now();
    const r = await request(port, 'POST', '/api/v1/namespaces/default/configmaps', {
      token,
      body: { metadata: { name: `lat-${label}-${i}` }, data: { k: 'v' } },
    });
    if (r.status !== 201) throw new Error(`write ${r.status}`);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: pct(ms, 50), p99: pct(ms, 99) };
}

/** Write on A, time until the event reaches a watch on B: from A's acknowledgement and from the request's start. */
async function propagation(a, b, n) {
  const seen = new Map();
  const agent = new https.Agent({ rejectUnauthorized: false });
  const list = await json(b.port, 'GET', '/api/v1/namespaces/kube-public/configmaps', { token });
  await new Promise((resolve) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: b.port,
        path: `/api/v1/namespaces/kube-public/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
        headers: auth,
        agent,
      },
      (res) => {
        let buf = '';
        res.on('data', (d) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const ev = JSON.parse(buf.slice(0, i));
            buf = buf.slice(i + 1);
            seen.get(ev.object.metadata.name)?.(performance.now());
          }
        });
      },
    );
    req.end();
    setTimeout(resolve, 200);
  });
  const fromAck = [];
  const fromStart = [];
  for (let i = 0; i < n; i++) {
    const name = `prop-${i}`;
    const arrived = new Promise((r) => seen.set(name, r));
    const t0 = performance.now();
    const r = await request(a.port, 'POST', '/api/v1/namespaces/kube-public/configmaps', {
      token,
      body: { metadata: { name } },
    });
    const tAck = performance.now();
    if (r.status !== 201) throw new Error(`write ${r.status}`);
    const tEv = await arrived;
    fromAck.push(Math.max(0, tEv - tAck));
    fromStart.push(tEv - t0);
  }
  fromAck.sort((x, y) => x - y);
  fromStart.sort((x, y) => x - y);
  agent.destroy();
  return {
    ackP50: pct(fromAck, 50),
    ackP99: pct(fromAck, 99),
    startP50: pct(fromStart, 50),
    startP99: pct(fromStart, 99),
  };
}

async function main() {
  ensureWrk();
  const etcd = await startEtcd();
  const etcdFlags = ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints}`];
  const out = [];
  try {
    const sq = await startServer(path.join(tmp, 'sqlite'), common);
    const a = await startServer(path.join(tmp, 'a'), [...common, ...etcdFlags]);
    const b = await startServer(path.join(tmp, 'b'), [...common, ...etcdFlags]);
    // Floor: bare node:https replaying a GET's bytes with the server's certificate.
    const sample = await request(sq.port, 'GET', '/api/v1/namespaces/default/serviceaccounts/default', { token });
    const floor = await startFloor({
      cert: readFileSync(path.join(tmp, 'sqlite', 'pki', 'apiserver.crt'), 'utf8'),
      key: readFileSync(path.join(tmp, 'sqlite', 'pki', 'apiserver.key'), 'utf8'),
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: sample.body,
    });
    const fl = await wrkLoad({ port: floor.port, path: '/', duration: DUR });
    await floor.stop();
    const ts = await throughput(sq.port, 'sq');
    const te = await throughput(a.port, 'et');
    out.push(`floor (bare node:https, same bytes): ${f(fl.rps)} req/s`);
    for (const [k, label] of [
      ['get', 'GET (consistent read)'],
      ['getCache', 'GET ?resourceVersion=0'],
      ['review', 'TokenReview'],
    ]) {
      const s = ts[k].rps;
      const e = te[k].rps;
      out.push(
        `${label}: sqlite ${f(s)} req/s (${f(s / fl.rps, 2)}× floor), etcd replica ${f(e)} req/s (${f(e / fl.rps, 2)}× floor) → etcd/sqlite ${f(e / s, 2)}; p99 sqlite ${f(ts[k].p99ms, 1)} ms, etcd ${f(te[k].p99ms, 1)} ms`,
      );
    }
    const ws = await writeLatency(sq.port, 'sq');
    const we = await writeLatency(a.port, 'et');
    out.push(
      `write latency (create, sequential, ${WRITES}): sqlite p50 ${f(ws.p50, 2)} ms p99 ${f(ws.p99, 2)} ms; etcd (1 member) p50 ${f(we.p50, 2)} ms p99 ${f(we.p99, 2)} ms`,
    );
    const pr = await propagation(a, b, WRITES);
    out.push(
      `propagation A→watch on B (${WRITES} writes): after A's ack p50 ${f(pr.ackP50, 2)} ms p99 ${f(pr.ackP99, 2)} ms; from the write's start p50 ${f(pr.startP50, 2)} ms p99 ${f(pr.startP99, 2)} ms`,
    );
    await stopServer(sq);
    await stopServer(b);
    // Start to ready with 50,000 objects: seeded straight into etcd at kube's keys, then a fresh replica starts.
    const client = new Etcd3({ hosts: etcd.urls });
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (let i = 0; i < SEEDED; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, SEEDED - i) }, (_, j) => {
          const name = `seed-${i + j}`;
          const v = JSON.stringify({
            kind: 'ConfigMap',
            apiVersion: 'v1',
            metadata: {
              name,
              namespace: 'default',
              uid: `00000000-0000-4000-8000-${String(i + j).padStart(12, '0')}`,
              creationTimestamp: now,
            },
            data: { k: 'v' },
          });
          return client.put(`/registry/configmaps/default/${name}`).value(v);
        }),
      );
    }
    client.close();
    await stopServer(a);
    const starts = [];
    for (let i = 0; i < (QUICK ? 1 : 3); i++) {
      const s = await startServer(path.join(tmp, `c${i}`), [...common, ...etcdFlags]);
      starts.push(s.ms);
      const l = await json(s.port, 'GET', '/api/v1/namespaces/default/configmaps?limit=1', { token });
      if (l.remainingItemCount < SEEDED - 1) throw new Error('seeded objects missing');
      await stopServer(s);
    }
    starts.sort((x, y) => x - y);
    // Floor: the start of an empty replica in the same run (node, modules, pki, bootstrap) — what 50,000 objects add.
    const empty = await startServer(path.join(tmp, 'empty'), [...common, '--storage-backend=memory']);
    await stopServer(empty);
    const med = starts[starts.length >> 1];
    out.push(
      `start to ready with ${SEEDED} objects in etcd: ${starts.map((m) => f(m)).join(', ')} ms (median ${f(med)} ms; an empty server in this run ${f(empty.ms)} ms, so the objects add ${f(med - empty.ms)} ms)`,
    );
  } finally {
    console.log(out.join('\n'));
    killAll();
    await etcd.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main().catch((e) => {
  console.log(`etcd benchmark failed: ${e.stack ?? e}`);
});
process.exit(0);
