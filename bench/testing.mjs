#!/usr/bin/env node
// The testing API's figures (kubeauth/testing): time to start a server, memory per server, and the time to
// snapshot and restore a populated one — each beside a floor measured in the same run. A report, not a test.
//   node bench/testing.mjs            (after npm run build)
// envtest (etcd + kube-apiserver binaries) needs 5–15 s per control plane; it is not installed here, so that
// figure is quoted, not measured.
import { spawn } from 'node:child_process';
import { createServer } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeauth } from 'kubeauth/testing';

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const r1 = (x) => Math.round(x * 10) / 10;
const time = async (fn) => {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
};
const gc = () => globalThis.gc?.();
const nodeWithIpc = (code) => spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const rows = [];
const row = (what, value, unit, floorWhat, floor) =>
  rows.push({
    what,
    value: r1(value),
    unit,
    floor: floorWhat,
    floorValue: r1(floor),
    ratio: Number((value / floor).toPrecision(2)),
  });

// Warm up module loading, so the first start is not charged for it.
await (await startKubeauth()).close();

// 1. In-process start (ready to answer, admin kubeconfig written), vs a bare node:https listen on a port.
const starts = [];
let first;
for (let i = 0; i < 7; i++) {
  const [ms, k] = await time(() => startKubeauth());
  starts.push(ms);
  if (i === 0) first = k;
  else await k.close();
}
const cert = readFileSync(join(first.dataDir, 'pki/apiserver.crt'));
const key = readFileSync(join(first.dataDir, 'pki/apiserver.key'));
await first.close();
const listens = [];
for (let i = 0; i < 7; i++) {
  const [ms, srv] = await time(
    () =>
      new Promise((res) => {
        const s = createServer({ cert, key }, (q, r) => r.end());
        s.listen(0, '127.0.0.1', () => res(s));
      }),
  );
  listens.push(ms);
  srv.close();
}
row(
  'start, in-process (median of 7)',
  median(starts),
  'ms',
  'node:https listen with a ready certificate',
  median(listens),
);

// 2. Child-process start, vs forking node with an empty script that answers over IPC.
const childStarts = [];
for (let i = 0; i < 3; i++) {
  const [ms, k] = await time(() => startKubeauth({ process: 'child' }));
  childStarts.push(ms);
  await k.close();
}
const forks = [];
for (let i = 0; i < 3; i++) {
  const [ms] = await time(
    () =>
      new Promise((res) => {
        const c = nodeWithIpc("process.send('ready'); process.disconnect()");
        c.once('message', () => res());
      }),
  );
  forks.push(ms);
}
row(
  "start, process: 'child' (median of 3)",
  median(childStarts),
  'ms',
  'fork of node answering over IPC',
  median(forks),
);

// 3. Memory: ten servers in one process; RSS added per server vs a bare node process's RSS.
gc();
const before = process.memoryUsage();
const ten = [];
for (let i = 0; i < 10; i++) ten.push(await startKubeauth());
gc();
const after = process.memoryUsage();
const per = (after.rss - before.rss) / 10 / 2 ** 20;
const heapPer = (after.heapUsed + after.external - before.heapUsed - before.external) / 10 / 2 ** 20;
const bare = await new Promise((res) => {
  const c = nodeWithIpc('process.send(process.memoryUsage().rss); process.disconnect()');
  c.once('message', (m) => res(m / 2 ** 20));
});
row('RSS added per in-process server (10 in one process)', per, 'MiB', 'RSS of a bare node process', bare);
row('JS heap + external added per in-process server', heapPer, 'MiB', 'RSS of a bare node process', bare);

// 4. Snapshot and restore of a populated server: 1,000 ConfigMaps and 100 ServiceAccounts; between the two,
// 100 objects changed, 100 created, 100 deleted. Floor: structuredClone of every stored object.
const k = ten[0];
await k.createNamespace('bench');
for (let i = 0; i < 100; i++) await k.createServiceAccount('bench', `sa-${i}`);
const cms = Array.from({ length: 1000 }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}`, namespace: 'bench', labels: { app: 'bench', n: String(i) } },
  data: { a: 'x'.repeat(200), b: String(i) },
}));
for (let i = 0; i < cms.length; i += 100) await Promise.all(cms.slice(i, i + 100).map((c) => k.apply(c)));
const snaps = [];
const restores = [];
let snap;
for (let round = 0; round < 5; round++) {
  const [sms, s] = await time(() => k.snapshot());
  snaps.push(sms);
  snap = s;
  for (let i = 0; i < 100; i++) {
    await k.apply({ ...cms[i], data: { a: 'changed', b: String(round) } });
    await k.createServiceAccount('bench', `extra-${round}-${i}`);
    await k.request('DELETE', `/api/v1/namespaces/bench/configmaps/cm-${999 - i}`);
  }
  const [rms] = await time(() => k.restore(snap));
  restores.push(rms);
}
const [, list] = await time(() => k.request('GET', '/api/v1/configmaps'));
const objects = list.body.items;
const clones = [];
for (let i = 0; i < 5; i++) clones.push((await time(() => structuredClone(objects)))[0]);
row(
  'snapshot() of 1,100 objects (median of 5)',
  median(snaps),
  'ms',
  'structuredClone of the ConfigMaps',
  median(clones),
);
row(
  'restore() undoing 300 writes (median of 5)',
  median(restores),
  'ms',
  'structuredClone of the ConfigMaps',
  median(clones),
);
const [resetMs] = await time(() => k.reset());
row(
  'reset() to the empty start state (deletes 1,101 objects)',
  resetMs,
  'ms',
  'structuredClone of the ConfigMaps',
  median(clones),
);
await Promise.all(ten.map((x) => x.close()));

console.log('kubeauth/testing figures (ratios are to floors measured in this run)\n');
for (const r of rows)
  console.log(`${r.what}: ${r.value} ${r.unit} — ${r.ratio}× the floor (${r.floor}: ${r.floorValue} ${r.unit})`);
console.log('\nenvtest, for comparison (quoted, not measured here): 5–15 s per control plane.');
writeFileSync(
  new URL('./testing-last-run.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + '\n',
);
