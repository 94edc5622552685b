// The decoding worker's entry: runs jobs one at a time for BodyDecoder (decoder.ts).
import { parentPort } from 'node:worker_threads';
import * as JsYaml from 'js-yaml';
import { yamlLimits } from './limits.js';
import { runJob, type DecodeJob, type DecodeOutcome } from './job.js';
import { createYamlConverter, type JsYamlModule } from './yaml-convert.js';

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
