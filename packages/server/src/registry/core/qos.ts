// The pod QoS class (pkg/apis/core/helper/qos.ComputePodQOS) that kube-apiserver stores in status.qosClass on
// create: only cpu and memory count, and only quantities above zero.
import { type Quantity, addQuantity, compareQuantity, parseQuantity } from '../../api/validation/quantity.js';
import { type Rec, rec, recs } from '../../api/validation/util.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const qosResources = new Set(['cpu', 'memory']);

function positive(list: unknown): Array<[string, Quantity]> {
  const out: Array<[string, Quantity]> = [];
  for (const [name, v] of Object.entries(rec(list) ?? {})) {
    if (!qosResources.has(name)) continue;
    const q = parseQuantity(typeof v === 'number' ? v : typeof v === 'string' ? v : '');
    if (q && q.nano > 0n) out.push([name, q]);
  }
  return out;
}

export function computePodQOS(pod: Rec): QOSClass {
  const spec = rec(pod.spec) ?? {};
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let isGuaranteed = true;
  for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
    const resources = rec(c.resources) ?? {};
    for (const [name, q] of positive(resources.requests)) {
      const cur = requests.get(name);
      requests.set(name, cur ? addQuantity(q, cur) : q);
    }
    const found = new Set<string>();
    for (const [name, q] of positive(resources.limits)) {
      found.add(name);
      const cur = limits.get(name);
      limits.set(name, cur ? addQuantity(q, cur) : q);
    }
    if (!found.has('memory') || !found.has('cpu')) isGuaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compareQuantity(lim, req) !== 0) {
        isGuaranteed = false;
        break;
      }
    }
  }
  return isGuaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
