// The Store over shared storage (etcd's role played by an in-process fake whose watch delivery the test controls).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import type { FeedEvent, FeedHandlers, ListedObject, SharedStorage } from './shared.js';
import { Store, StorageError, conflictMessage } from './store.js';

class FakeShared implements SharedStorage {
  rev = 10;
  kv = new Map<string, { rev: number; value: string }>();
  feed?: FeedHandlers;
  held: FeedEvent[] = [];
  hold = false;
  compacted = 0;
  async list(each: (page: ListedObject[]) => void) {
    const items = [...this.kv].map(([key, v]) => ({ key, rev: v.rev, object: JSON.parse(v.value) as KObject }));
    // Two pages, as etcd's are handed over.
    each(items.slice(0, 1));
    each(items.slice(1));
    return { rev: this.rev, compacted: this.compacted };
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

test('the initial list indexes every object by key, resource and uid; a relist after expiry applies the difference', async () => {
  const sh = new FakeShared();
  const obj = (kind: string, name: string, namespace?: string) =>
    ({ kind, metadata: { name, ...(namespace ? { namespace } : {}), uid: `uid-${kind}-${name}` } }) as KObject;
  // Keys of several resources, a cluster-scoped one and a grouped one, not grouped by resource in list order.
  const listed: Array<[string, KObject]> = [
    ['/core/configmaps/ns/a', obj('ConfigMap', 'a', 'ns')],
    ['/core/secrets/ns/s', obj('Secret', 's', 'ns')],
    ['/core/configmaps/other/b', obj('ConfigMap', 'b', 'other')],
    ['/core/namespaces/ns', obj('Namespace', 'ns')],
    ['/rbac.authorization.k8s.io/clusterroles/r', obj('ClusterRole', 'r')],
  ];
  for (const [k, o] of listed) sh.kv.set(k, { rev: ++sh.rev, value: JSON.stringify(o) });
  const s = await Store.openShared(sh);
  assert.equal(s.rev, sh.rev);
  for (const [k, o] of listed) {
    const e = s.get(k)!;
    assert.equal(e.object.metadata.resourceVersion, String(sh.kv.get(k)!.rev));
    assert.equal(e.rev, sh.kv.get(k)!.rev);
    assert.equal(s.getByUid(o.metadata.uid!)?.key, k);
  }
  assert.deepEqual(
    s.list('/core/configmaps/').map((e) => e.key),
    ['/core/configmaps/ns/a', '/core/configmaps/other/b'],
  );
  assert.deepEqual(
    s.list('/core/configmaps/', 'other').map((e) => e.key),
    ['/core/configmaps/other/b'],
  );
  assert.equal(s.count('/core/secrets/'), 1);
  assert.equal(s.count('/core/namespaces/'), 1);
  assert.equal(s.count('/rbac.authorization.k8s.io/clusterroles/'), 1);

  // The watch's history is gone: while it was, a was changed, the secret deleted and c created.
  const got: string[] = [];
  const relisted = new Promise<void>((resolve) =>
    s.subscribe((ev) => {
      got.push(`${ev.type} ${ev.key} ${ev.rev}`);
      if (got.length === 3) resolve();
    }),
  );
  sh.kv.set('/core/configmaps/ns/a', { rev: ++sh.rev, value: JSON.stringify(obj('ConfigMap', 'a', 'ns')) });
  sh.kv.delete('/core/secrets/ns/s');
  sh.kv.set('/core/configmaps/ns/c', { rev: ++sh.rev, value: JSON.stringify(obj('ConfigMap', 'c', 'ns')) });
  sh.rev++;
  // The store lists again on a timer it does not let keep the process alive: this test does, until then.
  const alive = setInterval(() => undefined, 60_000);
  sh.feed!.expired();
  await relisted;
  clearInterval(alive);
  assert.deepEqual(got, [
    `MODIFIED /core/configmaps/ns/a ${sh.rev - 2}`,
    `ADDED /core/configmaps/ns/c ${sh.rev - 1}`,
    `DELETED /core/secrets/ns/s ${sh.rev}`,
  ]);
  assert.equal(s.getByUid('uid-Secret-s'), undefined);
  assert.equal(s.getByUid('uid-ConfigMap-c')?.key, '/core/configmaps/ns/c');
  assert.equal(s.rev, sh.rev);
});
