// Field validation of PATCH requests as handlers/patch.go does it: the patch body itself is decoded strictly
// (duplicate fields; for a JSON patch also unknown members of an operation), then the patched object is decoded
// into the kind, which drops unknown fields. Warn turns each error into a warning; Strict answers 422 Invalid
// with an empty kind and name, the field `patch`, and as value the patched JSON (json/merge patch) or the Go
// `%+v` of the patch map (strategic merge patch).
import { errors } from '../api/errors.js';
import { invalid } from '../api/field.js';
import { findDuplicateFields } from '../api/schema/fields.js';
import type { KObject } from '../api/types.js';
import { type Json, goV, isObject } from './json.js';
import { goJson } from '../gocompat/json-encode.js';

const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

/** The members of handlers/patch.go's jsonPatchOp struct. */
const opFields = new Set(['op', 'path', 'from', 'value']);

/** Strict-decoding errors of the patch body itself, in kube-apiserver's wording. */
export function patchBodyStrictErrors(type: string, body: string): string[] {
  if (type !== JSON_PATCH) return findDuplicateFields(body).map((p) => `duplicate field "${p}"`);
  // kjson.UnmarshalStrict into []jsonPatchOp, each error prefixed with "json patch "; duplicates inside an
  // unknown member are not looked at by the decoder.
  let ops: Json;
  try {
    ops = JSON.parse(body) as Json;
  } catch {
    return [];
  }
  if (!Array.isArray(ops)) return [];
  const dups = new Map<number, string[]>();
  for (const p of findDuplicateFields(body)) {
    const m = /^\[(\d+)\]\.([^.[]+)/.exec(p);
    if (!m || !opFields.has(m[2]!)) continue;
    const i = Number(m[1]);
    dups.set(i, [...(dups.get(i) ?? []), p]);
  }
  const out: string[] = [];
  ops.forEach((op, i) => {
    if (isObject(op))
      for (const k of Object.keys(op)) if (!opFields.has(k)) out.push(`json patch unknown field "[${i}].${k}"`);
    for (const p of dups.get(i) ?? []) out.push(`json patch duplicate field "${p}"`);
  });
  return out;
}

/**
 * The value kube-apiserver shows in the 422: the patched JSON for json/merge patches (the re-marshalled
 * document, whose keys evanphx/json-patch writes sorted), `%+v` of the patch map for a strategic merge patch.
 */
export function patchErrorValue(type: string, patched: KObject, body: string): string {
  if (type !== STRATEGIC) return goJson(patched as unknown as Json);
  try {
    return goV(JSON.parse(body) as Json);
  } catch {
    return '';
  }
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The `fieldValidation` query parameter: Warn when absent or empty; 400 for anything but the three modes. */
export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation parameter unsupported: ${v}`);
}

/**
 * Reports `unknown` (already dropped from the patched object) and the patch body's own strict errors per
 * `mode`: warnings in `warnings`, or the 422 kube-apiserver answers in Strict mode.
 */
export function reportPatchFields(
  mode: FieldValidation,
  type: string,
  body: string,
  unknown: string[],
  value: string,
  warnings: string[],
): void {
  if (mode === 'Ignore') return;
  const msgs = [...patchBodyStrictErrors(type, body), ...unknown.map((u) => `unknown field "${u}"`)];
  if (!msgs.length) return;
  if (mode === 'Warn') {
    // One by one: a spread of a body's worth of messages would overflow the stack.
    for (const m of msgs) warnings.push(m);
    return;
  }
  throw errors.invalid({ group: '', kind: '' }, '', [
    invalid('patch', value, `strict decoding error: ${msgs.join(', ')}`),
  ]);
}
