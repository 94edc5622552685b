// Per-namespace controllers of kube-controller-manager: the `default` ServiceAccount, the kube-root-ca.crt
// ConfigMap (recreated when deleted, reverted when edited), and namespace finalization (delete everything
// in a terminating namespace, then drop the `kubernetes` finalizer so the namespace goes).
import type { KObject } from '../api/types.js';
import type { Catalog } from '../registry/catalog.js';
import type { Store, WatchEvent } from '../storage/store.js';
import { resourcePrefix } from '../storage/store.js';
import type { SystemClient } from './client.js';
import { WorkQueue } from './queue.js';

export const rootCaConfigMap = 'kube-root-ca.crt';
export const rootCaDescription =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface NamespaceControllerDeps {
  store: Store;
  client: SystemClient;
  catalog: Catalog;
  caPem: string;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

const nsPrefix = resourcePrefix('', 'namespaces');
const saPrefix = resourcePrefix('', 'serviceaccounts');
const cmPrefix = resourcePrefix('', 'configmaps');

function isTerminating(ns: KObject): boolean {
  return !!ns.metadata.deletionTimestamp;
}

export class NamespaceController {
  private readonly queue: WorkQueue;
  private unsubscribe?: () => void;

  constructor(private readonly d: NamespaceControllerDeps) {
    this.queue = new WorkQueue(
      (ns) => this.sync(ns),
      (key, err) => d.log('namespace controller error', { namespace: key, err: String(err) }),
    );
  }

  start(): void {
    this.unsubscribe = this.d.store.subscribe((ev) => this.onEvent(ev));
    for (const e of this.d.store.list(nsPrefix)) this.queue.add(e.object.metadata.name!);
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private onEvent(ev: WatchEvent): void {
    if (ev.key.startsWith(nsPrefix)) {
      if (ev.type !== 'DELETED') this.queue.add(ev.object.metadata.name!);
      return;
    }
    const ns = ev.object.metadata.namespace;
    if (!ns) return;
    if (ev.key.startsWith(saPrefix) && ev.object.metadata.name === 'default' && ev.type === 'DELETED')
      this.queue.add(ns);
    else if (ev.key.startsWith(cmPrefix) && ev.object.metadata.name === rootCaConfigMap) this.queue.add(ns);
    else if (ev.type === 'DELETED') {
      // Content going away may let a terminating namespace finish.
      const nsObj = this.d.client.get('', 'namespaces', '', ns)?.object;
      if (nsObj && isTerminating(nsObj)) this.queue.add(ns);
    }
  }

  private async sync(name: string): Promise<void> {
    const ns = this.d.client.get('', 'namespaces', '', name)?.object;
    if (!ns) return;
    if (isTerminating(ns)) return this.finalize(ns);
    await Promise.all([this.ensureDefaultServiceAccount(name), this.ensureRootCa(name)]);
  }

  private async ensureDefaultServiceAccount(ns: string): Promise<void> {
    if (this.d.client.get('', 'serviceaccounts', ns, 'default')) return;
    await this.d.client.create('', 'serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns },
    });
  }

  /** kube-root-ca.crt holds exactly the CA and the description; edits are reverted, deletions recreated. */
  private async ensureRootCa(ns: string): Promise<void> {
    const cm = this.d.client.get('', 'configmaps', ns, rootCaConfigMap)?.object;
    if (!cm) {
      await this.d.client.create('', 'configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: rootCaConfigMap,
          namespace: ns,
          annotations: { 'kubernetes.io/description': rootCaDescription },
        },
        data: { 'ca.crt': this.d.caPem },
      });
      return;
    }
    const data = (cm.data ?? {}) as Record<string, string>;
    const current =
      data['ca.crt'] === this.d.caPem &&
      Object.keys(data).length === 1 &&
      !cm.binaryData &&
      cm.metadata.annotations?.['kubernetes.io/description'] === rootCaDescription;
    if (current) return;
    await this.d.client.update('', 'configmaps', ns, rootCaConfigMap, (o) => {
      o.data = { 'ca.crt': this.d.caPem };
      delete o.binaryData;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'kubernetes.io/description': rootCaDescription };
      return o;
    });
  }

  /** Deletes the namespace's content; when none is left, removes the `kubernetes` finalizer and the namespace. */
  private async finalize(ns: KObject): Promise<void> {
    const name = ns.metadata.name!;
    let remaining = 0;
    for (const def of this.d.catalog.all()) {
      if (!def.namespaced || !def.strategy) continue;
      const items = this.d.store.list(resourcePrefix(def.group, def.resource), name);
      remaining += items.length;
      for (const e of items) {
        if (e.object.metadata.deletionTimestamp) continue;
        await this.d.client.delete(def.group, def.resource, name, e.object.metadata.name!, 'Background');
      }
    }
    const left = this.d.catalog
      .all()
      .filter((d) => d.namespaced && d.strategy)
      .reduce((n, d) => n + this.d.store.list(resourcePrefix(d.group, d.resource), name).length, 0);
    if (left > 0) {
      if (remaining > 0) throw new Error(`namespace ${name} still has ${left} objects`);
      return;
    }
    await this.d.client.update(
      '',
      'namespaces',
      '',
      name,
      (o) => {
        const spec = (o.spec ??= {}) as { finalizers?: string[] };
        if (!spec.finalizers?.includes('kubernetes')) return undefined;
        spec.finalizers = spec.finalizers.filter((f) => f !== 'kubernetes');
        return o;
      },
      'finalize',
    );
    await this.d.client.delete('', 'namespaces', '', name);
  }
}
