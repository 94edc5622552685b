// Black-box test harness: starts the built `kubeauth serve` on a free loopback port with a temp data dir,
// and runs the machine's kubectl binaries against its admin kubeconfig.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findKubectl, findHelm } from '../../scripts/clients.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const mainJs = join(root, 'packages/server/dist/bin/kubeauth.js');

/**
 * kubectl binaries by minor version ('1.27' … '1.35'; 1.34/1.35 are unpacked from their npm packages on first
 * use, see scripts/clients.mjs); without a version, the one on PATH. Undefined when absent.
 */
export function kubectlPath(version) {
  let base = '/usr/bin/kubectl';
  try {
    base = realpathSync('/usr/bin/kubectl');
  } catch {
    /* not installed */
  }
  if (!version) return base;
  return findKubectl(version).path;
}

/** For node:test's `skip`: false when kubectl `version` is present, else why it is skipped (printed as SKIP). */
export function kubectlAbsent(version) {
  const k = findKubectl(version);
  return k.path ? false : `kubectl ${version} absent: ${k.why}`;
}

/** Helm 4 (from the kubectl-v35 npm package), or {why} it is absent. */
export const helm = () => findHelm();

export async function startKubeauth(args = [], { dataDir } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'kubeauth-e2e-'));
  const child = spawn(
    process.execPath,
    [mainJs, 'serve', '--secure-port=0', `--data-dir=${dir}`, '--log-level=warn', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const line = await new Promise((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error(`kubeauth did not become ready:\n${stderr}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const i = out.indexOf('\n');
      if (i >= 0) {
        clearTimeout(t);
        res(out.slice(0, i));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(t);
      rej(new Error(`kubeauth exited ${code}:\n${stderr}`));
    });
  });
  const url = /ready on (https:\/\/\S+)/.exec(line)[1];
  const kubeconfig = join(dir, 'admin.kubeconfig');
  const server = {
    url,
    dir,
    kubeconfig,
    child,
    line,
    stderr: () => stderr,
    /** Runs kubectl; resolves {code, stdout, stderr} (never rejects on a non-zero exit). */
    kubectl(argv, { version, input, env, kubeconfig: kc } = {}) {
      const bin = kubectlPath(version);
      return new Promise((res) => {
        const p = execFile(
          bin,
          argv,
          { env: { ...process.env, KUBECONFIG: kc ?? kubeconfig, HOME: dir, ...env }, maxBuffer: 64 << 20 },
          (err, stdout, stderr) => res({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
        );
        if (input !== undefined) p.stdin.end(input);
        else p.stdin.end();
      });
    },
    async stop({ keepDir = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepDir && !dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Polls `fn` until it returns truthy (or throws after `ms`). */
export async function eventually(fn, ms = 5000, step = 50) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, step));
  }
  throw last ?? new Error('condition not met in time');
}
