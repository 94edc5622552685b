// rbac.authorization.k8s.io/v1 shapes as the authorizer sees them, and tolerant readers that turn stored
// objects (plain JSON, possibly with missing or null fields) into them.
import { getKey } from '../../api/ownkeys.js';
import type { KObject } from '../../api/types.js';

export const rbacGroup = 'rbac.authorization.k8s.io';
export const rbacApiVersion = 'rbac.authorization.k8s.io/v1';
/** metadata.annotations key that opts a bootstrap object out of reconciliation when set to "false". */
export const autoUpdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type RbacKind = 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding';

export function isRbacKind(kind: unknown): kind is RbacKind {
  return kind === 'Role' || kind === 'ClusterRole' || kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
}

/** The plural resource of each kind (for errors and authorization attributes). */
export const resourceOf: Record<RbacKind, string> = {
  Role: 'roles',
  ClusterRole: 'clusterroles',
  RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings',
};

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Reads one PolicyRule, keeping absent lists absent (Go nil) so they print and compare like Go's. */
export function toPolicyRule(v: unknown): PolicyRule {
  const r = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const rule: PolicyRule = { verbs: strings(r.verbs) ?? [] };
  const apiGroups = strings(r.apiGroups);
  if (apiGroups) rule.apiGroups = apiGroups;
  const resources = strings(r.resources);
  if (resources) rule.resources = resources;
  const resourceNames = strings(r.resourceNames);
  if (resourceNames) rule.resourceNames = resourceNames;
  const urls = strings(r.nonResourceURLs);
  if (urls) rule.nonResourceURLs = urls;
  return rule;
}

export function rulesOf(obj: KObject): PolicyRule[] {
  return Array.isArray(obj.rules) ? obj.rules.map(toPolicyRule) : [];
}

export function subjectsOf(obj: KObject): Subject[] {
  if (!Array.isArray(obj.subjects)) return [];
  return obj.subjects.map((s) => {
    const r = (s && typeof s === 'object' ? s : {}) as Record<string, unknown>;
    const subject: Subject = { kind: str(r.kind), name: str(r.name) };
    if (typeof r.apiGroup === 'string') subject.apiGroup = r.apiGroup;
    if (typeof r.namespace === 'string') subject.namespace = r.namespace;
    return subject;
  });
}

export function roleRefOf(obj: KObject): RoleRef {
  const r = (obj.roleRef && typeof obj.roleRef === 'object' ? obj.roleRef : {}) as Record<string, unknown>;
  return { apiGroup: str(r.apiGroup), kind: str(r.kind), name: str(r.name) };
}

/** aggregationRule.clusterRoleSelectors, or undefined when the role has no aggregationRule at all. */
export function selectorsOf(obj: KObject): LabelSelector[] | undefined {
  const agg = obj.aggregationRule;
  if (!agg || typeof agg !== 'object') return undefined;
  const sels = (agg as Record<string, unknown>).clusterRoleSelectors;
  return Array.isArray(sels) ? (sels as LabelSelector[]) : [];
}

/** Deep equality for JSON data where, as in Go's Semantic.DeepEqual, nil and empty lists/maps are equal. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const emptyA = isEmptyish(a);
  const emptyB = isEmptyish(b);
  if (emptyA || emptyB) return emptyA && emptyB;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => semanticEqual(v, bb[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) {
    // Own members only: a key one side lacks reads as absent, never as an inherited `constructor`.
    const va = getKey(ra, k);
    const vb = getKey(rb, k);
    if (!semanticEqual(va, vb) && !(isZero(va) && isZero(vb))) return false;
  }
  return true;
}

function isEmptyish(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** Go zero values of struct fields (absent JSON fields decode to them). */
function isZero(v: unknown): boolean {
  return isEmptyish(v) || v === '' || v === 0 || v === false;
}
