// Plain-JSON helpers shared by the patch engines. Patch bodies are untrusted input, so every object write
// goes through setKey (a "__proto__" key must stay data, never become a prototype) and every read through
// getKey (own properties only); both live in api/ownkeys.ts for the other layers too.
import { compareStrings, goQuoteJson } from '../api/gojson.js';
import { getKey, hasKey, setKey } from '../api/ownkeys.js';

export { getKey, hasKey, setKey };

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON value (own enumerable keys only). */
export function clone<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setKey(out, k, clone(v[k]!));
    return out as T;
  }
  return v;
}

export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!hasKey(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** JSON text as Go's encoding/json writes a decoded value: compact, map keys sorted, HTML-safe strings. */
export function goJSON(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goQuoteJson(v);
  if (typeof v === 'number') return goNumberJSON(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  return `{${Object.keys(v)
    .sort(compareStrings)
    .map((k) => `${goQuoteJson(k)}:${goJSON(v[k]!)}`)
    .join(',')}}`;
}

function goNumberJSON(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  // encoding/json switches to exponent form below 1e-6 and from 1e21, like JS, but writes e-07 as e-7.
  return String(n).replace(/e([+-])0*(\d)/, 'e$1$2');
}

/** Go's %v of a decoded JSON value (map[...] with sorted keys, [a b], <nil>) for error texts. */
export function goV(v: Json | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFloatV(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  return `map[${Object.keys(v)
    .sort(compareStrings)
    .map((k) => `${k}:${goV(v[k])}`)
    .join(' ')}]`;
}

/** %v of a number: integers as int64, others as fmt's %v of a float64 (exponent when exp < -4 or exp >= 6). */
export function goFloatV(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mant, expStr] = n.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

/** Go's json type names used in "cannot unmarshal X into ..." messages. */
export function goJSONKind(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}
