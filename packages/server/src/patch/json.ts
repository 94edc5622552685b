// Plain-JSON helpers shared by the patch engines. Patch bodies are untrusted input, so every object write
// goes through setKey (a "__proto__" key must stay data, never become a prototype) and every read through
// getKey (own properties only); both live in api/ownkeys.ts for the other layers too.
import { getKey, hasKey, setKey } from '../api/ownkeys.js';
import { compareStrings } from '../gocompat/json-encode.js';
import { goNumberV } from '../gocompat/number.js';

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

/** Go's %v of a decoded JSON value (map[...] with sorted keys, [a b], <nil>) for error texts. */
export function goV(v: Json | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumberV(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  return `map[${Object.keys(v)
    .sort(compareStrings)
    .map((k) => `${k}:${goV(v[k])}`)
    .join(' ')}]`;
}
