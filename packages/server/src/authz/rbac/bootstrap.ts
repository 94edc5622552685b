// The bootstrap RBAC objects kube-apiserver's rbac/bootstrap-roles post-start hook ensures, and the
// reconciliation it applies to existing ones (pkg/registry/rbac/reconciliation: union mode — add what is
// missing, keep extras — unless the object's autoupdate annotation is "false").
import type { KObject } from '../../api/types.js';
import {
  type BindingSpec,
  type ClusterRoleSpec,
  clusterRoleBindingSpecs,
  clusterRoleSpecs,
  controllerRoleSpecs,
  namespaceRoleBindingSpecs,
  namespaceRoleSpecs,
} from './bootstrap-policy.js';
import { covers } from './escalation.js';
import {
  type LabelSelector,
  type PolicyRule,
  autoUpdateAnnotation,
  rbacApiVersion,
  rbacGroup,
  roleRefOf,
  rulesOf,
  selectorsOf,
  semanticEqual,
  subjectsOf,
} from './types.js';

export const bootstrapLabel = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const bootstrapAnnotation = { [autoUpdateAnnotation]: 'true' };

function metadata(name: string, namespace: string | undefined, labels?: Record<string, string>): KObject['metadata'] {
  const meta: KObject['metadata'] = { name };
  if (namespace) meta.namespace = namespace;
  meta.labels = sortKeys({ ...bootstrapLabel, ...labels });
  meta.annotations = { ...bootstrapAnnotation };
  return meta;
}

function sortKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]!]),
  );
}

function role(kind: 'Role' | 'ClusterRole', spec: ClusterRoleSpec, namespace?: string): KObject {
  const obj: KObject = { kind, apiVersion: rbacApiVersion, metadata: metadata(spec.name, namespace, spec.labels) };
  // An aggregated role starts without rules (Go nil: `"rules": null`); the aggregation controller fills them.
  obj.rules = spec.rules ? spec.rules.map((r) => structuredClone(r)) : null;
  if (spec.aggregate) obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { ...spec.aggregate } }] };
  return obj;
}

function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', spec: BindingSpec): KObject {
  const obj: KObject = { kind, apiVersion: rbacApiVersion, metadata: metadata(spec.name, spec.namespace) };
  if (spec.subjects.length) obj.subjects = spec.subjects.map((s) => ({ ...s }));
  obj.roleRef = { apiGroup: rbacGroup, kind: spec.roleKind, name: spec.role };
  return obj;
}

/** Bootstrap ClusterRoles, including the system:controller:* ones, sorted by name. */
export function bootstrapClusterRoles(): KObject[] {
  return [
    ...clusterRoleSpecs.map((s) => role('ClusterRole', s)),
    ...controllerRoleSpecs.map((s) => role('ClusterRole', { ...s, name: `system:controller:${s.name}` })),
  ].sort(byName);
}

/** Bootstrap ClusterRoleBindings, including the system:controller:* ones, sorted by name. */
export function bootstrapClusterRoleBindings(): KObject[] {
  return [
    ...clusterRoleBindingSpecs.map((s) => binding('ClusterRoleBinding', s)),
    ...controllerRoleSpecs.map((s) =>
      binding('ClusterRoleBinding', {
        name: `system:controller:${s.name}`,
        roleKind: 'ClusterRole',
        role: `system:controller:${s.name}`,
        subjects: [{ kind: 'ServiceAccount', name: s.name, namespace: 'kube-system' }],
      }),
    ),
  ].sort(byName);
}

/** Namespaced bootstrap Roles (kube-system, kube-public). */
export function bootstrapRoles(): KObject[] {
  return namespaceRoleSpecs.map((s) => role('Role', s, s.namespace));
}

/** Namespaced bootstrap RoleBindings (kube-system, kube-public). */
export function bootstrapRoleBindings(): KObject[] {
  return namespaceRoleBindingSpecs.map((s) => binding('RoleBinding', s));
}

/** Everything, in the order the post-start hook ensures it: cluster roles, cluster bindings, roles, bindings. */
export function bootstrapPolicy(): KObject[] {
  return [
    ...bootstrapClusterRoles(),
    ...bootstrapClusterRoleBindings(),
    ...bootstrapRoles(),
    ...bootstrapRoleBindings(),
  ];
}

function byName(a: KObject, b: KObject): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

// --- reconciliation ---------------------------------------------------------------------------------------------

export type ReconcileOperation = 'create' | 'update' | 'recreate' | 'none';

export interface ReconcileResult {
  operation: ReconcileOperation;
  /** The object to create or update (for recreate: delete the existing one, then create this). */
  object?: KObject;
  /** The existing object opted out (autoupdate: "false"); nothing is written. */
  protected: boolean;
}

/** merge(expected, existing): existing values win. Undefined when both are absent (Go nil map). */
function mergeMaps(
  expected?: Record<string, string>,
  existing?: Record<string, string>,
): Record<string, string> | undefined {
  if (!expected && !existing) return undefined;
  return { ...expected, ...existing };
}

function sameMap(a?: Record<string, string>, b?: Record<string, string>): boolean {
  return semanticEqual(a ?? null, b ?? null) && !!a === !!b;
}

function mergeMetadata(result: KObject, existing: KObject, expected: KObject): boolean {
  const annotations = mergeMaps(expected.metadata.annotations, existing.metadata.annotations);
  const labels = mergeMaps(expected.metadata.labels, existing.metadata.labels);
  let changed = false;
  if (annotations) result.metadata.annotations = annotations;
  if (!sameMap(annotations, existing.metadata.annotations)) changed = true;
  if (labels) result.metadata.labels = labels;
  if (!sameMap(labels, existing.metadata.labels)) changed = true;
  return changed;
}

function reconcileRole(existing: KObject, expected: KObject): ReconcileResult {
  const result = structuredClone(existing);
  let changed = mergeMetadata(result, existing, expected);

  if (expected.kind === 'ClusterRole') {
    const want = selectorsOf(expected);
    const have = selectorsOf(existing);
    if (!want && have) {
      // Not expected to be aggregated at all: drop the aggregation.
      delete result.aggregationRule;
      changed = true;
    } else if (want) {
      const missing = want.filter((s: LabelSelector) => !(have ?? []).some((h) => semanticEqual(h, s)));
      if (missing.length) {
        result.aggregationRule = { clusterRoleSelectors: [...(have ?? []), ...missing] };
        changed = true;
      }
    }
  }

  // Union mode: append the (broken-down) rules the existing role lacks.
  const { missing } = covers(rulesOf(existing), rulesOf(expected));
  if (missing.length) {
    result.rules = [...(Array.isArray(existing.rules) ? (existing.rules as PolicyRule[]) : []), ...missing];
    changed = true;
  }
  return changed ? { operation: 'update', object: result, protected: false } : { operation: 'none', protected: false };
}

function reconcileBinding(existing: KObject, expected: KObject): ReconcileResult {
  const a = roleRefOf(existing);
  const b = roleRefOf(expected);
  // A different roleRef cannot be updated in place: the binding is deleted and created again.
  if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name)
    return { operation: 'recreate', object: structuredClone(expected), protected: false };
  const result = structuredClone(existing);
  let changed = mergeMetadata(result, existing, expected);
  const have = subjectsOf(existing);
  const raw = Array.isArray(expected.subjects) ? expected.subjects : [];
  const missing: unknown[] = [];
  const missingParsed: ReturnType<typeof subjectsOf> = [];
  subjectsOf(expected).forEach((want, i) => {
    if (have.some((h) => sameSubject(h, want)) || missingParsed.some((m) => sameSubject(m, want))) return;
    missing.push(structuredClone(raw[i]));
    missingParsed.push(want);
  });
  if (missing.length) {
    result.subjects = [...(Array.isArray(existing.subjects) ? existing.subjects : []), ...missing];
    changed = true;
  }
  // Stored by an older kubeauth with empty omitempty members (`"apiGroup":""`): the update's defaulting drops them.
  if (hasEmptySubjectMembers(existing)) changed = true;
  return changed ? { operation: 'update', object: result, protected: false } : { operation: 'none', protected: false };
}

function hasEmptySubjectMembers(binding: KObject): boolean {
  if (!Array.isArray(binding.subjects)) return false;
  return (binding.subjects as unknown[]).some((s) => {
    const r = s as { apiGroup?: unknown; namespace?: unknown } | null;
    return !!r && typeof r === 'object' && (r.apiGroup === '' || r.namespace === '');
  });
}

function sameSubject(
  a: { kind: string; apiGroup?: string; name: string; namespace?: string },
  b: { kind: string; apiGroup?: string; name: string; namespace?: string },
): boolean {
  return (
    a.kind === b.kind &&
    (a.apiGroup ?? '') === (b.apiGroup ?? '') &&
    a.name === b.name &&
    (a.namespace ?? '') === (b.namespace ?? '')
  );
}

/** The reconcile decision for one bootstrap object (ReconcileRoleOptions/ReconcileRoleBindingOptions.Run). */
export function reconcileOperation(existing: KObject | undefined, desired: KObject): ReconcileResult {
  if (!existing) return { operation: 'create', object: structuredClone(desired), protected: false };
  const r =
    desired.kind === 'RoleBinding' || desired.kind === 'ClusterRoleBinding'
      ? reconcileBinding(existing, desired)
      : reconcileRole(existing, desired);
  // Protected: the operation is reported but not to be performed.
  if (existing.metadata.annotations?.[autoUpdateAnnotation] === 'false')
    return { operation: r.operation, protected: true };
  return r;
}

/**
 * The object to write to bring `existing` in line with `desired`: `desired` when missing, `existing` plus what it
 * lacks when autoupdate is not "false", undefined when nothing needs writing (or the object is protected).
 * A binding whose roleRef changed comes back as `desired`; the caller must delete and re-create it (see
 * reconcileOperation for the distinction).
 */
export function reconcile(existing: KObject | undefined, desired: KObject): KObject | undefined {
  const r = reconcileOperation(existing, desired);
  return r.protected ? undefined : r.object;
}
