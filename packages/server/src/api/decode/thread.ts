// The decoding worker's entry: runs jobs one at a time for BodyDecoder (decoder.ts).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import * as JsYaml from 'js-yaml';
import { decodeThreadNice, yamlLimits } from './limits.js';
import { runJob, type DecodeOutcome } from './job.js';
import { runApply } from './apply-job.js';
import type { WorkerMessage } from './decoder.js';
import { createYamlConverter, type JsYamlModule } from './yaml-convert.js';

/**
 * This thread yields the CPU to the serving thread: on Linux a thread has its own nice value (setpriority with
 * its thread id), so a flood of costly bodies slows their own decoding, not health checks and authenticated
 * traffic. Elsewhere, or if refused, it runs at the process's priority.
 */
function lowerPriority(): number | undefined {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined; // not Linux: the worker keeps the process's priority
  }
  if (!Number.isInteger(tid) || tid <= 0) return undefined;
  try {
    setPriority(tid, decodeThreadNice);
  } catch {
    // not allowed: the worker keeps the process's priority
  }
  return tid;
}
// The thread id also lets BodyDecoder's watchdog read this thread's CPU time.
const tid = lowerPriority();
if (tid !== undefined) parentPort!.postMessage({ tid });

const convert = createYamlConverter(JsYaml as JsYamlModule, yamlLimits);
parentPort!.on('message', (job: WorkerMessage) => {
  if ('apply' in job) return parentPort!.postMessage(runApply(job.apply));
  let out: DecodeOutcome;
  try {
    out = runJob(job, convert);
  } catch (e) {
    out = { error: `yaml: ${(e as Error).message}`, syntax: job.yaml ? 'yaml' : 'json' };
  }
  parentPort!.postMessage(out);
});
