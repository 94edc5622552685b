// A server-side apply computed on the decoding worker: decoding the configuration, the field sets, the merge
// and the managed fields of a 3 MiB apply take seconds of CPU, which on the serving thread would stall every
// other request. The worker gets the live object and the body as text and answers the applied object as JSON
// text (the cheapest form to bring back: one JSON.parse), or the Status kube-apiserver answers.
import { isStatusError, type Status } from '../errors.js';
import type { KObject } from '../types.js';
import { resolve } from '../schema/index.js';
import { applyPatchRequest, type PatchContext } from '../../patch/index.js';
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
}

export type ApplyOutcome = { applied: string } | { status: Status } | { crash: string };

export function runApply(job: ApplyJob): ApplyOutcome {
  try {
    const live = job.live === undefined ? undefined : (JSON.parse(job.live) as KObject);
    const ctx: PatchContext = { ...job.ctx, resolver: resolve, now: new Date(job.ctx.now) };
    const r = applyPatchRequest(job.contentType, live, job.body, ctx);
    return { applied: JSON.stringify(r.object) };
  } catch (e) {
    if (isStatusError(e)) return { status: e.status };
    return { crash: (e as Error)?.message ?? String(e) };
  }
}
