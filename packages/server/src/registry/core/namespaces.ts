// Namespaces (pkg/registry/core/namespace/strategy.go): DNS-label names, the `kubernetes` finalizer and phase
// Active on create, the kubernetes.io/metadata.name label always equal to the name.
import type { FieldError } from '../../api/field.js';
import { invalid } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { nameIsDNSLabel } from '../../api/validation/names.js';
import {
  validateFinalizerName,
  validateKubeFinalizerName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../api/validation/objectmeta.js';
import { arr, rec, str } from '../../api/validation/util.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import { age } from '../printers/duration.js';
import { ageColumn, nameColumn } from '../printers/default.js';
import { ensure, keepGeneration } from './common.js';

export const metadataNameLabel = 'kubernetes.io/metadata.name';

/** SetDefaults_Namespace / Canonicalize: the name label (only once the name is known). */
function setNameLabel(obj: KObject): void {
  if (!obj.metadata.name) return;
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [metadataNameLabel]: obj.metadata.name };
}

function finalizers(obj: KObject): string[] {
  return arr(rec(obj.spec)?.finalizers).map(String);
}

/** validateFinalizerName for spec.finalizers: qualified name and standard-name rules, both at the list path. */
function validateSpecFinalizers(obj: KObject, indexed: boolean): FieldError[] {
  const errs: FieldError[] = [];
  finalizers(obj).forEach((f, i) => {
    const path = indexed ? `spec.finalizers[${i}]` : 'spec.finalizers';
    errs.push(...validateFinalizerName(f, path), ...validateKubeFinalizerName(f, path));
  });
  return errs;
}

function validateNamespace(obj: KObject): FieldError[] {
  return [
    ...validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSLabel }),
    ...validateSpecFinalizers(obj, false),
  ];
}

export const strategy: ResourceStrategy = {
  defaults(obj) {
    setNameLabel(obj);
    ensure(obj, 'spec');
    const status = ensure(obj, 'status');
    if (!status.phase) status.phase = 'Active';
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Active' };
    // The kubernetes finalizer is required on create (it may be removed later through /finalize).
    const spec = ensure(obj, 'spec');
    const list = finalizers(obj);
    if (!list.includes('kubernetes')) spec.finalizers = [...list, 'kubernetes'];
    setNameLabel(obj);
  },
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    const spec = ensure(obj, 'spec');
    const oldFinalizers = rec(old.spec)?.finalizers;
    if (oldFinalizers === undefined) delete spec.finalizers;
    else spec.finalizers = structuredClone(oldFinalizers);
    obj.status = structuredClone(old.status);
    setNameLabel(obj);
  },
  validate(obj) {
    return createErrors(validateNamespace(obj), obj.metadata, false);
  },
  validateUpdate(obj, old) {
    return updateErrors(validateObjectMetaUpdate(obj.metadata, old.metadata), obj.metadata, old.metadata, false);
  },
};

/** namespaces/status: only status changes; its phase must agree with deletionTimestamp. */
export const statusStrategy: ResourceStrategy = {
  defaults: strategy.defaults,
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    obj.spec = structuredClone(old.spec);
    setNameLabel(obj);
  },
  validate: strategy.validate,
  validateUpdate(obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const phase = str(rec(obj.status)?.phase);
    if (!obj.metadata.deletionTimestamp) {
      if (phase !== 'Active')
        errs.push(invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    } else if (phase !== 'Terminating') {
      errs.push(invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
    }
    return updateErrors(errs, obj.metadata, old.metadata, false);
  },
};

/** namespaces/finalize: only spec.finalizers changes. */
export const finalizeStrategy: ResourceStrategy = {
  defaults: strategy.defaults,
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    obj.status = structuredClone(old.status);
    setNameLabel(obj);
  },
  validate: strategy.validate,
  validateUpdate(obj, old) {
    return updateErrors(
      [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSpecFinalizers(obj, true)],
      obj.metadata,
      old.metadata,
      false,
    );
  },
};

export const table: TablePrinter = {
  columns: [
    nameColumn,
    { name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0 },
    ageColumn,
  ],
  row: (o, now) => [o.metadata.name ?? '', str(rec(o.status)?.phase), age(o.metadata.creationTimestamp, now)],
};
