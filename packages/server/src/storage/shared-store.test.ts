// The Store over shared storage (etcd's role played by an in-process fake whose watch delivery the test controls).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import type { FeedEvent, FeedHandlers, SharedStorage } from './shared.js';
import { Store, StorageError, conflictMessage } from './store.js';

class FakeShared implements SharedStorage {
  rev = 10;
  kv = new Map<string, { rev: number; value: string }>();
  feed?: FeedHandlers;
  held: FeedEvent[] = [];
  hold = false;
  compacted = 0;
  async list() {
    const items = [...this.kv].map(([key, v]) => ({ key, rev: v.rev, object: JSON.parse(v.value) as KObject }));
    return { rev: this.rev, items, compacted: this.compacted };
  }
  /** What a compactor's write of compact_rev_key looks like on the feed. */
  compact(to: number) {
    this.compacted = to;
    this.emit({ type: 'PUT', key: undefined, rev: ++this.rev, compacted: to });
  }
  watch(_from: number, on: FeedHandlers) {
    this.feed = on;
    return () => undefined;
  }
  private emit(ev: FeedEvent) {
    if (this.hold) this.held.push(ev);
    else this.feed!.events([ev]);
  }
  release() {
    this.hold = false;
    this.feed!.events(this.held.splice(0));
  }
  async create(key: string, value: string) {
    if (this.kv.has(key)) throw new StorageError('Exists', 'already exists', key);
    this.kv.set(key, { rev: ++this.rev, value });
    this.emit({ type: 'PUT', key, rev: this.rev, value, created: true });
    return this.rev;
  }
  async update(key: string, value: string, expectRev: number) {
    const cur = this.kv.get(key);
    if (!cur) throw new StorageError('NotFound', 'not found', key);
    if (expectRev && cur.rev !== expectRev)
      throw Object.assign(new StorageError('Conflict', conflictMessage, key), { currentRev: cur.rev });
    this.kv.set(key, { rev: ++this.rev, value });
    this.emit({ type: 'PUT', key, rev: this.rev, value });
    return this.rev;
  }
  async delete(key: string) {
    if (!this.kv.delete(key)) throw new StorageError('NotFound', 'not found', key);
    this.emit({ type: 'DELETED', key, rev: ++this.rev });
    return this.rev;
  }
  revisionReads = 0;
  async currentRevision() {
    this.revisionReads++;
    return this.rev;
  }
  async close() {}
  /** Another replica's write: only the feed tells this store. */
  foreign(key: string, obj: KObject) {
    const value = JSON.stringify(obj);
    const cur = this.kv.get(key);
    this.kv.set(key, { rev: ++this.rev, value });
    this.emit({ type: 'PUT', key, rev: this.rev, value, created: !cur });
  }
}

const cm = (name: string, v = '1'): KObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data: { v } }) as KObject;
const key = (n: string) => `/core/configmaps/ns/${n}`;

test('a write is acknowledged once the cache has applied its revision; resourceVersion is the shared revision', async () => {
  const sh = new FakeShared();
  const s = await Store.openShared(sh);
  sh.hold = true;
  let acked = false;
  const w = s.create(key('a'), cm('a')).then((e) => ((acked = true), e));
  await new Promise((r) => setImmediate(r));
  assert.equal(acked, false);
  assert.equal(s.get(key('a')), undefined);
  sh.release();
  const e = await w;
  assert.equal(e.rev, 11);
  assert.equal(e.object.metadata.resourceVersion, '11');
  assert.equal(s.get(key('a'))?.rev, 11);
  // The stored value carries no resourceVersion.
  assert.equal(JSON.parse(sh.kv.get(key('a'))!.value).metadata.resourceVersion, undefined);
});

test('a consistent read waits for writes made through other replicas; a stale CAS is a Conflict', async () => {
  const sh = new FakeShared();
  const s = await Store.openShared(sh);
  await s.create(key('b'), cm('b'));
  sh.hold = true;
  sh.foreign(key('b'), { ...cm('b', '2') });
  let synced = false;
  const p = s.sync()!.then(() => (synced = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(synced, false);
  await assert.rejects(s.update(key('b'), cm('b', '3'), 11), { code: 'Conflict', message: conflictMessage });
  sh.release();
  await p;
  assert.equal((s.get(key('b'))!.object as unknown as { data: { v: string } }).data.v, '2');
});

test('guaranteedUpdate retries on the version that won, as kube does', async () => {
  const sh = new FakeShared();
  const s = await Store.openShared(sh);
  await s.create(key('c'), cm('c', '0'));
  sh.hold = true;
  sh.foreign(key('c'), cm('c', '1')); // the cache still holds v=0
  const seen: string[] = [];
  const done = s.guaranteedUpdate(key('c'), (cur) => {
    const v = (cur.object as unknown as { data: { v: string } }).data.v;
    seen.push(v);
    if (seen.length === 1) setImmediate(() => sh.release());
    return cm('c', `${v}+`);
  });
  const e = await done;
  assert.deepEqual(seen, ['0', '1']);
  assert.equal((e.object as unknown as { data: { v: string } }).data.v, '1+');
});

test('events from other replicas reach subscribers with the previous state; deletes carry the last state', async () => {
  const sh = new FakeShared();
  const s = await Store.openShared(sh);
  const got: string[] = [];
  s.subscribe((ev) => got.push(`${ev.type} ${ev.object.metadata.name} ${ev.rev} prev=${ev.prev ? 'y' : 'n'}`));
  sh.foreign(key('d'), cm('d'));
  sh.foreign(key('d'), cm('d', '2'));
  const del = await s.delete(key('d'));
  assert.equal((del.object as unknown as { data: { v: string } }).data.v, '2');
  assert.deepEqual(got, ['ADDED d 11 prev=n', 'MODIFIED d 12 prev=y', 'DELETED d 13 prev=y']);
  // A change outside the prefix only moves the revision.
  sh.feed!.events([{ type: 'PUT', key: undefined, rev: 20, value: '' }]);
  assert.equal(s.rev, 20);
});

test('a compaction recorded by any replica expires watches from before it (410 names the compacted revision)', async () => {
  const shared = new FakeShared();
  const store = await Store.openShared(shared);
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' } });
  const first = await store.create('/core/configmaps/ns/a', cm('a'));
  await store.create('/core/configmaps/ns/b', cm('b'));
  // Within the cache's window: the watch replays what came after.
  const seen: string[] = [];
  store.watch('/core/configmaps/', first.rev, (ev) => seen.push(ev.key))();
  assert.deepEqual(seen, ['/core/configmaps/ns/b']);
  shared.compact(first.rev + 1);
  assert.equal(store.compacted, first.rev + 1);
  assert.throws(
    () => store.watch('/core/configmaps/', first.rev, () => undefined),
    (e: unknown) =>
      e instanceof StorageError &&
      e.code === 'Expired' &&
      e.message === `too old resource version: ${first.rev} (${first.rev + 1})`,
  );
  // From the compacted revision itself, the history after it is still there.
  store.watch('/core/configmaps/', first.rev + 1, () => undefined)();
  // A replica that lists after the compaction knows it too.
  const other = await Store.openShared(shared);
  assert.equal(other.compacted, first.rev + 1);
});

test('consistent reads of one event-loop turn share one revision read; a later read asks again, after its call', async () => {
  const shared = new FakeShared();
  const store = await Store.openShared(shared);
  const before = shared.revisionReads;
  await Promise.all(Array.from({ length: 20 }, () => store.sync()));
  assert.equal(shared.revisionReads - before, 1);
  // Another replica writes after that batch was answered: the next read sees it (a new revision read).
  shared.hold = true;
  shared.foreign('/core/configmaps/ns/x', cm('x'));
  let done = false;
  const p = store.sync()!.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'the read waits for the cache to hold the write');
  shared.release();
  await p;
  assert.equal(shared.revisionReads - before, 2);
  assert.equal(store.get('/core/configmaps/ns/x')?.object.metadata.name, 'x');
});
