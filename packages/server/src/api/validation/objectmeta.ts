// ObjectMeta validation: k8s.io/apimachinery/pkg/api/validation/objectmeta.go (the generic checks every stored
// object gets) plus pkg/apis/core/validation's wrapper (finalizer names), with kube-apiserver's messages.
import { type FieldError, forbidden, invalid, required, tooLong } from '../field.js';
import { getKey } from '../ownkeys.js';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from '../types.js';
import { type NameFn, byteLength, isQualifiedName, isValidLabelValue, nameIsDNSLabel } from './names.js';
import { goOwnerReference, goOwnerReferences, goTime, invalidRaw, pathKey } from './values.js';

export const fieldImmutableErrorMsg = 'field is immutable';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';
/** 256 KiB: the sum of the byte lengths of all annotation keys and values. */
export const totalAnnotationSizeLimitB = 256 * 1024;

export interface MetaOptions {
  /** The kind lives in a namespace (metadata.namespace required) or at cluster scope (forbidden). */
  namespaced: boolean;
  /** Rule for metadata.name and generateName (DNS subdomain for most kinds). */
  nameFn: NameFn;
}

/** apimachineryvalidation.ValidateNonnegativeField */
export function validateNonnegativeField(value: number, path: string): FieldError[] {
  return value < 0 ? [invalid(path, value, isNegativeErrorMsg)] : [];
}

/** apimachineryvalidation.ValidateImmutableField, for plain JSON values (deep equality). */
export function validateImmutableField(newVal: unknown, oldVal: unknown, path: string): FieldError[] {
  return semanticEqual(newVal, oldVal) ? [] : [invalid(path, newVal ?? null, fieldImmutableErrorMsg)];
}

/** Label keys are qualified names, values label values; both reported at the labels path itself. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg));
}

export function annotationsSize(annotations: Record<string, string> | undefined): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) total += byteLength(k) + byteLength(v);
  return total;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  // Annotation keys are checked case-insensitively (the lower-cased key must be a qualified name).
  for (const k of Object.keys(annotations ?? {}))
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
  if (annotationsSize(annotations) > totalAnnotationSizeLimitB) errs.push(tooLong(path, '', totalAnnotationSizeLimitB));
  return errs;
}

/** schema.ParseGroupVersion as FromAPIVersionAndKind uses it (a parse error yields an empty group/version). */
function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: '', version: '' };
}

/** Kinds that may never own anything (apimachineryvalidation.BannedOwners). */
const bannedOwners = [{ group: '', version: 'v1', kind: 'Event' }];

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const gv = parseGroupVersion(ref.apiVersion ?? '');
  const kind = ref.kind ?? '';
  if (!gv.version) errs.push(invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
  if (!kind) errs.push(invalid(`${path}.kind`, kind, 'kind must not be empty'));
  if (!ref.name) errs.push(invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
  if (bannedOwners.some((b) => b.group === gv.group && b.version === gv.version && b.kind === kind)) {
    // GroupVersionKind.String(): "<group>/<version>, Kind=<kind>".
    errs.push(
      invalidRaw(
        path,
        goOwnerReference(ref),
        `${gv.group}/${gv.version}, Kind=${kind} is disallowed from being an owner`,
      ),
    );
  }
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const cur = `${ref.kind ?? ''}/${ref.name ?? ''}`;
      if (firstController) {
        errs.push(
          invalidRaw(
            path,
            goOwnerReferences(refs!),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else firstController = cur;
    }
  }
  return errs;
}

export function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg));
}

/** apimachineryvalidation.ValidateFinalizers: every name is reported at the list path, without an index. */
export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let orphan = false;
  let foreground = false;
  for (const f of finalizers ?? []) {
    errs.push(...validateFinalizerName(f, path));
    if (f === 'orphan') orphan = true;
    if (f === 'foregroundDeletion') foreground = true;
  }
  if (orphan && foreground)
    errs.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  return errs;
}

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Core's extra rule: a name without a '/' must be one of the standard finalizers. */
export function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  if (name.split('/').length === 1 && !standardFinalizers.has(name))
    return [invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  return [];
}

/** metav1validation.ValidateFieldManager */
export function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > 128) errs.push(tooLong(path, '', 128));
  let pos = 0;
  for (const ch of manager) {
    const c = ch.codePointAt(0)!;
    if (!isGoPrint(c)) errs.push(invalid(path, manager, `invalid character ${goUnicode(c)} (at position ${pos})`));
    pos += byteLength(ch);
  }
  return errs;
}

/** unicode.IsPrint for the characters we meet: control characters and non-space separators are not printable. */
function isGoPrint(c: number): boolean {
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return false;
  if (c === 0x20) return true;
  return !/[\p{Z}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u.test(String.fromCodePoint(c));
}

/** Go's %#U: U+0007 (or U+0041 'A' for printable characters). */
function goUnicode(c: number): string {
  const hex = c.toString(16).toUpperCase().padStart(4, '0');
  return isGoPrint(c) ? `U+${hex} '${String.fromCodePoint(c)}'` : `U+${hex}`;
}

export function validateManagedFields(entries: ManagedFieldsEntry[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (e.operation !== 'Apply' && e.operation !== 'Update')
      errs.push(invalid(`${p}.operation`, e.operation ?? '', 'must be `Apply` or `Update`'));
    if (e.fieldsType && e.fieldsType !== 'FieldsV1')
      errs.push(invalid(`${p}.fieldsType`, e.fieldsType, 'must be `FieldsV1`'));
    errs.push(...validateFieldManager(e.manager ?? '', `${p}.manager`));
    if (byteLength(e.subresource ?? '') > 256) errs.push(tooLong(`${p}.subresource`, '', 256));
  });
  return errs;
}

/**
 * apimachineryvalidation.ValidateObjectMetaAccessor: the generic checks (name/generateName by `nameFn`,
 * namespace presence, generation, labels, annotations, owner references, finalizers, managed fields).
 */
export function validateObjectMetaGeneric(meta: ObjectMeta, opts: MetaOptions, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName)
    for (const msg of opts.nameFn(meta.generateName, true))
      errs.push(invalid(`${path}.generateName`, meta.generateName, msg));
  if (!meta.name) errs.push(required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of opts.nameFn(meta.name, false)) errs.push(invalid(`${path}.name`, meta.name, msg));
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(required(`${path}.namespace`));
    else
      for (const msg of nameIsDNSLabel(meta.namespace, false))
        errs.push(invalid(`${path}.namespace`, meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(meta.generation ?? 0, `${path}.generation`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  errs.push(...validateManagedFields(meta.managedFields, `${path}.managedFields`));
  return errs;
}

/** Core's ValidateObjectMeta: the generic checks plus the standard-finalizer rule, each at its index. */
export function validateObjectMeta(meta: ObjectMeta, opts: MetaOptions, path = 'metadata'): FieldError[] {
  const errs = validateObjectMetaGeneric(meta, opts, path);
  (meta.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, `${path}.finalizers[${i}]`)));
  return errs;
}

/** apimachineryvalidation.ValidateObjectMetaAccessorUpdate */
export function validateObjectMetaUpdateGeneric(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const oldSet = new Set(old.finalizers ?? []);
    const extra = [...new Set((meta.finalizers ?? []).filter((f) => !oldSet.has(f)))].sort();
    if (extra.length)
      errs.push(
        forbidden(
          `${path}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
  }
  if (!meta.resourceVersion)
    errs.push(invalid(`${path}.resourceVersion`, meta.resourceVersion ?? '', 'must be specified for an update'));
  if ((meta.generation ?? 0) < (old.generation ?? 0))
    errs.push(invalid(`${path}.generation`, meta.generation ?? 0, 'must not be decremented'));
  errs.push(...validateImmutableField(meta.name ?? '', old.name ?? '', `${path}.name`));
  errs.push(...validateImmutableField(meta.namespace ?? '', old.namespace ?? '', `${path}.namespace`));
  errs.push(...validateImmutableField(meta.uid ?? '', old.uid ?? '', `${path}.uid`));
  if ((meta.creationTimestamp ?? null) !== (old.creationTimestamp ?? null))
    errs.push(invalidRaw(`${path}.creationTimestamp`, goTime(meta.creationTimestamp), fieldImmutableErrorMsg));
  if ((meta.deletionTimestamp ?? null) !== (old.deletionTimestamp ?? null))
    errs.push(
      invalidRaw(
        `${path}.deletionTimestamp`,
        meta.deletionTimestamp ? goTime(meta.deletionTimestamp) : 'null',
        fieldImmutableErrorMsg,
      ),
    );
  errs.push(
    ...validateImmutableField(
      meta.deletionGracePeriodSeconds ?? null,
      old.deletionGracePeriodSeconds ?? null,
      `${path}.deletionGracePeriodSeconds`,
    ),
  );
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateManagedFields(meta.managedFields, `${path}.managedFields`));
  return errs;
}

/** Core's ValidateObjectMetaUpdate: generic update checks plus the standard-finalizer rule. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs = validateObjectMetaUpdateGeneric(meta, old, path);
  (meta.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, `${path}.finalizers[${i}]`)));
  return errs;
}

/** Deep equality of JSON values, with Go's Semantic.DeepEqual treatment of nil vs empty left strict. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => semanticEqual(v, bb[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  // getKey: a key of `a` that `b` lacks must not find an inherited member such as `constructor` in `b`.
  return ka.every((k) => semanticEqual((a as Record<string, unknown>)[k], getKey(b as Record<string, unknown>, k)));
}

export { pathKey };
