// The other default admission plugins that shape a Pod as a real cluster returns it: Priority (priority 0,
// preemptionPolicy) and DefaultTolerationSeconds (not-ready/unreachable tolerations of 300 s).
import type { AdmissionPlugin } from './chain.js';

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  tolerationSeconds?: number;
}

const defaultTolerations: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

interface PodSpec {
  priority?: number;
  preemptionPolicy?: string;
  tolerations?: Toleration[];
}

export function podDefaults(): AdmissionPlugin {
  return {
    name: 'Priority,DefaultTolerationSeconds',
    admit(op, def, pod, old, ctx) {
      if (def.group !== '' || def.resource !== 'pods' || ctx.info.subresource) return;
      if (op !== 'CREATE' && op !== 'UPDATE') return;
      const spec = (pod.spec ??= {}) as PodSpec;
      if (op === 'CREATE') {
        spec.priority ??= 0;
        spec.preemptionPolicy ??= 'PreemptLowerPriority';
      } else {
        // Priority keeps what it set on create when an update leaves the fields out (its admitPod on Update).
        const was = (old?.spec ?? {}) as PodSpec;
        if (spec.priority === undefined && was.priority !== undefined) spec.priority = was.priority;
        if (spec.preemptionPolicy === undefined && was.preemptionPolicy !== undefined)
          spec.preemptionPolicy = was.preemptionPolicy;
      }
      // DefaultTolerationSeconds handles Create and Update alike.
      const tol = (spec.tolerations ??= []);
      for (const d of defaultTolerations) {
        const has = tol.some(
          (t) => (t.key === d.key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'),
        );
        if (!has) tol.push({ ...d });
      }
    },
  };
}
