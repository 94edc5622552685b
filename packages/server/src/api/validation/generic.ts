// How the generic registry (apiserver/pkg/registry/rest BeforeCreate/BeforeUpdate) combines a kind's own
// validation with the checks every stored object gets, including their order and duplication.
import type { FieldError } from '../field.js';
import type { ObjectMeta } from '../types.js';
import { validatePathSegmentName } from './names.js';
import { validateObjectMetaGeneric, validateObjectMetaUpdateGeneric } from './objectmeta.js';

/**
 * Create: the kind's errors if it has any; only when it has none, the common metadata checks (names may not be
 * '.', '..' or contain '/' or '%').
 */
export function createErrors(kindErrors: FieldError[], meta: ObjectMeta, namespaced: boolean): FieldError[] {
  if (kindErrors.length) return kindErrors;
  return validateObjectMetaGeneric(meta, { namespaced, nameFn: validatePathSegmentName });
}

/**
 * Update: the common checks (metadata, then metadata update rules) come first, then the kind's own update
 * errors. Both usually include ValidateObjectMetaUpdate, so its errors appear twice in the causes (the message
 * de-duplicates them), exactly as kube-apiserver reports them.
 */
export function updateErrors(
  kindErrors: FieldError[],
  meta: ObjectMeta,
  old: ObjectMeta,
  namespaced: boolean,
): FieldError[] {
  return [
    ...validateObjectMetaGeneric(meta, { namespaced, nameFn: validatePathSegmentName }),
    ...validateObjectMetaUpdateGeneric(meta, old),
    ...kindErrors,
  ];
}
