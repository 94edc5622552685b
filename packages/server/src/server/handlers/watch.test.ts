// serveWatch against a store and a recording response: where a watch starts, the streaming list's end
// bookmark, periodic and pre-deadline bookmarks. Waits are on the events themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import type { AnyResponse } from './respond.js';
import { MemoryBackend } from '../../storage/memory.js';
import { Store } from '../../storage/store.js';
import type { HandlerContext, ResourceDef } from '../../registry/resource.js';
import { serveWatch, type WatchOptions } from './watch.js';
import { bookmarkObject, nextBookmarkAt, waitForRevision } from './watchtiming.js';

const def = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true } as ResourceDef;
const cm = (name: string, data: Record<string, string> = {}): KObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', uid: `u-${name}` }, data }) as KObject;
const key = (name: string) => `/core/configmaps/ns/${name}`;

interface Event {
  type: string;
  object: { kind?: string; apiVersion?: string; metadata: Record<string, unknown>; code?: number; message?: string };
}

/** A response that records the status, the events and the end, and lets a test wait for the nth event. */
class Recorder extends EventEmitter {
  status = 0;
  headers: Record<string, string> = {};
  events: Event[] = [];
  ended = false;
  writeHead(code: number, h: Record<string, string>) {
    this.status = code;
    this.headers = h;
  }
  write(s: string) {
    for (const line of s.split('\n').filter(Boolean)) this.events.push(JSON.parse(line) as Event);
    this.emit('event');
    return true;
  }
  end() {
    this.ended = true;
    this.emit('end');
  }
  /** Resolves once `n` events have arrived. */
  async count(n: number): Promise<Event[]> {
    while (this.events.length < n) await new Promise((r) => this.once('event', r));
    return this.events;
  }
  async done(): Promise<void> {
    if (!this.ended) await new Promise((r) => this.once('end', r));
  }
}

function watch(store: Store, query: string, opts: Partial<WatchOptions> = {}) {
  const res = new Recorder();
  const ctx = { info: { namespace: 'ns' }, query: new URLSearchParams(query) } as unknown as HandlerContext;
  let close = () => undefined as void;
  serveWatch(
    store,
    def,
    ctx,
    res as unknown as AnyResponse,
    'application/json',
    { render: (o) => o, fieldLabels: ['metadata.name', 'metadata.namespace'], ...opts },
    (fn) => (close = fn),
  );
  return { res, close: () => close() };
}

async function seeded(): Promise<Store> {
  const s = await Store.open(new MemoryBackend());
  await s.create(key('a'), cm('a'));
  await s.create(key('b'), cm('b'));
  await s.create('/core/secrets/ns/x', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'x', namespace: 'ns' },
  } as KObject);
  return s;
}

const streamingList = 'watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true';

test('a streaming list: initial ADDED events, the annotated end bookmark at the current revision, then live', async () => {
  const s = await seeded();
  const { res, close } = watch(s, streamingList);
  assert.equal(res.status, 200);
  const evs = await res.count(3);
  assert.deepEqual(
    evs.map((e) => [e.type, e.object.metadata.name]),
    [
      ['ADDED', 'a'],
      ['ADDED', 'b'],
      ['BOOKMARK', undefined],
    ],
  );
  // The revision is the store's (3, the Secret's), not the last ConfigMap's.
  assert.deepEqual(evs[2]!.object, {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { resourceVersion: '3', creationTimestamp: null, annotations: { 'k8s.io/initial-events-end': 'true' } },
  });
  await s.create(key('c'), cm('c'));
  const cur = s.get(key('c'))!;
  await s.update(key('c'), cm('c', { k: 'v' }), cur.rev);
  await s.delete(key('c'));
  const all = await res.count(6);
  assert.deepEqual(
    all.slice(3).map((e) => [e.type, e.object.metadata.name]),
    [
      ['ADDED', 'c'],
      ['MODIFIED', 'c'],
      ['DELETED', 'c'],
    ],
  );
  close();
  await s.close();
});

test('without allowWatchBookmarks a streaming list sends its initial events but no bookmark', async () => {
  const s = await seeded();
  const { res, close } = watch(s, 'watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan', {
    bookmarkIntervalMs: 1,
  });
  await s.create(key('c'), cm('c'));
  const evs = await res.count(3);
  assert.deepEqual(
    evs.map((e) => e.type),
    ['ADDED', 'ADDED', 'ADDED'],
  );
  close();
  await s.close();
});

test('a legacy watch at resourceVersion 0 is defaulted to a streaming list (WatchList is on)', async () => {
  const s = await seeded();
  const { res, close } = watch(s, 'watch=true&resourceVersion=0&allowWatchBookmarks=true');
  const evs = await res.count(3);
  assert.equal(evs[2]!.type, 'BOOKMARK');
  assert.deepEqual(evs[2]!.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
  close();
  await s.close();
});

test('sendInitialEvents=false: no state, the changes after the revision given (or after now)', async () => {
  const s = await seeded();
  const base = 'watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan';
  const fromNow = watch(s, base);
  const from1 = watch(s, `${base}&resourceVersion=1`);
  await s.create(key('c'), cm('c'));
  assert.deepEqual(
    (await fromNow.res.count(1)).map((e) => [e.type, e.object.metadata.name]),
    [['ADDED', 'c']],
  );
  assert.deepEqual(
    (await from1.res.count(2)).map((e) => [e.type, e.object.metadata.name]),
    [
      ['ADDED', 'b'],
      ['ADDED', 'c'],
    ],
  );
  fromNow.close();
  from1.close();
  await s.close();
});

test('sendInitialEvents=true at a revision not reached yet waits for it', async () => {
  const s = await seeded();
  const { res, close } = watch(s, `${streamingList}&resourceVersion=4`);
  assert.equal(res.events.length, 0);
  await s.create(key('c'), cm('c'));
  const evs = await res.count(4);
  assert.deepEqual(
    evs.map((e) => [e.type, e.object.metadata.name ?? e.object.metadata.resourceVersion]),
    [
      ['ADDED', 'a'],
      ['ADDED', 'b'],
      ['ADDED', 'c'],
      ['BOOKMARK', '4'],
    ],
  );
  close();
  await s.close();
});

test('waitForRevision gives up after its time with false', async () => {
  const s = await seeded();
  const ok = await new Promise<boolean>((r) => waitForRevision(s, 99, 1, r));
  assert.equal(ok, false);
  assert.equal(await new Promise<boolean>((r) => waitForRevision(s, 3, 1, r)), true);
  await s.close();
});

test('periodic bookmarks carry the newest revision and no annotation', async () => {
  const s = await seeded();
  const { res, close } = watch(s, 'watch=1&resourceVersion=3&allowWatchBookmarks=true', { bookmarkIntervalMs: 5 });
  const [b1] = await res.count(1);
  assert.deepEqual(b1, {
    type: 'BOOKMARK',
    object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '3', creationTimestamp: null } },
  });
  await s.create('/core/secrets/ns/y', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'y', namespace: 'ns' },
  } as KObject);
  // Bookmarks keep coming; one after the write reports its revision though no ConfigMap changed.
  for (let n = 2; ; n++) {
    const evs = await res.count(n);
    if (evs[n - 1]!.object.metadata.resourceVersion === '4') break;
  }
  assert.ok(res.events.every((e) => e.type === 'BOOKMARK'));
  close();
  await s.close();
});

test('a bookmark 2 s before timeoutSeconds, then the end of the stream', async () => {
  const s = await seeded();
  // A minute-long interval: the only bookmark due is the one before the 3 s deadline (at 1 s).
  const { res } = watch(s, 'watch=1&resourceVersion=3&allowWatchBookmarks=true&timeoutSeconds=3');
  const [b] = await res.count(1);
  assert.equal(b!.type, 'BOOKMARK');
  await res.done();
  assert.equal(res.events.length, 1);
  await s.close();
});

test('a revision older than the window is a 410 Expired ERROR event on a 200 stream', async () => {
  // A clock of our own: each write is 10 s after the last, and the window keeps 1 s.
  let t = 0;
  const s = await Store.open(new MemoryBackend(), { historyMs: 1000, minHistoryEvents: 1, now: () => t });
  for (const n of ['a', 'b', 'c']) {
    t += 10_000;
    await s.create(key(n), cm(n));
  }
  const { res } = watch(s, 'watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=1');
  await res.done();
  assert.equal(res.status, 200);
  assert.equal(res.events[0]!.type, 'ERROR');
  assert.equal(res.events[0]!.object.code, 410);
  assert.equal(res.events[0]!.object.message, 'too old resource version: 1 (2)');
  await s.close();
});

test('invalid options are thrown before the stream starts', async () => {
  const s = await seeded();
  assert.throws(
    () => watch(s, 'watch=1&sendInitialEvents=true'),
    (e: StatusError) =>
      e.code === 422 &&
      e.status.message ===
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
  );
  await s.close();
});

test('nextBookmarkAt: an interval ahead, capped 2 s before the deadline, none after that', () => {
  assert.equal(nextBookmarkAt(0, 60_000, 600_000), 60_000);
  assert.equal(nextBookmarkAt(0, 60_000, 30_000), 28_000);
  assert.equal(nextBookmarkAt(29_000, 60_000, 30_000), undefined);
  assert.equal(nextBookmarkAt(28_000, 60_000, 30_000), undefined);
  assert.deepEqual(bookmarkObject('Role', 'rbac.authorization.k8s.io/v1', 12, false), {
    kind: 'Role',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { resourceVersion: '12', creationTimestamp: null },
  });
});

test("a revision the store does not reach in time: the watch cache's Timeout Status", async () => {
  const { errors } = await import('../../api/errors.js');
  assert.deepEqual(errors.tooLargeResourceVersion(9, 3, 1).status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Timeout: Too large resource version: 9, current: 3',
    reason: 'Timeout',
    details: {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
    code: 504,
  });
});
