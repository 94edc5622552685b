// RFC 6902 JSON patch with the behaviour of gopkg.in/evanphx/json-patch.v4 as kube-apiserver 1.33 runs it:
// negative array indices, `replace` of a missing object key adds it, null values count as missing while
// traversing, and copies are capped at 3 MiB (JSONPatchMaxCopyBytes). A document that does not decode is a
// 400 with Go's decoder message; any failure while applying is the generic 422 (the detail is dropped by
// kube-apiserver, so it is kept here only as the error's `cause`).
import { errors } from '../api/errors.js';
import { type Json, type JsonObject, clone, deepEqual, getKey, hasKey, isObject, setKey } from './json.js';
import { JsonError, decodeJson } from '../api/decode/json.js';
import { jsonKind } from '../gocompat/json-decode.js';
import { goJson } from '../gocompat/json-encode.js';

/** handlers/patch.go maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;
/** genericapiserver's default JSONPatchMaxCopyBytes. */
export const MAX_COPY_BYTES = 3 * 1024 * 1024;

export type Operation = JsonObject | null;

/** jsonpatch.DecodePatch: a JSON array of objects; `null` is an empty patch. Errors are 400s (413 if too long). */
export function decodeJSONPatch(body: string): Operation[] {
  let v: Json;
  try {
    v = decodeJson(body) as Json;
  } catch (e) {
    if (e instanceof JsonError) throw errors.badRequest(e.message);
    throw e;
  }
  if (v === null) return [];
  if (!Array.isArray(v))
    throw errors.badRequest(`json: cannot unmarshal ${jsonKind(v)} into Go value of type jsonpatch.Patch`);
  for (const op of v)
    if (op !== null && !isObject(op))
      throw errors.badRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
  if (v.length > MAX_JSON_PATCH_OPERATIONS)
    throw errors.tooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${v.length}`,
    );
  return v as Operation[];
}

/** Applies a decoded patch to a copy of `doc`; the input is never mutated. Failures throw the generic 422. */
export function applyJSONPatch(doc: JsonObject, ops: readonly Operation[]): JsonObject {
  const state = { root: clone(doc) as JsonObject | Json[], copied: 0 };
  for (const op of ops) {
    try {
      applyOp(state, op ?? {});
    } catch (e) {
      if (!(e instanceof PatchFailure)) throw e;
      const err = errors.genericUnprocessable();
      (err as { cause?: unknown }).cause = e;
      throw err;
    }
  }
  if (!isObject(state.root)) throw errors.genericUnprocessable();
  return state.root;
}

/** Decodes and applies in one step. */
export function jsonPatch(doc: JsonObject, body: string): JsonObject {
  return applyJSONPatch(doc, decodeJSONPatch(body));
}

/** An evanphx error (its text is what the Go library would say). */
export class PatchFailure extends Error {}

type Container = JsonObject | Json[];
interface State {
  root: Container;
  copied: number;
}

function decodeKey(k: string): string {
  // RFC 6901: ~1 first, then ~0
  return k.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** strconv.Atoi: optional sign, decimal digits, int64 range. */
function atoi(key: string): number | undefined {
  if (!/^[+-]?\d+$/.test(key)) return undefined;
  const n = Number(key);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Go's findObject: walks all but the last token; the first token is ignored (so "a/b" acts on /b). */
function findObject(root: Container, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc: Container = root;
  for (const part of split.slice(1, -1)) {
    let next: Json | undefined;
    try {
      next = get(doc, decodeKey(part));
    } catch {
      return undefined;
    }
    if (next === undefined || next === null || typeof next !== 'object') return undefined;
    doc = next;
  }
  return [doc, decodeKey(split[split.length - 1]!)];
}

function index(arr: Json[], key: string, extra = 0): number {
  const idx = atoi(key);
  if (idx === undefined) throw new PatchFailure(`strconv.Atoi: parsing "${key}": invalid syntax`);
  const len = arr.length + extra;
  if (idx >= len || idx < -len)
    throw new PatchFailure(`Unable to access invalid index: ${idx}: invalid index referenced`);
  return idx < 0 ? idx + len : idx;
}

function get(c: Container, key: string): Json | undefined {
  if (Array.isArray(c)) return c[index(c, key)];
  return getKey(c, key);
}

function add(c: Container, key: string, v: Json): void {
  if (!Array.isArray(c)) return setKey(c, key, v);
  if (key === '-') {
    c.push(v);
    return;
  }
  if (atoi(key) === undefined) throw new PatchFailure(`value was not a proper array index: '${key}'`);
  c.splice(index(c, key, 1), 0, v);
}

function remove(c: Container, key: string): void {
  if (Array.isArray(c)) {
    c.splice(index(c, key), 1);
    return;
  }
  if (!hasKey(c, key)) throw new PatchFailure(`Unable to remove nonexistent key: ${key}: missing value`);
  delete c[key];
}

function str(op: JsonObject, field: string): string {
  const v = getKey(op, field);
  if (v === undefined || v === null) throw new PatchFailure(`operation missing ${field} field: missing value`);
  if (typeof v !== 'string')
    throw new PatchFailure(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  return v;
}

/** The op's value; a missing "value" member reads as null (evanphx stores a nil node). */
function value(op: JsonObject): Json {
  return clone(getKey(op, 'value') ?? null);
}

function applyOp(st: State, op: JsonObject): void {
  const kind = getKey(op, 'op');
  switch (typeof kind === 'string' ? kind : 'unknown') {
    case 'add': {
      const path = str(op, 'path');
      const t = findObject(st.root, path);
      if (!t) throw new PatchFailure(`add operation does not apply: doc is missing path: "${path}": missing value`);
      add(t[0], t[1], value(op));
      return;
    }
    case 'remove': {
      const path = str(op, 'path');
      const t = findObject(st.root, path);
      if (!t) throw new PatchFailure(`remove operation does not apply: doc is missing path: "${path}": missing value`);
      remove(t[0], t[1]);
      return;
    }
    case 'replace': {
      const path = str(op, 'path');
      if (path === '') {
        const v = value(op);
        if (v === null || typeof v !== 'object')
          throw new PatchFailure('replace operation value must be object or array');
        st.root = v;
        return;
      }
      const t = findObject(st.root, path);
      if (!t) throw new PatchFailure(`replace operation does not apply: doc is missing path: ${path}: missing value`);
      const [c, key] = t;
      if (Array.isArray(c)) c[index(c, key)] = value(op);
      else setKey(c, key, value(op)); // v4 quirk: a missing object key is added
      return;
    }
    case 'move': {
      const from = str(op, 'from');
      const f = findObject(st.root, from);
      if (!f) throw new PatchFailure(`move operation does not apply: doc is missing from path: ${from}: missing value`);
      const v = get(f[0], f[1]) ?? null;
      remove(f[0], f[1]);
      const path = str(op, 'path');
      const t = findObject(st.root, path);
      if (!t)
        throw new PatchFailure(
          `move operation does not apply: doc is missing destination path: ${path}: missing value`,
        );
      add(t[0], t[1], v);
      return;
    }
    case 'copy': {
      const from = str(op, 'from');
      const f = findObject(st.root, from);
      if (!f) throw new PatchFailure(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      const v = get(f[0], f[1]) ?? null;
      const path = str(op, 'path');
      const t = findObject(st.root, path);
      if (!t)
        throw new PatchFailure(
          `copy operation does not apply: doc is missing destination path: ${path}: missing value`,
        );
      // evanphx copies through JSON text and counts its length against the limit
      st.copied += v === null ? 0 : Buffer.byteLength(goJson(v));
      if (st.copied > MAX_COPY_BYTES)
        throw new PatchFailure(
          `Unable to complete the copy, the accumulated size increase of copy is ${st.copied}, exceeding the limit ${MAX_COPY_BYTES}`,
        );
      add(t[0], t[1], clone(v));
      return;
    }
    case 'test': {
      const path = str(op, 'path');
      const want = getKey(op, 'value');
      if (path === '') {
        if (!deepEqual(st.root, want ?? null)) throw new PatchFailure(`testing value ${path} failed: test failed`);
        return;
      }
      const t = findObject(st.root, path);
      if (!t) throw new PatchFailure(`test operation does not apply: is missing path: ${path}: missing value`);
      const got = get(t[0], t[1]);
      if (got === undefined || got === null) {
        if (want === undefined || want === null) return;
        throw new PatchFailure(`testing value ${path} failed: test failed`);
      }
      if (want === undefined || !deepEqual(got, want))
        throw new PatchFailure(`testing value ${path} failed: test failed`);
      return;
    }
    default:
      throw new PatchFailure(`Unexpected kind: ${typeof kind === 'string' ? kind : 'unknown'}`);
  }
}
