// Aggregated ClusterRoles (pkg/controller/clusterroleaggregation): a ClusterRole with an aggregationRule gets, as
// its rules, the rules of every ClusterRole matched by its selectors — selector by selector, matching roles
// sorted by name, itself skipped, each rule once (deep equality, nil == empty).
import type { KObject } from '../../api/types.js';
import { selectorMatches } from './labelselector.js';
import { type PolicyRule, rulesOf, selectorsOf, semanticEqual } from './types.js';

/** A rule as the controller writes it back: Go's omitempty drops empty lists, verbs always present. */
export function canonicalRule(r: PolicyRule): PolicyRule {
  const out: PolicyRule = { verbs: r.verbs ?? [] };
  if (r.apiGroups?.length) out.apiGroups = r.apiGroups;
  if (r.resources?.length) out.resources = r.resources;
  if (r.resourceNames?.length) out.resourceNames = r.resourceNames;
  if (r.nonResourceURLs?.length) out.nonResourceURLs = r.nonResourceURLs;
  return out;
}

/**
 * The rules the aggregation controller computes for `target`. A role without an aggregationRule keeps its own
 * rules. Throws (LabelSelectorError) when a selector cannot be converted, as the controller gives up then.
 */
export function aggregateRules(target: KObject, all: readonly KObject[]): PolicyRule[] {
  const selectors = selectorsOf(target);
  if (!selectors) return rulesOf(target);
  const targetName = target.metadata?.name ?? '';
  const sorted = [...all].sort((a, b) => {
    const an = a.metadata?.name ?? '';
    const bn = b.metadata?.name ?? '';
    return an < bn ? -1 : an > bn ? 1 : 0;
  });
  const out: PolicyRule[] = [];
  for (const sel of selectors) {
    for (const role of sorted) {
      if ((role.metadata?.name ?? '') === targetName) continue;
      if (!selectorMatches(sel ?? {}, role.metadata?.labels)) continue;
      for (const rule of rulesOf(role)) {
        const c = canonicalRule(rule);
        if (!out.some((existing) => semanticEqual(existing, c))) out.push(c);
      }
    }
  }
  return out;
}

/** The new rules when they differ (semantically) from the role's current ones, otherwise undefined. */
export function aggregationUpdate(target: KObject, all: readonly KObject[]): PolicyRule[] | undefined {
  if (!selectorsOf(target)) return undefined;
  const rules = aggregateRules(target, all);
  return semanticEqual(rules, rulesOf(target).map(canonicalRule)) ? undefined : rules;
}
