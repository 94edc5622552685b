// The decoding worker's entry: runs jobs one at a time for BodyDecoder (decoder.ts).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import * as JsYaml from 'js-yaml';
import { decodeThreadNice, yamlLimits } from './limits.js';
import { runJob, type DecodeJob, type DecodeOutcome } from './job.js';
import { createYamlConverter, type JsYamlModule } from './yaml-convert.js';

/**
 * This thread yields the CPU to the serving thread: on Linux a thread has its own nice value (setpriority with
 * its thread id), so a flood of costly bodies slows their own decoding, not health checks and authenticated
 * traffic. Elsewhere, or if refused, it runs at the process's priority.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, decodeThreadNice);
  } catch {
    // not Linux, or not allowed: the worker keeps the process's priority
  }
}
lowerPriority();

const convert = createYamlConverter(JsYaml as JsYamlModule, yamlLimits);
parentPort!.on('message', (job: DecodeJob) => {
  let out: DecodeOutcome;
  try {
    out = runJob(job, convert);
  } catch (e) {
    out = { error: `yaml: ${(e as Error).message}`, syntax: job.yaml ? 'yaml' : 'json' };
  }
  parentPort!.postMessage(out);
});
