import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, lockDataDir, lockFileName } from './datadir-lock.js';

function withDir(fn: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeauth-lock-unit-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}

test(
  'a lock held by a live process refuses, naming pid and port, and writes nothing',
  withDir(async (dir) => {
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      const raw = JSON.stringify({ pid: holder.pid, port: 6443, started: 'x', host: hostname() });
      writeFileSync(join(dir, lockFileName), raw);
      assert.throws(
        () => lockDataDir(dir),
        (e: unknown) =>
          e instanceof DataDirLockedError &&
          e.message ===
            `data directory ${dir} is in use by another kubeauth (pid ${holder.pid}, port 6443); stop it, or choose another --data-dir`,
      );
      assert.deepEqual(readdirSync(dir), [lockFileName]);
      assert.equal(readFileSync(join(dir, lockFileName), 'utf8'), raw);
    } finally {
      holder.kill('SIGKILL');
    }
  }),
);

test(
  'a stale lock (dead pid, this very pid, or garbage) is taken over; release removes only our own lock',
  withDir(async (dir) => {
    const path = join(dir, lockFileName);
    for (const content of [
      JSON.stringify({ pid: await deadPid(), port: 1, started: 'x', host: hostname() }),
      JSON.stringify({ pid: process.pid, port: 1, started: 'earlier life', host: hostname() }),
      'not json',
    ]) {
      writeFileSync(path, content);
      const lock = lockDataDir(dir);
      const h = JSON.parse(readFileSync(path, 'utf8')) as { pid: number; port: number };
      assert.equal(h.pid, process.pid);
      assert.equal(h.port, 0);
      lock.setPort(4321);
      assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { port: number }).port, 4321);
      lock.release();
      assert.equal(existsSync(path), false);
      assert.deepEqual(readdirSync(dir), []);
    }
    // Someone else's lock is left alone by our release.
    const lock = lockDataDir(dir);
    const other = JSON.stringify({ pid: await deadPid(), port: 2, started: 'y', host: hostname() });
    writeFileSync(path, other);
    lock.release();
    assert.equal(readFileSync(path, 'utf8'), other);
  }),
);

test(
  "a lock from another host is never judged stale (its pid can't be checked from here)",
  withDir((dir) => {
    writeFileSync(join(dir, lockFileName), JSON.stringify({ pid: 1, port: 0, started: 'x', host: 'elsewhere' }));
    assert.throws(
      () => lockDataDir(dir),
      new DataDirLockedError(
        `data directory ${dir} is in use by another kubeauth (pid 1 on host elsewhere, still starting); stop it, or choose another --data-dir`,
      ),
    );
  }),
);
