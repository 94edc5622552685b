// Serving-thread CPU of writers' huge valid objects: dry-run apply of 3 MiB of YAML data keys, a merge patch adding
// a long list, and the create of a ConfigMap with 90,000 data keys. CPU is the main thread's (/proc task of the
// pid), which is what stalls other clients; the process total (worker included) is shown beside it.
// Builds are compared by alternating requests between servers started from each dist directory:
//   node bench/writes.mjs [reps] [distDir ...]     (default: packages/server/dist)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, json, killAll, request } from './lib.mjs';
import { worstBodies } from './hostile.mjs';

const ticks = (file) => {
  const f = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const mainMs = (pid) => ticks(`/proc/${pid}/task/${pid}/stat`);
const procMs = (pid) => ticks(`/proc/${pid}/stat`);

function start(dist, dataDir, tokens) {
  const main = path.join(path.resolve(ROOT, dist), 'bin/kubeauth.js');
  const proc = spawn(
    process.execPath,
    [
      main,
      'serve',
      '--secure-port=0',
      `--data-dir=${dataDir}`,
      '--bind-address=127.0.0.1',
      `--token-auth-file=${tokens}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /kubeauth ready on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ proc, pid: proc.pid, port: Number(m[1]), dist });
    });
    proc.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

const CMS = '/api/v1/namespaces/default/configmaps';
function cases() {
  const w = worstBodies();
  const data = {};
  for (let i = 0; i < 90000; i++) data[`key-${i}`] = `v${i}`;
  let n = 0;
  return [
    w.find((b) => b.kind.startsWith('apply')),
    w.find((b) => b.kind.startsWith('merge patch')),
    {
      kind: 'create: 90,000 data keys',
      method: 'POST',
      path: CMS,
      ct: 'application/json',
      body: () =>
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${process.pid}-${n++}` }, data }),
    },
  ];
}

async function cost(s, token, b) {
  const body = typeof b.body === 'function' ? b.body() : b.body;
  const m0 = mainMs(s.pid);
  const p0 = procMs(s.pid);
  const r = await request(s.port, b.method ?? 'POST', b.path, { token, body, headers: { 'content-type': b.ct } });
  await new Promise((res) => setTimeout(res, 25));
  if (r.status >= 300) throw new Error(`${b.kind} → ${r.status}: ${r.body.toString().slice(0, 300)}`);
  return { main: mainMs(s.pid) - m0, proc: procMs(s.pid) - p0 };
}

process.on('exit', killAll);
const reps = Number(process.argv[2] ?? 5);
const dists = process.argv.length > 3 ? process.argv.slice(3) : ['packages/server/dist'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-bench-writes-'));
const token = 'bench-writes-admin-token';
writeFileSync(path.join(dir, 'tokens.csv'), `${token},bench-admin,uid-admin,"system:masters"\n`);
const servers = [];
try {
  for (const [i, d] of dists.entries()) {
    const s = await start(d, path.join(dir, `data${i}`), path.join(dir, 'tokens.csv'));
    servers.push(s);
    await json(s.port, 'POST', CMS, {
      token,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' } },
    });
  }
  const res = {};
  for (const b of cases()) {
    for (const s of servers) await cost(s, token, b); // warm
    const runs = servers.map(() => []);
    for (let r = 0; r < reps; r++) {
      const order = r % 2 ? [...servers.keys()].reverse() : [...servers.keys()];
      for (const i of order) runs[i].push(await cost(servers[i], token, b));
    }
    res[b.kind] = Object.fromEntries(
      servers.map((s, i) => {
        const main = runs[i].map((x) => x.main).sort((a, b) => a - b);
        const proc = runs[i].map((x) => x.proc).sort((a, b) => a - b);
        return [s.dist, { mainMinMs: main[0], mainMedianMs: main[main.length >> 1], procMinMs: proc[0] }];
      }),
    );
    console.error('·', b.kind, JSON.stringify(res[b.kind]));
  }
  console.log(JSON.stringify(res, null, 2));
} finally {
  for (const s of servers) s.proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
