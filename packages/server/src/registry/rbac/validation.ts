// Defaulting (pkg/apis/rbac/v1/defaults.go) and validation (pkg/apis/rbac/validation/validation.go) of the four
// RBAC kinds, with Kubernetes' field paths and messages. Rule checks here are only the structural ones; whether
// a user may grant a rule is the escalation check (escalation.ts), which runs before validation.
import { type FieldError, invalid, notSupported, required } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { isDNS1123Subdomain, isValidPathSegmentName } from '../../api/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/objectmeta.js';
import { invalidRaw } from '../../api/validation/values.js';
import type { ResourceStrategy } from '../types.js';
import { validateLabelSelector } from '../../authz/rbac/labelselector.js';
import { goRoleRef } from '../../authz/gostring.js';
import {
  type LabelSelector,
  type PolicyRule,
  type RbacKind,
  type Subject,
  rbacGroup,
  roleRefOf,
  rulesOf,
  selectorsOf,
  subjectsOf,
} from '../../authz/rbac/types.js';

// --- defaults ---------------------------------------------------------------------------------------------------

/**
 * SetDefaults: roleRef.apiGroup and subject apiGroup (RBAC group for User/Group). A ServiceAccount's is "", which
 * Subject's `apiGroup,omitempty` never serializes: it is left out, as are an empty apiGroup or namespace a client
 * sends (decoding into the Go type and encoding again drops them).
 */
export function setDefaults(obj: KObject): void {
  if (obj.kind !== 'RoleBinding' && obj.kind !== 'ClusterRoleBinding') return;
  if (obj.roleRef && typeof obj.roleRef === 'object') {
    const ref = obj.roleRef as Record<string, unknown>;
    if (!ref.apiGroup) ref.apiGroup = rbacGroup;
  }
  if (Array.isArray(obj.subjects))
    for (const s of obj.subjects as Array<Record<string, unknown>>) {
      if (!s || typeof s !== 'object') continue;
      if (s.namespace === '') delete s.namespace;
      if (s.apiGroup) continue;
      if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
      else if (s.apiGroup === '') delete s.apiGroup;
    }
}

// --- rules ------------------------------------------------------------------------------------------------------

/** ValidateRBACName: names only need to be valid path segments (for name and generateName alike). */
export const rbacNameFn = (name: string): string[] => isValidPathSegmentName(name);

/** ValidatePolicyRule. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (rule.verbs.length === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  if (rule.nonResourceURLs?.length) {
    if (namespaced)
      errs.push(
        invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'),
      );
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length)
      errs.push(
        invalid(
          `${path}.nonResourceURLs`,
          rule.nonResourceURLs,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    return errs;
  }
  if (!rule.apiGroups?.length)
    errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (!rule.resources?.length)
    errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  rulesOf(obj).forEach((r, i) => errs.push(...validatePolicyRule(r, namespaced, `rules[${i}]`)));
  return errs;
}

// --- roles ------------------------------------------------------------------------------------------------------

export function validateRole(obj: KObject): FieldError[] {
  return [
    ...validateObjectMeta(obj.metadata ?? {}, { namespaced: true, nameFn: rbacNameFn }),
    ...validateRules(obj, true),
  ];
}

export function validateRoleUpdate(obj: KObject, old: KObject): FieldError[] {
  return [...validateRole(obj), ...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {})];
}

export interface ClusterRoleValidationOptions {
  /** Tolerate invalid label values in selectors (on update, when the old object already had them). */
  allowInvalidLabelValueInSelector?: boolean;
}

export function validateClusterRole(obj: KObject, opts: ClusterRoleValidationOptions = {}): FieldError[] {
  const errs = [
    ...validateObjectMeta(obj.metadata ?? {}, { namespaced: false, nameFn: rbacNameFn }),
    ...validateRules(obj, false),
  ];
  const selectors = selectorsOf(obj);
  if (selectors) {
    const path = 'aggregationRule.clusterRoleSelectors';
    if (selectors.length === 0)
      errs.push(required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((sel, i) => {
      const strict = validateLabelSelector(sel ?? {}, `${path}[${i}]`);
      errs.push(...(opts.allowInvalidLabelValueInSelector ? strict.filter((e) => !isLabelValueError(e)) : strict));
      // LabelSelectorAsSelector fails on anything the strict validation rejects; Go then reports the (nil)
      // selector as the bad value.
      if (strict.length) errs.push(invalid(`${path}[${i}]`, 'null', 'invalid label selector.'));
    });
  }
  return errs;
}

function isLabelValueError(e: FieldError): boolean {
  return /\.values\[\d+\]$/.test(e.field);
}

function hasInvalidLabelValueInSelector(obj: KObject): boolean {
  return (selectorsOf(obj) ?? []).some((sel: LabelSelector) =>
    validateLabelSelector(sel ?? {}, 's').some(isLabelValueError),
  );
}

export function validateClusterRoleUpdate(obj: KObject, old: KObject): FieldError[] {
  const opts = { allowInvalidLabelValueInSelector: hasInvalidLabelValueInSelector(old) };
  return [...validateClusterRole(obj, opts), ...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {})];
}

// --- bindings ---------------------------------------------------------------------------------------------------

/** ValidateRoleBindingSubject. */
export function validateSubject(s: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(`${path}.name`, ''));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const msg of isDNS1123Subdomain(s.name)) errs.push(invalid(`${path}.name`, s.name, msg));
      if (s.apiGroup) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${path}.namespace`, ''));
      break;
    case 'User':
    case 'Group':
      if ((s.apiGroup ?? '') !== rbacGroup) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [rbacGroup]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s.kind, ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KObject, namespaced: boolean): FieldError[] {
  const errs = [...validateObjectMeta(obj.metadata ?? {}, { namespaced, nameFn: rbacNameFn })];
  const ref = roleRefOf(obj);
  if (ref.apiGroup !== rbacGroup) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup, [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind, kinds));
  if (!ref.name) errs.push(required('roleRef.name', ''));
  else for (const msg of rbacNameFn(ref.name)) errs.push(invalid('roleRef.name', ref.name, msg));
  subjectsOf(obj).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

function roleRefChanged(obj: KObject, old: KObject): FieldError[] {
  const a = roleRefOf(obj);
  const b = roleRefOf(old);
  if (a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name) return [];
  // Go prints the internal struct with %#v: roleRef: Invalid value: rbac.RoleRef{APIGroup:"…", Kind:"…", Name:"…"}
  return [invalidRaw('roleRef', goRoleRef(a), 'cannot change roleRef')];
}

export function validateRoleBinding(obj: KObject): FieldError[] {
  return validateBinding(obj, true);
}

export function validateRoleBindingUpdate(obj: KObject, old: KObject): FieldError[] {
  return [
    ...validateRoleBinding(obj),
    ...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {}),
    ...roleRefChanged(obj, old),
  ];
}

export function validateClusterRoleBinding(obj: KObject): FieldError[] {
  return validateBinding(obj, false);
}

export function validateClusterRoleBindingUpdate(obj: KObject, old: KObject): FieldError[] {
  return [
    ...validateClusterRoleBinding(obj),
    ...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {}),
    ...roleRefChanged(obj, old),
  ];
}

// --- dispatch ---------------------------------------------------------------------------------------------------

const creates: Record<RbacKind, (o: KObject) => FieldError[]> = {
  Role: validateRole,
  ClusterRole: (o) => validateClusterRole(o),
  RoleBinding: validateRoleBinding,
  ClusterRoleBinding: validateClusterRoleBinding,
};

const updates: Record<RbacKind, (o: KObject, old: KObject) => FieldError[]> = {
  Role: validateRoleUpdate,
  ClusterRole: validateClusterRoleUpdate,
  RoleBinding: validateRoleBindingUpdate,
  ClusterRoleBinding: validateClusterRoleBindingUpdate,
};

/** Registry strategies (defaults + the kind's validation, ObjectMeta included) for the four kinds. */
export const rbacStrategies: Record<RbacKind, ResourceStrategy> = Object.fromEntries(
  (Object.keys(creates) as RbacKind[]).map((kind) => [
    kind,
    { defaults: setDefaults, validate: creates[kind], validateUpdate: updates[kind] } satisfies ResourceStrategy,
  ]),
) as Record<RbacKind, ResourceStrategy>;
