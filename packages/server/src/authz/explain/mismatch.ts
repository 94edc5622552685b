// Which attributes of a request a rule fails on, using the authorizer's own matchers (rbac/rules.ts) one
// attribute at a time: a rule allows exactly when this list is empty.
import {
  type PreparedRequest,
  apiGroupMatches,
  nonResourceURLMatches,
  resourceMatches,
  resourceNameMatches,
  verbMatches,
} from '../rbac/rules.js';
import type { PolicyRule } from '../rbac/types.js';

/** The attribute a near miss differs in (namespace: the rule is bound in another namespace). */
export type Attribute =
  'verb' | 'apiGroup' | 'resource' | 'subresource' | 'resourceName' | 'nonResourceURL' | 'namespace';

export function mismatches(p: PreparedRequest, rule: PolicyRule): Attribute[] {
  const out: Attribute[] = [];
  // A rule without URLs can never allow a URL, whatever one changes: not a near miss, whatever its verbs.
  if (!p.resourceRequest && !rule.nonResourceURLs?.length) return ['nonResourceURL', 'resource'];
  if (!verbMatches(rule, p.verb)) out.push('verb');
  if (!p.resourceRequest) {
    if (!nonResourceURLMatches(rule, p.path)) out.push('nonResourceURL');
    return out;
  }
  if (!apiGroupMatches(rule, p.apiGroup)) out.push('apiGroup');
  if (!resourceMatches(rule, p.combined, p.subresource)) out.push(resourceOrSubresource(p, rule));
  if (!resourceNameMatches(rule, p.name)) out.push('resourceName');
  return out;
}

/**
 * A rule naming the same resource with another (or no) subresource, or a `*\/sub` form, misses on the
 * subresource; anything else on the resource.
 */
function resourceOrSubresource(p: PreparedRequest, rule: PolicyRule): Attribute {
  const base = p.subresource ? p.combined.slice(0, p.combined.length - p.subresource.length - 1) : p.combined;
  for (const r of rule.resources ?? []) {
    const slash = r.indexOf('/');
    if (slash < 0) {
      if (r === base && p.subresource) return 'subresource';
      continue;
    }
    const rb = r.slice(0, slash);
    if (rb === base || (rb === '*' && p.subresource)) return 'subresource';
  }
  return 'resource';
}
