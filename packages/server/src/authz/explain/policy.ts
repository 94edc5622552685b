// A policy to explain: RBAC objects from anywhere (a live server's lists, manifests, the bootstrap policy) in the
// authorizer's own index, so every answer here is computed from the data the authorizer decides on.
import type { KObject } from '../../api/types.js';
import { aggregateRules } from '../rbac/aggregation.js';
import { bootstrapPolicy } from '../rbac/bootstrap.js';
import { kubeauthBootstrapPolicy } from './bootstrap.js';
import { RbacIndex } from '../rbac/index.js';
import { isRbacKind, selectorsOf, semanticEqual } from '../rbac/types.js';

export interface PolicyOptions {
  /** Add the bootstrap roles and bindings of a fresh kubeauth (objects given explicitly win over them). */
  withBootstrapPolicy?: boolean;
  /**
   * Compute aggregated ClusterRoles' rules as the aggregation controller would. Manifests usually leave them
   * empty; a live server has already filled them in.
   */
  aggregate?: boolean;
}

export interface Policy {
  index: RbacIndex;
  /** The RBAC objects loaded (after bootstrap merge and aggregation). */
  objects: KObject[];
  /** Aggregated ClusterRoles: roles outside this policy could add rules to them. */
  aggregated: Set<string>;
}

const identity = (o: KObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** Keeps the RBAC kinds, later duplicates replacing earlier ones; other kinds are ignored. */
export function loadPolicy(input: readonly KObject[], opts: PolicyOptions = {}): Policy {
  const byId = new Map<string, KObject>();
  // kube-apiserver's bootstrap policy, and kubeauth's one addition, as a fresh kubeauth holds them.
  if (opts.withBootstrapPolicy)
    for (const o of [...bootstrapPolicy(), ...kubeauthBootstrapPolicy()]) byId.set(identity(o), o);
  for (const o of input) {
    if (!o || typeof o !== 'object' || !isRbacKind(o.kind) || !o.metadata?.name) continue;
    byId.set(identity(o), o);
  }
  const objects = [...byId.values()];
  const aggregated = new Set<string>();
  for (const o of objects) if (o.kind === 'ClusterRole' && selectorsOf(o)) aggregated.add(o.metadata.name!);
  if (opts.aggregate && aggregated.size) aggregateToFixpoint(objects);
  const index = new RbacIndex();
  index.load(objects);
  return { index, objects, aggregated };
}

/**
 * The controller re-aggregates whenever a ClusterRole changes, so roles that aggregate aggregated roles (admin
 * ⊇ edit ⊇ view) settle after a few rounds; we run rounds until nothing changes. Cycles settle too: rules only
 * accumulate and are deduplicated.
 */
function aggregateToFixpoint(objects: KObject[]): void {
  const clusterRoles = () => objects.filter((o) => o.kind === 'ClusterRole');
  for (let round = 0; round < 20; round++) {
    let changed = false;
    const all = clusterRoles();
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i]!;
      if (o.kind !== 'ClusterRole' || !selectorsOf(o)) continue;
      let rules;
      try {
        rules = aggregateRules(o, all);
      } catch {
        continue; // an unconvertible selector: the controller gives up on this role, so do we
      }
      if (semanticEqual(rules, o.rules)) continue;
      objects[i] = { ...o, rules };
      changed = true;
    }
    if (!changed) return;
  }
}
