// Runs the compatibility matrix against a started kubeauth: every kubectl version found, Helm 4 and
// @kubernetes/client-node. Each column gets its own namespace (and a suffix for cluster-scoped names), so all
// cells can run side by side; a cell is pass, fail, or expected-fail (a row's known gap that still fails).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as k8s from '@kubernetes/client-node';
import { call } from '../../test/e2e/http.mjs';
import { kubectlRows } from './kubectl-rows.mjs';
import { helmRows } from './helm-rows.mjs';
import { clientNodeRows } from './client-node-rows.mjs';

export const clientNodeVersion = createRequire(import.meta.url)('@kubernetes/client-node/package.json').version;

/** Runs a binary; resolves {code, stdout, stderr}. A hung client is killed after `ms` (and fails its cell). */
function exec(bin, argv, { env, input, ms = 120_000 } = {}) {
  return new Promise((resolve) => {
    const p = spawn(bin, argv, { env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), ms);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', (e) => (stderr += e.message));
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? `killed (${signal})` : code, stdout, stderr });
    });
    p.stdin.on('error', () => undefined);
    p.stdin.end(input);
  });
}

/** Throws unless the result matches the step's expectations (exit code, stdout, stderr). */
function check(step, r, name) {
  const cmd = `${name} ${step.argv.join(' ')}`;
  const want = step.code ?? 0;
  if (r.code !== want) throw new Error(`${cmd}: exit ${r.code}, want ${want}: ${(r.stderr || r.stdout).trim()}`);
  for (const [key, got] of [
    ['out', r.stdout],
    ['err', r.stderr],
  ]) {
    const e = step[key];
    if (e === undefined) continue;
    // kubectl before 1.32 colours cluster-info even when stdout is no terminal; patterns match the text.
    const ok = e instanceof RegExp ? e.test(got.replace(/\x1b\[[0-9;]*m/g, '')) : got === e;
    if (!ok)
      throw new Error(
        `${cmd}: ${key === 'out' ? 'stdout' : 'stderr'} ${JSON.stringify(got.slice(0, 300))} does not match ${e}`,
      );
  }
}

/** Spawns kubectl with client-go's request log; `watching` resolves once a watch request was answered 200. */
function watching(bin, argv, env) {
  const p = spawn(bin, [...argv, '-v=6'], { env });
  let stderr = '';
  let stdout = '';
  let onWatch;
  let onLine;
  const watched = new Promise((r) => (onWatch = r));
  const lines = [];
  p.stderr.on('data', (d) => {
    stderr += d;
    // Both log formats: `GET <url> 200 OK in 3 milliseconds` and `"Response" verb="GET" url="<url>" status="200 OK"`.
    if (/(?:GET |url=")https:[^"\s]*watch=true[^"\s]*"?\s+(?:status=")?200 OK/.test(stderr)) onWatch();
  });
  p.stdout.on('data', (d) => {
    stdout += d;
    lines.push(...d.toString().split('\n').filter(Boolean));
    onLine?.();
  });
  const done = new Promise((r) => p.on('close', (code) => r({ code, stdout, stderr })));
  const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
  done.then(() => clearTimeout(timer));
  return {
    watched: Promise.race([
      watched,
      done.then(() => Promise.reject(new Error(`kubectl ${argv.join(' ')} exited: ${stderr.slice(-300)}`))),
    ]),
    done,
    /** Resolves when stdout has shown `line`. */
    async line(line) {
      while (!lines.includes(line)) {
        if (p.exitCode !== null)
          throw new Error(`kubectl ${argv.join(' ')} ended before printing ${line}: ${stderr.slice(-300)}`);
        await Promise.race([new Promise((r) => (onLine = r)), done]);
      }
    },
    stop: () => p.kill('SIGTERM'),
  };
}

/** Scenarios that need two clients at once (kubectl waits or watches while another kubectl changes things). */
const scenarios = {
  async tokenreview(run, bin, env, ns) {
    await run({ argv: ['create', 'serviceaccount', 'tr', '-n', ns] });
    const tok = await exec(bin, ['create', 'token', 'tr', '-n', ns], { env });
    check({ argv: ['create', 'token', 'tr'], out: /^eyJ/ }, tok, 'kubectl');
    await run({
      argv: ['create', '-f', '-', '-o', 'yaml'],
      input: `apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: ${tok.stdout.trim()}\n`,
      out: new RegExp(`authenticated: true\\n[\\s\\S]*username: system:serviceaccount:${ns}:tr\\n`),
    });
  },
  async watch(run, bin, env, ns) {
    await run({ argv: ['create', 'configmap', 'wa1', '-n', ns] });
    const w = watching(bin, ['get', 'configmaps', '-n', ns, '-w', '-o', 'name'], env);
    try {
      await w.line('configmap/wa1');
      await w.watched;
      await run({ argv: ['create', 'configmap', 'wa2', '-n', ns] });
      await w.line('configmap/wa2');
    } finally {
      w.stop();
    }
    const only = watching(bin, ['get', 'configmaps', '-n', ns, '--watch-only', '-o', 'name'], env);
    try {
      await only.watched;
      await run({ argv: ['label', 'configmap', 'wa1', 'seen=yes', '-n', ns] });
      await only.line('configmap/wa1');
    } finally {
      only.stop();
    }
  },
  async wait(run, bin, env, ns) {
    await run({ argv: ['create', 'configmap', 'w1', '-n', ns] });
    const del = watching(bin, ['wait', '--for=delete', 'configmap/w1', '-n', ns, '--timeout=60s'], env);
    await del.watched;
    await run({ argv: ['delete', 'configmap', 'w1', '-n', ns, '--wait=false'] });
    const d = await del.done;
    check({ argv: ['wait', '--for=delete', 'configmap/w1'], out: 'configmap/w1 condition met\n' }, d, 'kubectl');
    await run({ argv: ['create', 'configmap', 'w2', '--from-literal=state=pending', '-n', ns] });
    const jp = watching(
      bin,
      ['wait', '--for=jsonpath={.data.state}=ready', 'configmap/w2', '-n', ns, '--timeout=60s'],
      env,
    );
    await jp.watched;
    await run({ argv: ['patch', 'configmap', 'w2', '-n', ns, '-p', '{"data":{"state":"ready"}}'] });
    const j = await jp.done;
    check({ argv: ['wait', '--for=jsonpath=…', 'configmap/w2'], out: 'configmap/w2 condition met\n' }, j, 'kubectl');
  },
};

async function pool(tasks, n) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++].fn();
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
}

async function createNamespace(server, name) {
  const r = await call(server, '/api/v1/namespaces', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ metadata: { name } }),
  });
  if (r.status !== 201) throw new Error(`creating namespace ${name}: ${r.status} ${r.body}`);
}

/**
 * Runs every cell. `clients`: from scripts/clients.mjs (absent ones are reported, not run).
 * Resolves [{table, columns: [{key, label}], rows, cells: Map<rowId, Map<colKey, {result, error?}>>}].
 */
export async function runMatrix(server, clients, { concurrency = 6, workDir, log = () => undefined } = {}) {
  const tasks = [];
  const tables = [];
  const cellSetter = (cells, row, col) => async (fn) => {
    let result = 'pass';
    let error;
    try {
      await fn();
    } catch (e) {
      result = row.expectedFail ? 'expected-fail' : 'fail';
      error = String(e.message ?? e).split('\n')[0];
    }
    if (!cells.has(row.id)) cells.set(row.id, new Map());
    cells.get(row.id).set(col, { result, error });
    log(`${result.padEnd(13)} ${col.padEnd(11)} ${row.id}${error ? `: ${error}` : ''}`);
  };

  // kubectl: one column per minor version.
  const kubectls = clients.filter((c) => c.kind === 'kubectl');
  const kt = {
    table: 'kubectl',
    columns: kubectls.map((c) => ({ key: c.minor, client: c })),
    rows: kubectlRows,
    cells: new Map(),
  };
  tables.push(kt);
  for (const c of kubectls.filter((x) => x.path)) {
    const t = c.minor.replace('.', '-');
    const ns = `compat-kubectl-${t}`;
    const home = join(workDir, `kubectl-${t}`);
    mkdirSync(home, { recursive: true });
    const env = { ...process.env, KUBECONFIG: server.kubeconfig, HOME: home };
    await createNamespace(server, ns);
    for (const row of kubectlRows) {
      const cell = cellSetter(kt.cells, row, c.minor);
      const run = async (step) =>
        check(step, await exec(c.path, step.argv, { env: { ...env, ...step.env }, input: step.input }), 'kubectl');
      tasks.push({
        order: kubectlRows.indexOf(row),
        fn: () =>
          cell(async () => {
            for (const step of row.steps(ns, t)) {
              if (step.scenario) await scenarios[step.scenario](run, c.path, env, ns);
              else await run(step);
            }
          }),
      });
    }
  }

  // Helm 4.
  const helm = clients.find((c) => c.kind === 'helm');
  const ht = { table: 'Helm', columns: [{ key: 'Helm 4', client: helm }], rows: helmRows, cells: new Map() };
  tables.push(ht);
  if (helm?.path) {
    const home = join(workDir, 'helm');
    const env = {
      ...process.env,
      KUBECONFIG: server.kubeconfig,
      HOME: home,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
    };
    for (const row of helmRows) {
      const ns = `compat-helm-${helmRows.indexOf(row)}`;
      await createNamespace(server, ns);
      const cell = cellSetter(ht.cells, row, 'Helm 4');
      tasks.push({
        order: helmRows.indexOf(row),
        fn: () =>
          cell(async () => {
            for (const step of row.steps(ns)) check(step, await exec(helm.path, step.argv, { env }), 'helm');
          }),
      });
    }
  }

  // @kubernetes/client-node, in this process.
  const ct = {
    table: '@kubernetes/client-node',
    columns: [{ key: 'client-node', client: { path: 'node_modules', version: clientNodeVersion } }],
    rows: clientNodeRows,
    cells: new Map(),
  };
  tables.push(ct);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  for (const row of clientNodeRows) {
    const ns = `compat-client-node-${clientNodeRows.indexOf(row)}`;
    await createNamespace(server, ns);
    const fn = () => cellSetter(ct.cells, row, 'client-node')(() => row.run(kc, ns));
    tasks.push({ order: clientNodeRows.indexOf(row), fn });
  }

  // Row by row across all columns, so every version makes progress together.
  tasks.sort((a, b) => a.order - b.order);
  await pool(tasks, concurrency);
  return tables;
}
