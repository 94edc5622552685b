// A PATCH computed on the decoding worker: decoding the body, the merge (or the apply's field sets), the field
// check of the result and the managed fields of a patch at the 3 MiB limit take seconds of CPU, which on the
// serving thread would stall every other request. The worker gets the live object and the body as text and
// answers the patched object as JSON text (the cheapest form to bring back: one JSON.parse) with the field
// validation warnings, or the Status kube-apiserver answers.
import { isStatusError, type Status } from '../errors.js';
import type { KObject } from '../types.js';
import { resolve } from '../schema/index.js';
import { checkFields } from '../schema/fields.js';
import { applyPatchRequest, type PatchContext } from '../../patch/index.js';
import { parseFieldValidation, patchErrorValue, reportPatchFields } from '../../patch/fieldreport.js';
import type { Path } from '../../patch/fieldpath.js';

export interface ApplyJob {
  contentType: string;
  /** The live object's JSON, or undefined when the apply creates it. */
  live: string | undefined;
  body: string;
  /** PatchContext without its functions: the schema resolver is the worker's own. */
  ctx: Omit<PatchContext, 'resolver' | 'decodePatched' | 'now' | 'resetFields'> & {
    now: number;
    resetFields?: readonly Path[];
  };
  /**
   * For a json, merge or strategic merge patch: the request's fieldValidation parameter ('' when absent). The
   * patched object is decoded into the kind as the serving thread's decodePatched does it (unknown fields dropped,
   * then reported per the mode).
   */
  fieldValidation?: string;
}

/**
 * `typeErrors`: for a json, merge or strategic patch, the decoding errors of its result (unknown fields are gone
 * from it), so that the serving thread need not check the whole object again.
 */
export type ApplyOutcome =
  { applied: string; warnings?: string[]; typeErrors?: string[] } | { status: Status } | { crash: string };

export function runApply(job: ApplyJob): ApplyOutcome {
  try {
    const live = job.live === undefined ? undefined : (JSON.parse(job.live) as KObject);
    const warnings: string[] = [];
    const ctx: PatchContext = { ...job.ctx, resolver: resolve, now: new Date(job.ctx.now) };
    const fv = job.fieldValidation;
    let typeErrors: string[] | undefined;
    if (fv !== undefined)
      ctx.decodePatched = (obj, type, body) => {
        // Parsed here, where the serving thread's decodePatched parses it: an unsupported mode answers 400 there.
        const mode = parseFieldValidation(fv);
        const value = mode === 'Strict' ? patchErrorValue(type, obj, body) : '';
        const r = checkFields(obj, job.ctx.schemaName, undefined, true);
        typeErrors = r.typeErrors;
        // A result that does not decode is refused by the serving thread's decoding, with the decoder's error.
        if (r.typeErrors.length) return;
        reportPatchFields(mode, type, body, r.unknown, value, warnings);
      };
    const r = applyPatchRequest(job.contentType, live, job.body, ctx);
    const applied = JSON.stringify(r.object);
    return { applied, ...(warnings.length ? { warnings } : {}), ...(typeErrors ? { typeErrors } : {}) };
  } catch (e) {
    if (isStatusError(e)) return { status: e.status };
    return { crash: (e as Error)?.message ?? String(e) };
  }
}
