// One decoding job for the worker thread: YAML to JSON (when the body is YAML), and, when a schema is named, JSON
// to a value within the nesting limit and the field check that prunes unknown fields. What comes back is JSON
// text (pruned) and the field report, so the thread that serves requests parses only what the Go types would
// have kept, and never scans a large body itself.
import { decodeJson, JsonError } from './json.js';
import { checkFields, type FieldCheck } from '../schema/fields.js';
import type { YamlResult } from './yaml-convert.js';
import { applyStrictErrors } from './yaml-duplicates.js';
import { jsonSyntaxError } from './json.js';

export interface DecodeJob {
  text: string;
  /** The body is YAML (or JSON sent as YAML). */
  yaml: boolean;
  /** Also report repeated keys as go-yaml's strict decoding does (apply configurations). */
  duplicates?: boolean;
  /** Check the value against this component schema and prune unknown fields (a POST or PUT body). */
  schema?: string;
  /** With `schema`: also jsonSyntaxError the JSON text for duplicate fields (fieldValidation is not Ignore). */
  raw?: boolean;
}

export type DecodeOutcome =
  { json: string; duplicates?: string[]; fields?: FieldCheck } | { error: string; syntax: 'yaml' | 'json' };

export function runJob(job: DecodeJob, convertYaml: (text: string) => YamlResult): DecodeOutcome {
  let text = job.text;
  // JSON is YAML with the same meaning (kubectl sends apply configurations as JSON): no conversion needed.
  if (job.yaml && jsonSyntaxError(text) !== undefined) {
    const r = convertYaml(text);
    if ('error' in r) return { error: r.error, syntax: 'yaml' };
    text = r.json;
  }
  const duplicates = job.duplicates ? applyStrictErrors(job.text) : undefined;
  if (job.schema === undefined) {
    // The converter's output is valid JSON within the nesting limit; a JSON body is checked where it is parsed.
    return duplicates ? { json: text, duplicates } : { json: text };
  }
  let value: unknown;
  try {
    value = decodeJson(text);
  } catch (e) {
    if (e instanceof JsonError) return { error: e.message, syntax: 'json' };
    throw e;
  }
  // Not an object: the calling thread gives the decoder's answer for it.
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { json: text };
  const fields = checkFields(value, job.schema, job.raw ? text : undefined, true);
  return { json: JSON.stringify(value), fields };
}
