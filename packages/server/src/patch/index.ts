// PATCH requests as handlers/patch.go serves them: the Content-Type picks the mechanism (JSON patch, JSON
// merge patch, strategic merge patch, server-side apply), the patch options are validated, the result is
// checked against the URL's name and namespace, and every write is recorded in metadata.managedFields.
import { errors, type GroupResource } from '../api/errors.js';
import { type FieldError, forbidden, invalid, required, tooLong } from '../api/field.js';
import type { KObject, ManagedFieldsEntry } from '../api/types.js';
import { applyPatch, dropNulls } from './apply.js';
import { type JsonObject, clone, isObject } from './json.js';
import { jsonPatch } from './jsonpatch.js';
import { updateManagedFields, viewOf, withZeroFields, type Ownership } from './managedfields.js';
import { mergePatch } from './mergepatch.js';
import { strategicMergePatch } from './strategic.js';
import { decodeApplyConfig } from './yaml.js';
export { applyStrictErrors } from './yaml.js';

export { applyPatch, type ApplyOptions, type ApplyResult, conflictError } from './apply.js';
export {
  updateManagedFields,
  type UpdateOptions,
  type Ownership,
  decodeManagedFields,
  encodeManagedFields,
  viewOf,
} from './managedfields.js';
export { jsonPatch, applyJSONPatch, decodeJSONPatch } from './jsonpatch.js';
export { mergePatch, applyMergePatch } from './mergepatch.js';
export { strategicMergePatch, applyStrategicMergePatch } from './strategic.js';
export { TypeView } from './typeview.js';
export { FieldSet } from './fieldpath.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The patch types of built-in resources, in the order kube-apiserver lists them (installer.go). */
export const PATCH_TYPES: readonly string[] = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];

export interface PatchContext extends Ownership {
  gr: GroupResource;
  /** Name and namespace from the URL ('' for cluster-scoped resources). */
  name: string;
  namespace: string;
  kind: string;
  /** ?fieldManager= ; when empty the User-Agent's prefix is used (apply requires it). */
  fieldManager?: string;
  userAgent?: string;
  /** ?force= (only valid for apply). */
  force?: boolean;
  subresource?: string;
  now?: Date;
  /** Patch types the resource accepts (default PATCH_TYPES). */
  patchTypes?: readonly string[];
  /**
   * Decodes the result of a json/merge/strategic patch into the kind (drops unknown fields, reports them per
   * fieldValidation), before managed fields are computed: kube-apiserver decodes the patched JSON into the
   * Go type first (handlers/patch.go applyPatchToCurrentObject).
   */
  decodePatched?: (patched: KObject, patchType: string, body: string) => void;
}

export interface PatchResult {
  object: KObject;
  /** True when an apply created the object. */
  created: boolean;
  managedFields: ManagedFieldsEntry[] | undefined;
}

/** The patch type a Content-Type header selects, or the 415 kube-apiserver answers with. */
export function patchType(contentType: string | undefined, accepted: readonly string[] = PATCH_TYPES): string {
  const header = contentType ?? '';
  // go-restful's route selection first: any comma-separated media type, parameters dropped, trimmed
  const parts = (header || 'application/octet-stream').split(',').map((p) => p.split(';')[0]!.trim());
  if (!parts.some((p) => accepted.includes(p))) throw errors.restfulUnsupportedMediaType();
  // then the handler: everything before the first ';', verbatim
  const i = header.indexOf(';');
  const t = i > 0 ? header.slice(0, i) : header;
  if (!accepted.includes(t)) throw errors.unsupportedMediaType(accepted.join(', '));
  return t;
}

/** validation.ValidatePatchOptions (422 on PatchOptions.meta.k8s.io). */
export function validatePatchOptions(type: string, fieldManager: string | undefined, force: boolean | undefined): void {
  const errs: FieldError[] = [];
  if (type === APPLY_PATCH) {
    if (!fieldManager) errs.push(required('fieldManager', 'is required for apply patch'));
  } else if (force !== undefined) errs.push(forbidden('force', 'may not be specified for non-apply patch'));
  const fm = fieldManager ?? '';
  if (Buffer.byteLength(fm) > 128) errs.push(tooLong('fieldManager', '', 128));
  let pos = 0;
  for (const ch of fm) {
    if (!isPrint(ch)) {
      const cp = ch.codePointAt(0)!;
      errs.push(
        invalid(
          'fieldManager',
          fm,
          `invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${pos})`,
        ),
      );
    }
    pos += Buffer.byteLength(ch);
  }
  if (errs.length) throw errors.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', errs);
}

function isPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

/** managerOrUserAgent: the field manager, else the User-Agent up to its first '/', printable characters only. */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  let out = '';
  for (const ch of (userAgent ?? '').split('/')[0]!) {
    if (!isPrint(ch)) continue;
    if (Buffer.byteLength(out + ch) > 128) break;
    out += ch;
  }
  return out;
}

/**
 * Applies a PATCH body to `live` (undefined when the object does not exist). Returns the object to store,
 * with metadata.managedFields updated; throws StatusErrors as kube-apiserver would answer.
 */
export function applyPatchRequest(
  contentType: string | undefined,
  live: KObject | undefined,
  patchBody: string | Buffer,
  ctx: PatchContext,
): PatchResult {
  try {
    return patchRequest(contentType, live, patchBody, ctx);
  } catch (e) {
    // absurdly nested documents (Go decoders stop at 10000 levels) exhaust the stack of the walkers
    if (e instanceof RangeError) throw errors.badRequest('exceeded max depth');
    throw e;
  }
}

function patchRequest(
  contentType: string | undefined,
  live: KObject | undefined,
  patchBody: string | Buffer,
  ctx: PatchContext,
): PatchResult {
  const type = patchType(contentType, ctx.patchTypes ?? PATCH_TYPES);
  validatePatchOptions(type, ctx.fieldManager, ctx.force);
  const body = typeof patchBody === 'string' ? patchBody : patchBody.toString('utf8');
  const manager = managerOrUserAgent(ctx.fieldManager, ctx.userAgent);
  const now = ctx.now ?? new Date();

  if (type === APPLY_PATCH) {
    const config = decodeApplyConfig(body);
    const r = applyPatch({
      ...ctx,
      live,
      config,
      manager,
      force: ctx.force ?? false,
      now,
      kind: ctx.kind,
      subresource: ctx.subresource,
    });
    const created = !live;
    if (created) {
      const uid = r.object.metadata?.uid;
      if (uid)
        throw errors.conflict(
          ctx.gr,
          ctx.name,
          `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`,
        );
      wipeSystemFields(r.object);
    }
    checkNameAndNamespace(r.object, ctx);
    return { object: r.object, created, managedFields: r.managedFields };
  }

  if (!live) throw errors.notFound(ctx.gr, ctx.name);
  const doc = live as unknown as JsonObject;
  const view = viewOf(ctx);
  let patched: JsonObject;
  // kube-apiserver patches the JSON of the typed object, where spec/status and required fields always exist
  if (type === JSON_PATCH)
    patched = jsonPatch(withZeroFields(view, clone(doc), view.named(ctx.schemaName)) as JsonObject, body);
  else if (type === MERGE_PATCH) patched = mergePatch(doc, body);
  else {
    patched = strategicMergePatch(view, view.named(ctx.schemaName), doc, body);
  }
  // decoding into the typed object drops null members
  dropNulls(patched);
  if (!isObject(patched.metadata)) patched.metadata = {};
  ctx.decodePatched?.(patched as unknown as KObject, type, body);
  const r = updateManagedFields({
    ...ctx,
    old: live,
    new: patched as unknown as KObject,
    manager,
    subresource: ctx.subresource,
    now,
  });
  checkNameAndNamespace(r.object, ctx);
  return { object: r.object, created: false, managedFields: r.managedFields };
}

/** rest.WipeObjectMetaSystemFields for objects an apply creates. */
function wipeSystemFields(o: KObject): void {
  const m = o.metadata as unknown as Record<string, unknown>;
  delete m.creationTimestamp;
  delete m.uid;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
}

/** EnsureObjectNamespaceMatchesRequestNamespace + checkName. */
function checkNameAndNamespace(o: KObject, ctx: PatchContext): void {
  const m = o.metadata;
  const ns = m.namespace ?? '';
  if (ns !== ctx.namespace) {
    if (ns === '') m.namespace = ctx.namespace;
    else if (ctx.namespace === '') delete m.namespace;
    else
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const name = m.name ?? '';
  if (name !== ctx.name)
    throw errors.badRequest(`the name of the object (${name}) does not match the name on the URL (${ctx.name})`);
}
