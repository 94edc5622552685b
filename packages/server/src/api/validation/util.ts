// Loose accessors for decoded JSON: registry objects are plain records whose shape the schema layer checks;
// validation reads them defensively, treating a wrong type as absent (Go's zero value).

import { setKey } from '../ownkeys.js';

export type Rec = Record<string, unknown>;

export function rec(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function recs(v: unknown): Rec[] {
  return arr(v).map((x) => rec(x) ?? {});
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export function strMap(v: unknown): Record<string, string> | undefined {
  const r = rec(v);
  if (!r) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(r)) setKey(out, k, typeof x === 'string' ? x : String(x ?? ''));
  return out;
}

/** Go's %v of a map[string]string in a message: `map[a:b c:d]` (keys sorted). */
export function goMapText(m: Record<string, string>): string {
  return `map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${m[k]}`)
    .join(' ')}]`;
}

/** Go's %v of a []string: `[a b]`. */
export function goListText(l: readonly string[]): string {
  return `[${l.join(' ')}]`;
}

/** sets.List: the sorted members. */
export function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
