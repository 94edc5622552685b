// What every core strategy shares: the generic registry's bookkeeping around a kind's own rules.
import { setKey } from '../../api/ownkeys.js';
import type { KObject } from '../../api/types.js';
import { type Rec, rec } from '../../api/validation/util.js';

/** BeforeUpdate: clients cannot change metadata.generation; it comes from the stored object. */
export function keepGeneration(obj: KObject, old: KObject): void {
  if (old.metadata.generation === undefined) delete obj.metadata.generation;
  else obj.metadata.generation = old.metadata.generation;
}

/** The record at obj[key], created empty when missing (Go structs serialize even when empty). */
export function ensure(obj: Rec, key: string): Rec {
  const r = rec(obj[key]);
  if (r) return r;
  const created: Rec = {};
  obj[key] = created;
  return created;
}

/** Go serializes map keys in sorted order; rebuilding a map keeps that order in our JSON too. */
export function sortKeys<T>(m: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(m).sort()) setKey(out, k, m[k]!);
  return out;
}
