// ClusterIP and NodePort allocation. What is allocated is read from the Services in the watch cache (so a
// deleted Service frees its addresses at once, as kube-apiserver's repair loop eventually would) plus the
// addresses of creates and updates still on their way to storage.
import { errors } from '../../api/errors.js';
import { invalid } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { arr, rec, recs, str } from '../../api/validation/util.js';
import { resourcePrefix, type Store } from '../../storage/store.js';
import { keepAllocated } from './services.js';
import { type Ipv4Range, numberToIpv4, offsetOf, staticBand } from './cidr.js';

export const nodePortRange = { base: 30000, size: 2768 } as const; // kube's default 30000-32767

export interface AllocationDeps {
  store: Store;
  range: Ipv4Range;
}

export class ServiceAllocator {
  private readonly pendingIPs = new Set<string>();
  private readonly pendingPorts = new Set<number>();
  private readonly prefix = resourcePrefix('', 'services');

  constructor(private readonly d: AllocationDeps) {}

  get range(): Ipv4Range {
    return this.d.range;
  }

  private usedIPs(except?: string): Set<string> {
    const used = new Set(this.pendingIPs);
    for (const e of this.d.store.list(this.prefix)) {
      if (e.key === except) continue;
      for (const ip of arr(rec(e.object.spec)?.clusterIPs)) if (typeof ip === 'string') used.add(ip);
    }
    return used;
  }

  private usedPorts(except?: string): Set<number> {
    const used = new Set(this.pendingPorts);
    for (const e of this.d.store.list(this.prefix)) {
      if (e.key === except) continue;
      for (const p of recs(rec(e.object.spec)?.ports)) if (typeof p.nodePort === 'number') used.add(p.nodePort);
      const hc = rec(e.object.spec)?.healthCheckNodePort;
      if (typeof hc === 'number') used.add(hc);
    }
    return used;
  }

  /**
   * Allocates what the Service needs (kube's alloc.go, single-stack IPv4): the requested clusterIP or the next
   * free one, and node ports. Returns the function that ends the reservation once the write has settled.
   */
  allocate(svc: KObject, key: string, old: KObject | undefined, dryRun: boolean): () => void {
    const spec = rec(svc.spec)!;
    // an update may leave out what was allocated (patchAllocatedValues): it is carried over before anything else
    if (old) keepAllocated(spec, rec(old.spec) ?? {});
    const name = svc.metadata.name ?? '';
    const ips: string[] = [];
    const ports: number[] = [];
    const oldIPs = arr(rec(old?.spec)?.clusterIPs).filter((x): x is string => typeof x === 'string');
    const clusterIPs = arr(spec.clusterIPs).filter((x): x is string => typeof x === 'string');
    if (needsClusterIP(svc)) {
      // clusterIP and clusterIPs are normalized into each other first (normalizeClusterIPs)
      const wanted = clusterIPs[0] ?? str(spec.clusterIP);
      // a malformed address is validation's to report
      if (wanted !== '' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(wanted) && !wanted.includes(':')) return () => undefined;
      if (!(old && oldIPs[0] === wanted && wanted !== '')) {
        const used = this.usedIPs(key);
        let ip: string;
        if (wanted === '') {
          const next = this.next(used);
          if (next === undefined) throw errors.internal('failed to allocate a serviceIP: range is full');
          ip = next;
        } else {
          const why =
            offsetOf(this.d.range, wanted) === undefined
              ? `the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${this.d.range.cidr}`
              : used.has(wanted)
                ? 'provided IP is already allocated'
                : undefined;
          if (why)
            throw errors.invalid({ group: '', kind: 'Service' }, name, [
              invalid(
                'spec.clusterIPs',
                clusterIPs.length ? clusterIPs : [wanted],
                `failed to allocate IP ${wanted}: ${why}`,
              ),
            ]);
          ip = wanted;
        }
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
        ips.push(ip);
      }
    }
    if (needsNodePorts(svc)) {
      const oldPorts = new Set(recs(rec(old?.spec)?.ports).map((p) => p.nodePort));
      const used = this.usedPorts(key);
      recs(spec.ports).forEach((p, i) => {
        if (typeof p.nodePort === 'number' && p.nodePort !== 0) {
          if (oldPorts.has(p.nodePort)) return;
          const n = p.nodePort;
          const why =
            n < nodePortRange.base || n >= nodePortRange.base + nodePortRange.size
              ? `provided port is not in the valid range. The range of valid ports is ${nodePortRange.base}-${nodePortRange.base + nodePortRange.size - 1}`
              : used.has(n)
                ? 'provided port is already allocated'
                : undefined;
          if (why)
            throw errors.invalid({ group: '', kind: 'Service' }, name, [invalid(`spec.ports[${i}].nodePort`, n, why)]);
          used.add(n);
          ports.push(n);
          return;
        }
        const start = Math.floor(Math.random() * nodePortRange.size);
        for (let k = 0; k < nodePortRange.size; k++) {
          const n = nodePortRange.base + ((start + k) % nodePortRange.size);
          if (!used.has(n)) {
            p.nodePort = n;
            used.add(n);
            ports.push(n);
            return;
          }
        }
        throw errors.internal('failed to allocate a nodePort: range is full');
      });
    }
    if (dryRun) return () => undefined;
    for (const ip of ips) this.pendingIPs.add(ip);
    for (const p of ports) this.pendingPorts.add(p);
    return () => {
      for (const ip of ips) this.pendingIPs.delete(ip);
      for (const p of ports) this.pendingPorts.delete(p);
    };
  }

  /** AllocateNext: a random free address of the upper band, else of the lower one. */
  private next(used: Set<string>): string | undefined {
    const r = this.d.range;
    const band = staticBand(r);
    const scan = (from: number, to: number): string | undefined => {
      const n = to - from;
      if (n <= 0) return undefined;
      const start = Math.floor(Math.random() * n);
      for (let k = 0; k < n; k++) {
        const ip = numberToIpv4(r.base + from + ((start + k) % n));
        if (!used.has(ip)) return ip;
      }
      return undefined;
    };
    return scan(band, r.size) ?? scan(0, band);
  }
}

/** Services of a type that gets a cluster IP, not headless (`None`). */
export function needsClusterIP(svc: KObject): boolean {
  const spec = rec(svc.spec);
  return str(spec?.type) !== 'ExternalName' && str(spec?.clusterIP) !== 'None';
}

export function needsNodePorts(svc: KObject): boolean {
  const spec = rec(svc.spec);
  const t = str(spec?.type);
  return t === 'NodePort' || (t === 'LoadBalancer' && spec?.allocateLoadBalancerNodePorts !== false);
}
