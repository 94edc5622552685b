// One data dir, one server: a second `kubeauth serve` on a data dir in use exits at once, naming the holder, and
// touches nothing there; a lock left by a killed server does not block the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainJs, startKubeauth } from './harness.mjs';
import { call } from './http.mjs';

/** Runs `kubeauth serve` and resolves {code, stderr} when it exits; fails at once if it comes up instead. */
function serveExpectingExit(args) {
  const child = spawn(process.execPath, [mainJs, 'serve', '--secure-port=0', '--log-level=warn', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((res, rej) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('ready on')) {
        child.kill('SIGKILL');
        rej(new Error(`a second server started on a data dir in use: ${d}`));
      }
    });
    child.on('exit', (code) => res({ code, stderr }));
  });
}

/** Every file under dir with its size, mtime and content hash-free bytes (small files only). */
function snapshot(dir) {
  const out = {};
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      // The running server's own SQLite journal moves on its own.
      else if (!/kubeauth\.db-(wal|shm)$/.test(p)) {
        const st = statSync(p);
        out[p.slice(dir.length)] = { mtimeMs: st.mtimeMs, size: st.size };
      }
    }
  };
  walk(dir);
  return out;
}

for (const backend of ['sqlite', 'memory']) {
  test(`data dir lock (${backend}): a second server is refused untouched; a killed holder's lock is stale`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeauth-lock-'));
    const args = [`--storage-backend=${backend}`];
    let first;
    let third;
    try {
      // A first start finishes writing its service-account key after it is ready; a restart writes no key
      // (and shows that a clean stop leaves no lock behind).
      await (await startKubeauth(args, { dataDir: dir })).stop();
      first = await startKubeauth(args, { dataDir: dir });
      const port = new URL(first.url).port;
      const kubeconfig = readFileSync(first.kubeconfig, 'utf8');
      const before = snapshot(dir);

      const second = await serveExpectingExit([`--data-dir=${dir}`, ...args]);
      assert.notEqual(second.code, 0);
      assert.equal(
        second.stderr,
        `Error: data directory ${dir} is in use by another kubeauth (pid ${first.child.pid}, port ${port}); ` +
          'stop it, or choose another --data-dir\n',
      );
      assert.equal(readFileSync(first.kubeconfig, 'utf8'), kubeconfig);
      assert.deepEqual(snapshot(dir), before);
      assert.equal((await call(first, '/version')).status, 200);

      // kill -9 leaves the lock behind; its holder is gone, so the next start takes it over.
      const exited = new Promise((r) => first.child.once('exit', r));
      first.child.kill('SIGKILL');
      await exited;
      third = await startKubeauth(args, { dataDir: dir });
      assert.equal((await call(third, '/version')).status, 200);
      assert.match(readFileSync(third.kubeconfig, 'utf8'), new RegExp(`server: ${third.url}`));
    } finally {
      await third?.stop();
      if (first?.child.exitCode === null && first.child.signalCode === null) await first.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
