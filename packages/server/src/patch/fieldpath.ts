// Field paths and field sets as sigs.k8s.io/structured-merge-diff/v4/fieldpath models them, with the
// FieldsV1 encoding kube-apiserver stores in metadata.managedFields: `f:<field>`, `k:{"key":...}` for list-map
// items, `v:<json>` for set items, `i:<n>` for indices, and `.` for "the node itself is owned as well".
// Keys are emitted in SMD's order (fields by name, then keys, values, indices), as the Go encoder does.
import { decodeJson } from '../api/decode/json.js';
import { type Json, type JsonObject, isObject, setKey } from './json.js';
import { goQuote } from '../gocompat/quote.js';
import { compareStrings, goQuoteJson } from '../gocompat/json-encode.js';
import { goNumberV } from '../gocompat/number.js';
import { goJson } from '../gocompat/json-encode.js';

export type PathElement =
  | { field: string }
  | { key: [string, Json][] } // sorted by name
  | { value: Json }
  | { index: number };

export type Path = readonly PathElement[];

/** SMD value.Compare: numbers < strings < bools < lists < maps < null. */
export function compareValues(a: Json, b: Json): number {
  const rank = (v: Json): number =>
    typeof v === 'number'
      ? 0
      : typeof v === 'string'
        ? 1
        : typeof v === 'boolean'
          ? 2
          : Array.isArray(v)
            ? 3
            : v === null
              ? 5
              : 4;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return compareStrings(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const x = a as Json[];
      const y = b as Json[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i]!, y[i]!);
        if (c) return c;
      }
      return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
    }
    case 4: {
      // maps compare as their sorted key/value lists
      const x = a as JsonObject;
      const y = b as JsonObject;
      const kx = Object.keys(x).sort(compareStrings);
      const ky = Object.keys(y).sort(compareStrings);
      for (let i = 0; i < Math.min(kx.length, ky.length); i++) {
        const c = compareStrings(kx[i]!, ky[i]!) || compareValues(x[kx[i]!]!, y[ky[i]!]!);
        if (c) return c;
      }
      return kx.length < ky.length ? -1 : kx.length > ky.length ? 1 : 0;
    }
    default:
      return 0;
  }
}

function kindRank(pe: PathElement): number {
  return 'field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3;
}

/** fieldpath.PathElement.Compare. */
export function comparePE(a: PathElement, b: PathElement): number {
  const ra = kindRank(a);
  const rb = kindRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if ('field' in a) return compareStrings(a.field, (b as { field: string }).field);
  if ('key' in a) {
    const x = a.key;
    const y = (b as { key: [string, Json][] }).key;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compareStrings(x[i]![0], y[i]![0]) || compareValues(x[i]![1], y[i]![1]);
      if (c) return c;
    }
    return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
  }
  if ('value' in a) return compareValues(a.value, (b as { value: Json }).value);
  const i = (b as { index: number }).index;
  return a.index < i ? -1 : a.index > i ? 1 : 0;
}

/** SMD value.ToString: strings %q, numbers %v. */
function valueString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumberV(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  return Object.keys(v)
    .map((k) => `${k}=${valueString(v[k]!)}`)
    .join('');
}

/** PathElement.String(): `.name`, `[name="c"]`, `[="x"]`, `[0]`. */
export function peString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
  if ('value' in pe) return `[=${valueString(pe.value)}]`;
  return `[${pe.index}]`;
}

export function pathString(p: Path): string {
  return p.map(peString).join('');
}

const ids = new WeakMap<PathElement, string>();

/** FieldsV1 key of a path element (also its identity in sets; cached, elements are never mutated). */
export function serializePE(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  let id = ids.get(pe);
  if (id === undefined) {
    if ('key' in pe) id = `k:{${pe.key.map(([k, v]) => `${goQuoteJson(k)}:${goJson(v)}`).join(',')}}`;
    else if ('value' in pe) id = `v:${goJson(pe.value)}`;
    else id = `i:${pe.index}`;
    ids.set(pe, id);
  }
  return id;
}

export class FieldsV1Error extends Error {}

/** Parses a FieldsV1 key; undefined for unknown element types (skipped, as SMD does). */
export function deserializePE(s: string): PathElement | undefined {
  if (s.length < 2) throw new FieldsV1Error('key must be 2 characters long:');
  if (s[1] !== ':') throw new FieldsV1Error(`missing colon: ${s}`);
  const rest = s.slice(2);
  try {
    switch (s[0]) {
      case 'f':
        return { field: rest };
      case 'v':
        return { value: decodeJson(rest) as Json };
      case 'k': {
        const o = decodeJson(rest);
        if (!isObject(o)) throw new FieldsV1Error(`invalid key: ${s}`);
        return {
          key: Object.keys(o)
            .sort(compareStrings)
            .map((k) => [k, o[k]!] as [string, Json]),
        };
      }
      case 'i': {
        if (!/^[+-]?\d+$/.test(rest)) throw new FieldsV1Error(`strconv.Atoi: parsing ${goQuote(rest)}: invalid syntax`);
        return { index: Number(rest) };
      }
      default:
        return undefined;
    }
  } catch (e) {
    if (e instanceof FieldsV1Error) throw e;
    throw new FieldsV1Error(`parsing key as path element: ${(e as Error).message}`);
  }
}

/**
 * The `{}` of every owned leaf in FieldsV1: one frozen object for all of them (a huge map owned key by key had one
 * allocation per key). Objects with managed fields are not changed in place once built (stored objects are
 * copied before any change), and frozen, a change would fail loudly instead of reaching every leaf.
 */
const LEAF: JsonObject = Object.freeze({}) as JsonObject;

interface Child {
  pe: PathElement;
  set: FieldSet;
}

/**
 * A set of field paths: members are owned leaves, children lead to deeper paths. A set is filled when it is built
 * (insert, decoding) and never changed after: set operations share the subtrees they leave as they are.
 */
export class FieldSet {
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(p: Path): void {
    if (p.length === 0) return; // nobody owns the whole object
    const parent = this.node(p, p.length - 1);
    const last = p[p.length - 1]!;
    parent.members.set(serializePE(last), last);
  }

  /** The node of the paths below p[0…end), created when missing (only to insert into it). */
  node(p: Path, end = p.length): FieldSet {
    let n: FieldSet | undefined;
    for (let i = 0; i < end; i++) n = (n ?? this).descend(p[i]!);
    return n ?? this;
  }

  private descend(pe: PathElement): FieldSet {
    const id = serializePE(pe);
    let c = this.children.get(id);
    if (!c) this.children.set(id, (c = { pe, set: new FieldSet() }));
    return c.set;
  }

  has(p: Path): boolean {
    if (p.length === 0) return false;
    let parent: FieldSet | undefined;
    for (let i = 0; i < p.length - 1; i++) {
      parent = (parent ?? this).children.get(serializePE(p[i]!))?.set;
      if (!parent) return false;
    }
    return (parent ?? this).members.has(serializePE(p[p.length - 1]!));
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.empty()) return false;
    return true;
  }

  /** The paths below `pe`, without it. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePE(pe))?.set ?? new FieldSet();
  }

  union(o: FieldSet): FieldSet {
    // Subtrees on one side only are shared, not copied (sets are not changed once built).
    const out = new FieldSet();
    copyInto(out.members, this.members);
    copyInto(out.members, o.members);
    copyInto(out.children, this.children);
    for (const [id, c] of o.children) {
      const mine = this.children.get(id);
      out.children.set(id, mine ? { pe: c.pe, set: mine.set.union(c.set) } : c);
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (o.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const theirs = o.children.get(id);
      if (!theirs) continue;
      const i = c.set.intersection(theirs.set);
      if (!i.empty()) out.children.set(id, { pe: c.pe, set: i });
    }
    return out;
  }

  /** Members of `o` are removed; children are subtracted recursively (o's members do not prune children). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    if (o.members.size === 0) copyInto(out.members, this.members);
    else for (const [id, pe] of this.members) if (!o.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const theirs = o.children.get(id);
      if (!theirs) out.children.set(id, c);
      else {
        const d = c.set.difference(theirs.set);
        if (!d.empty()) out.children.set(id, { pe: c.pe, set: d });
      }
    }
    return out;
  }

  /** A new top node over the same subtrees. */
  shallowCopy(): FieldSet {
    const out = new FieldSet();
    copyInto(out.members, this.members);
    copyInto(out.children, this.children);
    return out;
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, c] of this.children) out.children.set(id, { pe: c.pe, set: c.set.copy() });
    return out;
  }

  /** Every path, members before children at each level, each group in SMD order. */
  iterate(fn: (p: PathElement[]) => void, prefix: PathElement[] = []): void {
    for (const pe of sortPEs([...this.members.values()])) fn([...prefix, pe]);
    for (const c of [...this.children.values()].sort((a, b) => comparePE(a.pe, b.pe)))
      c.set.iterate(fn, [...prefix, c.pe]);
  }

  paths(): PathElement[][] {
    const out: PathElement[][] = [];
    this.iterate((p) => out.push(p));
    return out;
  }

  /** The FieldsV1 object (keys in the order Go writes them). */
  toFieldsV1(includeSelf = false): JsonObject {
    const out: JsonObject = {};
    if (includeSelf && !(this.members.size === 0 && this.children.size === 0)) out['.'] = {};
    // Fields only (the common case, and every map of data): their ids sort as the names do.
    if (allFields(this.members) && allFields(this.children)) {
      const ids = [...this.members.keys()];
      for (const id of this.children.keys()) if (!this.members.has(id)) ids.push(id);
      for (const id of sortStrings(ids)) {
        const child = this.children.get(id)?.set;
        setKey(out, id, child ? child.toFieldsV1(this.members.has(id)) : LEAF);
      }
      return out;
    }
    const entries: { pe: PathElement; id: string; member: boolean; child?: FieldSet }[] = [];
    for (const [id, pe] of this.members) entries.push({ pe, id, member: true, child: this.children.get(id)?.set });
    for (const [id, c] of this.children)
      if (!this.members.has(id)) entries.push({ pe: c.pe, id, member: false, child: c.set });
    entries.sort((a, b) => comparePE(a.pe, b.pe));
    for (const e of entries) setKey(out, e.id, e.child ? e.child.toFieldsV1(e.member) : LEAF);
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    if (!isObject(v)) throw new FieldsV1Error('expected a FieldsV1 object');
    return read(v)[0] ?? new FieldSet();
  }

  toString(): string {
    return this.paths().map(pathString).join('\n');
  }
}

/** Adds the entries of `from` to `to`. */
function copyInto<V>(to: Map<string, V>, from: Map<string, V>): void {
  for (const [k, v] of from) to.set(k, v);
}

/** Whether every id is a field's (`f:` …): such ids compare as their names do. */
function allFields(m: Map<string, unknown>): boolean {
  for (const id of m.keys()) if (id.charCodeAt(0) !== 0x66 /* f */) return false;
  return true;
}

/**
 * Strings in Go's order (UTF-8 bytes, i.e. code points). JS's `<` compares UTF-16 units, which agrees unless a
 * string holds a surrogate or a unit from U+E000: only then is the slower code point comparison needed.
 */
export function sortStrings(a: string[]): string[] {
  if (/[\uD800-\uFFFF]/.test(a.join(''))) return a.sort(compareStrings); // one scan, not a call per string
  return a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

function sortPEs(pes: PathElement[]): PathElement[] {
  return pes.sort(comparePE);
}

/** readIterV1: returns the children found and whether the node itself is a member. */
function read(o: JsonObject): [FieldSet | undefined, boolean] {
  let children: FieldSet | undefined;
  let isMember = false;
  for (const k of Object.keys(o)) {
    if (k === '.') {
      isMember = true;
      continue;
    }
    const pe = deserializePE(k);
    if (!pe) continue;
    const v = o[k];
    const [grand, childIsMember] = isObject(v) ? read(v) : [undefined, true];
    if (childIsMember) (children ??= new FieldSet()).members.set(serializePE(pe), pe);
    if (grand) {
      children ??= new FieldSet();
      const id = serializePE(pe);
      const prev = children.children.get(id);
      children.children.set(id, { pe, set: prev ? prev.set.union(grand) : grand });
    }
  }
  if (!children) isMember = true;
  return [children, isMember];
}
