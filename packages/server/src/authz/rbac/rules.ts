// Rule matching exactly as the RBAC authorizer does it (plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows and
// pkg/apis/rbac/v1/evaluation_helpers.go). Written for the hot path: plain loops, no allocation.
import type { Attributes } from '../authorizer.js';
import type { PolicyRule } from './types.js';

export const verbAll = '*';
export const apiGroupAll = '*';
export const resourceAll = '*';
export const nonResourceAll = '*';

function contains(list: readonly string[] | undefined, value: string): boolean {
  if (!list) return false;
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

/** `*` or the exact verb. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  const verbs = rule.verbs;
  for (let i = 0; i < verbs.length; i++) if (verbs[i] === verbAll || verbs[i] === verb) return true;
  return false;
}

/** `*` or the exact group (`""` is the core group). */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  const groups = rule.apiGroups;
  if (!groups) return false;
  for (let i = 0; i < groups.length; i++) if (groups[i] === apiGroupAll || groups[i] === group) return true;
  return false;
}

/**
 * `*`, the exact `resource` or `resource/subresource`, or — only when a subresource is requested — `*\/sub`.
 * `pods` does not match `pods/log`, and `pods/*` is not a wildcard.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  const resources = rule.resources;
  if (!resources) return false;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    if (r === resourceAll || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource))
      return true;
  }
  return false;
}

/** No resourceNames means any name; otherwise an exact match, so nameless requests never match. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames;
  if (!names || names.length === 0) return true;
  return contains(names, name);
}

/** `*`, the exact path, or a rule ending in `*` whose prefix (all trailing `*` trimmed) starts the path. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  const urls = rule.nonResourceURLs;
  if (!urls) return false;
  for (let i = 0; i < urls.length; i++) {
    const u = urls[i]!;
    if (u === nonResourceAll || u === path) return true;
    if (u.endsWith('*') && path.startsWith(trimTrailingStars(u))) return true;
  }
  return false;
}

export function trimTrailingStars(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 42 /* '*' */) end--;
  return s.slice(0, end);
}

/** A request reduced to what rule matching reads, computed once per decision. */
export interface PreparedRequest {
  resourceRequest: boolean;
  verb: string;
  apiGroup: string;
  /** `resource` or `resource/subresource`. */
  combined: string;
  subresource: string;
  /** `*\/subresource` when a subresource is requested, else ''. */
  starSubresource: string;
  name: string;
  path: string;
}

export function prepareRequest(a: Attributes): PreparedRequest {
  return {
    resourceRequest: a.isResourceRequest,
    verb: a.verb,
    apiGroup: a.apiGroup,
    combined: a.subresource ? `${a.resource}/${a.subresource}` : a.resource,
    subresource: a.subresource,
    starSubresource: a.subresource ? `*/${a.subresource}` : '',
    name: a.name,
    path: a.path,
  };
}

export function preparedRuleAllows(p: PreparedRequest, rule: PolicyRule): boolean {
  if (p.resourceRequest)
    return (
      verbMatches(rule, p.verb) &&
      apiGroupMatches(rule, p.apiGroup) &&
      resourceMatches(rule, p.combined, p.subresource) &&
      resourceNameMatches(rule, p.name)
    );
  return verbMatches(rule, p.verb) && nonResourceURLMatches(rule, p.path);
}

/** Whether one rule allows the request. */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  return preparedRuleAllows(prepareRequest(a), rule);
}

/** Whether any of the rules allows the request. */
export function rulesAllow(a: Attributes, rules: readonly PolicyRule[]): boolean {
  const p = prepareRequest(a);
  for (let i = 0; i < rules.length; i++) if (preparedRuleAllows(p, rules[i]!)) return true;
  return false;
}
