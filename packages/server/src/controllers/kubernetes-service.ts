// The `default/kubernetes` Service and its Endpoints and EndpointSlice, kept as kube-apiserver's control
// plane keeps them (pkg/controlplane/controller/kubernetesservice and the endpoint reconciler): the Service
// gets the first address of the service range and port 443 (`https`) to the secure port; the Endpoints and
// the EndpointSlice point at the advertised address. Each is recreated when deleted and put back when changed.
import type { KObject } from '../api/types.js';
import { semanticEqual } from '../api/validation/objectmeta.js';
import { rec } from '../api/validation/util.js';
import type { Store, WatchEvent } from '../storage/store.js';
import type { SystemClient } from './client.js';
import { WorkQueue } from './queue.js';

export interface KubernetesServiceDeps {
  store: Store;
  client: SystemClient;
  /** --advertise-address */
  address: string;
  /** The secure port (targetPort of `https`). */
  port: number;
  /** First address of --service-cluster-ip-range. */
  clusterIP: string;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

const ns = 'default';
const name = 'kubernetes';
const keys = new Set([
  `/core/services/${ns}/${name}`,
  `/core/endpoints/${ns}/${name}`,
  `/discovery.k8s.io/endpointslices/${ns}/${name}`,
]);

export class KubernetesServiceController {
  private readonly queue: WorkQueue;
  private unsubscribe?: () => void;

  constructor(private readonly d: KubernetesServiceDeps) {
    this.queue = new WorkQueue(
      () => this.reconcile(),
      (_k, err) => d.log('kubernetes service reconcile failed', { err: String(err) }),
    );
  }

  start(): void {
    this.unsubscribe = this.d.store.subscribe((ev: WatchEvent) => {
      if (keys.has(ev.key)) this.queue.add('kubernetes');
    });
    this.queue.add('kubernetes');
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private servicePorts() {
    return [{ name: 'https', protocol: 'TCP', port: 443, targetPort: this.d.port }];
  }

  private endpointPorts() {
    return [{ name: 'https', port: this.d.port, protocol: 'TCP' }];
  }

  private async reconcile(): Promise<void> {
    const c = this.d.client;
    // The Service: created with the range's first address; its ports and type are put back if changed
    // (getMasterServiceUpdateIfNeeded). Labels as kube-apiserver sets them.
    const svc = c.get('', 'services', ns, name);
    if (!svc) {
      await c.create('', 'services', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: {
          type: 'ClusterIP',
          clusterIP: this.d.clusterIP,
          ports: this.servicePorts(),
          sessionAffinity: 'None',
        },
      } as unknown as KObject);
    } else {
      await c.update('', 'services', ns, name, (cur) => {
        const spec = (rec(cur.spec) ?? {}) as Record<string, unknown>;
        const ports = this.servicePorts();
        const same =
          spec.type === 'ClusterIP' &&
          Array.isArray(spec.ports) &&
          spec.ports.length === 1 &&
          semanticEqual(pick(spec.ports[0], ['name', 'protocol', 'port', 'targetPort']), ports[0]);
        if (same) return undefined;
        spec.type = 'ClusterIP';
        spec.ports = ports;
        (cur as unknown as Record<string, unknown>).spec = spec;
        return cur;
      });
    }
    const subsets = [{ addresses: [{ ip: this.d.address }], ports: this.endpointPorts() }];
    const epLabels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
    if (!c.get('', 'endpoints', ns, name))
      await c.create('', 'endpoints', {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace: ns, labels: epLabels },
        subsets,
      } as unknown as KObject);
    else
      await c.update('', 'endpoints', ns, name, (cur) => {
        const o = cur as unknown as Record<string, unknown>;
        if (semanticEqual(o.subsets, subsets)) return undefined;
        o.subsets = subsets;
        return cur;
      });
    const endpoints = [{ addresses: [this.d.address], conditions: { ready: true } }];
    const ports = this.endpointPorts();
    if (!c.get('discovery.k8s.io', 'endpointslices', ns, name))
      await c.create('discovery.k8s.io', 'endpointslices', {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4',
        endpoints,
        ports,
      } as unknown as KObject);
    else
      await c.update('discovery.k8s.io', 'endpointslices', ns, name, (cur) => {
        const o = cur as unknown as Record<string, unknown>;
        if (o.addressType === 'IPv4' && semanticEqual(o.endpoints, endpoints) && semanticEqual(o.ports, ports))
          return undefined;
        if (o.addressType !== 'IPv4') return undefined; // immutable: only a delete and recreate can fix it
        o.endpoints = endpoints;
        o.ports = ports;
        return cur;
      });
  }
}

function pick(v: unknown, ks: string[]): Record<string, unknown> {
  const r = rec(v) ?? {};
  const out: Record<string, unknown> = {};
  for (const k of ks) if (r[k] !== undefined) out[k] = r[k];
  return out;
}
