// Snapshots of a running server's whole state: every stored object and the clock. Restoring writes the
// difference back through the store, so the watch cache, every cache fed by it (RBAC, token lookups) and open
// watches see ordinary events, and resourceVersions keep increasing as clients expect.
import type { Entry, Store } from '../storage/store.js';
import { StorageError } from '../storage/store.js';
import type { ManualClock, Clock } from '../clock/clock.js';

export interface StateSnapshot {
  readonly entries: ReadonlyMap<string, Entry>;
  /** The manual clock's time when taken (undefined on the wall clock). */
  readonly clockMs?: number;
}

export function takeSnapshot(store: Store, clock: Clock, manual: boolean): StateSnapshot {
  return { entries: new Map(store.all().map((e) => [e.key, e])), clockMs: manual ? clock.now() : undefined };
}

export async function restoreSnapshot(
  store: Store,
  snap: StateSnapshot,
  clock: ManualClock | undefined,
  settle: () => Promise<void>,
): Promise<void> {
  // Controllers first finish what they were doing, so they do not write after the restore.
  await settle();
  if (clock && snap.clockMs !== undefined) clock.set(snap.clockMs);
  const writes: Array<Promise<unknown>> = [];
  for (const cur of store.all())
    if (!snap.entries.has(cur.key)) writes.push(store.delete(cur.key).catch(ignoreNotFound));
  for (const [key, e] of snap.entries) {
    const cur = store.get(key);
    if (cur?.rev === e.rev) continue;
    writes.push(
      cur
        ? store.update(key, e.object, 0)
        : store.create(key, e.object).catch((err: unknown) => {
            // A controller re-created it meanwhile (a namespace's default ServiceAccount): the snapshot wins.
            if (err instanceof StorageError && err.code === 'Exists') return store.update(key, e.object, 0);
            throw err;
          }),
    );
  }
  await Promise.all(writes);
  await store.quiesce();
  await settle();
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof StorageError && err.code === 'NotFound')) throw err;
}
