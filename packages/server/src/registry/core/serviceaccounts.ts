// ServiceAccounts (pkg/registry/core/serviceaccount/strategy.go): metadata-only validation; secret references
// keep only their names; a warning for the deprecated enforce-mountable-secrets annotation.
import { hasKey } from '../../api/ownkeys.js';
import type { KObject } from '../../api/types.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { nameIsDNSSubdomain } from '../../api/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/objectmeta.js';
import { arr, rec, str } from '../../api/validation/util.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import { serviceAccountSecrets } from '../printers/descriptions.js';
import { age } from '../printers/duration.js';
import { ageColumn, nameColumn } from '../printers/default.js';
import { keepGeneration } from './common.js';

export const enforceMountableSecretsAnnotation = 'kubernetes.io/enforce-mountable-secrets';

/** cleanSecretReferences: a ServiceAccount's secrets are references by name only. */
function cleanSecretReferences(obj: KObject): void {
  if (!Array.isArray(obj.secrets)) return;
  obj.secrets = obj.secrets.map((s) => ({ name: str(rec(s)?.name) || undefined }));
}

function validateServiceAccount(obj: KObject) {
  return validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
}

/** Warns only when a request newly sets the deprecated annotation. */
export function warningsOnUpdate(obj: KObject, old: KObject | undefined): string[] {
  if (old && hasKey(old.metadata.annotations ?? {}, enforceMountableSecretsAnnotation)) return [];
  if (!hasKey(obj.metadata.annotations ?? {}, enforceMountableSecretsAnnotation)) return [];
  return [
    `metadata.annotations[${enforceMountableSecretsAnnotation}]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets`,
  ];
}

export const strategy: ResourceStrategy = {
  prepareForCreate: cleanSecretReferences,
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    cleanSecretReferences(obj);
  },
  validate(obj) {
    return createErrors(validateServiceAccount(obj), obj.metadata, true);
  },
  validateUpdate(obj, old) {
    return updateErrors(
      [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateServiceAccount(obj)],
      obj.metadata,
      old.metadata,
      true,
    );
  },
  warningsOnCreate: (obj) => warningsOnUpdate(obj, undefined),
};

export const table: TablePrinter = {
  columns: [
    nameColumn,
    { name: 'Secrets', type: 'string', format: '', description: serviceAccountSecrets, priority: 0 },
    ageColumn,
  ],
  // The cell is an integer (int64) although the column says string, as in kube-apiserver.
  row: (o, now) => [o.metadata.name ?? '', arr(o.secrets).length, age(o.metadata.creationTimestamp, now)],
};
