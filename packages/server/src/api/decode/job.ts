// One decoding job, the same on the worker thread and on the calling thread: YAML to JSON (when the body is
// YAML), JSON to a value within the nesting limit, and, when a schema is named, the field check that prunes
// unknown fields. What comes back is JSON text (pruned) and the field report, so the thread that serves
// requests parses only what the Go types would have kept.
import { scan } from './json-syntax.js';
import type { YamlResult } from './yaml-convert.js';
import { applyStrictErrors } from './yaml-duplicates.js';

export interface DecodeJob {
  text: string;
  /** The body is YAML (or JSON sent as YAML). */
  yaml: boolean;
  /** Also report repeated keys as go-yaml's strict decoding does (apply configurations). */
  duplicates?: boolean;
}

export type DecodeOutcome = { json: string; duplicates?: string[] } | { error: string; syntax: 'yaml' | 'json' };

export function runJob(job: DecodeJob, convertYaml: (text: string) => YamlResult): DecodeOutcome {
  let text = job.text;
  // JSON is YAML with the same meaning (kubectl sends apply configurations as JSON): no conversion needed.
  if (job.yaml && scan(text) !== undefined) {
    const r = convertYaml(text);
    if ('error' in r) return { error: r.error, syntax: 'yaml' };
    text = r.json;
  }
  // The converter's output is valid JSON within the nesting limit; a JSON body is checked where it is parsed.
  return job.duplicates ? { json: text, duplicates: applyStrictErrors(job.text) } : { json: text };
}
