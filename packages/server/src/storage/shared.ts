// Storage shared by several replicas (etcd): the shared side owns compare-and-swap and the revision; each
// replica's Store is a watch cache fed by `watch`, and a write is acknowledged once the cache has applied it.
import type { KObject } from '../api/types.js';
import type { EventType } from './backend.js';

export interface FeedEvent {
  type: Exclude<EventType, 'ADDED'> | 'PUT';
  /** The store key; undefined for a change outside the prefix (it only advances the revision). */
  key: string | undefined;
  rev: number;
  /** For a PUT: the stored JSON (without resourceVersion). */
  value?: string;
  /** For a PUT: the key's create revision equals `rev` (a create). */
  created?: boolean;
  /** etcd's history was compacted up to this revision (the compactor recorded it: kube's `compact_rev_key`). */
  compacted?: number;
}

export interface FeedHandlers {
  events(evs: FeedEvent[]): void;
  /** The history after the cache's revision is gone (compacted): list again. */
  expired(): void;
}

/** One object of a list: its store key, its revision and its stored state (without resourceVersion). */
export interface ListedObject {
  key: string;
  rev: number;
  object: KObject;
}

export interface SharedStorage {
  /**
   * Every object under the prefix (parsed, without resourceVersion), handed to `each` a page at a time as the
   * pages arrive (the caller's work on one page overlaps the read of the next); resolves with the revision of
   * that read once every page has been handed over.
   */
  list(each: (page: ListedObject[]) => void): Promise<{
    rev: number;
    /** The revision the history was last compacted to, as far as the compactors recorded it (0: never). */
    compacted: number;
  }>;
  /** Every change after `fromRev`, in revision order. Returns a stop function. */
  watch(fromRev: number, on: FeedHandlers): () => void;
  /** Writes that fail the comparison throw StorageError (Exists / NotFound / Conflict). Return the revision. */
  create(key: string, value: string): Promise<number>;
  /** `expectRev` 0: any version of an existing key. */
  update(key: string, value: string, expectRev: number): Promise<number>;
  delete(key: string, expectRev: number): Promise<number>;
  /** The shared revision now (a quorum read). */
  currentRevision(): Promise<number>;
  close(): Promise<void>;
}
