// Watch over HTTP: newline-delimited JSON events from the store's event window, with selectors (objects that
// stop matching are sent as DELETED, start matching as ADDED, as kube-apiserver's watch cache does),
// bookmarks and timeouts.
import { errors } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import type { AnyResponse } from '../server/respond.js';
import { StorageError, resourcePrefix, type Store, type WatchEvent } from '../storage/store.js';
import { gvString, type HandlerContext, type ResourceDef } from './resource.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';

export interface WatchOptions {
  /** Renders an event object (JSON object, Table, PartialObjectMetadata); `first` is true once. */
  render: (obj: KObject, first: boolean) => unknown;
  fieldLabels: string[];
  bookmarkIntervalMs?: number;
}

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
  const fieldSel = q.get('fieldSelector') ? parseFieldSelector(q.get('fieldSelector')!, opts.fieldLabels) : undefined;
  const rvParam = q.get('resourceVersion');
  let fromRev: number | undefined;
  if (rvParam && rvParam !== '0') {
    fromRev = Number(rvParam);
    if (!Number.isInteger(fromRev) || fromRev < 0) throw errors.badRequest(`invalid resource version: ${rvParam}`);
  }
  const timeoutParam = q.get('timeoutSeconds');
  const timeoutMs = timeoutParam ? Number(timeoutParam) * 1000 : (1800 + Math.random() * 1800) * 1000;
  const bookmarks = q.get('allowWatchBookmarks') === 'true';

  const matches = (o: KObject | undefined): boolean =>
    !!o &&
    (!labelSel || matchesLabels(labelSel, o.metadata.labels)) &&
    (!fieldSel || matchesFields(fieldSel, o, def.selectableFields));

  let prefix = resourcePrefix(def.group, def.resource);
  if (def.namespaced && ctx.info.namespace) prefix += `${ctx.info.namespace}/`;

  (res as { writeHead: (c: number, h: Record<string, string>) => void }).writeHead(200, {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
  });
  // Send the headers now: clients wait for them before any event arrives (an empty watch included).
  (res as { flushHeaders?: () => void }).flushHeaders?.();
  let first = true;
  let lastRev = fromRev ?? store.rev;
  let closed = false;
  const write = (type: string, obj: unknown) => {
    if (closed) return;
    (res as { write(s: string): boolean }).write(JSON.stringify({ type, object: obj }) + '\n');
  };
  const send = (ev: WatchEvent) => {
    lastRev = ev.rev;
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

  let stop: () => void = () => undefined;
  try {
    stop = store.watch(prefix, fromRev, send);
  } catch (e) {
    if (e instanceof StorageError && e.code === 'Expired') {
      write('ERROR', errors.resourceExpired(e.message).status);
      res.end();
      return;
    }
    throw e;
  }
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    stop();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  timers.push(setTimeout(finish, timeoutMs));
  if (bookmarks) {
    const tick = () => {
      write('BOOKMARK', {
        kind: def.kind,
        apiVersion: gvString(def),
        metadata: { resourceVersion: String(Math.max(lastRev, store.rev)), creationTimestamp: null },
      });
      timers.push(setTimeout(tick, opts.bookmarkIntervalMs ?? 60_000));
    };
    timers.push(setTimeout(tick, opts.bookmarkIntervalMs ?? 60_000));
  }
  onClose(finish);
}
