// The errors yaml.UnmarshalStrict reports for an apply configuration (handlers/patch.go checks them after the
// apply in Warn and Strict mode): go-yaml v2's `line N: key "k" already set in map`. The body's value comes from
// the converter (last key wins); this pass only finds the repeats, with the `yaml` package, whose nodes carry
// positions. It is slow (~2 µs a byte), so it runs on the decoding worker, and only on documents up to
// maxDuplicateScanBytes: past that, repeated keys are not reported (their last value still wins, as in kube).
import type YAML from 'yaml';
import { yaml } from '../yaml.js';
import { findDuplicateFields } from '../schema/fields.js';
import { jsonSyntaxError } from './json.js';

export const maxDuplicateScanBytes = 256 * 1024;

const options: YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  customTags: (tags) =>
    tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};

/** JSON without a repeated key (what kubectl sends) has nothing to report, found without parsing it as YAML. */
export function jsonWithoutDuplicates(body: string): boolean {
  return /^\s*\{/.test(body) && jsonSyntaxError(body) === undefined && findDuplicateFields(body).length === 0;
}

/**
 * go-yaml v2's strict errors for repeated keys, in decoding order (a value's own duplicates before its key's),
 * N being the line where the repeated key's value starts.
 */
export function applyStrictErrors(body: string): string[] {
  if (body.length > maxDuplicateScanBytes || jsonWithoutDuplicates(body)) return [];
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
