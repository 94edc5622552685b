// JSON.stringify(a) === JSON.stringify(b) without writing either: an update that changes nothing is found by
// comparing the stored object with the new one, and at the size limit the two texts cost more than the update.

export type Skips = Map<string, Skips | undefined>;

/** A member JSON.stringify leaves out of an object (and writes as null in an array). */
const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * JSON.stringify(a) === JSON.stringify(b) for plain JSON-like values (members in order; undefined members left
 * out; non-finite numbers and omitted array items as null), `skip` naming members of `a` and `b` not compared
 * (a nested map: members of that member). Values with a toJSON method are compared by their text.
 */
export function sameJson(a: unknown, b: unknown, skip?: Skips): boolean {
  if (a === b && skip === undefined) return true;
  // Only a top-level value can be one JSON.stringify gives no text for: members and items are settled before.
  if (omitted(a) || omitted(b)) return omitted(a) && omitted(b);
  const ta = jsonType(a);
  const tb = jsonType(b);
  if (ta !== tb) return false;
  if (ta === 'number') return a === b;
  if (ta !== 'object' && ta !== 'array') return ta === 'null' || a === b;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (typeof x.toJSON === 'function' || typeof y.toJSON === 'function') return JSON.stringify(a) === JSON.stringify(b);
  if (ta === 'array') {
    const p = a as unknown[];
    const q = b as unknown[];
    if (p.length !== q.length) return false;
    for (let i = 0; i < p.length; i++)
      if (!sameJson(omitted(p[i]) ? null : p[i], omitted(q[i]) ? null : q[i])) return false;
    return true;
  }
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < kx.length && (omitted(x[kx[i]!]) || (skip?.get(kx[i]!) === undefined && skip?.has(kx[i]!)))) i++;
    while (j < ky.length && (omitted(y[ky[j]!]) || (skip?.get(ky[j]!) === undefined && skip?.has(ky[j]!)))) j++;
    if (i === kx.length || j === ky.length) return i === kx.length && j === ky.length;
    const k = kx[i]!;
    if (k !== ky[j]) return false;
    if (!sameJson(x[k], y[k], skip?.get(k))) return false;
    i++;
    j++;
  }
}

/** The kind of JSON text a value is written as ('null' for null, non-finite numbers and omitted values). */
function jsonType(v: unknown): string {
  if (v === null || omitted(v)) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
