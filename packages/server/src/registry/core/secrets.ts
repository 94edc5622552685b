// Secrets (pkg/registry/core/secret/strategy.go, ValidateSecret/ValidateSecretUpdate): stringData folded into
// data before anything else, per-type required keys, 1 MiB of data, immutable type and `immutable: true`.
import { type FieldError, forbidden, invalid, required, tooLong } from '../../api/field.js';
import { hasKey, setKey } from '../../api/ownkeys.js';
import type { KObject } from '../../api/types.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { isConfigMapKey, nameIsDNSSubdomain } from '../../api/validation/names.js';
import {
  semanticEqual,
  validateImmutableField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../api/validation/objectmeta.js';
import { rec, str } from '../../api/validation/util.js';
import { pathKey } from '../../api/validation/values.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import { secretData, secretType } from '../printers/descriptions.js';
import { age } from '../printers/duration.js';
import { ageColumn, nameColumn } from '../printers/default.js';
import { keepGeneration, sortKeys } from './common.js';
import { x509KeyPairError } from './tls-pair.js';
import { unmarshalMapError } from '../../gocompat/json-decode.js';

/** core.MaxSecretSize: 1 MiB, for the decoded data of a Secret (and the data of a ConfigMap). */
export const maxSecretSize = 1024 * 1024;

export const secretTypes = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
  bootstrapToken: 'bootstrap.kubernetes.io/token',
} as const;

export const serviceAccountNameKey = 'kubernetes.io/service-account.name';

/** The decoded bytes of a data value (data values are base64 in JSON). */
export function dataBytes(value: unknown): Buffer {
  return Buffer.from(typeof value === 'string' ? value : '', 'base64');
}

function data(obj: KObject): Record<string, unknown> {
  return rec(obj.data) ?? {};
}

/**
 * Decoding a v1 Secret folds stringData into data (stringData wins) before defaulting, admission and validation;
 * stringData itself is never stored. Data keys come out sorted, as Go writes maps.
 */
function foldStringData(obj: KObject): void {
  const stringData = rec(obj.stringData);
  if (stringData && Object.keys(stringData).length) {
    const merged: Record<string, unknown> = { ...data(obj) };
    for (const [k, v] of Object.entries(stringData)) setKey(merged, k, Buffer.from(str(v), 'utf8').toString('base64'));
    obj.data = merged;
  }
  delete obj.stringData;
  if (rec(obj.data)) obj.data = sortKeys(rec(obj.data)!);
}

/** ValidateSecret */
export function validateSecret(obj: KObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const d = data(obj);
  let total = 0;
  for (const [key, value] of Object.entries(d)) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(pathKey('data', key), key, m));
    total += dataBytes(value).length;
  }
  if (total > maxSecretSize) errs.push(tooLong('data', '', maxSecretSize));
  const has = (k: string) => hasKey(d, k);
  switch (str(obj.type)) {
    case secretTypes.serviceAccountToken:
      // Only the service account's name is required; the token controller adds the rest.
      if (!obj.metadata.annotations?.[serviceAccountNameKey])
        errs.push(required(pathKey('metadata.annotations', serviceAccountNameKey)));
      break;
    case secretTypes.opaque:
    case '':
      break;
    case secretTypes.dockercfg:
    case secretTypes.dockerConfigJson: {
      const key = str(obj.type) === secretTypes.dockercfg ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        errs.push(required(pathKey('data', key)));
        break;
      }
      const msg = unmarshalMapError(dataBytes(d[key]));
      if (msg) errs.push(invalid(pathKey('data', key), '<secret contents redacted>', msg));
      break;
    }
    case secretTypes.basicAuth:
      // Either may be empty, but one of the two keys must be present.
      if (!has('username') && !has('password')) {
        errs.push(required(pathKey('data', 'username')));
        errs.push(required(pathKey('data', 'password')));
      }
      break;
    case secretTypes.sshAuth:
      if (dataBytes(d['ssh-privatekey']).length === 0) errs.push(required(pathKey('data', 'ssh-privatekey')));
      break;
    case secretTypes.tls:
      if (!has('tls.crt')) errs.push(required(pathKey('data', 'tls.crt')));
      if (!has('tls.key')) errs.push(required(pathKey('data', 'tls.key')));
      break;
  }
  return errs;
}

/** ValidateSecretUpdate (before the full ValidateSecret of the new object). */
function validateSecretUpdateRules(obj: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateImmutableField(str(obj.type), str(old.type), 'type'));
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(obj.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validateSecret(obj));
  return errs;
}

/** warningsForSecret: a TLS secret whose key does not match its certificate still saves, with a warning. */
export function warnings(obj: KObject): string[] {
  if (str(obj.type) !== secretTypes.tls) return [];
  const d = data(obj);
  const err = x509KeyPairError(dataBytes(d['tls.crt']), dataBytes(d['tls.key']));
  return err ? [err] : [];
}

export const strategy: ResourceStrategy = {
  defaults(obj) {
    foldStringData(obj);
    if (!obj.type) obj.type = secretTypes.opaque;
  },
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    if (!obj.type) obj.type = old.type;
  },
  validate(obj) {
    return createErrors(validateSecret(obj), obj.metadata, true);
  },
  validateUpdate(obj, old) {
    return updateErrors(validateSecretUpdateRules(obj, old), obj.metadata, old.metadata, true);
  },
  warningsOnCreate: warnings,
};

export const table: TablePrinter = {
  columns: [
    nameColumn,
    { name: 'Type', type: 'string', format: '', description: secretType, priority: 0 },
    { name: 'Data', type: 'string', format: '', description: secretData, priority: 0 },
    ageColumn,
  ],
  row: (o, now) => [
    o.metadata.name ?? '',
    str(o.type),
    Object.keys(data(o)).length,
    age(o.metadata.creationTimestamp, now),
  ],
};
