// SharedStorage on etcd: each write is one transaction comparing the key's mod_revision (create:
// create_revision == 0), so etcd is the compare-and-swap and its revision is every object's resourceVersion.
// Values are the object's JSON without resourceVersion, at kube-apiserver's keys (see keys.ts).
import { Range, type Etcd3, type Watcher } from 'etcd3';
import type { IKeyValue } from 'etcd3/lib/rpc.js';
import type { KObject } from '../../api/types.js';
import { StorageError, conflictMessage } from '../store.js';
import type { FeedEvent, FeedHandlers, ListedObject, SharedStorage } from '../shared.js';
import { EtcdKeys } from './keys.js';
import { etcdCall } from './errors.js';
import { decodeRangeResponse, rangeBytes, type RangePage } from './range.js';

/** kube-apiserver's compactor key (storage/etcd3/compact.go): its value is the revision compacted to. */
export const compactRevKey = 'compact_rev_key';

/**
 * A value kubeauth wrote, parsed: a JSON object with metadata (kube's protobuf values start with "k8s\0"), or
 * why it is not one.
 */
function parseValue(value: string): KObject | string {
  if (value.startsWith('k8s\u0000')) return 'a Kubernetes protobuf value (kubeauth stores JSON)';
  if (value.charCodeAt(0) !== 0x7b) return 'not a JSON object';
  let o: KObject;
  try {
    o = JSON.parse(value) as KObject;
  } catch {
    return 'not a JSON object';
  }
  if (!o.metadata || typeof o.metadata !== 'object') return 'a JSON value without metadata';
  return o;
}

/**
 * Keys per range read of the initial list, as kube's cacher lists (storageWatchListPageSize). etcd counts the
 * whole range on every page, so small pages make a large list quadratic: 500 per page took 3× as long for 50,000
 * objects as 5,000.
 */
const listPageSize = 10_000;

export class EtcdShared implements SharedStorage {
  readonly keys: EtcdKeys;
  constructor(
    readonly client: Etcd3,
    prefix: string,
  ) {
    this.keys = new EtcdKeys(prefix);
  }

  async list(each: (page: ListedObject[]) => void) {
    // In pages at one revision, as kube's cacher lists; the next page is asked for before this one is decoded and
    // handed over, so etcd reads while this process parses and indexes.
    const root = Buffer.from(this.keys.root);
    const end = Buffer.from(root);
    end[end.length - 1]! += 1;
    const page = (key: Buffer, revision?: number) =>
      etcdCall(
        rangeBytes(this.client, {
          key,
          range_end: end,
          limit: listPageSize,
          ...(revision ? { revision: String(revision) } : {}),
        }),
      ).then(decodeRangeResponse);
    const [first, compactedKv] = await Promise.all([
      page(root),
      etcdCall(this.client.kv.range({ key: Buffer.from(compactRevKey) })),
    ]);
    const rev = first.revision;
    let res = first;
    for (;;) {
      const last = res.lastKey;
      const next = res.more && last ? page(Buffer.concat([last, Buffer.from([0])]), rev) : undefined;
      try {
        each(this.parsePage(res));
      } catch (e) {
        next?.catch(() => undefined);
        throw e;
      }
      if (!next) break;
      res = await next;
    }
    const compacted = Number(compactedKv.kvs[0]?.value.toString('utf8') ?? 0) || 0;
    return { rev, compacted };
  }

  private parsePage(res: RangePage): ListedObject[] {
    const { keys, modRevisions, values } = res;
    const items: ListedObject[] = [];
    for (let i = 0; i < keys.length; i++) {
      const ek = keys[i]!;
      const key = this.keys.fromEtcd(ek);
      const parsed = key === undefined ? 'not a kube key' : parseValue(values[i]!);
      if (typeof parsed === 'string')
        throw new Error(
          `--etcd-prefix ${JSON.stringify(this.keys.prefix)} holds data kubeauth did not write (key ${JSON.stringify(ek)}: ${parsed}); use a prefix of its own`,
        );
      items.push({ key: key!, rev: modRevisions[i]!, object: parsed });
    }
    return items;
  }

  watch(fromRev: number, on: FeedHandlers): () => void {
    let stopped = false;
    let watcher: Watcher | undefined;
    // Every key, not just the prefix: then each revision arrives as an event and "the cache has reached
    // revision R" is decidable (etcd 3.4's progress notifications are not ordered with events).
    void this.client
      .watch()
      .inRange(new Range(Buffer.from([0]), Buffer.from([0])))
      .startRevision(String(fromRev + 1))
      .create()
      .then((w) => {
        watcher = w;
        if (stopped) return void w.cancel();
        w.on('data', (res) => {
          if (!res.events.length) return;
          const evs: FeedEvent[] = res.events.map((e) => this.feedEvent(e.type, e.kv));
          on.events(evs);
        });
        w.on('error', () => {
          if (!stopped) on.expired();
        });
      })
      .catch(() => {
        if (!stopped) on.expired();
      });
    return () => {
      stopped = true;
      void watcher?.cancel().catch(() => undefined);
    };
  }

  private feedEvent(type: 'Put' | 'Delete', kv: IKeyValue): FeedEvent {
    const ek = kv.key.toString('utf8');
    const key = this.keys.fromEtcd(ek);
    const rev = Number(kv.mod_revision);
    if (ek === compactRevKey && type === 'Put')
      return { type: 'PUT', key, rev, compacted: Number(kv.value.toString('utf8')) || 0 };
    if (type === 'Delete') return { type: 'DELETED', key, rev };
    return { type: 'PUT', key, rev, value: kv.value.toString('utf8'), created: kv.create_revision === kv.mod_revision };
  }

  async create(key: string, value: string): Promise<number> {
    const ek = this.keys.toEtcd(key);
    const r = await etcdCall(this.client.if(ek, 'Create', '==', 0).then(this.client.put(ek).value(value)).commit());
    if (!r.succeeded) throw new StorageError('Exists', 'already exists', key);
    return Number(r.header.revision);
  }

  async update(key: string, value: string, expectRev: number): Promise<number> {
    const ek = this.keys.toEtcd(key);
    const r = await etcdCall(
      this.client
        .if(ek, expectRev ? 'Mod' : 'Create', expectRev ? '==' : '>', expectRev || 0)
        .then(this.client.put(ek).value(value))
        .else(this.client.get(ek))
        .commit(),
    );
    if (!r.succeeded) throw this.failure(key, r.responses[0]?.response_range?.kvs ?? []);
    return Number(r.header.revision);
  }

  async delete(key: string, expectRev: number): Promise<number> {
    const ek = this.keys.toEtcd(key);
    const r = await etcdCall(
      this.client
        .if(ek, expectRev ? 'Mod' : 'Create', expectRev ? '==' : '>', expectRev || 0)
        .then(this.client.delete().key(ek))
        .else(this.client.get(ek))
        .commit(),
    );
    if (!r.succeeded) throw this.failure(key, r.responses[0]?.response_range?.kvs ?? []);
    return Number(r.header.revision);
  }

  /** A failed comparison: gone (NotFound), or changed since (Conflict, carrying the current revision). */
  private failure(key: string, kvs: IKeyValue[]): StorageError {
    const kv = kvs[0];
    if (!kv) return new StorageError('NotFound', 'not found', key);
    const e = new StorageError('Conflict', conflictMessage, key);
    (e as StorageError & { currentRev?: number }).currentRev = Number(kv.mod_revision);
    return e;
  }

  async currentRevision(): Promise<number> {
    // A linearizable (quorum) range of one key: its header carries the cluster's revision.
    const r = await etcdCall(this.client.kv.range({ key: Buffer.from(this.keys.root), limit: 1, count_only: true }));
    return Number(r.header.revision);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
