// JSON exactly as Go's encoding/json (and go-jose's fork of it) writes it for the values we emit: object
// keys sorted at every level (go-jose marshals claims and headers from maps), strings quoted as Go does
// (api/gojson.ts). JSON.stringify differs on both points.
import { compareStrings, goQuoteJson } from '../api/gojson.js';

/** Go's float formatting ('f' below 1e21, else 'e' with a two-digit exponent); integers print plainly. */
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`json: unsupported value: ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(n);
}

/** Compact Go-style JSON. `undefined` object members are dropped (our stand-in for omitempty). */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return goQuoteJson(value);
    case 'number':
      return goNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort(compareStrings);
      return `{${keys.map((k) => `${goQuoteJson(k)}:${goJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
}

/** Compact JSON keeping the given member order (Go structs marshal in field order, not sorted). */
export function goJsonOrdered(members: ReadonlyArray<readonly [string, unknown]>): string {
  return `{${members.map(([k, v]) => `${goQuoteJson(k)}:${goJson(v)}`).join(',')}}`;
}

/** How Go's decoder names a JSON value's kind in "cannot unmarshal <kind> into …" errors. */
export function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}
