// Generic REST handlers for stored resources (kube-apiserver's generic registry + handlers): get, list,
// create, update, patch, delete, deletecollection. Watch lives in watch.ts. Handlers throw StatusError.
import { decodeError, type FieldCheck } from '../api/schema/fields.js';
import { decodeJson } from '../api/decode/json.js';
import { errors, type GroupResource } from '../api/errors.js';
import type { FieldError } from '../api/field.js';
import type { KObject } from '../api/types.js';
import { pathSegmentNameErrors } from '../request/info.js';
import { StorageError, resourcePrefix, storageKey, type Entry, type Store } from '../storage/store.js';
import { canonical, clone, generateName, newUid, rfc3339 } from './meta.js';
import { gvString, type HandlerContext, type ResourceDef } from './resource.js';
import { applyStrictErrors } from '../patch/index.js';
import {
  type FieldValidation,
  parseFieldValidation,
  patchErrorValue,
  reportPatchFields,
} from '../patch/fieldreport.js';
import { sameJson, type Skips } from './samejson.js';
import { listOptions } from './listoptions.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { EtcdKeys } from '../storage/etcd/keys.js';

export interface Admission {
  /** Mutating then validating admission for create/update; may mutate `obj` or throw StatusError. */
  admit(
    op: 'CREATE' | 'UPDATE' | 'DELETE',
    def: ResourceDef,
    obj: KObject,
    old: KObject | undefined,
    ctx: HandlerContext,
  ): void;
}

export interface FieldManager {
  /** Records an Update operation by `manager` in managedFields (server-side apply bookkeeping). */
  update(old: KObject | undefined, obj: KObject, manager: string, def: ResourceDef, now: number): void;
  /**
   * Applies a patch request body (json/merge/strategic/apply) to `live` (undefined = create via apply).
   * `decodePatched` sees the result of a json/merge/strategic patch before managed fields are computed: it
   * drops unknown fields (and reports them per fieldValidation), as kube-apiserver's decode of the result does.
   */
  patch(
    def: ResourceDef,
    live: KObject | undefined,
    ctx: HandlerContext,
    fieldManager: string,
    userAgent: string | undefined,
    now: number,
    decodePatched?: (patched: KObject, patchType: string, body: string) => void,
  ): KObject;
  /**
   * The same for a patch too costly for the serving thread (a large body or live object): computed off it,
   * resolving to the patched object and, for a json/merge/strategic patch, the field validation warnings of its
   * decoding (as `patch` with decodePatched gives them). Undefined when the patch is cheap enough to run in place.
   */
  patchOffThread?(
    def: ResourceDef,
    live: Entry | undefined,
    ctx: HandlerContext,
    fieldManager: string,
    userAgent: string | undefined,
    now: number,
  ): Promise<{ object: KObject; warnings: string[]; checked?: FieldCheck }> | undefined;
}

export interface RestDeps {
  store: Store;
  admission: Admission;
  fields: FieldManager;
  now?: () => number;
}

export function gr(def: ResourceDef): GroupResource {
  return { group: def.group, resource: def.resource };
}

function validName(def: ResourceDef, name: string): void {
  const errs = pathSegmentNameErrors(name);
  if (errs.length) throw errors.badRequest(`Name parameter invalid: "${name}": ${errs.join(';')}`);
}

const registryKeys = new EtcdKeys('/registry');

export function keyFor(def: ResourceDef, namespace: string, name: string): string {
  return storageKey(def.group, def.resource, def.namespaced ? namespace : '', name);
}

function mapStorageError(e: unknown, def: ResourceDef, name: string): never {
  if (e instanceof StorageError) {
    if (e.code === 'NotFound') throw errors.notFound(gr(def), name);
    if (e.code === 'Exists') throw errors.alreadyExists(gr(def), name);
    if (e.code === 'Conflict') throw errors.conflict(gr(def), name, e.message);
    if (e.code === 'Expired') throw errors.resourceExpired(e.message);
  }
  throw e;
}

function fieldManagerName(ctx: HandlerContext, userAgent: string | undefined): string {
  const fm = ctx.query.get('fieldManager');
  if (fm !== null) {
    if (fm.length > 128) throw errors.badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return fm;
  }
  return (userAgent ?? '').split('/')[0] ?? '';
}

function isDryRun(ctx: HandlerContext, bodyDryRun?: unknown): boolean {
  const values = [...ctx.query.getAll('dryRun'), ...(Array.isArray(bodyDryRun) ? (bodyDryRun as string[]) : [])];
  for (const v of values) if (v !== 'All') throw errors.badRequest(`Invalid dry run value: ${v}`);
  return values.length > 0;
}

function fieldValidation(ctx: HandlerContext): FieldValidation {
  return parseFieldValidation(ctx.query.get('fieldValidation'));
}

export interface BodyChecker {
  /**
   * Unknown-field paths (and duplicate fields of `raw`) and type errors of `obj` against the kind's schema.
   * Unknown fields are deleted from `obj`: they are never stored nor returned.
   */
  check(def: ResourceDef, obj: KObject, raw: string | undefined): { unknown: string[]; typeErrors: string[] };
  /** The same answer from a report the decoding worker made (the body is already pruned). */
  fromReport(def: ResourceDef, r: FieldCheck): { unknown: string[]; typeErrors: string[] };
}

export class RestStorage {
  private readonly now: () => number;
  constructor(private readonly deps: RestDeps & { bodies: BodyChecker; userAgent?: (ctx: HandlerContext) => string }) {
    this.now = deps.now ?? Date.now;
  }

  get store(): Store {
    return this.deps.store;
  }

  get(def: ResourceDef, ctx: HandlerContext): Entry {
    validName(def, ctx.info.name);
    const e = this.deps.store.get(keyFor(def, ctx.info.namespace, ctx.info.name));
    if (!e) throw errors.notFound(gr(def), ctx.info.name);
    this.checkRvNotTooNew(ctx.query.get('resourceVersion'));
    return e;
  }

  private checkRvNotTooNew(rv: string | null): void {
    if (!rv || rv === '0') return;
    const n = Number(rv);
    if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version: ${rv}`);
    if (n > this.deps.store.rev)
      throw errors.timeout(`Too large resource version: ${n}, current: ${this.deps.store.rev}`, 1);
  }

  /** Lists matching entries with paging; returns the entries and list metadata. */
  list(
    def: ResourceDef,
    ctx: HandlerContext,
  ): { items: Entry[]; resourceVersion: string; continue?: string; remainingItemCount?: number } {
    const q = ctx.query;
    const labelSel = q.get('labelSelector') ? parseLabelSelector(q.get('labelSelector')!) : undefined;
    // ValidateListOptions runs after the codec has parsed the label selector and before field labels are checked.
    listOptions(q);
    const fieldSel = q.get('fieldSelector')
      ? parseFieldSelector(q.get('fieldSelector')!, this.fieldLabels(def))
      : undefined;
    this.checkRvNotTooNew(q.get('resourceVersion'));
    const limitStr = q.get('limit');
    const limit = limitStr ? Number(limitStr) : 0;
    if (limitStr && (!Number.isInteger(limit) || limit < 0)) throw errors.badRequest(`invalid limit: ${limitStr}`);
    let startKey = '';
    let rv = this.deps.store.rev;
    const cont = q.get('continue');
    if (cont) {
      const tok = decodeContinue(cont);
      startKey = tok.start;
      // A token from before etcd's compaction cannot continue a consistent list: kube's etcd3 store answers 410
      // with a token for the rest at the latest revision (-1), which continues here at the current one.
      if (tok.rv > 0 && tok.rv < this.deps.store.compacted) throw errors.continueExpired(encodeContinue(-1, tok.start));
      if (tok.rv > 0) rv = tok.rv;
    }
    const prefix = resourcePrefix(def.group, def.resource);
    const all = this.deps.store.list(prefix, def.namespaced ? ctx.info.namespace : undefined);
    let i = 0;
    if (startKey) {
      const full = prefix + startKey;
      let lo = 0;
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (all[mid]!.key < full) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
    }
    const items: Entry[] = [];
    for (; i < all.length; i++) {
      const e = all[i]!;
      if (labelSel && !matchesLabels(labelSel, e.object.metadata.labels)) continue;
      if (fieldSel && !matchesFields(fieldSel, e.object, def.selectableFields)) continue;
      if (limit > 0 && items.length === limit) {
        const last = items[items.length - 1]!.key.slice(prefix.length);
        const filtered = !!(labelSel || fieldSel);
        return {
          items,
          resourceVersion: String(rv),
          continue: encodeContinue(rv, last + '\u0000'),
          remainingItemCount: filtered ? undefined : all.length - i,
        };
      }
      items.push(e);
    }
    return { items, resourceVersion: String(rv) };
  }

  fieldLabels(def: ResourceDef): string[] {
    return def.namespaced
      ? ['metadata.name', 'metadata.namespace', ...def.fieldSelectors]
      : ['metadata.name', ...def.fieldSelectors];
  }

  /** Decodes and checks a write body: kind/apiVersion/namespace/name against the URL, unknown fields. */
  decodeObject(def: ResourceDef, ctx: HandlerContext, value: unknown, raw: string | undefined): KObject {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw errors.badRequest(`Object 'Kind' is missing in '${raw ?? ''}'`);
    const obj = value as KObject;
    const gv = gvString(def);
    // Missing kind or apiVersion default to the endpoint's, as kube-apiserver's decoder does.
    if (obj.kind === undefined || obj.kind === '') obj.kind = def.kind;
    if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = gv;
    if (obj.apiVersion !== gv)
      throw errors.badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`,
      );
    if (obj.kind !== def.kind)
      throw errors.badRequest(
        `${String(obj.kind)} in version "${def.version}" cannot be handled as a ${def.kind}: the kind in the data (${String(obj.kind)}) does not match the expected kind (${def.kind})`,
      );
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))
      throw errors.badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: cannot unmarshal ${typeof obj.metadata} into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`,
      );
    const mode = fieldValidation(ctx);
    const { unknown, typeErrors } = ctx.bodyFields
      ? this.deps.bodies.fromReport(def, ctx.bodyFields)
      : this.deps.bodies.check(def, obj, mode === 'Ignore' ? undefined : raw);
    if (typeErrors.length) throw errors.badRequest(typeErrors[0]!);
    if (unknown.length && mode !== 'Ignore') {
      const msgs = unknown.map((u) => (u.startsWith('duplicate field') ? u : `unknown field "${u}"`));
      // transformDecodeError (handlers/rest.go) names the kind and version before the strict decoding error.
      if (mode === 'Strict')
        throw errors.badRequest(decodeError(def.kind, def.version, `strict decoding error: ${msgs.join(', ')}`));
      for (const m of msgs) ctx.warnings.push(m);
    }
    return obj;
  }

  /** The patched object decoded into the kind (handlers/patch.go): unknown fields dropped, then reported. */
  private decodePatched(def: ResourceDef, ctx: HandlerContext, obj: KObject, type: string, body: string): void {
    const mode = fieldValidation(ctx);
    const value = mode === 'Strict' ? patchErrorValue(type, obj, body) : '';
    const { unknown, typeErrors } = this.deps.bodies.check(def, obj, undefined);
    // A result that does not decode is rejected by decodeObject with the decoder's error.
    if (typeErrors.length) return;
    reportPatchFields(mode, type, body, unknown, value, ctx.warnings);
  }

  /** handlers/patch.go applyPatcher: after a successful apply, the configuration is decoded strictly once more. */
  private checkApplyConfig(ctx: HandlerContext): void {
    const mode = fieldValidation(ctx);
    if (mode === 'Ignore') return;
    const errs = ctx.applyDuplicates ?? applyStrictErrors(ctx.body?.toString('utf8') ?? '');
    if (!errs.length) return;
    if (mode === 'Warn') for (const e of errs) ctx.warnings.push(e);
    else
      throw errors.badRequest(
        `error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${errs.join('\n  ')}`,
      );
  }

  private namespaceCheck(def: ResourceDef, ctx: HandlerContext, obj: KObject): void {
    const ns = obj.metadata.namespace;
    if (def.namespaced) {
      if (ns && ns !== ctx.info.namespace)
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      obj.metadata.namespace = ctx.info.namespace;
    } else if (ns) {
      // Cluster-scoped objects silently drop a namespace, as kube-apiserver does.
      delete obj.metadata.namespace;
    }
  }

  private invalid(def: ResourceDef, name: string, errs: FieldError[]): never {
    throw errors.invalid({ group: def.group, kind: def.kind }, name, errs);
  }

  async create(
    def: ResourceDef,
    ctx: HandlerContext,
    value: unknown,
    raw: string | undefined,
    ua?: string,
  ): Promise<Entry> {
    const obj = this.decodeObject(def, ctx, value, raw);
    const dryRun = isDryRun(ctx);
    const manager = fieldManagerName(ctx, ua);
    if (ctx.info.name && obj.metadata.name && ctx.info.name !== obj.metadata.name)
      throw errors.badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.info.name})`,
      );
    this.namespaceCheck(def, ctx, obj);
    return this.createObject(def, ctx, obj, { dryRun, manager });
  }

  /** The create path shared by POST, PUT-create and apply-create. */
  async createObject(
    def: ResourceDef,
    ctx: HandlerContext,
    obj: KObject,
    o: { dryRun: boolean; manager: string; skipManaged?: boolean },
  ): Promise<Entry> {
    const now = this.now();
    def.strategy?.defaults?.(obj);
    // RBAC escalation checks run on the defaulted object before validation, as kube-apiserver's
    // policy-based storage does.
    // A hook may reserve something for the object (a Service's cluster IP) until the write has settled.
    const finish = def.beforeWrite?.(ctx, obj, undefined, o.dryRun);
    try {
      // Managed fields are recorded before admission, as kube-apiserver's create handler does: fields set by
      // mutating admission (the SA token volume, priority, tolerations) belong to no manager.
      if (!o.skipManaged) this.deps.fields.update(undefined, obj, o.manager, def, now);
      this.deps.admission.admit('CREATE', def, obj, undefined, ctx);
      const meta = obj.metadata;
      const generated = !meta.name && !!meta.generateName;
      if (generated) meta.name = generateName(meta.generateName!);
      meta.uid = newUid();
      meta.creationTimestamp = rfc3339(now);
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
      delete meta.selfLink;
      delete meta.resourceVersion;
      def.strategy?.prepareForCreate?.(obj, { user: ctx.user, now });
      const errs = def.strategy?.validate(obj) ?? [];
      if (errs.length) this.invalid(def, meta.name ?? '', errs);
      const canon = canonical(obj, gvString(def), def.kind);
      ctx.warnings.push(...(def.strategy?.warningsOnCreate?.(canon) ?? []));
      if (o.dryRun) {
        if (this.deps.store.get(keyFor(def, meta.namespace ?? '', meta.name!)))
          throw errors.alreadyExists(gr(def), meta.name!);
        return { key: '', rev: 0, object: canon };
      }
      try {
        return await this.deps.store.create(keyFor(def, meta.namespace ?? '', meta.name!), canon);
      } catch (e) {
        if (generated && e instanceof StorageError && e.code === 'Exists')
          throw errors.generateNameConflict(gr(def), meta.name!);
        return mapStorageError(e, def, meta.name!);
      }
    } finally {
      finish?.();
    }
  }

  async update(
    def: ResourceDef,
    ctx: HandlerContext,
    value: unknown,
    raw: string | undefined,
    ua?: string,
  ): Promise<{ entry: Entry; created: boolean }> {
    validName(def, ctx.info.name);
    const obj = this.decodeObject(def, ctx, value, raw);
    const dryRun = isDryRun(ctx);
    const manager = fieldManagerName(ctx, ua);
    if (!obj.metadata.name) obj.metadata.name = ctx.info.name;
    if (obj.metadata.name !== ctx.info.name)
      throw errors.badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.info.name})`,
      );
    this.namespaceCheck(def, ctx, obj);
    const key = keyFor(def, ctx.info.namespace, ctx.info.name);
    const cur = this.deps.store.get(key);
    if (!cur && !def.allowCreateOnUpdate) throw errors.notFound(gr(def), ctx.info.name);
    // A uid in the body is a precondition on the stored object, checked before anything else is
    // (rest.defaultUpdatedObjectInfo.Preconditions, storage.Preconditions.Check in GuaranteedUpdate).
    const uid = obj.metadata.uid;
    if (uid && uid !== (cur?.object.metadata.uid ?? '')) throw uidPreconditionFailed(def, ctx, uid, cur);
    if (!cur) return { entry: await this.createObject(def, ctx, obj, { dryRun, manager }), created: true };
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== String(cur.rev))
      throw errors.conflict(
        gr(def),
        ctx.info.name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    return { entry: await this.updateObject(def, ctx, cur, obj, { dryRun, manager, op: 'update' }), created: false };
  }

  /** The update path shared by PUT, PATCH and controllers acting for a user. */
  async updateObject(
    def: ResourceDef,
    ctx: HandlerContext,
    cur: Entry,
    obj: KObject,
    o: { dryRun: boolean; manager: string; op: 'update' | 'patch'; skipManaged?: boolean; subresource?: string },
  ): Promise<Entry> {
    const now = this.now();
    const old = cur.object;
    def.strategy?.defaults?.(obj);
    const meta = obj.metadata;
    // System fields are not the client's to change; kube-apiserver silently restores them (rest.BeforeUpdate),
    // except a uid that is set: a changed one fails validation.
    if (!meta.uid) meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.deletionTimestamp = old.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    if (meta.generateName === undefined && old.metadata.generateName) meta.generateName = old.metadata.generateName;
    const finish = def.beforeWrite?.(ctx, obj, old, o.dryRun);
    try {
      // Unconditional update: the stored version is the one being replaced (kube-apiserver fills it in).
      if (!meta.resourceVersion) meta.resourceVersion = old.metadata.resourceVersion;
      delete meta.selfLink;
      if (!o.skipManaged) this.deps.fields.update(old, obj, o.manager, def, now);
      this.deps.admission.admit('UPDATE', def, obj, old, ctx);
      def.strategy?.prepareForUpdate?.(obj, old, { user: ctx.user, now });
      // A changed uid is reported by the strategies' common metadata update checks (api/validation/generic.ts).
      const errs = def.strategy?.validateUpdate(obj, old) ?? [];
      if (errs.length) this.invalid(def, meta.name ?? '', errs);
      const canon = canonical(obj, gvString(def), def.kind);
      ctx.warnings.push(...(def.strategy?.warningsOnUpdate?.(canon, old) ?? []));
      if (sameObject(canon, old)) return cur;
      if (o.dryRun) return { key: cur.key, rev: cur.rev, object: canon };
      // A deleted object whose last finalizer is gone is removed by this update.
      if (canon.metadata.deletionTimestamp && !canon.metadata.finalizers?.length && !hasSpecFinalizers(def, canon)) {
        try {
          await this.deps.store.update(cur.key, canon, cur.rev);
          return await this.deps.store.delete(cur.key);
        } catch (e) {
          return mapStorageError(e, def, meta.name ?? '');
        }
      }
      try {
        return await this.deps.store.update(cur.key, canon, cur.rev);
      } catch (e) {
        return mapStorageError(e, def, meta.name ?? '');
      }
    } finally {
      finish?.();
    }
  }

  async patch(def: ResourceDef, ctx: HandlerContext, ua?: string): Promise<{ entry: Entry; created: boolean }> {
    validName(def, ctx.info.name);
    const dryRun = isDryRun(ctx);
    const isApply = (ctx.contentType ?? '').startsWith('application/apply-patch');
    // The patch module validates PatchOptions (fieldManager required for apply, force only for apply) and
    // records managed fields for every patch type.
    const manager = ctx.query.get('fieldManager') ?? '';
    const key = keyFor(def, ctx.info.namespace, ctx.info.name);
    for (let attempt = 0; ; attempt++) {
      const cur = this.deps.store.get(key);
      if (!cur && !isApply) throw errors.notFound(gr(def), ctx.info.name);
      const offThread = this.deps.fields.patchOffThread?.(def, cur, ctx, manager, ua, this.now());
      // The result of a json, merge or strategic patch computed off the thread was decoded into the kind there:
      // its field check stands for decodeObject's (the managed fields added since are the server's own).
      ctx.bodyFields = undefined;
      const patched = offThread
        ? await offThread.then(async (o) => {
            for (const w of o.warnings) ctx.warnings.push(w);
            ctx.bodyFields = o.checked;
            await new Promise((r) => setImmediate(r));
            return o.object;
          })
        : this.deps.fields.patch(
            def,
            cur ? clone(cur.object) : undefined,
            ctx,
            manager,
            ua,
            this.now(),
            (obj, type, body) => this.decodePatched(def, ctx, obj, type, body),
          );
      if (isApply) this.checkApplyConfig(ctx);
      // The text only names a result that is no object, and a serialization holds no duplicate keys to report:
      // an object is checked without it (serializing and scanning 3 MiB cost ~10% of an apply).
      const isObj = patched !== null && typeof patched === 'object' && !Array.isArray(patched);
      const obj = this.decodeObject(def, ctx, patched, isObj ? undefined : JSON.stringify(patched));
      if (obj.metadata.name && obj.metadata.name !== ctx.info.name)
        throw errors.badRequest(
          `the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.info.name})`,
        );
      obj.metadata.name = ctx.info.name;
      this.namespaceCheck(def, ctx, obj);
      // A large patch gives other requests a turn between its steps on the serving thread.
      if (offThread) await new Promise((r) => setImmediate(r));
      try {
        if (!cur)
          return {
            entry: await this.createObject(def, ctx, obj, { dryRun, manager, skipManaged: true }),
            created: true,
          };
        if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== String(cur.rev))
          throw errors.conflict(
            gr(def),
            ctx.info.name,
            'the object has been modified; please apply your changes to the latest version and try again',
          );
        return {
          entry: await this.updateObject(def, ctx, cur, obj, { dryRun, manager, op: 'patch', skipManaged: true }),
          created: false,
        };
      } catch (e) {
        // A concurrent write between read and CAS: recompute the patch on the new state.
        if (attempt < 5 && (e as { reason?: string }).reason === 'Conflict' && !patched.metadata?.resourceVersion)
          continue;
        throw e;
      }
    }
  }

  /** Deletes one object, honouring finalizers, preconditions and propagation. Returns the final state. */
  async delete(
    def: ResourceDef,
    ctx: HandlerContext,
    options: DeleteOptions,
  ): Promise<{ entry: Entry; deleted: boolean }> {
    validName(def, ctx.info.name);
    const key = keyFor(def, ctx.info.namespace, ctx.info.name);
    const cur = this.deps.store.get(key);
    if (!cur) throw errors.notFound(gr(def), ctx.info.name);
    return this.deleteEntry(def, ctx, cur, options);
  }

  async deleteEntry(
    def: ResourceDef,
    ctx: HandlerContext,
    cur: Entry,
    options: DeleteOptions,
  ): Promise<{ entry: Entry; deleted: boolean }> {
    const name = cur.object.metadata.name ?? '';
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== cur.object.metadata.uid)
      throw errors.conflict(
        gr(def),
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.object.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rev))
      throw errors.conflict(
        gr(def),
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.rev}`,
      );
    const dryRun = isDryRun(ctx, options.dryRun);
    this.deps.admission.admit('DELETE', def, cur.object, cur.object, ctx);
    const obj = clone(cur.object);
    const finalizers = new Set(obj.metadata.finalizers ?? []);
    const policy = options.propagationPolicy ?? (options.orphanDependents ? 'Orphan' : undefined);
    if (policy === 'Foreground') finalizers.add('foregroundDeletion');
    if (policy === 'Orphan') finalizers.add('orphan');
    const graceful = finalizers.size > 0 || hasSpecFinalizers(def, obj);
    if (graceful) {
      if (!obj.metadata.deletionTimestamp) {
        obj.metadata.deletionTimestamp = rfc3339(this.now());
        obj.metadata.deletionGracePeriodSeconds = 0;
      }
      if (finalizers.size) obj.metadata.finalizers = [...finalizers];
      if (def.deleteStrategy === 'namespace')
        (obj as { status?: { phase?: string } }).status = { ...(obj.status as object), phase: 'Terminating' };
      if (dryRun) return { entry: { ...cur, object: obj }, deleted: false };
      if (sameObject(obj, cur.object)) return { entry: cur, deleted: false };
      try {
        return { entry: await this.deps.store.update(cur.key, obj, cur.rev), deleted: false };
      } catch (e) {
        return mapStorageError(e, def, name);
      }
    }
    if (dryRun) return { entry: cur, deleted: true };
    try {
      return { entry: await this.deps.store.delete(cur.key, cur.rev), deleted: true };
    } catch (e) {
      return mapStorageError(e, def, name);
    }
  }

  async deleteCollection(def: ResourceDef, ctx: HandlerContext, options: DeleteOptions): Promise<Entry[]> {
    const { items } = this.list(def, ctx);
    const out: Entry[] = [];
    for (const e of items) {
      try {
        out.push((await this.deleteEntry(def, ctx, e, options)).entry);
      } catch (err) {
        if ((err as { reason?: string }).reason !== 'NotFound') throw err;
      }
    }
    return out;
  }
}

/**
 * The 409 a PUT gets when the body's uid is not the stored object's: the storage layer's InvalidObjError
 * (storage/errors.go) wrapped by InterpretUpdateError into a Conflict. The key is the etcd key under the
 * default --etcd-prefix.
 */
function uidPreconditionFailed(def: ResourceDef, ctx: HandlerContext, uid: string, cur: Entry | undefined) {
  const key = registryKeys.toEtcd(keyFor(def, ctx.info.namespace, ctx.info.name));
  return errors.conflict(
    gr(def),
    ctx.info.name,
    `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ` +
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${cur?.object.metadata.uid ?? ''}`,
  );
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  dryRun?: string[];
}

function hasSpecFinalizers(def: ResourceDef, obj: KObject): boolean {
  if (def.deleteStrategy !== 'namespace') return false;
  const f = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers;
  return !!f && f.length > 0;
}

/**
 * Whether an update changes nothing: the two objects' JSON equal but for metadata.resourceVersion and the managed
 * fields' times. Compared as JSON.stringify would write them, without writing them (two 3 MiB serializations, and
 * as many for the managed fields, were a large update's costliest step); the first difference ends the walk.
 */
function sameObject(a: KObject, b: KObject): boolean {
  return (
    sameJson(a, b, topSkips) &&
    sameJson(stripTimes(a.metadata.managedFields) ?? null, stripTimes(b.metadata.managedFields) ?? null)
  );
}
const topSkips: Skips = new Map([
  [
    'metadata',
    new Map([
      ['resourceVersion', undefined],
      ['managedFields', undefined],
    ]),
  ],
]);
function stripTimes(m: KObject['metadata']['managedFields']) {
  return m?.map((e) => ({ ...e, time: undefined }));
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}
export function decodeContinue(s: string): ContinueToken {
  try {
    const t = decodeJson(Buffer.from(s, 'base64').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1') throw new Error('unsupported');
    if (typeof t.rv !== 'number' || typeof t.start !== 'string' || t.start.includes('/..') || t.start.startsWith('/'))
      throw new Error('invalid');
    return t;
  } catch {
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}
