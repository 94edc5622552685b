// Leases (coordination.k8s.io/v1): the essentials of ValidateLease and kubectl's columns (printLease).
import { type FieldError, forbidden, invalid } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { nameIsDNSSubdomain } from '../../api/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/objectmeta.js';
import { rec, str } from '../../api/validation/util.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import { ageColumn, nameColumn } from '../printers/default.js';
import { age } from '../printers/duration.js';

function validateLease(obj: KObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = rec(obj.spec) ?? {};
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0)
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0)
    errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  if (spec.preferredHolder && !spec.strategy)
    errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  return errs;
}

export const leaseStrategy: ResourceStrategy = {
  validate: (obj) => createErrors(validateLease(obj), obj.metadata, true),
  validateUpdate: (obj, old) =>
    updateErrors(
      [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateLease(obj)],
      obj.metadata,
      old.metadata,
      true,
    ),
};

export const leaseTable: TablePrinter = {
  columns: [
    nameColumn,
    {
      name: 'Holder',
      type: 'string',
      format: '',
      description:
        'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
      priority: 0,
    },
    ageColumn,
  ],
  row: (o, now) => [o.metadata.name ?? '', str(rec(o.spec)?.holderIdentity), age(o.metadata.creationTimestamp, now)],
};
