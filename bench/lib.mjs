// Shared helpers for bench/run.mjs: spawn/stop servers, HTTPS requests, load runs in child processes.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH, '..');
const MAIN = path.join(ROOT, 'packages/server/dist/bin/kubeauth.js');
const live = new Set();

/** Starts kubeauth on a free port; `nodeArgs` go to node itself (e.g. `--cpu-prof`). */
export function startServer(dataDir, extra = [], { nodeArgs = [] } = {}) {
  const t0 = performance.now();
  const proc = spawn(
    process.execPath,
    // KUBEAUTH_BENCH_NODE_ARGS: node flags for the server only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p` to profile
    // it under a benchmark's load; NODE_OPTIONS refuses --cpu-prof).
    [
      ...nodeArgs,
      ...(process.env.KUBEAUTH_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      MAIN,
      'serve',
      '--secure-port=0',
      `--data-dir=${dataDir}`,
      '--bind-address=127.0.0.1',
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onData = (d) => {
      out += d;
      const m = /kubeauth ready on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        const self = /in (\d+) ms/.exec(out);
        resolve({
          proc,
          pid: proc.pid,
          port: Number(m[1]),
          ms: performance.now() - t0,
          selfMs: self ? Number(self[1]) : NaN,
          dataDir,
        });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d) => (err += d));
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err.slice(-2000)} ${out.slice(-500)}`)));
  });
}

export function stopServer(s) {
  if (!s || s.proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => s.proc.kill('SIGKILL'), 5000);
    s.proc.once('exit', () => {
      clearTimeout(t);
      live.delete(s.proc);
      resolve();
    });
    s.proc.kill('SIGTERM');
  });
}

export function killAll() {
  for (const p of live) if (p.exitCode === null) p.kill('SIGKILL');
}

export function rssMB(pid) {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(st);
  return m ? Number(m[1]) / 1024 : NaN;
}

const agent = new https.Agent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });

export function request(port, method, p, { token, body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const h = { accept: 'application/json', ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (data !== undefined) {
      h['content-type'] ??= 'application/json';
      h['content-length'] = Buffer.byteLength(data);
    }
    const req = https.request({ host: '127.0.0.1', port, method, path: p, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

export async function json(port, method, p, opts) {
  const r = await request(port, method, p, opts);
  if (r.status >= 300) throw new Error(`${method} ${p} → ${r.status}: ${r.body.toString().slice(0, 300)}`);
  return JSON.parse(r.body.toString());
}

/** Runs a child node script and returns its last stdout line parsed as JSON. */
export function runChild(script, arg, { onStart } = {}) {
  return new Promise((resolve, reject) => {
    const argFile = path.join(os.tmpdir(), `kubeauth-bench-${process.pid}-${Date.now()}.json`);
    writeFileSync(argFile, JSON.stringify(arg));
    const p = spawn(process.execPath, [path.join(BENCH, script), `@${argFile}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    live.add(p);
    onStart?.(p);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      live.delete(p);
      rmSync(argFile, { force: true });
      const line = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`${script} exited ${code}: ${out.slice(-500)}`));
      }
    });
  });
}

/** Load run in a separate process: {port, method, path, headers, bodies?, connections, duration|amount}. */
export const load = (cfg) => runChild('load.mjs', cfg);

/**
 * Bare node floor in a separate process, replaying fixed response bytes: node:https, or node:http2 with
 * `protocol: 'h2'` (bench/floor.mjs). Returns {port, pid, stop}.
 */
export function startFloor({ cert, key, status, headers, body, protocol = 'h1' }) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(BENCH, 'floor.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
    live.add(p);
    p.stdin.end(JSON.stringify({ cert, key, status, headers, body: body.toString('base64'), protocol }));
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = /floor on (\d+)/.exec(out);
      if (m)
        resolve({
          port: Number(m[1]),
          pid: p.pid,
          stop: () =>
            new Promise((r) => {
              p.once('exit', () => {
                live.delete(p);
                r();
              });
              p.kill('SIGTERM');
            }),
        });
    });
    p.on('exit', (c) => reject(new Error(`floor exited ${c}`)));
  });
}

export const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** CPU time (user + system) a process has used so far, in µs (Linux /proc, CLK_TCK = 100). */
export function cpuMicros(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

/**
 * kubeauth against its floor under the same load, robust to a shared, noisy host. `rounds` rounds of one run per
 * side, alternating and flipping the order each round (A B, B A, A B …) so drift hits both sides alike. Reported:
 * - ratio: best run ÷ best run (background load only ever slows a run down, so each side's best run is its least
 *   disturbed capacity: the headline figure);
 * - ratioMedian: median run ÷ median run;
 * - cpuRatio: floor CPU µs per request ÷ kubeauth CPU µs per request, from /proc (least sensitive to noise).
 * `server`/`floor`: { port, pid }.
 */
export async function compareToFloor({ server, floor, cfg, run, rounds = 3, warmupSeconds = 1, duration }) {
  // `run(port, seconds)`: one load run, { rps, ok, non2xx, errors, statuses?, loadUsPerReq? }; autocannon by default.
  run ??= (port, seconds) => load({ ...cfg, port, ...(seconds === undefined ? {} : { duration: seconds }) });
  for (const side of [floor, server]) await run(side.port, warmupSeconds);
  const runs = { server: [], floor: [] };
  const cpu = { server: [], floor: [] };
  const totals = { non2xx: 0, errors: 0, statuses: [] };
  const loadCpu = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['floor', 'server'] : ['server', 'floor'];
    for (const name of order) {
      const side = name === 'server' ? server : floor;
      const c0 = side.pid ? cpuMicros(side.pid) : NaN;
      const res = await run(side.port, duration);
      const n = res.ok + res.non2xx;
      runs[name].push(res.rps);
      cpu[name].push(side.pid && n ? (cpuMicros(side.pid) - c0) / n : NaN);
      if (name === 'server') {
        totals.non2xx += res.non2xx;
        totals.errors += res.errors;
        if (res.statuses) totals.statuses.push(res.statuses);
        if (res.loadUsPerReq !== undefined) loadCpu.push(res.loadUsPerReq);
      }
    }
  }
  const best = (a) => Math.max(...a);
  const lowest = (a) => Math.min(...a.filter(Number.isFinite));
  return {
    ratio: best(runs.server) / best(runs.floor),
    ratioMedian: median(runs.server) / median(runs.floor),
    cpuRatio: lowest(cpu.floor) / lowest(cpu.server),
    server: {
      rps: best(runs.server),
      medianRps: median(runs.server),
      runs: runs.server,
      cpuMicrosPerRequest: lowest(cpu.server),
    },
    floor: {
      rps: best(runs.floor),
      medianRps: median(runs.floor),
      runs: runs.floor,
      cpuMicrosPerRequest: lowest(cpu.floor),
    },
    ...(loadCpu.length ? { loadToolMicrosPerRequest: median(loadCpu) } : {}),
    ...totals,
  };
}
