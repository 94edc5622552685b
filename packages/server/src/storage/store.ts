// The Store: every live object in memory (the watch cache), indexed by key, resource and uid, in front of a
// durable Backend. Reads never touch disk. Writes are compare-and-swap on resourceVersion, applied in memory
// only after the backend has made them durable. Watches are served from an in-memory event window.
import type { KObject } from '../api/types.js';
import type { Backend, EventType } from './backend.js';
import type { FeedEvent, ListedObject, SharedStorage } from './shared.js';

export interface Entry {
  key: string;
  rev: number;
  object: KObject;
  /** Cached serialization of `object` (objects in the store are never mutated). */
  json?: string;
}

export interface WatchEvent {
  type: EventType;
  key: string;
  rev: number;
  object: KObject;
  /** The state before this event (undefined for ADDED) — used by field/label-filtered watches. */
  prev?: KObject;
}

export type StorageErrorCode = 'NotFound' | 'Exists' | 'Conflict' | 'Expired';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly key = '',
  ) {
    super(message);
  }
}

export const conflictMessage =
  'the object has been modified; please apply your changes to the latest version and try again';

/**
 * JSON.stringify of an object's members and of its metadata's, each once: the stored text (without a
 * resourceVersion) and the one served after the write (with it) are joined from them, so a huge object is
 * serialized once per write, not twice.
 */
interface MemberTexts {
  top: Map<string, string | undefined>;
  meta: Map<string, string | undefined>;
}

function memberTexts(o: KObject): MemberTexts | undefined {
  const md: unknown = o.metadata;
  if (md === null || typeof md !== 'object' || Array.isArray(md)) return undefined;
  const top = new Map<string, string | undefined>();
  const meta = new Map<string, string | undefined>();
  const rec = o as unknown as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (k !== 'metadata') top.set(k, JSON.stringify(rec[k]));
  const m = o.metadata as unknown as Record<string, unknown>;
  for (const k of Object.keys(m)) meta.set(k, JSON.stringify(m[k]));
  return { top, meta };
}

/** JSON.stringify(o), from the texts of its members (members not among them are serialized here). */
function joinTexts(o: KObject, t: MemberTexts): string {
  const rec = o as unknown as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(rec)) {
    let v: string | undefined;
    if (k === 'metadata' && rec[k] !== null && typeof rec[k] === 'object' && !Array.isArray(rec[k])) {
      const m = rec[k] as Record<string, unknown>;
      const mp: string[] = [];
      for (const mk of Object.keys(m)) {
        const mv = t.meta.has(mk) ? t.meta.get(mk) : JSON.stringify(m[mk]);
        if (mv !== undefined) mp.push(`${JSON.stringify(mk)}:${mv}`);
      }
      v = `{${mp.join(',')}}`;
    } else v = t.top.has(k) ? t.top.get(k) : JSON.stringify(rec[k]);
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}

/** `/<group or core>/<resource>/<namespace>/<name>` or `/<group>/<resource>/<name>`. */
export function storageKey(group: string, resource: string, namespace: string, name: string): string {
  const g = group || 'core';
  return namespace ? `/${g}/${resource}/${namespace}/${name}` : `/${g}/${resource}/${name}`;
}
export function resourcePrefix(group: string, resource: string): string {
  return `/${group || 'core'}/${resource}/`;
}
function prefixOf(key: string): string {
  const i = key.indexOf('/', key.indexOf('/', 1) + 1);
  return key.slice(0, i + 1);
}

export interface StoreOptions {
  /** How long watch history is kept (ms). kube-apiserver's watch cache keeps ~75 s; we keep 5 minutes. */
  historyMs?: number;
  /** Keep at least this many events regardless of age. */
  minHistoryEvents?: number;
  now?: () => number;
}

interface Watcher {
  prefix: string;
  send: (ev: WatchEvent) => void;
}

export class Store {
  private readonly entries = new Map<string, Entry>();
  private readonly byResource = new Map<string, Map<string, Entry>>();
  private readonly byUid = new Map<string, string>();
  private readonly events: Array<WatchEvent & { ts: number }> = [];
  private eventsHead = 0;
  private readonly watchers = new Set<Watcher>();
  private readonly listeners = new Set<(ev: WatchEvent) => void>();
  private revision = 0;
  /** Oldest revision a watch can resume from (events after it are all in the window). */
  private oldestRev = 0;
  /** Shared storage: the revision its history was compacted to (continue tokens and watches before it expire). */
  private compactedRev = 0;
  private readonly historyMs: number;
  private readonly minHistory: number;
  private readonly now: () => number;
  private batch: Array<{
    type: EventType;
    key: string;
    object: KObject;
    prev: KObject | undefined;
    resolve: (e: Entry) => void;
    reject: (e: unknown) => void;
  }> = [];
  private flushing = false;
  private readonly flushWaiters: Array<() => void> = [];
  /** Keys with writes queued or in flight (not yet visible). */
  private readonly pendingKeys = new Map<string, number>();
  private compactTimer?: NodeJS.Timeout;
  /** Shared storage mode (etcd): writes go there; the feed applies them here. */
  private shared?: SharedStorage;
  private stopFeed?: () => void;
  /** Writers and consistent reads waiting for the cache to reach a revision (ascending). */
  private readonly revWaiters: Array<{ rev: number; resolve: () => void }> = [];
  private syncing?: Promise<void>;

  private constructor(
    private readonly backend: Backend | undefined,
    opts: StoreOptions,
  ) {
    this.historyMs = opts.historyMs ?? 5 * 60_000;
    this.minHistory = opts.minHistoryEvents ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  static async open(backend: Backend, opts: StoreOptions = {}): Promise<Store> {
    const s = new Store(backend, opts);
    const { rev, items } = await backend.load();
    for (const it of items) {
      // The log stores objects without resourceVersion: the row id is the version.
      const object = JSON.parse(it.value) as KObject;
      object.metadata.resourceVersion = String(it.rev);
      s.put({ key: it.key, rev: it.rev, object });
    }
    s.revision = rev;
    // Resume watch history across restarts from the backend's log.
    const hist = await backend.history(s.now() - s.historyMs);
    const prevByKey = new Map<string, KObject>();
    for (const r of hist) {
      const object = JSON.parse(r.value) as KObject;
      object.metadata.resourceVersion = String(r.rev);
      s.events.push({ type: r.type, key: r.key, rev: r.rev, object, prev: prevByKey.get(r.key), ts: r.ts });
      prevByKey.set(r.key, object);
    }
    // Events older than the first one we hold are gone; a resume from before that is 410.
    s.oldestRev = hist.length ? hist[0]!.rev - 1 : rev;
    return s;
  }

  /**
   * A replica's watch cache over shared storage (kube's cacher): list, then one watch from the list's revision.
   * Writes are compare-and-swap in the shared storage and are acknowledged once this cache has applied them.
   */
  static async openShared(shared: SharedStorage, opts: StoreOptions = {}): Promise<Store> {
    const s = new Store(undefined, opts);
    s.shared = shared;
    await s.relist();
    return s;
  }

  /** Loads the shared state (at start, and when the watch's history was compacted away) and watches after it. */
  private async relist(): Promise<void> {
    const shared = this.shared!;
    this.stopFeed?.();
    // At start nothing reads this store yet: each page is indexed as it arrives, while etcd reads the next one.
    // A relist replaces a state that is being served, so it applies the whole list at once.
    const initial = this.revision === 0;
    const items: ListedObject[] = [];
    const { rev, compacted } = await shared.list(
      initial
        ? (page) => this.load(page)
        : (page) => {
            for (const it of page) items.push(it);
          },
    );
    this.compactedRev = Math.max(this.compactedRev, compacted);
    if (!initial) {
      const seen = new Set<string>();
      for (const it of items) {
        seen.add(it.key);
        const cur = this.entries.get(it.key);
        if (cur?.rev === it.rev) continue;
        const object = it.object;
        object.metadata.resourceVersion = String(it.rev);
        this.apply(cur ? 'MODIFIED' : 'ADDED', it.key, it.rev, object, cur?.object);
      }
      for (const k of [...this.entries.keys()])
        if (!seen.has(k)) {
          const cur = this.entries.get(k)!;
          this.apply(
            'DELETED',
            k,
            rev,
            { ...cur.object, metadata: { ...cur.object.metadata, resourceVersion: String(rev) } },
            cur.object,
          );
        }
    }
    // Watches cannot resume from before the list: kube's cacher answers those with 410 too.
    this.oldestRev = rev;
    this.advance(rev);
    this.stopFeed = shared.watch(rev, {
      events: (evs) => this.applyFeed(evs),
      expired: () => {
        setTimeout(() => void this.relist().catch(() => this.stopFeed?.()), 200).unref();
      },
    });
  }

  /**
   * Indexes listed objects into an empty store (put's work, without its replacement checks: a list holds each
   * key once). Keys of one resource are adjacent in a list, so the resource's map is looked up once per run.
   */
  private load(items: ListedObject[]): void {
    let prefix = '';
    let byKey: Map<string, Entry> | undefined;
    for (const { key, rev, object } of items) {
      object.metadata.resourceVersion = String(rev);
      const e: Entry = { key, rev, object };
      this.entries.set(key, e);
      if (byKey === undefined || prefix === '' || !key.startsWith(prefix)) {
        prefix = prefixOf(key);
        byKey = this.byResource.get(prefix);
        if (!byKey) this.byResource.set(prefix, (byKey = new Map()));
      }
      byKey.set(key, e);
      const uid = object.metadata.uid;
      if (uid) this.byUid.set(uid, key);
    }
  }

  private applyFeed(evs: FeedEvent[]): void {
    for (const ev of evs) {
      if (ev.rev <= this.revision) continue;
      if (ev.compacted !== undefined) this.compactedRev = Math.max(this.compactedRev, ev.compacted);
      if (ev.key === undefined) {
        this.advance(ev.rev);
        continue;
      }
      const cur = this.entries.get(ev.key);
      if (ev.type === 'DELETED') {
        if (!cur) {
          this.advance(ev.rev);
          continue;
        }
        const object = { ...cur.object, metadata: { ...cur.object.metadata, resourceVersion: String(ev.rev) } };
        this.apply('DELETED', ev.key, ev.rev, object, cur.object);
      } else {
        const object = JSON.parse(ev.value!) as KObject;
        object.metadata.resourceVersion = String(ev.rev);
        this.apply(cur && !ev.created ? 'MODIFIED' : 'ADDED', ev.key, ev.rev, object, cur?.object);
      }
    }
    this.release();
  }

  /** Moves the revision forward without an event (a change outside the prefix). */
  private advance(rev: number): void {
    if (rev > this.revision) this.revision = rev;
    this.release();
  }

  private release(): void {
    while (this.revWaiters.length && this.revWaiters[0]!.rev <= this.revision) this.revWaiters.shift()!.resolve();
  }

  /** Resolves once the cache has applied revision `rev`. */
  private reached(rev: number): Promise<void> {
    if (rev <= this.revision) return Promise.resolve();
    return new Promise((resolve) => {
      let i = this.revWaiters.length;
      while (i > 0 && this.revWaiters[i - 1]!.rev > rev) i--;
      this.revWaiters.splice(i, 0, { rev, resolve });
    });
  }

  /**
   * A consistent read's wait (kube's consistent reads from cache): undefined when this store is the only
   * writer; with shared storage, a promise that resolves once the cache holds everything committed before the
   * call. The callers of one event-loop turn share one revision request, sent after all of them called; a
   * caller of a later turn gets the next one (it never waits for a request that may predate it to come back
   * first, so a consistent read costs one etcd round trip, not up to two).
   */
  sync(): Promise<void> | undefined {
    const shared = this.shared;
    if (!shared) return undefined;
    return (this.syncing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.syncing = undefined;
      return shared.currentRevision().then((rev) => this.reached(rev));
    }));
  }

  /** True when the store writes to shared storage (several replicas). */
  get isShared(): boolean {
    return !!this.shared;
  }

  /** Compacts the backend log periodically (its history beyond the watch window is not needed). */
  startCompaction(intervalMs = 60_000): void {
    const backend = this.backend;
    if (!backend) return;
    this.compactTimer = setInterval(() => {
      void backend.compact(this.now() - this.historyMs).catch(() => undefined);
    }, intervalMs);
    this.compactTimer.unref();
  }

  get rev(): number {
    return this.revision;
  }

  /** The revision shared storage's history was compacted to (0: never, or not shared). */
  get compacted(): number {
    return this.compactedRev;
  }

  get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  getByUid(uid: string): Entry | undefined {
    const k = this.byUid.get(uid);
    return k === undefined ? undefined : this.entries.get(k);
  }

  /** Entries of one resource (optionally one namespace), sorted by key like an etcd range read. */
  list(prefix: string, namespace?: string): Entry[] {
    const m = this.byResource.get(prefix);
    if (!m) return [];
    const out: Entry[] = [];
    if (namespace) {
      const nsPrefix = `${prefix}${namespace}/`;
      for (const [k, e] of m) if (k.startsWith(nsPrefix)) out.push(e);
    } else {
      for (const e of m.values()) out.push(e);
    }
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  /** Every live entry, unordered (the testing API's snapshots hold these; objects are never mutated). */
  all(): Entry[] {
    return [...this.entries.values()];
  }

  /** Resolves when every accepted write is durable and applied (nothing pending). */
  async quiesce(): Promise<void> {
    while (this.pendingKeys.size) await this.flushed();
  }

  count(prefix: string): number {
    return this.byResource.get(prefix)?.size ?? 0;
  }

  /** Creates `key`; the object's resourceVersion is set to the new revision. */
  create(key: string, object: KObject): Promise<Entry> {
    if (this.shared) return this.sharedWrite('ADDED', key, object, 0);
    if (this.pendingKeys.has(key) || this.entries.has(key))
      return Promise.reject(new StorageError('Exists', 'already exists', key));
    return this.enqueue('ADDED', key, object, undefined);
  }

  /** Replaces `key` iff its current revision is `expectRev` (0 = any). */
  update(key: string, object: KObject, expectRev: number): Promise<Entry> {
    if (this.shared) return this.sharedWrite('MODIFIED', key, object, expectRev);
    const cur = this.entries.get(key);
    if (!cur) return Promise.reject(new StorageError('NotFound', 'not found', key));
    // A write to this key that is not yet durable makes every CAS against the visible version stale.
    if ((expectRev && cur.rev !== expectRev) || (expectRev && this.pendingKeys.has(key)))
      return Promise.reject(new StorageError('Conflict', conflictMessage, key));
    return this.enqueue('MODIFIED', key, object, cur.object);
  }

  /** Read-modify-write: `fn` gets the current entry and returns the new object (or undefined for no
   * change). Waits for pending writes to the key, so `fn` always sees the latest state. */
  async guaranteedUpdate(key: string, fn: (cur: Entry) => KObject | undefined): Promise<Entry> {
    if (this.shared) {
      // kube's GuaranteedUpdate: try against the cached state; on a conflict, wait for the cache to hold the
      // version that won and try again.
      for (;;) {
        const cur = this.entries.get(key);
        if (!cur) throw new StorageError('NotFound', 'not found', key);
        const next = fn(cur);
        if (!next) return cur;
        try {
          return await this.sharedWrite('MODIFIED', key, next, cur.rev);
        } catch (e) {
          const rev = (e as { currentRev?: number }).currentRev;
          if (!(e instanceof StorageError) || e.code !== 'Conflict' || rev === undefined) throw e;
          await this.reached(rev);
        }
      }
    }
    while (this.pendingKeys.has(key)) await this.flushed();
    const cur = this.entries.get(key);
    if (!cur) throw new StorageError('NotFound', 'not found', key);
    const next = fn(cur);
    if (!next) return cur;
    return this.update(key, next, cur.rev);
  }

  delete(key: string, expectRev = 0): Promise<Entry> {
    if (this.shared) return this.sharedWrite('DELETED', key, undefined, expectRev);
    const cur = this.entries.get(key);
    if (!cur) return Promise.reject(new StorageError('NotFound', 'not found', key));
    if ((expectRev && cur.rev !== expectRev) || (expectRev && this.pendingKeys.has(key)))
      return Promise.reject(new StorageError('Conflict', conflictMessage, key));
    return this.enqueue('DELETED', key, cur.object, cur.object);
  }

  /**
   * Watches keys under `prefix` from `fromRev`: undefined = current state as ADDED events then live; a
   * revision = every event after it (410 Expired when it is older than the window).
   */
  watch(prefix: string, fromRev: number | undefined, send: (ev: WatchEvent) => void): () => void {
    if (fromRev === undefined) {
      for (const e of this.listPrefix(prefix)) send({ type: 'ADDED', key: e.key, rev: e.rev, object: e.object });
    } else if (fromRev < this.revision) {
      // A revision etcd compacted away is gone on every replica alike, whatever this cache's window still holds.
      const oldest = Math.max(this.oldestRev, this.compactedRev);
      if (fromRev < oldest) throw new StorageError('Expired', `too old resource version: ${fromRev} (${oldest})`);
      for (let i = this.firstEventAfter(fromRev); i < this.events.length; i++) {
        const ev = this.events[i]!;
        if (ev.key.startsWith(prefix)) send(ev);
      }
    }
    const w: Watcher = { prefix, send };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  /** In-process subscription to every committed event (controllers, caches, indexes). */
  subscribe(fn: (ev: WatchEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Whether the backend still answers a read (rejects when it does not). */
  ping(): Promise<void> {
    if (this.shared) return this.shared.currentRevision().then(() => undefined);
    return this.backend!.ping();
  }

  async close(): Promise<void> {
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.stopFeed?.();
    while (this.batch.length || this.flushing) await this.flushed();
    await (this.backend ?? this.shared)!.close();
  }

  /** One write to shared storage; acknowledged when this replica's cache has applied it (read your writes). */
  private async sharedWrite(
    type: EventType,
    key: string,
    object: KObject | undefined,
    expectRev: number,
  ): Promise<Entry> {
    const shared = this.shared!;
    const before = this.entries.get(key)?.object;
    let rev: number;
    let texts: MemberTexts | undefined;
    if (type === 'DELETED') rev = await shared.delete(key, expectRev);
    else {
      const o = object!;
      const saved = o.metadata.resourceVersion;
      delete o.metadata.resourceVersion;
      texts = memberTexts(o);
      const value = texts ? joinTexts(o, texts) : JSON.stringify(o);
      if (saved !== undefined) o.metadata.resourceVersion = saved;
      rev = type === 'ADDED' ? await shared.create(key, value) : await shared.update(key, value, expectRev);
    }
    await this.reached(rev);
    if (type === 'DELETED') {
      // The cache's DELETED event carries the state that was deleted (it may be newer than `before`).
      const ev = this.events[this.firstEventAfter(rev - 1)];
      if (ev && ev.rev === rev && ev.key === key) return { key, rev, object: ev.object };
      const obj = before ?? ({ metadata: {} } as KObject);
      return { key, rev, object: { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } } };
    }
    const o = object!;
    o.metadata.resourceVersion = String(rev);
    return texts ? { key, rev, object: o, json: joinTexts(o, texts) } : { key, rev, object: o };
  }

  /** Bulk load for seeding (benchmarks, imports): one backend transaction. */
  async createMany(items: Array<{ key: string; object: KObject }>): Promise<void> {
    if (this.shared) {
      // One transaction per object (each gets its own revision, as kube's objects do), 64 in flight.
      for (let i = 0; i < items.length; i += 64)
        await Promise.all(items.slice(i, i + 64).map((it) => this.sharedWrite('ADDED', it.key, it.object, 0)));
      return;
    }
    for (const it of items)
      if (this.entries.has(it.key) || this.pendingKeys.has(it.key))
        throw new StorageError('Exists', 'already exists', it.key);
    await Promise.all(items.map((it) => this.enqueue('ADDED', it.key, it.object, undefined)));
  }

  private listPrefix(prefix: string): Entry[] {
    const rp = prefixOf(prefix.endsWith('/') ? prefix + 'x' : prefix + '/x');
    const m = this.byResource.get(rp);
    const src = m ? m.values() : this.entries.values();
    const out: Entry[] = [];
    for (const e of src) if (e.key.startsWith(prefix)) out.push(e);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private firstEventAfter(rev: number): number {
    let lo = this.eventsHead;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid]!.rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Group commit: writes validated against the visible state are queued; one backend transaction makes a
   * whole batch durable, then each write is applied to memory in order and acknowledged. Writes arriving
   * during a flush form the next batch.
   */
  private enqueue(type: EventType, key: string, object: KObject, prev: KObject | undefined): Promise<Entry> {
    this.pendingKeys.set(key, (this.pendingKeys.get(key) ?? 0) + 1);
    return new Promise<Entry>((resolve, reject) => {
      this.batch.push({ type, key, object, prev, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.batch.length) {
      const batch = this.batch.splice(0);
      // The stored bytes never carry a resourceVersion: the revision is the row id.
      const texts: (MemberTexts | undefined)[] = [];
      const writes = batch.map((w) => {
        const meta = w.object.metadata;
        const saved = meta.resourceVersion;
        delete meta.resourceVersion;
        const t = w.type === 'DELETED' ? undefined : memberTexts(w.object);
        texts.push(t);
        const value = t ? joinTexts(w.object, t) : JSON.stringify(w.object);
        if (saved !== undefined) meta.resourceVersion = saved;
        return { key: w.key, type: w.type, value };
      });
      let revs: number[] | undefined;
      let failure: unknown;
      try {
        revs = await this.backend!.append(writes);
      } catch (e) {
        failure = e;
      }
      batch.forEach((w, i) => {
        const n = this.pendingKeys.get(w.key)! - 1;
        if (n) this.pendingKeys.set(w.key, n);
        else this.pendingKeys.delete(w.key);
        if (!revs) return w.reject(failure);
        const rev = revs[i]!;
        let object = w.object;
        if (w.type === 'DELETED')
          object = { ...object, metadata: { ...object.metadata, resourceVersion: String(rev) } };
        else object.metadata.resourceVersion = String(rev);
        const entry = this.apply(w.type, w.key, rev, object, w.prev);
        // The writer's copy of the entry carries the response's serialization, joined from the texts the stored
        // bytes were made of (the stored entry gets one only when it is read, as before).
        const t = texts[i];
        w.resolve(t ? { ...entry, json: joinTexts(object, t) } : entry);
      });
    }
    this.flushing = false;
    for (const f of this.flushWaiters.splice(0)) f();
  }

  private flushed(): Promise<void> {
    if (!this.flushing && !this.batch.length) return Promise.resolve();
    return new Promise((r) => this.flushWaiters.push(r));
  }

  private apply(type: EventType, key: string, rev: number, object: KObject, prev: KObject | undefined): Entry {
    const entry: Entry = { key, rev, object };
    if (type === 'DELETED') this.remove(key);
    else this.put(entry);
    this.revision = rev;
    const ev = { type, key, rev, object, prev, ts: this.now() };
    this.events.push(ev);
    this.trimHistory();
    for (const w of this.watchers) if (key.startsWith(w.prefix)) w.send(ev);
    for (const l of this.listeners) l(ev);
    return entry;
  }

  private put(e: Entry): void {
    const old = this.entries.get(e.key);
    if (old?.object.metadata.uid && old.object.metadata.uid !== e.object.metadata.uid)
      this.byUid.delete(old.object.metadata.uid);
    this.entries.set(e.key, e);
    const p = prefixOf(e.key);
    let m = this.byResource.get(p);
    if (!m) this.byResource.set(p, (m = new Map()));
    m.set(e.key, e);
    if (e.object.metadata.uid) this.byUid.set(e.object.metadata.uid, e.key);
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.byResource.get(prefixOf(key))?.delete(key);
    if (old.object.metadata.uid) this.byUid.delete(old.object.metadata.uid);
  }

  private trimHistory(): void {
    const cutoff = this.now() - this.historyMs;
    let h = this.eventsHead;
    while (this.events.length - h > this.minHistory && this.events[h]!.ts < cutoff) h++;
    if (h !== this.eventsHead) {
      this.oldestRev = this.events[h - 1]!.rev;
      this.eventsHead = h;
      // Reclaim the array occasionally rather than shifting on every write.
      if (h > 4096 && h > this.events.length / 2) {
        this.events.splice(0, h);
        this.eventsHead = 0;
      }
    }
  }
}
