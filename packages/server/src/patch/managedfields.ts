// metadata.managedFields bookkeeping for non-apply writes (create, update, json/merge/strategic patch), as
// kube-apiserver's FieldManager.Update runs it: managers are identified by {manager, operation, apiVersion,
// subresource}; the writer takes over every field it changed, fields it removed are released by everyone,
// apiVersion/kind/metadata.name & co. are never owned, at most 10 Update managers are kept (the oldest are
// merged into "ancient-changes"), and an existing object without managedFields stays untracked.
import type { KObject, ManagedFieldsEntry } from '../api/types.js';
import { FieldSet, type Path, serializePE } from './fieldpath.js';
import { getKey, hasKey, isObject, setKey, type Json, type JsonObject } from './json.js';
import { Typed, type T } from './typed.js';
import type { SchemaResolver } from '../api/schema/types.js';
import { type TypeRef, TypeView } from './typeview.js';
import { compareStrings, goQuoteJson } from '../gocompat/json-encode.js';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

/** Managers by identifier, plus the time each was last written (RFC 3339, seconds). */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string>;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_UPDATE_MANAGERS = 10;

/** Paths never owned by anybody (stripmeta.go). */
const STRIP = FieldSet.of(
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f): Path => [{ field: 'metadata' }, { field: f }]),
);

export interface ManagerInfo {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

/** BuildManagerIdentifier: the entry as Go's json.Marshal writes it, without time and fields (and apiVersion for Apply). */
export function managerIdentifier(m: ManagerInfo): string {
  const parts: string[] = [];
  if (m.manager) parts.push(`"manager":${goQuoteJson(m.manager)}`);
  parts.push(`"operation":${goQuoteJson(m.operation)}`);
  if (m.operation !== 'Apply' && m.apiVersion) parts.push(`"apiVersion":${goQuoteJson(m.apiVersion)}`);
  if (m.subresource) parts.push(`"subresource":${goQuoteJson(m.subresource)}`);
  return `{${parts.join(',')}}`;
}

export function parseIdentifier(id: string): ManagerInfo {
  return JSON.parse(id) as ManagerInfo;
}

export class ManagedFieldsError extends Error {}

/** DecodeManagedFields, with its validation messages. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined | null): Managed {
  const m = emptyManaged();
  (entries ?? []).forEach((e, i) => {
    if (e.operation !== 'Apply' && e.operation !== 'Update')
      throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new ManagedFieldsError('apiVersion must not be empty');
    if (!e.fieldsType) throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1')
      throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const id = managerIdentifier({
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource,
    });
    let set: FieldSet;
    try {
      set = e.fieldsV1 === undefined || e.fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(e.fieldsV1);
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set: error decoding set: ${(err as Error).message}`);
    }
    m.fields.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    if (e.time) m.times.set(id, e.time);
    else m.times.delete(id);
  });
  return m;
}

/** encodeManagedFields + sortEncodedManagedFields; undefined when nobody manages anything. */
export function encodeManagedFields(m: Managed): ManagedFieldsEntry[] | undefined {
  if (m.fields.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const info = parseIdentifier(id);
    const e: ManagedFieldsEntry = {};
    if (info.manager) e.manager = info.manager;
    e.operation = vs.applied ? 'Apply' : info.operation;
    e.apiVersion = vs.apiVersion;
    const t = m.times.get(id);
    if (t) e.time = t;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource) e.subresource = info.subresource;
    out.push(e);
  }
  const seconds = (t?: string): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const cmp = (a = '', b = ''): number => compareStrings(a, b);
  return out.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

/** metav1.Time as JSON: RFC 3339 in UTC, whole seconds. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Removes the reset paths (e.g. status on the main resource) and everything under them. */
export function excludePaths(s: FieldSet, reset: readonly Path[] | undefined): FieldSet {
  if (!reset || reset.length === 0) return s;
  let out = s;
  for (const p of reset) out = without(out, p, 0);
  return out;
}

/** `s` without the path p[i…] and what is under it: the nodes along the path are copied, the rest is shared. */
function without(s: FieldSet, p: Path, i: number): FieldSet {
  const pe = p[i];
  if (!pe) return s;
  const id = serializePE(pe);
  if (i === p.length - 1) {
    if (!s.members.has(id) && !s.children.has(id)) return s;
    const out = s.shallowCopy();
    out.members.delete(id);
    out.children.delete(id);
    return out;
  }
  const c = s.children.get(id);
  if (!c) return s;
  const sub = without(c.set, p, i + 1);
  if (sub === c.set) return s;
  const out = s.shallowCopy();
  out.children.set(id, { pe: c.pe, set: sub });
  return out;
}

/** What every write needs to compute ownership. */
export interface Ownership {
  /** Resolves the object's schema and its $refs. */
  resolver: SchemaResolver;
  /** Schema of the object (a components name). */
  schemaName: string;
  /** groupVersion of the resource, e.g. "v1" or "rbac.authorization.k8s.io/v1". */
  apiVersion: string;
  /** Paths the strategy resets (e.g. [[{field:'status'}]] on the main resource); never owned. */
  resetFields?: readonly Path[];
}

const views = new WeakMap<SchemaResolver, TypeView>();

/** One TypeView per resolver, so dereferenced schemas are cached across requests. */
export function viewOf(o: { resolver: SchemaResolver }): TypeView {
  let v = views.get(o.resolver);
  if (!v) views.set(o.resolver, (v = new TypeView(o.resolver)));
  return v;
}

export function rootType(o: Ownership): T {
  const s = viewOf(o).named(o.schemaName);
  if (!s) throw new Error(`unknown schema ${o.schemaName}`);
  return s;
}

/**
 * Go's typed objects always carry their non-omitempty fields (OpenAPI `required`) and their struct-valued
 * spec/status, as zero values (nil lists and maps, "" and 0, empty structs). Ownership is computed on
 * objects filled the same way, so a field that goes from zero to set is "modified", not "added" (no ".").
 */
export function withZeroFields(view: TypeView, v: Json, t: TypeRef, top = true, depth = 0): Json {
  if (!t || depth > 32) return v;
  const a = view.atom(t);
  if (isObject(v) && a.map) {
    const s = a.map.schema;
    if (!s) return v;
    if (s.properties) {
      for (const k of Object.keys(v)) {
        // The object's keys are the request's: `constructor` must not find Object.prototype's member.
        const p = getKey(s.properties, k);
        if (p) v[k] = withZeroFields(view, v[k]!, p, false, depth + 1);
      }
      const fill = [...(s.required ?? []), ...(top ? ['metadata', 'spec', 'status'] : [])];
      for (const k of fill) {
        const p = s.properties[k];
        if (p && !hasKey(v, k)) setKey(v, k, zeroValue(view, p, depth + 1));
      }
    } else if (typeof s.additionalProperties === 'object') {
      for (const k of Object.keys(v)) v[k] = withZeroFields(view, v[k]!, s.additionalProperties, false, depth + 1);
    }
  } else if (Array.isArray(v) && a.list) {
    return v.map((x) => withZeroFields(view, x, a.list!.item, false, depth + 1));
  }
  return v;
}

/**
 * withZeroFields(view, clone(v), t) for readers: `v` is not changed, and whatever the fill leaves as it is stays
 * shared with it (a copy of 90,000 ConfigMap keys only to add a missing field at the top was most of a create's
 * managed-fields cost). Same keys in the same order as withZeroFields gives.
 */
export function zeroFilled(view: TypeView, v: Json, t: TypeRef, top = true, depth = 0): Json {
  if (!t || depth > 32) return v;
  const a = view.atom(t);
  if (isObject(v) && a.map) {
    const s = a.map.schema;
    if (!s) return v;
    let out: JsonObject | undefined;
    if (s.properties) {
      for (const k of Object.keys(v)) {
        const p = getKey(s.properties, k);
        if (!p) continue;
        const x = zeroFilled(view, v[k]!, p, false, depth + 1);
        if (x !== v[k]) setKey((out ??= { ...v }), k, x);
      }
      const fill = [...(s.required ?? []), ...(top ? ['metadata', 'spec', 'status'] : [])];
      for (const k of fill) {
        const p = s.properties[k];
        if (p && !hasKey(out ?? v, k)) setKey((out ??= { ...v }), k, zeroValue(view, p, depth + 1));
      }
    } else if (typeof s.additionalProperties === 'object') {
      const item = s.additionalProperties;
      const ia = view.atom(item);
      // items that are neither maps nor lists come back as they are: no call per key
      if (!ia.map && !ia.list) return v;
      for (const k of Object.keys(v)) {
        const x = zeroFilled(view, v[k]!, item, false, depth + 1);
        if (x !== v[k]) setKey((out ??= { ...v }), k, x);
      }
    }
    return out ?? v;
  }
  if (Array.isArray(v) && a.list) {
    let out: Json[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = zeroFilled(view, v[i]!, a.list.item, false, depth + 1);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  return v;
}

function zeroValue(view: TypeView, t: TypeRef, depth: number): Json {
  const a = view.atom(t);
  if (a.map?.schema?.properties && !a.scalar) return withZeroFields(view, {}, t, false, depth);
  if (a.map || a.list) return null;
  const s = t ? view.deref(t) : undefined;
  if (a.scalar === 'numeric') return 0;
  if (a.scalar === 'boolean') return false;
  if (a.scalar === 'string' || (s?.type === 'string' && !s.format)) return '';
  return null;
}

/** The zero value of the object's type: what kube-apiserver compares a create against. */
export function zeroObject(o: Ownership): JsonObject {
  const view = viewOf(o);
  return withZeroFields(view, {}, view.named(o.schemaName)) as JsonObject;
}

/** updater.Update (force: the writer takes every field it changed; removed fields are released). */
export function structuredUpdate(
  typed: Typed,
  root: T,
  live: Json,
  next: Json,
  managed: Managed,
  manager: string,
  own: Ownership,
): void {
  const c = typed.compare(live, next, root);
  const modified = excludePaths(c.modified, own.resetFields);
  const added = excludePaths(c.added, own.resetFields);
  const removed = excludePaths(c.removed, own.resetFields);
  const changed = modified.union(added);
  for (const [id, vs] of managed.fields) {
    if (id === manager) continue;
    const set = vs.set.difference(vs.set.intersection(changed)).difference(removed);
    if (set.empty()) managed.fields.delete(id);
    else managed.fields.set(id, { ...vs, set });
  }
  const prev = managed.fields.get(manager)?.set ?? new FieldSet();
  const set = excludePaths(prev.difference(removed).union(modified).union(added), own.resetFields);
  if (set.empty()) managed.fields.delete(manager);
  else managed.fields.set(manager, { set, apiVersion: own.apiVersion, applied: false });
}

export function stripMeta(managed: Managed, manager: string): void {
  const vs = managed.fields.get(manager);
  if (!vs) return;
  const set = vs.set.difference(STRIP);
  if (set.empty()) managed.fields.delete(manager);
  else managed.fields.set(manager, { ...vs, set });
}

/** The Update chain below SkipNonApplied: cap managers ∘ manager info ∘ time ∘ strip ∘ structured update. */
export function updateChain(
  typed: Typed,
  root: T,
  live: Json,
  next: Json,
  managed: Managed,
  info: { manager: string; subresource?: string },
  own: Ownership,
  now: Date,
): void {
  const id = managerIdentifier({
    manager: info.manager || 'unknown',
    operation: 'Update',
    apiVersion: own.apiVersion,
    subresource: info.subresource,
  });
  const self = 'current-operation';
  structuredUpdate(typed, root, live, next, managed, self, own);
  stripMeta(managed, self);
  const vs = managed.fields.get(self);
  if (vs) {
    managed.fields.delete(self);
    const prev = managed.fields.get(id);
    managed.fields.set(id, prev ? { ...vs, set: vs.set.union(prev.set) } : vs);
    managed.times.set(id, rfc3339(now));
  }
  capUpdateManagers(managed);
}

/** capmanagers.go: beyond 10 Update managers the oldest are merged into "ancient-changes" per apiVersion. */
export function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  const seconds = (id: string): number => {
    const t = managed.times.get(id);
    return t ? Math.floor(Date.parse(t) / 1000) : 0;
  };
  updaters.sort((a, b) => seconds(a) - seconds(b) || compareStrings(a, b));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i]!;
    const vs = managed.fields.get(id)!;
    const time = managed.times.get(id);
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      managed.fields.set(bucket, managed.fields.get(first)!);
      managed.fields.delete(first);
    }
    managed.fields.set(bucket, { ...vs, set: vs.set.union(managed.fields.get(bucket)!.set) });
    managed.fields.delete(id);
    length--;
    if (time) managed.times.set(bucket, time);
    else managed.times.delete(bucket);
  }
}

function isResetManagedFields(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  return mf.length === 1 && isObject(mf[0]) && Object.keys(mf[0]).length === 0;
}

export interface UpdateOptions extends Ownership {
  /** The stored object; undefined for a create. */
  old: KObject | undefined;
  /** The object about to be written (its managedFields, if any, are what the client sent). */
  new: KObject;
  manager: string;
  operation?: 'Update';
  subresource?: string;
  now: Date;
}

/**
 * FieldManager.Update: records the write in managedFields. Returns the object to store (a copy of `new`
 * with managedFields replaced: its top level and metadata are new, deeper values are `new`'s) and the entries.
 */
export function updateManagedFields(o: UpdateOptions): {
  object: KObject;
  managedFields: ManagedFieldsEntry[] | undefined;
} {
  const view = viewOf(o);
  const typed = new Typed(view);
  const root = rootType(o);
  // Only the top level and metadata change here (a deep copy of a huge object cost as much as the rest)
  const src = o.new as unknown as JsonObject;
  const next = { ...src } as unknown as KObject;
  if (isObject(src.metadata)) next.metadata = { ...src.metadata } as KObject['metadata'];
  const requested = next.metadata?.managedFields;
  if (next.metadata) delete next.metadata.managedFields;

  // decodeLiveOrNew: a subresource write ignores what the client sent; `[]` or `[{}]` resets tracking
  let managed: Managed;
  const fromLive = (): Managed => {
    try {
      return decodeManagedFields(o.old?.metadata?.managedFields);
    } catch {
      return emptyManaged();
    }
  };
  if (o.subresource) managed = fromLive();
  else if (isResetManagedFields(requested)) managed = emptyManaged();
  else {
    try {
      managed = decodeManagedFields(requested);
      if (managed.fields.size === 0) managed = fromLive();
    } catch {
      managed = fromLive();
    }
  }

  // skipNonApplied: an existing object that nobody tracks stays untracked until the first apply
  if (managed.fields.size === 0 && o.old?.metadata?.uid) return { object: next, managedFields: undefined };

  const schema = view.named(o.schemaName);
  // both are only read: zero-filled views, sharing what they do not fill with the objects
  const live = o.old ? zeroFilled(view, o.old as unknown as JsonObject, schema) : zeroObject(o);
  const after = zeroFilled(view, next as unknown as JsonObject, schema);
  updateChain(typed, root, live, after, managed, { manager: o.manager, subresource: o.subresource }, o, o.now);
  const managedFields = encodeManagedFields(managed);
  if (managedFields) next.metadata = { ...next.metadata, managedFields };
  return { object: next, managedFields };
}
