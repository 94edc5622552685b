// The pieces of a watch that depend on time and revisions, apart so they can be tested without a server:
// the bookmark object, when the next bookmark is due, and waiting for the store to reach a revision.
import type { KObject } from '../../api/types.js';
import type { Store } from '../../storage/store.js';

/** The annotation on the bookmark that ends a streaming list's initial events (storage.InitialEventsAnnotationKey). */
export const initialEventsEndAnnotation = 'k8s.io/initial-events-end';

/** Bookmarks are sent this long before a watch's deadline (cache_watcher.go nextBookmarkTime). */
export const preDeadlineBookmarkMs = 2000;

/**
 * A bookmark's object: an empty object of the watched kind carrying only the revision (the watch cache's
 * `newFunc()` with its resourceVersion set), annotated when it ends the initial events.
 */
export function bookmarkObject(kind: string, apiVersion: string, rev: number, initialEventsEnd: boolean): KObject {
  const metadata: KObject['metadata'] = {
    resourceVersion: String(rev),
    creationTimestamp: null,
  } as KObject['metadata'];
  if (initialEventsEnd) metadata.annotations = { [initialEventsEndAnnotation]: 'true' };
  return { kind, apiVersion, metadata } as KObject;
}

/**
 * When the next bookmark is due: an interval from now, but no later than 2 s before the deadline; none once
 * that moment has come (cache_watcher.go nextBookmarkTime).
 */
export function nextBookmarkAt(now: number, intervalMs: number, deadline: number): number | undefined {
  const at = Math.min(now + intervalMs, deadline - preDeadlineBookmarkMs);
  // Not `now` itself: the timer of the bookmark just sent fires at its moment, which must not recur.
  return at <= now ? undefined : at;
}

/**
 * Calls `done(true)` once the store has reached `rev` (at once if it has), or `done(false)` after `timeoutMs`.
 * Returns a cancel function.
 */
export function waitForRevision(store: Store, rev: number, timeoutMs: number, done: (ok: boolean) => void): () => void {
  if (store.rev >= rev) {
    done(true);
    return () => undefined;
  }
  let settled = false;
  const settle = (ok: boolean) => {
    if (settled) return;
    settled = true;
    unsubscribe();
    clearTimeout(timer);
    done(ok);
  };
  const unsubscribe = store.subscribe((ev) => {
    if (ev.rev >= rev) settle(true);
  });
  const timer = setTimeout(() => settle(false), timeoutMs);
  return () => {
    settled = true;
    unsubscribe();
    clearTimeout(timer);
  };
}
