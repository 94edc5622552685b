// Field-level request machinery the generic registry delegates to: strict/warn field validation of bodies
// against the kind's schema, and managed fields + patch application (server-side apply).
import { checkFields, decodeError, type FieldCheck } from '../api/schema/fields.js';
import type { KObject } from '../api/types.js';
import type { ResourceDef } from './resource.js';
import type { BodyChecker, FieldManager } from './rest.js';
import { gvString } from './resource.js';
import { resolve } from '../api/schema/index.js';
import { TypeView, applyPatchRequest, updateManagedFields } from '../patch/index.js';
import type { BodyDecoder } from '../api/decode/decoder.js';
import { StatusError } from '../api/errors.js';

/**
 * Patches (every type) whose body or live object is this large are computed on the decoding worker: below it a
 * patch takes a few milliseconds, at the 3 MiB limit seconds.
 */
const patchOffThreadBytes = 128 * 1024;

export function createBodyChecker(): BodyChecker {
  return {
    check(def: ResourceDef, obj: KObject, raw: string | undefined) {
      // Unknown fields are dropped whatever the fieldValidation mode: kube-apiserver decodes into Go structs.
      return this.fromReport(def, checkFields(obj, def.schemaName, raw, true));
    },
    fromReport(def: ResourceDef, r: FieldCheck) {
      const typeErrors = r.typeErrors.map((d) => decodeError(def.kind, def.version, d));
      // kube-apiserver lists unknown and duplicate fields together; duplicates read `duplicate field "x"`.
      const unknown = [...r.unknown, ...(r.duplicates ?? []).map((d) => `duplicate field "${d}"`)];
      return { unknown, typeErrors };
    },
  };
}

/**
 * Managed fields and PATCH bodies, from the patch module over the kinds' schemas. Given the decoding worker,
 * large patches are computed there (patchOffThread).
 */
export function createFieldManager(decoder?: BodyDecoder): FieldManager {
  const view = new TypeView(resolve);
  const ownership = (def: ResourceDef, subresource: string) => ({
    view,
    resolver: resolve,
    schemaName: def.schemaName,
    apiVersion: gvString(def),
    // The main resource never owns status; a status subresource owns only status (strategy resets).
    resetFields: subresource ? undefined : ([[{ field: 'status' }]] as const),
  });
  return {
    update(old, obj, manager, def, now) {
      const r = updateManagedFields({
        ...ownership(def, ''),
        old,
        new: obj,
        manager,
        now: new Date(now),
      });
      if (r.managedFields) obj.metadata.managedFields = r.managedFields;
      else delete obj.metadata.managedFields;
    },
    patch(def, live, ctx, fieldManager, userAgent, now, decodePatched) {
      const force = ctx.query.get('force');
      const r = applyPatchRequest(ctx.contentType, live, ctx.body ?? Buffer.alloc(0), {
        ...ownership(def, ctx.info.subresource),
        gr: { group: def.group, resource: def.resource },
        name: ctx.info.name,
        namespace: def.namespaced ? ctx.info.namespace : '',
        kind: def.kind,
        fieldManager: fieldManager || undefined,
        userAgent,
        force: force === null ? undefined : force === 'true',
        subresource: ctx.info.subresource || undefined,
        now: new Date(now),
        decodePatched,
      });
      return r.object;
    },
    patchOffThread(def, live, ctx, fieldManager, userAgent, now) {
      if (!decoder) return undefined;
      const body = ctx.body ?? Buffer.alloc(0);
      // A json, merge or strategic patch of nothing is a 404, answered by the caller.
      const apply = (ctx.contentType ?? '').startsWith('application/apply-patch');
      if (!apply && !live) return undefined;
      const liveJson = live && (live.json ??= JSON.stringify(live.object));
      if (body.length < patchOffThreadBytes && (liveJson?.length ?? 0) < patchOffThreadBytes) return undefined;
      const force = ctx.query.get('force');
      const { view: _view, resolver: _resolver, ...own } = ownership(def, ctx.info.subresource);
      return decoder
        .apply(
          {
            contentType: ctx.contentType ?? '',
            live: liveJson,
            body: body.toString('utf8'),
            ctx: {
              ...own,
              gr: { group: def.group, resource: def.resource },
              name: ctx.info.name,
              namespace: def.namespaced ? ctx.info.namespace : '',
              kind: def.kind,
              fieldManager: fieldManager || undefined,
              userAgent,
              force: force === null ? undefined : force === 'true',
              subresource: ctx.info.subresource || undefined,
              now,
            },
            // The patched object of a json, merge or strategic patch is decoded into the kind on the worker.
            fieldValidation: apply ? undefined : (ctx.query.get('fieldValidation') ?? ''),
          },
          ctx.user.username,
        )
        .then((out) => {
          if ('status' in out) throw new StatusError(out.status);
          if ('crash' in out) throw new Error(out.crash);
          const checked = out.typeErrors && { unknown: [], typeErrors: out.typeErrors };
          return { object: JSON.parse(out.applied) as KObject, warnings: out.warnings ?? [], checked };
        });
    },
  };
}
