// encoding/json's type errors: how json.Unmarshal names a JSON value that does not fit its Go target.
import { scan } from './json-scan.js';

/**
 * The kind encoding/json names in "cannot unmarshal <kind> into …" (UnmarshalTypeError.Value). Go never reports
 * null (it leaves the target unchanged); callers handle null first, and it is named "null" here only so that a
 * mistake shows.
 */
export function jsonKind(v: unknown): 'string' | 'number' | 'bool' | 'null' | 'array' | 'object' {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : 'object';
}

/** `json: cannot unmarshal <kind> into Go value of type <goType>`. */
export function unmarshalTypeError(v: unknown, goType: string): string {
  return `json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goType}`;
}

/** json.Unmarshal into a Go string: null leaves "" (no error); anything else but a string fails. */
export function asGoString(v: unknown): { value: string } | { error: string } {
  if (v === null) return { value: '' };
  if (typeof v === 'string') return { value: v };
  return { error: unmarshalTypeError(v, 'string') };
}

/** json.Unmarshal into a Go bool: null leaves false. */
export function asGoBool(v: unknown): { value: boolean } | { error: string } {
  if (v === null) return { value: false };
  if (typeof v === 'boolean') return { value: v };
  return { error: unmarshalTypeError(v, 'bool') };
}

/**
 * The error text of json.Unmarshal(data, &map[string]interface{}{}), or undefined when it succeeds: the syntax
 * check runs over the whole input first (so a syntax error wins), then the top-level value must be an object or
 * null.
 */
export function unmarshalMapError(data: string | Uint8Array): string | undefined {
  const syntax = scan(data);
  if (syntax) return syntax;
  let i = 0;
  const at = (k: number) => (typeof data === 'string' ? data.charCodeAt(k) : data[k]!);
  while (at(i) === 0x20 || at(i) === 0x09 || at(i) === 0x0a || at(i) === 0x0d) i++;
  const c = at(i);
  if (c === 0x7b || c === 0x6e) return undefined;
  const kind = c === 0x22 ? 'string' : c === 0x5b ? 'array' : c === 0x74 || c === 0x66 ? 'bool' : 'number';
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}
