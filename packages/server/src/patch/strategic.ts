// Strategic merge patch, applied the way k8s.io/apimachinery/pkg/util/strategicpatch does on the server
// (mergeMap with MergeParallelList and IgnoreUnmatchedNulls): maps merge, null deletes, lists are replaced
// unless the field's x-kubernetes-patch-strategy says `merge` (by x-kubernetes-patch-merge-key for lists of
// objects, as a set for scalars). Directives: $patch (replace/delete/merge), $retainKeys,
// $deleteFromPrimitiveList/<f>, $setElementOrder/<f> - everything kubectl's three-way apply patches carry.
// Error texts and their HTTP codes follow handlers/patch.go interpretStrategicMergePatchError.
import { errors } from '../api/errors.js';
import type { StatusError } from '../api/errors.js';
import { type Json, type JsonObject, clone, getKey, goV, hasKey, isObject, setKey } from './json.js';
import type { TypeRef, TypeView } from './typeview.js';
import { JsonError, decodeJson } from '../api/decode/json.js';
import { jsonKind } from '../gocompat/json-decode.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** mergepatch errors; `code` is what kube-apiserver answers with. */
export class SMPError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 422 | 500,
  ) {
    super(message);
  }
  toStatus(): StatusError {
    if (this.code === 400) return errors.badRequest(this.message);
    if (this.code === 422) return errors.genericUnprocessable();
    return errors.plain(this.message);
  }
}

const badPrimitiveList = (): SMPError => new SMPError('invalid patch format of primitive list', 400);
const badRetainKeys = (): SMPError => new SMPError('invalid patch format of retainKeys', 400);
const badSetElementOrder = (): SMPError => new SMPError('invalid patch format of setElementOrder list', 400);
const noListOfLists = (): SMPError => new SMPError('lists of lists are not supported', 422);
const fail = (message: string): SMPError => new SMPError(message, 500);

/** Go's reflect type name of a decoded JSON value (PreserveInts: integers are int64). */
function goTypeName(v: Json | undefined): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}
const badArgType = (expected: 'map' | 'slice', actual: Json | undefined): SMPError =>
  fail(
    `expected a ${expected === 'map' ? 'map[string]interface {}' : '[]interface {}'}, but received a ${goTypeName(actual)}`,
  );
const noMergeKey = (m: JsonObject, key: string): SMPError =>
  fail(`map: ${goV(m)} does not contain declared merge key: ${key}`);
const badPatchType = (t: Json, m: JsonObject): SMPError =>
  fail(`unknown patch type: ${typeof t === 'string' ? t : `%!s(${goTypeName(t)}=${goV(t)})`} in map: ${goV(m)}`);

/** Decodes a strategic merge patch body and applies it to a copy of `doc`. */
export function strategicMergePatch(view: TypeView, schema: TypeRef, doc: JsonObject, body: string): JsonObject {
  let patch: Json;
  try {
    patch = decodeJson(body) as Json;
  } catch (e) {
    if (e instanceof JsonError) throw errors.badRequest(e.message);
    throw e;
  }
  if (patch === null) return clone(doc);
  if (!isObject(patch))
    throw errors.badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  try {
    return applyStrategicMergePatch(view, schema, doc, patch);
  } catch (e) {
    if (e instanceof SMPError) throw e.toStatus();
    throw e;
  }
}

/** Applies a decoded patch to a copy of `doc` (throws SMPError). Neither argument is mutated. */
export function applyStrategicMergePatch(
  view: TypeView,
  schema: TypeRef,
  doc: JsonObject,
  patch: JsonObject,
): JsonObject {
  return new Merger(view).mergeMap(clone(doc), clone(patch), schema);
}

type GoKind = 'map' | 'slice' | 'nil' | 'string' | 'bool' | 'int64' | 'float64';
function kindOf(v: Json): GoKind {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw badPrimitiveList();
    throw badSetElementOrder();
  }
  return s.slice(slash + 1);
}

/** Go's `extractRetainKeysPatchStrategy`: the non-retainKeys strategy of a field. */
function strategyOf(strategies: string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0]!;
  if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') return strategies[1]!;
    if (strategies[1] === 'retainKeys') return strategies[0]!;
  }
  throw fail(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

/** Drops maps carrying $patch (and, beyond Go, the other directive keys kubectl may leave behind). */
function removeDirectives(v: Json): [Json, boolean] {
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (const x of v) {
      const [nv, keep] = removeDirectives(x);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  if (isObject(v)) {
    if (hasKey(v, DIRECTIVE)) return [null, false];
    for (const k of Object.keys(v)) {
      if (k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER) || k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        delete v[k];
        continue;
      }
      const [nv, keep] = removeDirectives(v[k]!);
      if (keep) setKey(v, k, nv);
      else delete v[k];
    }
  }
  return [v, true];
}

function discardNulls(v: Json): void {
  if (Array.isArray(v)) for (const x of v) discardNulls(x);
  else if (isObject(v))
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]!);
    }
}

/** The key value of a map item, or the item itself for scalars (Go's `index` getValFn). */
function keyOf(item: Json, mergeKey: string, kind: GoKind): Json | undefined {
  if (kind !== 'map') return item;
  return isObject(item) ? getKey(item, mergeKey) : undefined;
}

function indexIn(list: readonly Json[], v: Json, mergeKey: string, kind: GoKind): number {
  const want = keyOf(v, mergeKey, kind);
  for (let i = 0; i < list.length; i++) if (keyOf(list[i]!, mergeKey, kind) === want) return i;
  return -1;
}

function findByKey(list: readonly Json[], key: string, value: Json | undefined): [JsonObject, number] | undefined {
  for (let i = 0; i < list.length; i++) {
    const m = list[i]!;
    if (!isObject(m)) throw fail(`value for key ${i} is not a map`);
    if (hasKey(m, key) && m[key] === value) return [m, i];
  }
  return undefined;
}

/** Go's in-place "clever" dedup (it moves the last element into each duplicate's slot). */
function deduplicateScalars(s: Json[]): Json[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length]!;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function sliceElementKind(...slices: Json[][]): GoKind {
  let prev: GoKind | undefined;
  for (const s of slices)
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'slice') throw noListOfLists();
      } else if (prev !== k) throw fail(`list element types are not identical: ${goV(slices)}`);
    }
  if (prev === undefined) throw fail('no elements in any of the given slices');
  return prev;
}

function extractToDeleteItems(l: readonly Json[]): [Json[], Json[]] {
  const keep: Json[] = [];
  const del: Json[] = [];
  for (const v of l) {
    if (!isObject(v)) throw badArgType('map', v);
    if (getKey(v, DIRECTIVE) === 'delete') del.push(v);
    else keep.push(v);
  }
  return [keep, del];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: Json[][]): void {
  for (const l of lists)
    for (const v of l) {
      if (!isObject(v)) throw badArgType('map', v);
      if (!hasKey(v, mergeKey)) throw noMergeKey(v, mergeKey);
    }
}

function normalizeSliceOrder(toSort: Json[], order: readonly Json[], mergeKey: string, kind: GoKind): Json[] {
  let del: Json[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order as Json[]);
    [toSort, del] = extractToDeleteItems(toSort);
  }
  // stable sort by position in `order`; items not found keep their relative order, first (as Go's does)
  const ranked = toSort.map((v, i) => ({ v, i, r: indexIn(order, v, mergeKey, kind) }));
  ranked.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r - b.r));
  return [...ranked.map((x) => x.v), ...del];
}

/** Interleaves server-only items (left) into patch items (right) by their order in the live list. */
function mergeSortedSlice(
  left: Json[],
  right: Json[],
  serverOrder: readonly Json[],
  mergeKey: string,
  kind: GoKind,
): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j]!, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

function normalizeElementOrder(
  patch: Json[],
  serverOnly: Json[],
  patchOrder: readonly Json[],
  serverOrder: readonly Json[],
  mergeKey: string,
  kind: GoKind,
): Json[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function partitionPrimitives(list: readonly Json[], by: readonly Json[]): [Json[], Json[]] {
  const inPatch = new Set<Json>(by);
  const p: Json[] = [];
  const s: Json[] = [];
  for (const v of list) (inPatch.has(v) ? p : s).push(v);
  return [p, s];
}

function partitionMaps(list: readonly Json[], by: readonly Json[], mergeKey: string): [Json[], Json[]] {
  const p: Json[] = [];
  const s: Json[] = [];
  for (const v of list) {
    if (!isObject(v)) throw badArgType('map', v);
    if (!hasKey(v, mergeKey)) throw noMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) ? p : s).push(v);
  }
  return [p, s];
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw badArgType('map', left);
  if (!isObject(right)) throw badArgType('map', right);
  if (!hasKey(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!hasKey(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** The items of the patch list must appear in the $setElementOrder list, in the same relative order. */
function validatePatchWithSetOrderList(patchList: Json[] | undefined, order: Json[], mergeKey: string): void {
  if (order.length === 0 || !patchList || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < nonDelete.length && oi < order.length) {
    const item = nonDelete[pi]!;
    if (isObject(item) && hasKey(item, DIRECTIVE)) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[oi]!, mergeKey)) pi++;
    oi++;
  }
  if (pi < nonDelete.length && oi >= order.length)
    throw fail(
      `The order in patch list:\n${goV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goV(order)}\n`,
    );
}

function deleteFromSlice(current: readonly Json[], toDelete: readonly Json[]): Json[] {
  const del = new Set<Json>(toDelete);
  return current.filter((v) => !del.has(v));
}

class Merger {
  constructor(private readonly view: TypeView) {}

  mergeMap(original: JsonObject | null, patch: JsonObject, schema: TypeRef): JsonObject {
    if (hasKey(patch, DIRECTIVE)) {
      const d = patch[DIRECTIVE]!;
      if (d === 'replace') {
        delete patch[DIRECTIVE];
        return patch;
      }
      if (d === 'delete') return {};
      throw badPatchType(d, patch);
    }
    const orig = original ?? {};
    this.applyRetainKeys(orig, patch);
    this.mergeSetElementOrder(orig, patch, schema);

    for (let k of Object.keys(patch)) {
      const patchV = patch[k]!;
      let isDeleteList = false;
      if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        k = extractKey(k, DELETE_FROM_PRIMITIVE_LIST);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete orig[k];
        continue;
      }
      const cur = getKey(orig, k);
      if (cur === undefined || kindOf(cur) !== kindOf(patchV)) {
        if (!isDeleteList) this.takePatch(orig, k, patchV);
        continue;
      }
      if (Array.isArray(cur)) {
        const field = this.view.smpField(schema, k);
        const meta = this.view.patchMeta(field);
        const merged = this.mergeSliceHandler(
          cur,
          patchV as Json[],
          this.view.smpItems(field),
          strategyOf(meta.strategies),
          meta.mergeKey,
          isDeleteList,
        );
        setKey(orig, k, merged);
      } else if (isObject(cur)) {
        const field = this.view.smpField(schema, k);
        const strategy = strategyOf(this.view.patchMeta(field).strategies);
        setKey(orig, k, strategy === 'replace' ? patchV : this.mergeMap(cur, patchV as JsonObject, field));
      } else {
        const [v, keep] = removeDirectives(patchV);
        if (keep) setKey(orig, k, v);
        else delete orig[k];
      }
    }
    return orig;
  }

  /** A patch value with nothing (or something of another type) to merge into: nulls and directives go. */
  private takePatch(orig: JsonObject, k: string, v: Json): void {
    discardNulls(v);
    const [nv, keep] = removeDirectives(v);
    if (keep) setKey(orig, k, nv);
    else delete orig[k];
  }

  private applyRetainKeys(original: JsonObject, patch: JsonObject): void {
    if (!hasKey(patch, RETAIN_KEYS)) return;
    const list = patch[RETAIN_KEYS]!;
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(list)) throw badRetainKeys();
    const keep = new Set<Json>(list);
    for (const k of Object.keys(patch)) {
      if (patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
      if (!keep.has(k)) throw badRetainKeys();
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  /** $setElementOrder/<f>: merges <f> now and orders it by the directive, then the patch, then the live list. */
  private mergeSetElementOrder(original: JsonObject, patch: JsonObject, schema: TypeRef): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
      const order = patch[key]!;
      delete patch[key];
      if (!Array.isArray(order)) throw badArgType('slice', order);
      const field = extractKey(key, SET_ELEMENT_ORDER);
      const originalList = getKey(original, field);
      const patchList = getKey(patch, field);
      if (originalList !== undefined && !Array.isArray(originalList)) throw badArgType('slice', originalList);
      if (patchList !== undefined && !Array.isArray(patchList)) throw badArgType('slice', patchList);
      const fieldSchema = this.view.smpField(schema, field);
      const meta = this.view.patchMeta(fieldSchema);
      const strategy = strategyOf(meta.strategies);
      validatePatchWithSetOrderList(patchList, order, meta.mergeKey);

      let merged: Json[];
      if (originalList && !patchList) merged = originalList;
      else if (!originalList && patchList) merged = removeDirectives(patchList)[0] as Json[];
      else if (originalList && patchList)
        merged = this.mergeSliceHandler(
          originalList,
          patchList,
          this.view.smpItems(fieldSchema),
          strategy,
          meta.mergeKey,
          false,
        );
      else continue;

      const [patchItems, serverOnly] = meta.mergeKey
        ? partitionMaps(merged, order, meta.mergeKey)
        : partitionPrimitives(merged, order);
      // originalList is read after the merge on purpose: Go sees the edits made to its backing array
      const live = originalList ?? [];
      const kind = sliceElementKind(live, patchList ?? []);
      setKey(original, field, normalizeElementOrder(patchItems, serverOnly, order, live, meta.mergeKey, kind));
      delete patch[field];
    }
  }

  private mergeSliceHandler(
    original: Json[],
    patch: Json[],
    itemSchema: TypeRef,
    strategy: string,
    mergeKey: string,
    isDeleteList: boolean,
  ): Json[] {
    if (strategy === 'merge' || isDeleteList)
      return this.mergeSlice(original, patch, itemSchema, mergeKey, isDeleteList);
    return patch;
  }

  private mergeSlice(
    original: Json[],
    patch: Json[],
    schema: TypeRef,
    mergeKey: string,
    isDeleteList: boolean,
  ): Json[] {
    if (original.length === 0 && patch.length === 0) return original;
    const kind = sliceElementKind(original, patch);
    if (kind !== 'map') {
      if (isDeleteList) return deleteFromSlice(original, patch);
      const merged = deduplicateScalars([...original, ...patch]);
      const [patchItems, serverOnly] = mergeKey
        ? partitionMaps(merged, patch, mergeKey)
        : partitionPrimitives(merged, patch);
      return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
    }
    if (!mergeKey) throw fail(`cannot merge lists without merge key for ${schema ? 'object' : 'struct'}`);
    // Go edits the live list's backing array in place (deletes shift it, appends may reuse the freed
    // slots); $setElementOrder later reads that array again, so the same edits are replayed on `original`.
    const live = new GoSlice(original);
    const rest = this.mergeSliceWithSpecialElements(live, patch, mergeKey);
    const serverOrder = rest.items();
    const plain = rest === live ? patch.filter(notDirective) : [];
    const merged = this.mergeSliceWithoutSpecialElements(rest, plain, mergeKey, schema);
    const [patchItems, serverOnly] = partitionMaps(merged, plain, mergeKey);
    return normalizeElementOrder(patchItems, serverOnly, plain, serverOrder, mergeKey, kind);
  }

  /** Applies {$patch: delete} items to `live`; a {$patch: replace} item makes the plain items the new list. */
  private mergeSliceWithSpecialElements(live: GoSlice, patch: Json[], mergeKey: string): GoSlice {
    let replace = false;
    for (const v of patch) {
      const item = v as JsonObject;
      if (!hasKey(item, DIRECTIVE)) continue;
      const d = item[DIRECTIVE]!;
      if (d === 'delete') {
        if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
        let hit: [JsonObject, number] | undefined;
        while ((hit = findByKey(live.items(), mergeKey, item[mergeKey]))) live.deleteAt(hit[1]);
      } else if (d === 'replace') replace = true;
      else if (d === 'merge') throw fail('merging lists cannot yet be specified in the patch');
      else throw badPatchType(d, item);
    }
    return replace ? new GoSlice(patch.filter(notDirective), true) : live;
  }

  private mergeSliceWithoutSpecialElements(
    original: GoSlice,
    patch: Json[],
    mergeKey: string,
    schema: TypeRef,
  ): Json[] {
    for (const v of patch) {
      const item = v as JsonObject;
      if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const hit = findByKey(original.items(), mergeKey, item[mergeKey]);
      if (hit) original.set(hit[1], this.mergeMap(hit[0], item, schema));
      else original.append(v);
    }
    return original.items();
  }
}

const notDirective = (v: Json): boolean => !(isObject(v) && hasKey(v, DIRECTIVE));

/** A Go slice header over a backing array whose capacity is its length (as ToUnstructured makes them). */
class GoSlice {
  private arr: Json[];
  private len: number;
  constructor(backing: Json[], fresh = false) {
    this.arr = fresh ? [...backing] : backing;
    this.len = backing.length;
  }
  items(): Json[] {
    return this.arr.slice(0, this.len);
  }
  set(i: number, v: Json): void {
    this.arr[i] = v;
  }
  /** append(s[:i], s[i+1:]...): shifts the tail left inside the same backing array. */
  deleteAt(i: number): void {
    for (let k = i; k < this.len - 1; k++) this.arr[k] = this.arr[k + 1]!;
    this.len--;
  }
  /** append: in place while capacity remains, otherwise onto a new array. */
  append(v: Json): void {
    if (this.len < this.arr.length) this.arr[this.len++] = v;
    else {
      this.arr = [...this.arr.slice(0, this.len), v];
      this.len++;
    }
  }
}
