// Offline source: RBAC objects from YAML/JSON manifests — files or directories (walked recursively), several
// documents per file, `List` kinds (kubectl get -o yaml), and `helm template` output (comment-only documents).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as JsYaml from 'js-yaml';
import type { KObject } from '../../api/types.js';

const manifestExt = new Set(['.yaml', '.yml', '.json']);

export class ManifestError extends Error {}

/**
 * js-yaml's default schema without timestamps: Kubernetes reads YAML into JSON, where an unquoted
 * `2024-01-01T00:00:00Z` stays the string it is (js-yaml would make it a Date). Resolving every plain scalar
 * against the timestamp patterns was also an eighth of the parse time. Merge keys (`<<`) are kept.
 */
const types = (JsYaml as unknown as { types: Record<'merge' | 'binary' | 'omap' | 'pairs' | 'set', JsYaml.Type> })
  .types;
const manifestSchema = JsYaml.CORE_SCHEMA.extend({
  implicit: [types.merge],
  explicit: [types.binary, types.omap, types.pairs, types.set],
});

/** Every object in the files, `List`s flattened; non-objects and empty documents skipped. */
export function readManifests(paths: readonly string[]): KObject[] {
  const out: KObject[] = [];
  for (const p of paths) for (const file of expand(p)) out.push(...parseManifest(readFileSync(file, 'utf8'), file));
  return out;
}

function expand(p: string): string[] {
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new ManifestError(`the path "${p}" does not exist`);
  }
  if (!st.isDirectory()) return [p];
  const files: string[] = [];
  for (const e of readdirSync(p).sort()) {
    const full = join(p, e);
    if (statSync(full).isDirectory()) files.push(...expand(full));
    else if (manifestExt.has(extname(e).toLowerCase())) files.push(full);
  }
  return files;
}

export function parseManifest(text: string, file = '<input>'): KObject[] {
  let docs: unknown[];
  try {
    // JSON is YAML, but JSON.parse is several times faster on the large files a cluster dump makes.
    docs =
      /^\s*[[{]/.test(text) && extname(file) === '.json'
        ? [JSON.parse(text)]
        : JsYaml.loadAll(text, null, { schema: manifestSchema });
  } catch (e) {
    throw new ManifestError(`error parsing ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const out: KObject[] = [];
  const add = (d: unknown) => {
    if (!d || typeof d !== 'object' || Array.isArray(d)) return;
    const o = d as KObject;
    if (
      typeof o.kind === 'string' &&
      o.kind.endsWith('List') &&
      Array.isArray((o as unknown as { items?: unknown }).items)
    ) {
      const itemKind = o.kind.slice(0, -'List'.length);
      for (const item of (o as unknown as { items: unknown[] }).items) {
        // A typed list (RoleList) may leave kind off its items.
        if (item && typeof item === 'object' && !(item as KObject).kind && itemKind) (item as KObject).kind = itemKind;
        add(item);
      }
      return;
    }
    if (o.metadata && typeof o.metadata === 'object') out.push(o);
  };
  for (const d of docs) add(d);
  return out;
}
