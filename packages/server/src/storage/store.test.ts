import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, StorageError, type WatchEvent } from './store.js';
import { MemoryBackend } from './memory.js';
import { SqliteBackend } from './sqlite.js';

const obj = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  ...extra,
});

test('create, CAS update, delete, list order', async () => {
  const s = await Store.open(new MemoryBackend());
  const a = await s.create('/core/configmaps/ns/b', obj('b'));
  await s.create('/core/configmaps/ns/a', obj('a'));
  assert.equal(a.object.metadata.resourceVersion, String(a.rev));
  await assert.rejects(s.create('/core/configmaps/ns/b', obj('b')), (e: StorageError) => e.code === 'Exists');
  await assert.rejects(
    s.update('/core/configmaps/ns/b', obj('b', { data: { x: '1' } }), a.rev + 100),
    (e: StorageError) => e.code === 'Conflict',
  );
  const u = await s.update('/core/configmaps/ns/b', obj('b', { data: { x: '1' } }), a.rev);
  assert.ok(u.rev > a.rev);
  assert.deepEqual(
    s.list('/core/configmaps/').map((e) => e.object.metadata.name),
    ['a', 'b'],
  );
  assert.equal(s.getByUid('uid-a')?.object.metadata.name, 'a');
  const d = await s.delete('/core/configmaps/ns/a');
  assert.equal(d.object.metadata.name, 'a');
  assert.equal(s.get('/core/configmaps/ns/a'), undefined);
  assert.equal(s.getByUid('uid-a'), undefined);
});

test('watch from a revision replays history; too old is Expired', async () => {
  let now = 1_000_000;
  const s = await Store.open(new MemoryBackend(), { historyMs: 1000, minHistoryEvents: 1, now: () => now });
  const r1 = (await s.create('/core/configmaps/ns/a', obj('a'))).rev;
  await s.create('/core/configmaps/ns/b', obj('b'));
  const seen: WatchEvent[] = [];
  const stop = s.watch('/core/configmaps/', r1, (e) => seen.push(e));
  assert.deepEqual(
    seen.map((e) => e.object.metadata.name),
    ['b'],
  );
  await s.delete('/core/configmaps/ns/a');
  assert.equal(seen.at(-1)!.type, 'DELETED');
  stop();
  now += 10_000;
  await s.create('/core/configmaps/ns/c', obj('c'));
  assert.throws(
    () => s.watch('/core/configmaps/', r1, () => undefined),
    (e: StorageError) => e.code === 'Expired' && /^too old resource version: \d+ \(\d+\)$/.test(e.message),
  );
});

test('sqlite: state and history survive reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-store-'));
  try {
    const path = join(dir, 'db.sqlite');
    let s = await Store.open(new SqliteBackend(path));
    const first = await s.create('/core/configmaps/ns/a', obj('a'));
    await s.create('/core/configmaps/ns/b', obj('b'));
    await s.delete('/core/configmaps/ns/b');
    const rev = s.rev;
    await s.close();
    s = await Store.open(new SqliteBackend(path));
    assert.equal(s.rev, rev);
    assert.equal(s.get('/core/configmaps/ns/a')?.object.metadata.resourceVersion, String(first.rev));
    assert.equal(s.get('/core/configmaps/ns/b'), undefined);
    const seen: string[] = [];
    s.watch('/core/configmaps/', first.rev, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
    assert.deepEqual(seen, ['ADDED b', 'DELETED b']);
    const next = await s.create('/core/configmaps/ns/c', obj('c'));
    assert.ok(next.rev > rev, 'revisions keep increasing after reopen');
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a write's entry carries the serialization of its object; the stored bytes have no resourceVersion", async () => {
  const written: string[] = [];
  const backend = new MemoryBackend();
  const append = backend.append.bind(backend);
  backend.append = (ws) => {
    written.push(...ws.map((w) => w.value));
    return append(ws);
  };
  const s = await Store.open(backend);
  const data = { __proto__: 'p', 'k"1': 'v\u2028', nested: undefined };
  const c = await s.create('/core/configmaps/ns/a', obj('a', { data, x: undefined }));
  assert.equal(c.json, JSON.stringify(c.object));
  assert.equal(s.get('/core/configmaps/ns/a')?.json, undefined, 'the stored entry is serialized when read');
  const withRv = obj('a', { data: { y: '2' } });
  withRv.metadata = { ...withRv.metadata, resourceVersion: String(c.rev) } as typeof withRv.metadata;
  const u = await s.update('/core/configmaps/ns/a', withRv, c.rev);
  assert.equal(u.json, JSON.stringify(u.object));
  assert.ok(u.json!.includes(`"resourceVersion":"${u.rev}"`));
  for (const w of written) assert.ok(!w.includes('resourceVersion'), w);
  assert.equal(written[0], JSON.stringify({ ...obj('a', { data }), metadata: obj('a').metadata }));
});
