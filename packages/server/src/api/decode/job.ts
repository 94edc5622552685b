// One decoding job for the worker thread: YAML to JSON (when the body is YAML), and, when a schema is named, JSON
// to a value within the nesting limit and the field check that prunes unknown fields. What comes back is JSON
// text (pruned) and the field report, so the thread that serves requests parses only what the Go types would
// have kept, and never scans a large body itself.
import { decodeJson, JsonError, JsonRangeError, jsonSyntaxError, parseValidJSON } from './json.js';
import { checkFields, type FieldCheck } from '../schema/fields.js';
import { applyStrictErrors } from './yaml-duplicates.js';

export interface DecodeJob {
  text: string;
  /** The body is YAML (or JSON sent as YAML). */
  yaml: boolean;
  /** Also report repeated keys as go-yaml's strict decoding does (apply configurations). */
  duplicates?: boolean;
  /** Check the value against this component schema and prune unknown fields (a POST or PUT body). */
  schema?: string;
  /** With `schema`: also check the JSON text for duplicate fields (fieldValidation is not Ignore). */
  raw?: boolean;
}

/** `syntax: 'number'`: valid JSON holding a number beyond float64 (the error is Go's decoding text). */
export type DecodeOutcome =
  { json: string; duplicates?: string[]; fields?: FieldCheck } | { error: string; syntax: 'yaml' | 'json' | 'number' };

/**
 * A YAML document converted (api/decode/yaml-convert.ts): its value (plain JSON values, within the nesting limit,
 * finite numbers only: what JSON.parse of its JSON text would give), or go-yaml's error text (`yaml: line 3: …`,
 * `yaml: exceeded max depth of 10000`, …). The value, not its text: the decoding worker checks it against the
 * schema as it is, without a stringify and a parse of up to 3 MiB in between. Declared here, not beside the
 * converter, so the package's type declarations never reach js-yaml's (no dependency of the package's users).
 */
export type YamlResult = { value: unknown } | { error: string };

export function runJob(job: DecodeJob, convertYaml: (text: string) => YamlResult): DecodeOutcome {
  try {
    return run(job, convertYaml);
  } catch (e) {
    if (e instanceof JsonRangeError) return { error: e.message, syntax: 'number' };
    throw e;
  }
}

function run(job: DecodeJob, convertYaml: (text: string) => YamlResult): DecodeOutcome {
  const text = job.text;
  if (job.schema === undefined) {
    // JSON is YAML with the same meaning (kubectl sends apply configurations as JSON): no conversion needed. The
    // scan is cheaper than a parse whose value would be thrown away (the caller gets text).
    let json = text;
    if (job.yaml && jsonSyntaxError(text) !== undefined) {
      const r = convertYaml(text);
      if ('error' in r) return { error: r.error, syntax: 'yaml' };
      json = JSON.stringify(r.value);
    }
    const duplicates = job.duplicates ? applyStrictErrors(text) : undefined;
    // The converter's output is valid JSON within the nesting limit; a JSON body is checked where it is parsed.
    return duplicates ? { json, duplicates } : { json };
  }
  let value: unknown;
  // The text whose repeated keys are reported: JSON as sent. A converted YAML document has none left (its last
  // value won), so it needs no scan.
  let raw: string | undefined = job.raw ? text : undefined;
  let converted = false;
  if (job.yaml) {
    // One parse attempt for JSON sent as YAML; anything else is converted, to its value directly.
    value = parseValidJSON(text);
    if (value === undefined) {
      const r = convertYaml(text);
      if ('error' in r) return { error: r.error, syntax: 'yaml' };
      value = r.value;
      raw = undefined;
      converted = true;
    }
  } else {
    try {
      value = decodeJson(text);
    } catch (e) {
      if (e instanceof JsonError && !(e instanceof JsonRangeError)) return { error: e.message, syntax: 'json' };
      throw e;
    }
  }
  // Not an object: the calling thread gives the decoder's answer for it.
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { json: converted ? JSON.stringify(value) : text };
  const fields = checkFields(value, job.schema, raw, true);
  return { json: JSON.stringify(value), fields };
}
