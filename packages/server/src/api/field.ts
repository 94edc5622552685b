// Field errors as k8s.io/apimachinery/pkg/util/validation/field renders them. The exact text matters:
// kubectl prints it verbatim and users compare it with a real cluster.
import { goQuote } from '../gocompat/quote.js';

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marker for errors that print no value (Go's omitValue). */
export const omitValue = Symbol('omitValue');

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue: unknown;
  detail: string;
}

/** Renders a bad value the way Go's %q / %v / %#v would for the value kinds we produce. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return `[]string{${value.map(goQuote).join(', ')}}`;
    return `[]interface {}{${value.map(goValue).join(', ')}}`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v === 'string'))
      return `map[string]string{${entries
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${goQuote(k)}:${goQuote(v as string)}`)
        .join(', ')}}`;
    return JSON.stringify(value);
  }
  return String(value);
}

export function errorBody(e: FieldError): string {
  let s: string;
  if (
    e.type === 'FieldValueRequired' ||
    e.type === 'FieldValueForbidden' ||
    e.type === 'FieldValueTooLong' ||
    e.type === 'InternalError' ||
    e.badValue === omitValue
  ) {
    s = typeText[e.type];
  } else {
    s = `${typeText[e.type]}: ${goValue(e.badValue)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

const mk =
  (type: FieldErrorType) =>
  (field: string, badValue: unknown, detail = ''): FieldError => ({ type, field, badValue, detail });

export const invalid = mk('FieldValueInvalid');
export const duplicate = mk('FieldValueDuplicate');
export const notFound = mk('FieldValueNotFound');
export const required = (field: string, detail = ''): FieldError => ({
  type: 'FieldValueRequired',
  field,
  badValue: '',
  detail,
});
export const forbidden = (field: string, detail: string): FieldError => ({
  type: 'FieldValueForbidden',
  field,
  badValue: '',
  detail,
});
export const tooLong = (field: string, badValue: unknown, maxLength: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  badValue,
  detail: `may not be more than ${maxLength} bytes`,
});
export const tooMany = (field: string, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field,
  badValue: actual,
  detail: `must have at most ${max} items`,
});
export const notSupported = (field: string, badValue: unknown, valid: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  badValue,
  detail: valid.length ? `supported values: ${valid.map(goQuote).join(', ')}` : '',
});
export const internal = (field: string, err: string): FieldError => ({
  type: 'InternalError',
  field,
  badValue: undefined,
  detail: err,
});

/** Joins path elements the way field.Path.String() does: a.b[0].c, map keys in brackets. */
export class Path {
  constructor(private readonly s: string) {}
  static root(name: string): Path {
    return new Path(name);
  }
  child(...names: string[]): Path {
    let s = this.s;
    for (const n of names) s = s ? `${s}.${n}` : n;
    return new Path(s);
  }
  index(i: number): Path {
    return new Path(`${this.s}[${i}]`);
  }
  key(k: string): Path {
    return new Path(`${this.s}[${k}]`);
  }
  toString(): string {
    return this.s;
  }
}
