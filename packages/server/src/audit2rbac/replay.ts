// Checks generated RBAC objects against the requests they were made from, with kubeauth's own RBAC authorizer:
// every request allowed, and every part of every rule needed (removing it refuses some request).
import type { KObject, UserInfo } from '../api/types.js';
import { RbacAuthorizer } from '../authz/rbac/authorizer.js';
import { RbacIndex } from '../authz/rbac/index.js';
import type { PolicyRule } from '../authz/rbac/types.js';
import type { ObservedRequest } from './requests.js';

/** The requests the objects do not allow, authorized as `user`. */
export function replay(objects: readonly KObject[], requests: readonly ObservedRequest[], user: UserInfo) {
  const index = new RbacIndex();
  index.load(objects);
  const authz = new RbacAuthorizer(index);
  return requests.filter((r) => authz.authorize({ user, ...r }).decision !== 'Allow');
}

export interface Reduction {
  /** `Role ns/name rule 2 without verb "get"` */
  what: string;
  objects: KObject[];
}

const listFields = ['verbs', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** Every way of making one role allow less: drop a rule, or one entry of one of its lists. */
export function reductions(objects: readonly KObject[]): Reduction[] {
  const out: Reduction[] = [];
  objects.forEach((obj, i) => {
    if (obj.kind !== 'Role' && obj.kind !== 'ClusterRole') return;
    const rules = obj.rules as PolicyRule[];
    const label = `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
    const withRules = (rs: PolicyRule[]) => objects.map((o, j) => (j === i ? { ...o, rules: rs } : o));
    rules.forEach((rule, r) => {
      out.push({ what: `${label} without rule ${r}`, objects: withRules(rules.filter((_, k) => k !== r)) });
      for (const f of listFields)
        for (const entry of rule[f] ?? []) {
          // An empty resourceNames list means every name: dropping the last name widens the rule, it is no reduction.
          if (f === 'resourceNames' && rule[f]!.length === 1) continue;
          const smaller = { ...rule, [f]: rule[f]!.filter((e) => e !== entry) };
          out.push({
            what: `${label} rule ${r} without ${f} ${JSON.stringify(entry)}`,
            objects: withRules(rules.map((x, k) => (k === r ? smaller : x))),
          });
        }
    });
  });
  return out;
}

/** The reductions that still allow every request: each one is a part of a rule nothing needed. */
export function unneeded(objects: readonly KObject[], requests: readonly ObservedRequest[], user: UserInfo): string[] {
  return reductions(objects)
    .filter((red) => replay(red.objects, requests, user).length === 0)
    .map((red) => red.what);
}
