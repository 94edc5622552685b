// Black-box test harness: starts the built `kubeauth serve` on a free loopback port with a temp data dir,
// and runs the machine's kubectl binaries against its admin kubeconfig.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
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

// KUBEAUTH_TEST_STORAGE=etcd3 runs every server of a test file on one etcd started for that file, each data dir
// with a prefix of its own (a restart on the same data dir finds its state again).
let sharedEtcd;
async function storageArgs(args, dir) {
  if (process.env.KUBEAUTH_TEST_STORAGE !== 'etcd3' || args.some((a) => a.startsWith('--storage-backend'))) return [];
  if (!sharedEtcd) {
    const { startEtcd } = await import('../etcd/etcd.mjs');
    sharedEtcd = startEtcd();
    sharedEtcd.then((e) => {
      e.unref();
      process.once('exit', () => e.killNow());
    });
  }
  const etcd = await sharedEtcd;
  return ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints}`, `--etcd-prefix=/e2e/${basename(dir)}`];
}

/** For node:test's `skip`: false when kubectl `version` is present, else why it is skipped (printed as SKIP). */
export function kubectlAbsent(version) {
  const k = findKubectl(version);
  return k.path ? false : `kubectl ${version} absent: ${k.why}`;
}

/** Helm 4 (from the kubectl-v35 npm package), or {why} it is absent. */
export const helm = () => findHelm();

/**
 * Starts kubeauth on a fresh data directory (or `dataDir`). `tokens`: the lines of a static token file
 * (`token,user,uid[,"groups"]`), written into the data directory and passed as --token-auth-file.
 */
export async function startKubeauth(args = [], { dataDir, tokens } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'kubeauth-e2e-'));
  if (tokens !== undefined) {
    const file = join(dir, 'tokens.csv');
    writeFileSync(file, tokens);
    args = [...args, `--token-auth-file=${file}`];
  }
  args = [...(await storageArgs(args, dir)), ...args];
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
    /**
     * A kubeconfig for `user` holding only a bearer token (same cluster and CA as the admin's, no client
     * certificate, which would win over the token): written to `<dir>/<user>.kubeconfig`, its path returned.
     */
    tokenKubeconfig(user, token, dir = server.dir) {
      const kc = parse(readFileSync(kubeconfig, 'utf8'));
      kc.users = [{ name: user, user: { token } }];
      for (const c of kc.contexts) c.context.user = user;
      const file = join(dir, `${user}.kubeconfig`);
      writeFileSync(file, stringify(kc));
      return file;
    },
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
