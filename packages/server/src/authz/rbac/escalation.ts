// Privilege-escalation prevention for writes of RBAC objects (pkg/registry/rbac/escalation_check.go, the
// */policybased/storage.go wrappers, pkg/registry/rbac/validation/rule.go ConfirmNoEscalation and
// component-helpers/auth/rbac/validation/policy_comparator.go Covers). A user may only create or change a role,
// or bind one, if they already hold every permission it grants — unless they are in system:masters or are
// authorized for `escalate` (roles) / `bind` (bindings).
import { StatusError, aggregate, errors } from '../../api/errors.js';
import type { KObject, UserInfo } from '../../api/types.js';
import type { Attributes, AuthorizerResult } from '../authorizer.js';
import type { RbacIndex, RoleRefError } from './index.js';
import { storageErrorMessage, unsupportedKindMessage } from './resolution.js';
import { apiGroupAll, nonResourceAll, resourceAll, trimTrailingStars, verbAll } from './rules.js';
import {
  type PolicyRule,
  type RbacKind,
  isRbacKind,
  rbacGroup,
  resourceOf,
  roleRefOf,
  rulesOf,
  selectorsOf,
  semanticEqual,
} from './types.js';
import { goQuote, goQuoteList } from '../../gocompat/quote.js';

// --- coverage -------------------------------------------------------------------------------------------------

/** One rule per (group, resource, verb[, resourceName]) and per (url, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs) {
        if (rule.resourceNames?.length)
          for (const resourceName of rule.resourceNames)
            out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [resourceName] });
        else out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
      }
  for (const url of rule.nonResourceURLs ?? [])
    for (const verb of rule.verbs) out.push({ verbs: [verb], nonResourceURLs: [url] });
  return out;
}

const has = (set: readonly string[] | undefined, e: string) => !!set && set.includes(e);
const hasAll = (set: readonly string[] | undefined, contains: readonly string[] | undefined) =>
  (contains ?? []).every((e) => has(set, e));

function resourceCoversAll(owner: readonly string[] | undefined, covers: readonly string[] | undefined): boolean {
  if (has(owner, resourceAll) || hasAll(owner, covers)) return true;
  for (const path of covers ?? []) {
    if (has(owner, path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!has(owner, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, sub: string): boolean {
  return owner === sub || (owner.endsWith('*') && sub.startsWith(trimTrailingStars(owner)));
}

/** Whether `owner` covers a broken-down rule (at most one verb, resource, name or URL). */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, verbAll) || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, apiGroupAll) || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = (sub.nonResourceURLs ?? []).every((p) =>
    (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, p)),
  );
  const names = sub.resourceNames?.length
    ? !owner.resourceNames?.length || hasAll(owner.resourceNames, sub.resourceNames)
    : !owner.resourceNames?.length;
  return verbs && groups && resources && names && urls;
}

/** Covers: whether the owner's rules grant everything the servant's do, and the broken-down rules they miss. */
export function covers(
  ownerRules: readonly PolicyRule[],
  servantRules: readonly PolicyRule[],
): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const servant of servantRules)
    for (const sub of breakdownRule(servant)) if (!ownerRules.some((o) => ruleCovers(o, sub))) missing.push(sub);
  return { covered: missing.length === 0, missing };
}

/** CompactRules: broken-down rules on a single group/resource with no names merge their verbs (in order). */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const isSimple =
      !rule.resourceNames?.length &&
      !rule.nonResourceURLs?.length &&
      rule.apiGroups?.length === 1 &&
      rule.resources?.length === 1;
    if (!isSimple) {
      compacted.push(rule);
      continue;
    }
    const k = JSON.stringify([rule.apiGroups![0], rule.resources![0]]);
    const existing = simple.get(k);
    if (existing) existing.verbs.push(...rule.verbs);
    else simple.set(k, { verbs: [...rule.verbs], apiGroups: [...rule.apiGroups!], resources: [...rule.resources!] });
  }
  return [...compacted, ...simple.values()];
}

/** Go's rbacv1helpers.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** The escalation error text, with the missing rules compacted, one per line, sorted and de-duplicated. */
export function escalationMessage(
  user: UserInfo,
  missing: readonly PolicyRule[],
  resolutionErrors: readonly string[],
): string {
  const lines = [...new Set(compactRules(missing).map(compactString))].sort(byteOrder);
  let msg = `user ${goQuote(user.username)} (groups=${goQuoteList(user.groups ?? [])}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  // Go prints the []error{aggregate} with %v: the aggregate's text in brackets.
  if (resolutionErrors.length) msg += `; resolution errors: [${aggregate(resolutionErrors)}]`;
  return msg;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * ConfirmNoEscalation: undefined when the user's own rules in `namespace` cover `rules`, otherwise the error
 * text. Roles are resolved the way the registry does (storage, so missing roles read `roles.… "x" not found`).
 */
export function confirmNoEscalation(
  user: UserInfo,
  rules: readonly PolicyRule[],
  namespace: string,
  index: RbacIndex,
): string | undefined {
  const own = index.rulesFor(user, namespace);
  const { covered, missing } = covers(own.rules, rules);
  if (covered) return undefined;
  return escalationMessage(user, missing, own.errors.map(storageErrorMessage));
}

/** `*` on everything: what setting an aggregationRule requires. */
export const fullAuthority: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: [nonResourceAll] },
];

// --- registry checks ------------------------------------------------------------------------------------------

/** What the registry knows about the write being checked. */
export interface EscalationContext {
  user: UserInfo;
  /** Request namespace from the URL ('' for cluster-scoped kinds). */
  namespace: string;
  /** Request name from the URL ('' on create). */
  name: string;
  /** The full authorizer chain (for the `escalate` and `bind` verbs). */
  authorize: (a: Attributes) => AuthorizerResult;
  index: RbacIndex;
}

function isMaster(user: UserInfo): boolean {
  return (user.groups ?? []).includes('system:masters');
}

function kindOf(obj: KObject, fallback?: RbacKind): RbacKind {
  if (isRbacKind(obj.kind)) return obj.kind;
  if (fallback) return fallback;
  throw errors.badRequest(`not an RBAC object: ${String(obj.kind)}`);
}

function resourceAttributes(
  user: UserInfo,
  verb: string,
  resource: string,
  namespace: string,
  name: string,
): Attributes {
  return {
    user,
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: rbacGroup,
    apiVersion: '*',
    resource,
    subresource: '',
    namespace,
    name,
  };
}

function hasAggregationRule(obj: KObject | undefined): boolean {
  return !!obj && (selectorsOf(obj)?.length ?? 0) > 0;
}

/**
 * IsOnlyMutatingGCFields: an update that changes nothing but ownerReferences, finalizers (and selfLink /
 * managedFields) is not checked, so the garbage collector can always finish deletions. Pass the incoming
 * object before the registry stamps resourceVersion/generation on it.
 */
export function isOnlyMutatingGCFields(obj: KObject, old: KObject | undefined): boolean {
  if (!old) return false;
  const meta = { ...obj.metadata };
  for (const f of ['ownerReferences', 'finalizers', 'selfLink', 'managedFields'] as const) {
    if (old.metadata?.[f] === undefined) delete meta[f];
    else (meta as Record<string, unknown>)[f] = old.metadata[f];
  }
  return semanticEqual({ ...obj, metadata: meta }, old);
}

/**
 * Create (old undefined) or update of a Role/ClusterRole. Throws the 403 StatusError kube-apiserver returns.
 */
export function checkRoleEscalation(ctx: EscalationContext, obj: KObject, old?: KObject): void {
  const kind = kindOf(obj, old && isRbacKind(old.kind) ? old.kind : undefined);
  if (kind !== 'Role' && kind !== 'ClusterRole') throw errors.badRequest(`not a role: ${kind}`);
  if (isMaster(ctx.user)) return;
  const resource = resourceOf[kind];
  const escalate = ctx.authorize(resourceAttributes(ctx.user, 'escalate', resource, ctx.namespace, ctx.name));
  if (escalate.decision === 'Allow') return;
  if (old && isOnlyMutatingGCFields(obj, old)) return;
  const name = obj.metadata?.name ?? '';
  const gr = { group: rbacGroup, resource };
  const msg = confirmNoEscalation(ctx.user, rulesOf(obj), ctx.namespace, ctx.index);
  if (msg) throw errors.forbidden(gr, name, msg);
  // An aggregationRule can gather anything (and prevent tightening), so setting or changing one needs `*`.
  if (kind === 'ClusterRole' && (hasAggregationRule(obj) || hasAggregationRule(old))) {
    if (confirmNoEscalation(ctx.user, fullAuthority, ctx.namespace, ctx.index))
      throw errors.forbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
  }
}

/**
 * Create (old undefined) or update of a RoleBinding/ClusterRoleBinding: allowed for system:masters, for users
 * authorized to `bind` the referenced role, or when the user holds all its permissions. A missing role is its
 * NotFound (404); an unknown roleRef kind is a plain error (500). Runs before validation, as in kube-apiserver.
 */
export function checkBindingEscalation(ctx: EscalationContext, obj: KObject, old?: KObject): void {
  const kind = kindOf(obj, old && isRbacKind(old.kind) ? old.kind : undefined);
  if (kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding') throw errors.badRequest(`not a binding: ${kind}`);
  if (isMaster(ctx.user)) return;
  if (old && isOnlyMutatingGCFields(obj, old)) return;
  const namespace = kind === 'RoleBinding' ? ctx.namespace : '';
  if (kind === 'RoleBinding' && !namespace) throw errors.badRequest('namespace is required');
  const roleRef = roleRefOf(obj);
  if (roleRef.kind === 'Role' || roleRef.kind === 'ClusterRole') {
    const a = resourceAttributes(
      ctx.user,
      'bind',
      roleRef.kind === 'Role' ? 'roles' : 'clusterroles',
      namespace,
      roleRef.name,
    );
    // BindingAuthorized asks in the roleRef's group (defaulted to rbac.authorization.k8s.io).
    a.apiGroup = roleRef.apiGroup;
    if (ctx.authorize(a).decision === 'Allow') return;
  }
  const ref = ctx.index.roleReferenceRules(roleRef, namespace);
  if (ref.error) throw roleRefStatusError(ref.error);
  const msg = confirmNoEscalation(ctx.user, ref.rules, namespace, ctx.index);
  if (msg) throw errors.forbidden({ group: rbacGroup, resource: resourceOf[kind] }, obj.metadata?.name ?? '', msg);
}

/** The registry's error for an unresolvable roleRef: storage NotFound, or a non-Status error (500 Unknown). */
export function roleRefStatusError(err: RoleRefError): StatusError {
  if (err.reason === 'NotFound')
    return errors.notFound({ group: rbacGroup, resource: err.kind === 'Role' ? 'roles' : 'clusterroles' }, err.name);
  return errors.unknown(unsupportedKindMessage(err.kind));
}
