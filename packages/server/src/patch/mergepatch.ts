// RFC 7386 JSON merge patch as evanphx/json-patch v4 MergePatch applies it in kube-apiserver: objects merge
// recursively, null deletes, anything else replaces. Values that land where nothing was before lose their
// null members (pruneNulls); arrays are replaced whole. A body that is not a JSON object is a 400
// "Invalid JSON Patch" (an array body replaces the document and then fails to decode as an object).
import { errors } from '../api/errors.js';
import { invalid } from '../api/field.js';
import { type Json, type JsonObject, clone, getKey, isObject, setKey } from './json.js';
import { JsonError, JsonRangeError, decodeJson } from '../api/decode/json.js';
import { goJson } from '../gocompat/json-encode.js';

/** Applies a merge patch body to a copy of `doc`. */
export function mergePatch(doc: JsonObject, body: string): JsonObject {
  let patch: Json;
  try {
    patch = decodeJson(body) as Json;
  } catch (e) {
    // Valid JSON with a number beyond float64: evanphx keeps the literal, and kube's decoding of the patched
    // document refuses it (422 on the patch). kubeauth refuses it here, with the patch as sent.
    if (e instanceof JsonRangeError && /^\s*[[{]/.test(body))
      throw errors.invalid({ group: '', kind: '' }, '', [invalid('patch', body, e.message)]);
    if (e instanceof JsonError) throw errors.badRequest('Invalid JSON Patch');
    throw e;
  }
  if (Array.isArray(patch)) {
    // evanphx returns the pruned array as the new document; decoding it as an object then fails (422)
    const out = pruneNulls(clone(patch));
    throw errors.invalid({ group: '', kind: '' }, '', [
      invalid('patch', goJson(out), 'json: cannot unmarshal array into Go value of type map[string]interface {}'),
    ]);
  }
  if (!isObject(patch)) throw errors.badRequest('Invalid JSON Patch');
  // The patch was just decoded: nobody else holds it, so its values move into the result uncopied.
  const out = clone(doc);
  mergeDocs(out, patch);
  return out;
}

/** Merges an already decoded patch object into a copy of `doc`. */
export function applyMergePatch(doc: JsonObject, patch: JsonObject): JsonObject {
  const out = clone(doc);
  mergeDocs(out, clone(patch));
  return out;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k]!;
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = getKey(doc, k);
    if (cur === undefined || cur === null) setKey(doc, k, pruneNulls(v));
    else setKey(doc, k, merge(cur, v));
  }
}

function merge(cur: Json, patch: Json): Json {
  if (!isObject(cur)) return pruneNulls(patch);
  if (!isObject(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

function pruneNulls(v: Json): Json {
  if (Array.isArray(v)) {
    // only containers hold nulls to prune (no call per number of a long list)
    for (const x of v) if (x !== null && typeof x === 'object') pruneNulls(x);
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else pruneNulls(v[k]!);
    }
  }
  return v;
}
