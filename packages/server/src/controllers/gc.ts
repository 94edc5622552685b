// Garbage collection by ownerReferences (background propagation), plus the `orphan` and
// `foregroundDeletion` finalizers: dependents whose owners are all gone are deleted.
import type { KObject } from '../api/types.js';
import type { Catalog } from '../registry/catalog.js';
import type { Store, WatchEvent } from '../storage/store.js';
import type { SystemClient } from './client.js';
import { WorkQueue } from './queue.js';

function keyParts(key: string): { group: string; resource: string } {
  const [, g, resource] = key.split('/');
  return { group: g === 'core' ? '' : g!, resource: resource! };
}

export class GarbageCollector {
  /** owner uid -> dependent storage keys */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly queue: WorkQueue;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: Store,
    private readonly client: SystemClient,
    private readonly catalog: Catalog,
    log: (msg: string, f?: Record<string, unknown>) => void,
  ) {
    this.queue = new WorkQueue(
      (k) => this.sync(k),
      (k, e) => log('garbage collector error', { key: k, err: String(e) }),
    );
    void this.catalog;
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((ev) => this.onEvent(ev));
  }
  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }
  idle(): Promise<void> {
    return this.queue.idle();
  }
  /**
   * Index objects that exist at start, and check every dependent once (as kube's graph builder does on its
   * initial sync): an owner deleted while no collector ran (a restart, a leader change) left no event to react to.
   */
  index(all: Iterable<{ key: string; object: KObject }>): void {
    for (const e of all) {
      this.track(e.key, e.object, undefined);
      if (e.object.metadata.ownerReferences?.length) this.queue.add(e.key);
    }
  }

  private track(key: string, obj: KObject, prev: KObject | undefined): void {
    for (const r of prev?.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(key);
    for (const r of obj.metadata.ownerReferences ?? []) {
      let s = this.dependents.get(r.uid);
      if (!s) this.dependents.set(r.uid, (s = new Set()));
      s.add(key);
    }
  }

  private onEvent(ev: WatchEvent): void {
    const uid = ev.object.metadata.uid;
    if (ev.type === 'DELETED') {
      for (const r of ev.object.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(ev.key);
      if (uid) for (const dep of this.dependents.get(uid) ?? []) this.queue.add(dep);
      if (uid) this.dependents.delete(uid);
      return;
    }
    this.track(ev.key, ev.object, ev.prev);
    if (ev.object.metadata.ownerReferences?.length) this.queue.add(ev.key);
    const fin = ev.object.metadata.finalizers ?? [];
    if (ev.object.metadata.deletionTimestamp && (fin.includes('orphan') || fin.includes('foregroundDeletion')))
      this.queue.add(ev.key);
  }

  private async sync(key: string): Promise<void> {
    const e = this.store.get(key);
    if (!e) return;
    const obj = e.object;
    const { group, resource } = keyParts(key);
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name!;
    const deps = [...(this.dependents.get(obj.metadata.uid ?? '') ?? [])];
    const fin = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && fin.includes('orphan')) {
      for (const dk of deps) {
        const d = this.store.get(dk)?.object;
        if (!d) continue;
        const p = keyParts(dk);
        await this.client.update(p.group, p.resource, d.metadata.namespace ?? '', d.metadata.name!, (o) => {
          o.metadata.ownerReferences = o.metadata.ownerReferences?.filter((r) => r.uid !== obj.metadata.uid);
          if (!o.metadata.ownerReferences?.length) delete o.metadata.ownerReferences;
          return o;
        });
      }
      await this.removeFinalizer(group, resource, ns, name, 'orphan');
      return;
    }
    if (obj.metadata.deletionTimestamp && fin.includes('foregroundDeletion')) {
      const live = deps.filter((dk) => this.store.get(dk));
      for (const dk of live) {
        const d = this.store.get(dk)!.object;
        const p = keyParts(dk);
        await this.client.delete(p.group, p.resource, d.metadata.namespace ?? '', d.metadata.name!, 'Foreground');
      }
      if (deps.every((dk) => !this.store.get(dk)))
        await this.removeFinalizer(group, resource, ns, name, 'foregroundDeletion');
      else setTimeout(() => this.queue.add(key), 100).unref();
      return;
    }
    // A dependent: delete it when none of its owners exists any more.
    const owners = obj.metadata.ownerReferences ?? [];
    if (!owners.length || obj.metadata.deletionTimestamp) return;
    const anyAlive = owners.some((r) => {
      const o = this.store.getByUid(r.uid);
      return o !== undefined && !o.object.metadata.deletionTimestamp?.length;
    });
    const ownerBeingForegroundDeleted = owners.some((r) =>
      this.store.getByUid(r.uid)?.object.metadata.finalizers?.includes('foregroundDeletion'),
    );
    if (!anyAlive || ownerBeingForegroundDeleted) {
      if (owners.every((r) => !this.store.getByUid(r.uid)) || ownerBeingForegroundDeleted)
        await this.client.delete(group, resource, ns, name, 'Background');
    }
  }

  private async removeFinalizer(group: string, resource: string, ns: string, name: string, f: string): Promise<void> {
    await this.client.update(group, resource, ns, name, (o) => {
      if (!o.metadata.finalizers?.includes(f)) return undefined;
      o.metadata.finalizers = o.metadata.finalizers.filter((x) => x !== f);
      if (!o.metadata.finalizers.length) delete o.metadata.finalizers;
      return o;
    });
  }
}
