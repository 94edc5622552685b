// ConfigMaps (ValidateConfigMap/ValidateConfigMapUpdate): config-key names, no key in both data and
// binaryData, 1 MiB in total, and `immutable: true` freezing data and binaryData.
import { type FieldError, forbidden, invalid, tooLong } from '../../api/field.js';
import { hasKey } from '../../api/ownkeys.js';
import type { KObject } from '../../api/types.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { byteLength, isConfigMapKey, nameIsDNSSubdomain } from '../../api/validation/names.js';
import { semanticEqual, validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/objectmeta.js';
import { rec, str } from '../../api/validation/util.js';
import { pathKey } from '../../api/validation/values.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import { configMapData } from '../printers/descriptions.js';
import { age } from '../printers/duration.js';
import { ageColumn, nameColumn } from '../printers/default.js';
import { keepGeneration } from './common.js';
import { dataBytes, maxSecretSize } from './secrets.js';

// A key of config-key characters, at most 253 of them, not starting with '.': isConfigMapKey has nothing to say
// about it (its length, character and '.'/'..' checks all pass), and one regex test is cheaper than its arrays.
const plainConfigMapKey = /^[-_a-zA-Z0-9][-._a-zA-Z0-9]{0,252}$/;

/**
 * Whether every key is plain (plainConfigMapKey), by one regex scan of them all joined by newlines (a newline is
 * no key character): no character outside the set, no key that is empty or starts with '.'; lengths and newlines key by key.
 */
function allPlainKeys(keys: string[]): boolean {
  for (const k of keys) if (k.length > 253 || k.includes('\n')) return false; // a newline would split a key
  return keys.length === 0 || !/[^-._a-zA-Z0-9\n]|(?:^|\n)(?:[.\n]|$)/.test(keys.join('\n'));
}

export function validateConfigMap(obj: KObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const d = rec(obj.data) ?? {};
  const bd = rec(obj.binaryData) ?? {};
  const noBinary = Object.keys(bd).length === 0;
  const keys = Object.keys(d);
  const plain = allPlainKeys(keys);
  let units = 0;
  for (const key of keys) {
    if (!plain && !plainConfigMapKey.test(key))
      for (const m of isConfigMapKey(key)) errs.push(invalid(pathKey('data', key), key, m));
    if (!noBinary && hasKey(bd, key))
      errs.push(invalid(pathKey('data', key), key, 'duplicate of key present in binaryData'));
    units += str(d[key]).length;
  }
  let binary = 0;
  for (const [key, value] of Object.entries(bd)) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(pathKey('binaryData', key), key, m));
    binary += dataBytes(value).length;
  }
  // The data's UTF-8 takes 1 to 3 bytes per UTF-16 unit: its bytes are counted only when those bounds do not
  // settle the question.
  const over =
    binary + 3 * units <= maxSecretSize
      ? false
      : binary + units > maxSecretSize ||
        binary + keys.reduce((n, key) => n + byteLength(str(d[key])), 0) > maxSecretSize;
  // The path is empty: the error is about the whole object.
  if (over) errs.push(tooLong('', '', maxSecretSize));
  return errs;
}

function validateConfigMapUpdateRules(obj: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(obj.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(obj.binaryData, old.binaryData))
      errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validateConfigMap(obj));
  return errs;
}

export const strategy: ResourceStrategy = {
  prepareForUpdate: keepGeneration,
  validate(obj) {
    return createErrors(validateConfigMap(obj), obj.metadata, true);
  },
  validateUpdate(obj, old) {
    return updateErrors(validateConfigMapUpdateRules(obj, old), obj.metadata, old.metadata, true);
  },
};

export const table: TablePrinter = {
  columns: [
    nameColumn,
    { name: 'Data', type: 'string', format: '', description: configMapData, priority: 0 },
    ageColumn,
  ],
  row: (o, now) => [
    o.metadata.name ?? '',
    Object.keys(rec(o.data) ?? {}).length + Object.keys(rec(o.binaryData) ?? {}).length,
    age(o.metadata.creationTimestamp, now),
  ],
};
