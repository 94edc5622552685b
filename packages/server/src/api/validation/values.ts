// Renderings of Go values that field.goValue cannot produce: fmt.Stringer output (times) and %#v of structs.
import { type FieldError, omitValue } from '../field.js';
import type { OwnerReference } from '../types.js';
import { goQuote } from '../../gocompat/quote.js';

/**
 * An Invalid error whose bad value prints verbatim (Go prints Stringers and structs unquoted). The body
 * renders exactly as field.Invalid would: `Invalid value: <raw>: <detail>`.
 */
export function invalidRaw(field: string, raw: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, badValue: omitValue, detail: detail ? `${raw}: ${detail}` : raw };
}

/** A field path element for a map key: `a.b[key]` (field.Path.Key does not quote). */
export function pathKey(path: string, key: string): string {
  return `${path}[${key}]`;
}

/** metav1.Time's String(): Go's time.Time.String() in UTC, e.g. `2024-01-02 03:04:05 +0000 UTC`. */
export function goTime(rfc3339: string | null | undefined): string {
  const ms = rfc3339 ? Date.parse(rfc3339) : NaN;
  if (Number.isNaN(ms)) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/** Go prints a non-nil pointer as its address; any address will do, there is none to match. */
function goBoolPtr(v: boolean | undefined): string {
  return v === undefined ? '(*bool)(nil)' : '(*bool)(0xc000000000)';
}

/** %#v of a metav1.OwnerReference. */
export function goOwnerReference(r: OwnerReference): string {
  return `v1.OwnerReference{APIVersion:${goQuote(r.apiVersion ?? '')}, Kind:${goQuote(r.kind ?? '')}, Name:${goQuote(
    r.name ?? '',
  )}, UID:${goQuote(r.uid ?? '')}, Controller:${goBoolPtr(r.controller)}, BlockOwnerDeletion:${goBoolPtr(
    r.blockOwnerDeletion,
  )}}`;
}

/** %#v of a []metav1.OwnerReference. */
export function goOwnerReferences(refs: OwnerReference[]): string {
  return `[]v1.OwnerReference{${refs.map(goOwnerReference).join(', ')}}`;
}

/** A Duplicate error whose value prints verbatim (%#v of a struct). */
export function duplicateRaw(field: string, raw: string, detail = ''): FieldError {
  return { type: 'FieldValueDuplicate', field, badValue: omitValue, detail: detail ? `${raw}: ${detail}` : raw };
}
