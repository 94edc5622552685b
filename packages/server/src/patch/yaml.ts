// Decoding of application/apply-patch+yaml bodies as k8s.io/apimachinery/pkg/util/yaml.Unmarshal does it:
// YAML 1.1 scalars as go-yaml v2 resolves them (yes/no/on/off booleans, 0777 octal), but timestamps and
// sexagesimal numbers stay strings, duplicate keys keep the last value, only the first document counts.
// JSON bodies (what kubectl sends) are YAML too.
import type YAML from 'yaml';
import { yaml } from '../api/yaml.js';
import { errors } from '../api/errors.js';
import { findDuplicateFields } from '../api/schema/fields.js';
import { scan } from './gojson.js';
import { type Json, type JsonObject, goJSONKind, isObject, setKey } from './json.js';

const options: YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  customTags: (tags) =>
    tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};

/** Decodes an apply configuration; errors are kube-apiserver's 400 "error decoding YAML: ..." texts. */
export function decodeApplyConfig(body: string): JsonObject {
  let v: unknown;
  // JSON (what kubectl sends) is YAML with the same meaning; JSON.parse is much faster
  if (/^\s*\{/.test(body) && scan(body) === undefined) v = JSON.parse(body) as Json;
  else
    try {
      const docs = yaml().parseAllDocuments(body, options);
      const doc = Array.isArray(docs) ? docs[0] : docs;
      if (!doc) return {};
      if (doc.errors.length > 0) throw doc.errors[0];
      v = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0];
      throw errors.badRequest(`error decoding YAML: error converting YAML to JSON: yaml: ${msg}`);
    }
  if (v === null || v === undefined) return {};
  const j = toJson(v);
  if (!isObject(j))
    throw errors.badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goJSONKind(j)} into Go value of type map[string]interface {}`,
    );
  return j;
}

/** YAML values to JSON ones (map keys become strings, as YAMLToJSON writes them). */
function toJson(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) {
    const out: JsonObject = {};
    for (const [k, x] of v) setKey(out, String(k), toJson(x));
    return out;
  }
  if (v instanceof Set) return [...v].map(toJson);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'object') {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setKey(out, k, toJson((v as Record<string, unknown>)[k]));
    return out;
  }
  return String(v);
}

/**
 * The errors yaml.UnmarshalStrict reports for an apply configuration (handlers/patch.go checks them after the
 * apply in Warn and Strict mode): go-yaml v2's `line N: key "k" already set in map`, in decoding order (a
 * value's own duplicates before its key's), N being the line where the repeated key's value starts.
 */
export function applyStrictErrors(body: string): string[] {
  // JSON without a repeated key (what kubectl sends) has nothing to report: skip the YAML parse
  if (/^\s*\{/.test(body) && scan(body) === undefined && findDuplicateFields(body).length === 0) return [];
  const Y = yaml();
  const lines = new Y.LineCounter();
  let doc: YAML.Document.Parsed;
  try {
    const docs = Y.parseAllDocuments(body, { ...options, lineCounter: lines });
    const first = Array.isArray(docs) ? docs[0] : undefined;
    if (!first || first.errors.length) return [];
    doc = first;
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Y.isSeq(n)) for (const item of n.items) walk(item);
    if (!Y.isMap(n)) return;
    const seen = new Set<string>();
    for (const pair of n.items) {
      const k = Y.isScalar(pair.key) ? pair.key.value : undefined;
      walk(pair.value);
      // merge keys and complex keys are not plain map entries
      if (k === '<<' || k === undefined || (typeof k === 'object' && k !== null)) continue;
      const id = `${typeof k}:${String(k)}`;
      if (!seen.has(id)) {
        seen.add(id);
        continue;
      }
      const node = (Y.isNode(pair.value) ? pair.value : pair.key) as YAML.Node;
      const line = node.range ? lines.linePos(node.range[0]).line : 0;
      out.push(`line ${line}: key ${typeof k === 'string' ? JSON.stringify(k) : String(k)} already set in map`);
    }
  };
  walk(doc.contents);
  return out;
}
