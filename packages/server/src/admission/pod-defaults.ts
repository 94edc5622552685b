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

export function podDefaults(): AdmissionPlugin {
  return {
    name: 'Priority,DefaultTolerationSeconds',
    admit(op, def, pod, _old, ctx) {
      if (op !== 'CREATE' || def.group !== '' || def.resource !== 'pods' || ctx.info.subresource) return;
      const spec = (pod.spec ??= {}) as { priority?: number; preemptionPolicy?: string; tolerations?: Toleration[] };
      spec.priority ??= 0;
      spec.preemptionPolicy ??= 'PreemptLowerPriority';
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
