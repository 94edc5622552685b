// Watch over HTTP: newline-delimited JSON events from the store's event window, with selectors (objects that
// stop matching are sent as DELETED, start matching as ADDED, as kube-apiserver's watch cache does),
// streaming lists (sendInitialEvents), bookmarks and timeouts.
import { errors, type StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import type { AnyResponse } from './respond.js';
import { StorageError, resourcePrefix, type Store, type WatchEvent } from '../../storage/store.js';
import { listOptions } from '../../registry/listoptions.js';
import { gvString, type HandlerContext, type ResourceDef } from '../../registry/resource.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../registry/selectors.js';
import { bookmarkObject, nextBookmarkAt, waitForRevision } from './watchtiming.js';

export interface WatchOptions {
  /** Renders an event object (JSON object, Table, PartialObjectMetadata); `first` is true once. */
  render: (obj: KObject, first: boolean) => unknown;
  /** Renders a bookmark's object (no table row is printed for it); the object as is when unset. */
  renderBookmark?: (obj: KObject) => unknown;
  fieldLabels: string[];
  /** How often bookmarks are sent; kube's watch cache sends one about every minute. */
  bookmarkIntervalMs?: number;
}

export const defaultBookmarkIntervalMs = 60_000;

/**
 * Where a watch starts (cacher.go Watch, watch_cache.go getAllEventsSinceLocked):
 * - `initial`: the current state as ADDED events, then the changes after it; with sendInitialEvents=true the
 *   state is at least as new as `resourceVersion` (the watch waits up to 3 s for it).
 * - `from`: the changes after a revision (410 Expired when it has left the window).
 */
type Start = { initial: true; notOlderThan: number } | { initial: false; from: number | undefined };

export function serveWatch(
  store: Store,
  def: ResourceDef,
  ctx: HandlerContext,
  res: AnyResponse,
  contentType: string,
  opts: WatchOptions,
  onClose: (fn: () => void) => void,
): void {
  const q = ctx.query;
  const labelSel = q.get('labelSelector') ? parseLabelSelector(q.get('labelSelector')!) : undefined;
  const lo = listOptions(q);
  const fieldSel = q.get('fieldSelector') ? parseFieldSelector(q.get('fieldSelector')!, opts.fieldLabels) : undefined;
  const rvParam = lo.resourceVersion;
  let rv: number | undefined;
  if (rvParam && rvParam !== '0') {
    rv = Number(rvParam);
    if (!Number.isInteger(rv) || rv < 0) throw errors.badRequest(`invalid resource version: ${rvParam}`);
  }
  let start: Start;
  if (lo.sendInitialEvents === true) start = { initial: true, notOlderThan: rv ?? 0 };
  // sendInitialEvents=false: no state, the changes after the given revision ("" and "0": from now).
  else if (lo.sendInitialEvents === false) start = { initial: false, from: rv ?? store.rev };
  // The legacy watch (no sendInitialEvents, e.g. the /watch/ path): state first when no revision is given.
  else start = rv === undefined ? { initial: true, notOlderThan: 0 } : { initial: false, from: rv };
  // The end-of-initial-events bookmark goes only to clients that take bookmarks (setInitialEventsEndBookmarkIfRequested).
  const endBookmark = lo.sendInitialEvents === true && lo.allowWatchBookmarks;
  // timeoutSeconds 0 or absent: kube's --min-request-timeout (1800 s) times a random factor in [1, 2).
  // Node's timers take at most 2^31-1 ms (about 24 days); a longer delay would fire at once.
  const timeoutMs = Math.min(
    lo.timeoutSeconds ? lo.timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000,
    2 ** 31 - 1,
  );
  const deadline = Date.now() + timeoutMs;
  const intervalMs = opts.bookmarkIntervalMs ?? defaultBookmarkIntervalMs;

  const matches = (o: KObject | undefined): boolean =>
    !!o &&
    (!labelSel || matchesLabels(labelSel, o.metadata.labels)) &&
    (!fieldSel || matchesFields(fieldSel, o, def.selectableFields));

  let prefix = resourcePrefix(def.group, def.resource);
  if (def.namespaced && ctx.info.namespace) prefix += `${ctx.info.namespace}/`;

  let closed = false;
  let stop: () => void = () => undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (closed) return;
    // A watch that ends while it waits for its revision still answers 200 with no events.
    sendHeaders();
    closed = true;
    stop();
    for (const t of timers) clearTimeout(t);
    res.end();
  };

  let headersSent = false;
  const sendHeaders = () => {
    if (headersSent) return;
    headersSent = true;
    (res as { writeHead: (c: number, h: Record<string, string>) => void }).writeHead(200, {
      'Content-Type': contentType,
      'Cache-Control': 'no-cache, private',
    });
    // Send the headers now: clients wait for them before any event arrives (an empty watch included).
    (res as { flushHeaders?: () => void }).flushHeaders?.();
  };
  let first = true;
  let lastRev = 0;
  const write = (type: string, obj: unknown) => {
    if (closed) return;
    (res as { write(s: string): boolean }).write(JSON.stringify({ type, object: obj }) + '\n');
  };
  // After the watch has been accepted, failures are ERROR events on a 200 stream, as the cacher's errWatcher.
  const fail = (e: StatusError) => {
    sendHeaders();
    write('ERROR', e.status);
    finish();
  };
  const send = (ev: WatchEvent) => {
    lastRev = Math.max(lastRev, ev.rev);
    const now = matches(ev.object);
    // History replayed after a restart may lack the previous state: then "before" is taken to equal "now".
    const before = ev.type === 'ADDED' ? false : ev.prev ? matches(ev.prev) : now;
    let type: string | undefined;
    if (ev.type === 'DELETED') type = before || now ? 'DELETED' : undefined;
    else if (now) type = before ? 'MODIFIED' : 'ADDED';
    else if (before) type = 'DELETED';
    if (!type) return;
    write(type, opts.render(ev.object, first));
    first = false;
  };
  const bookmark = (annotate: boolean) => {
    const obj = bookmarkObject(def.kind, gvString(def), Math.max(lastRev, store.rev), annotate);
    write('BOOKMARK', opts.renderBookmark ? opts.renderBookmark(obj) : obj);
  };
  // Bookmarks about every interval and one 2 s before the deadline (cache_watcher.go nextBookmarkTime).
  const scheduleBookmark = () => {
    const at = nextBookmarkAt(Date.now(), intervalMs, deadline);
    if (at === undefined) return;
    timers.push(
      setTimeout(() => {
        bookmark(false);
        scheduleBookmark();
      }, at - Date.now()),
    );
  };

  const begin = () => {
    if (closed) return;
    sendHeaders();
    try {
      stop = store.watch(prefix, start.initial ? undefined : start.from, send);
    } catch (e) {
      if (e instanceof StorageError && e.code === 'Expired') return fail(errors.resourceExpired(e.message));
      throw e;
    }
    lastRev = Math.max(lastRev, start.initial ? store.rev : (start.from ?? 0));
    if (endBookmark) bookmark(true);
    if (lo.allowWatchBookmarks) scheduleBookmark();
  };

  onClose(finish);
  timers.push(setTimeout(finish, timeoutMs));
  if (start.initial && start.notOlderThan > store.rev) {
    // The state must be at least as new as the revision asked for: wait for it as the watch cache does
    // (waitUntilFreshLocked, 3 s), then answer Too large resource version.
    const cancel = waitForRevision(store, start.notOlderThan, 3000, (ok) => {
      if (!ok) return fail(errors.tooLargeResourceVersion(start.notOlderThan, store.rev, 1));
      begin();
    });
    stop = cancel;
    return;
  }
  begin();
}
