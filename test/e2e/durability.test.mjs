// Nothing acknowledged is lost: kill -9 during a stream of writes, restart on the same data dir, and every
// acknowledged object is there. Restarts reuse the CA, certificates, keys and objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startKubeauth } from './harness.mjs';
import { call } from './http.mjs';

test('kill -9 during writes loses no acknowledged object; restart keeps PKI and objects', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-durable-'));
  try {
    let s = await startKubeauth([], { dataDir: dir });
    const caBefore = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
    const acked = [];
    let stop = false;
    // Several writers at once, so batches are group-committed while the process dies.
    const writer = async (w) => {
      for (let i = 0; !stop; i++) {
        const name = `cm-${w}-${i}`;
        try {
          const r = await call(s, '/api/v1/namespaces/default/configmaps', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } }),
          });
          if (r.status === 201) acked.push(name);
        } catch {
          return; // connection reset by the kill
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    while (acked.length < 100) await new Promise((r) => setTimeout(r, 10));
    s.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await new Promise((r) => (s.child.exitCode !== null || s.child.signalCode ? r() : s.child.once('exit', r)));

    s = await startKubeauth([], { dataDir: dir });
    try {
      assert.equal(readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8'), caBefore, 'CA reused');
      const list = await call(s, '/api/v1/namespaces/default/configmaps');
      const names = new Set(list.json.items.map((i) => i.metadata.name));
      const lost = acked.filter((n) => !names.has(n));
      assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes lost`);
    } finally {
      await s.stop({ keepDir: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after a restart, dependents of owners deleted before and after it are collected (the collector indexes what is stored)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-gc-restart-'));
  const cms = '/api/v1/namespaces/default/configmaps';
  const create = (s, body) =>
    call(s, cms, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  try {
    let s = await startKubeauth([], { dataDir: dir });
    try {
      const owner = await create(s, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
      assert.equal(owner.status, 201);
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.json.metadata.uid };
      const dep = await create(s, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'dependent', ownerReferences: [ref] },
      });
      assert.equal(dep.status, 201);
    } finally {
      await s.stop({ keepDir: true });
    }
    s = await startKubeauth([], { dataDir: dir });
    try {
      assert.equal((await call(s, `${cms}/owner`, { method: 'DELETE' })).status, 200);
      await eventually(async () => (await call(s, `${cms}/dependent`)).status === 404, 40_000);
    } finally {
      await s.stop({ keepDir: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
