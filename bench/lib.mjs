// Shared helpers for bench/run.mjs: spawn/stop servers, HTTPS requests, load runs in child processes.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH, '..');
const MAIN = path.join(ROOT, 'packages/server/dist/cli/main.js');
const live = new Set();

export function startServer(dataDir, extra = []) {
  const t0 = performance.now();
  const proc = spawn(
    process.execPath,
    [MAIN, 'serve', '--secure-port=0', `--data-dir=${dataDir}`, '--bind-address=127.0.0.1', ...extra],
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
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const h = { accept: 'application/json', ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (data !== undefined) {
      h['content-type'] = 'application/json';
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

/** Bare node https floor in a separate process, replaying fixed response bytes. Returns {port, stop}. */
export function startFloor({ cert, key, status, headers, body }) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(BENCH, 'floor.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
    live.add(p);
    p.stdin.end(JSON.stringify({ cert, key, status, headers, body: body.toString('base64') }));
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
