// Server-side apply (FieldManager.Apply with kube-apiserver's default decorators): the applied configuration
// is merged into the live object by schema, the manager becomes owner of exactly the fields it applied,
// fields it applied before and no longer does are removed unless someone else owns them, and changing a
// field another manager owns is a 409 conflict unless forced. For manager "kubectl" the last-applied
// annotation of client-side apply is honoured (conflicts it explains are allowed) and kept up to date.
import { decodeJson } from '../api/decode/json.js';
import { errors, type StatusCause } from '../api/errors.js';
import type { KObject, ManagedFieldsEntry } from '../api/types.js';
import { FieldSet, type PathElement, pathString } from './fieldpath.js';
import { type Json, type JsonObject, clone, deepEqual, hasKey, isObject, setKey } from './json.js';
import {
  LAST_APPLIED_ANNOTATION,
  type Managed,
  ManagedFieldsError,
  type Ownership,
  decodeManagedFields,
  encodeManagedFields,
  excludePaths,
  managerIdentifier,
  parseIdentifier,
  rfc3339,
  rootType,
  stripMeta,
  updateChain,
  viewOf,
  withZeroFields,
  zeroObject,
} from './managedfields.js';
import { Typed, TypedError, type T } from './typed.js';
import { goQuote } from '../gocompat/quote.js';
import { goJson } from '../gocompat/json-encode.js';

export interface ApplyOptions extends Ownership {
  /** The stored object; undefined when the apply creates it. */
  live: KObject | undefined;
  /** The applied configuration (the decoded apply-patch body). */
  config: JsonObject;
  manager: string;
  force: boolean;
  now: Date;
  /** Expected kind; the configuration's apiVersion/kind must match (versioncheck.go). */
  kind?: string;
  subresource?: string;
}

export interface ApplyResult {
  object: KObject;
  managedFields: ManagedFieldsEntry[] | undefined;
  /** False when the apply changed nothing but ownership. */
  changed: boolean;
}

interface Conflict {
  manager: string;
  path: PathElement[];
}

class Conflicts extends Error {
  constructor(readonly list: Conflict[]) {
    super('conflicts');
  }
}

/** printManager: `"name"`, `"name" with subresource "status"`, `... using v1` for Update managers. */
export function printManager(id: string): string {
  let info;
  try {
    info = parseIdentifier(id);
  } catch {
    return goQuote(id);
  }
  let s = goQuote(info.manager ?? '');
  if (info.subresource) s += ` with subresource ${goQuote(info.subresource)}`;
  if (info.operation === 'Update') s += ` using ${info.apiVersion ?? ''}`;
  return s;
}

/** NewConflictError: the 409 kubectl prints ("Apply failed with 1 conflict: conflict with ..."). */
export function conflictError(conflicts: Conflict[]) {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  } else {
    const by = new Map<string, string[]>();
    for (const c of conflicts) by.set(c.manager, [...(by.get(c.manager) ?? []), pathString(c.path)]);
    const lines: string[] = [];
    for (const m of [...by.keys()].sort()) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const p of by.get(m)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return errors.applyConflict(causes, message);
}

/** groupVersion "g/v" or "v" split like schema.ParseGroupVersion. */
function gvk(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const k = typeof kind === 'string' ? kind : '';
  const i = av.indexOf('/');
  const [g, v] = i < 0 ? ['', av] : [av.slice(0, i), av.slice(i + 1)];
  return `${g}/${v}, Kind=${k}`;
}

/** Applies `config` on behalf of `manager`. Throws StatusErrors with kube-apiserver's texts. */
export function applyPatch(o: ApplyOptions): ApplyResult {
  // Never changed here (the merge shares its subtrees, and the result is a copy): no need to copy it.
  const cfg = o.config;
  const meta = isObject(cfg.metadata) ? cfg.metadata : {};
  const live = (
    o.live
      ? withZeroFields(viewOf(o), clone(o.live as unknown as JsonObject), viewOf(o).named(o.schemaName))
      : zeroObject(o)
  ) as JsonObject;
  let managed: Managed;
  try {
    managed = decodeManagedFields(
      isObject(live.metadata) ? (live.metadata.managedFields as ManagedFieldsEntry[]) : undefined,
    );
  } catch (e) {
    if (e instanceof ManagedFieldsError) throw errors.plain(`failed to decode managed fields: ${e.message}`);
    throw e;
  }
  // versioncheck.go compares the whole GVK of the configuration with the resource's
  if (cfg.apiVersion !== o.apiVersion || (o.kind !== undefined && cfg.kind !== o.kind))
    throw errors.badRequest(`invalid object type: ${gvk(cfg.apiVersion, cfg.kind)}`);
  if (meta.managedFields !== undefined && meta.managedFields !== null)
    throw errors.badRequest('metadata.managedFields must be nil');

  const typed = new Typed(viewOf(o));
  const root = rootType(o);
  const errs = typed.validate(cfg, root);
  if (errs.length) {
    const name = `${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}`;
    throw errors.plain(
      `failed to create typed patch object (${name}; ${gvk(cfg.apiVersion, cfg.kind)}): ${new TypedError(errs).message}`,
    );
  }

  const id = managerIdentifier({ manager: o.manager || 'unknown', operation: 'Apply', subresource: o.subresource });
  const run = (force: boolean) => applyOnce(typed, root, live, cfg, managed, id, force, o);
  let result: { object: JsonObject; managed: Managed; changed: boolean };
  try {
    result = run(o.force);
  } catch (e) {
    if (!(e instanceof Conflicts)) throw e;
    let remaining = e.list;
    if (o.manager === 'kubectl') {
      const allowed = allowedByLastApplied(typed, root, live, o.apiVersion);
      if (allowed) remaining = e.list.filter((c) => !allowed.has(c.path));
    }
    if (remaining.length > 0) throw conflictError(remaining);
    result = run(true);
  }

  const object = result.object;
  if (o.manager === 'kubectl') updateLastApplied(object, cfg);
  const managedFields = encodeManagedFields(result.managed);
  const md = (isObject(object.metadata) ? object.metadata : (object.metadata = {})) as JsonObject;
  if (managedFields) md.managedFields = managedFields as unknown as Json;
  else delete md.managedFields;
  return { object: typeMetaFirst(object) as unknown as KObject, managedFields, changed: result.changed };
}

/** apiVersion, kind and metadata lead, as in every object kube-apiserver writes. */
function typeMetaFirst(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of ['apiVersion', 'kind', 'metadata']) if (hasKey(o, k)) out[k] = o[k]!;
  for (const k of Object.keys(o)) if (!hasKey(out, k)) setKey(out, k, o[k]!);
  return out;
}

/** skipNonApplied ∘ cap ∘ manager info ∘ time ∘ strip ∘ structured apply, on a fresh copy of the state. */
function applyOnce(
  typed: Typed,
  root: T,
  live: JsonObject,
  cfg: JsonObject,
  managed0: Managed,
  id: string,
  force: boolean,
  o: ApplyOptions,
): { object: JsonObject; managed: Managed; changed: boolean } {
  const managed: Managed = { fields: new Map(managed0.fields), times: new Map(managed0.times) };
  // skipNonApplied: whatever an untracked object already holds is owned by "before-first-apply"
  if (managed.fields.size === 0)
    updateChain(
      typed,
      root,
      zeroObject(o),
      live,
      managed,
      { manager: 'before-first-apply', subresource: o.subresource },
      o,
      o.now,
    );

  // maps the merge built without nulls: the result below uses them as they are
  const clean = new WeakSet<object>();
  const merged = typed.merge(live, cfg, root, clean) ?? {};
  const lastSet = managed.fields.get(id);
  const set = excludePaths(typed.toFieldSet(cfg, root), o.resetFields);
  managed.fields.set(id, { set, apiVersion: o.apiVersion, applied: true });
  const next = prune(typed, root, merged, managed, lastSet?.set);
  update(typed, root, live, next, managed, id, force, o);
  stripMeta(managed, id);
  const changed = !deepEqual(live, next);
  if (changed) managed.times.set(id, rfc3339(o.now));
  // the merge shares subtrees with live and the configuration: copy before cleaning (one pass for both)
  const object = cloneWithoutNulls(changed ? next : live, clean) as JsonObject;
  return { object, managed, changed };
}

/** Updater.prune: drop what the manager applied last time and no longer applies, unless someone owns it. */
function prune(typed: Typed, root: T, merged: Json, managed: Managed, lastSet: FieldSet | undefined): Json {
  if (!lastSet || lastSet.empty()) return merged;
  const ensure = (s: FieldSet): FieldSet => typed.ensureNamedFieldsAreMembers(s, root);
  let pruned = typed.removeItems(merged, ensure(lastSet), root);
  // addBackOwnedItems
  let owned = new FieldSet();
  for (const vs of managed.fields.values()) owned = owned.union(vs.set);
  const mergedSet = ensure(typed.toFieldSet(merged, root));
  pruned = typed.removeItems(
    merged,
    mergedSet.difference(ensure(typed.toFieldSet(pruned, root)).union(ensure(owned))),
    root,
  );
  // addBackDanglingItems
  const prunedSet = ensure(typed.toFieldSet(pruned, root));
  return typed.removeItems(merged, mergedSet.difference(prunedSet).intersection(ensure(lastSet)), root);
}

/** Updater.update: other managers lose changed fields (or the apply conflicts); removed fields are released. */
function update(
  typed: Typed,
  root: T,
  live: Json,
  next: Json,
  managed: Managed,
  id: string,
  force: boolean,
  o: ApplyOptions,
): void {
  // What changed matters only to the other managers: with none, the comparison (a walk of the whole object) is
  // skipped.
  let others = false;
  for (const m of managed.fields.keys()) if (m !== id) others = true;
  if (!others) return;
  const c = typed.compare(live, next, root);
  const changed = excludePaths(c.modified.union(c.added), o.resetFields);
  const removed = excludePaths(c.removed, o.resetFields);
  const conflicts = new Map<string, FieldSet>();
  for (const [m, vs] of managed.fields) {
    if (m === id) continue;
    const cs = vs.set.intersection(changed);
    if (!cs.empty()) conflicts.set(m, cs);
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const m of [...conflicts.keys()].sort()) conflicts.get(m)!.iterate((path) => list.push({ manager: m, path }));
    throw new Conflicts(list);
  }
  for (const [m, vs] of [...managed.fields]) {
    if (m === id) continue;
    let set = vs.set;
    const cs = conflicts.get(m);
    if (cs) set = set.difference(cs);
    if (!removed.empty()) set = set.difference(removed);
    if (set.empty()) managed.fields.delete(m);
    else managed.fields.set(m, { ...vs, set });
  }
}

/** lastappliedmanager.go: fields of the last-applied annotation that still match the live object. */
function allowedByLastApplied(typed: Typed, root: T, live: JsonObject, apiVersion: string): FieldSet | undefined {
  const ann =
    isObject(live.metadata) && isObject(live.metadata.annotations)
      ? live.metadata.annotations[LAST_APPLIED_ANNOTATION]
      : undefined;
  if (typeof ann !== 'string' || ann === '') return undefined;
  let last: Json;
  try {
    last = decodeJson(ann) as Json;
  } catch {
    return undefined;
  }
  if (!isObject(last) || last.apiVersion !== apiVersion) return undefined;
  if (typed.validate(last, root).length > 0) return undefined;
  const set = typed.toFieldSet(last, root);
  const c = typed.compare(last, live, root);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** lastappliedupdater.go: keep client-side apply's annotation in step with server-side applies by kubectl. */
function updateLastApplied(object: JsonObject, cfg: JsonObject): void {
  const md = isObject(object.metadata) ? object.metadata : undefined;
  const anns = md && isObject(md.annotations) ? md.annotations : undefined;
  const cur = anns?.[LAST_APPLIED_ANNOTATION];
  if (!anns || typeof cur !== 'string' || cur === '') return;
  const c = clone(cfg);
  if (isObject(c.metadata) && isObject(c.metadata.annotations)) delete c.metadata.annotations[LAST_APPLIED_ANNOTATION];
  // runtime.Encode(UnstructuredJSONScheme): sorted keys, and json.Encoder's trailing newline
  const value = goJson(c) + '\n';
  let size = Buffer.byteLength(LAST_APPLIED_ANNOTATION) + Buffer.byteLength(value);
  for (const [k, v] of Object.entries(anns))
    if (k !== LAST_APPLIED_ANNOTATION) size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  if (size > MAX_ANNOTATIONS_BYTES) delete anns[LAST_APPLIED_ANNOTATION];
  else anns[LAST_APPLIED_ANNOTATION] = value;
}

/**
 * dropNulls(clone(v)) in one pass: a copy without the null members of maps. Maps in `clean` (built by the merge,
 * held by nothing else, holding no null) are taken as they are.
 */
function cloneWithoutNulls(v: Json, clean: WeakSet<object>): Json {
  if (Array.isArray(v)) return v.map((x) => cloneWithoutNulls(x, clean));
  if (isObject(v)) {
    if (clean.has(v)) return v;
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      const x = v[k]!;
      if (x !== null) setKey(out, k, cloneWithoutNulls(x, clean));
    }
    return out;
  }
  return v;
}

/** Map members that are null would decode to Go zero values and vanish; drop them as the typed round trip does. */
export function dropNulls(v: Json): Json {
  if (Array.isArray(v)) {
    // a copy, as map() made it, with only the containers visited (no call per number of a long list)
    const out = v.slice();
    for (let i = 0; i < out.length; i++) {
      const x = out[i]!;
      if (x !== null && typeof x === 'object') out[i] = dropNulls(x);
    }
    return out;
  }
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else v[k] = dropNulls(v[k]!);
    }
  }
  return v;
}
