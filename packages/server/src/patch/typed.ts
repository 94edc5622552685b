// Schema-aware walks over plain JSON values, ported from structured-merge-diff's typed package: the set of
// fields a value sets (ToFieldSet), the difference between two values (Compare), apply's merge (Merge with
// "keep right-hand side"), removal of owned items (RemoveItems) and the validation of apply configurations.
// `undefined` means "absent" for values; types are TypeRef (undefined = deduced) or NONE (no type at all).
import { type Json, type JsonObject, deepEqual, getKey, goV, hasKey, isObject, setKey } from './json.js';
import { FieldSet, type Path, type PathElement, pathString, peString, serializePE } from './fieldpath.js';
import { type Atom, type ListInfo, type MapInfo, type TypeRef, type TypeView, UNDECLARED } from './typeview.js';

/** A field with no type (an undeclared field of a struct). */
export const NONE = null;
export type T = TypeRef | typeof NONE;

export class TypedError extends Error {
  constructor(readonly errs: { path: string; message: string }[]) {
    super(errs.length === 1 ? line(errs[0]!) : ['errors:', ...errs.map((e) => '  ' + line(e))].join('\n'));
  }
}
const line = (e: { path: string; message: string }): string => (e.path ? `${e.path}: ${e.message}` : e.message);

export class Typed {
  constructor(readonly view: TypeView) {}

  private atom(t: T): Atom {
    return t === NONE ? {} : this.view.atom(t);
  }

  /** deduceAtom: narrow to the part of the atom matching the value's kind, if the atom has it. */
  private deduce(a: Atom, v: Json | undefined): Atom {
    if (v === undefined || v === null) return a;
    if (Array.isArray(v)) return a.list ? { list: a.list } : a;
    if (typeof v === 'object') return a.map ? { map: a.map } : a;
    return a.scalar ? { scalar: a.scalar } : a;
  }

  fieldType(m: MapInfo, key: string): T {
    const f = this.view.field(m, key);
    return f === UNDECLARED ? NONE : f;
  }

  /**
   * The scalar kind of a type that is a scalar and nothing else (a map of strings' items): every walk treats
   * a value of it as a leaf, whatever the value, so the walks handle it in place without recursing.
   */
  private scalarOnly(t: T): Atom['scalar'] {
    if (t === NONE) return undefined;
    const a = this.view.atom(t);
    return a.map || a.list ? undefined : a.scalar;
  }

  /**
   * A map that declares no properties gives every key the same type (its items'): that type and its scalarOnly,
   * found once for all the keys of a map; undefined for a struct, whose keys are looked up one by one.
   */
  private keyType(m: MapInfo): { t: T; scalar: Atom['scalar'] } | undefined {
    if (m.schema?.properties) return undefined;
    const t = this.fieldType(m, '');
    return { t, scalar: this.scalarOnly(t) };
  }

  /** listItemToPathElement. */
  itemPE(list: ListInfo, item: Json): PathElement {
    if (list.keys.length > 0) {
      if (item === null) throw new Error('associative list with keys may not have a null element');
      if (!isObject(item)) throw new Error('associative list with keys may not have non-map elements');
      const key: [string, Json][] = [];
      for (const k of list.keys) {
        const v = getKey(item, k);
        if (v !== undefined) key.push([k, v]);
        else {
          const def = this.view.keyDefault(list, k);
          if (def === undefined || def === null)
            throw new Error(
              `associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`,
            );
          key.push([k, def as Json]);
        }
      }
      key.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return { key };
    }
    if (isObject(item)) throw new Error("associative list without keys has an element that's a map type");
    if (Array.isArray(item)) throw new Error('not supported: associative list with lists as elements');
    if (item === null) throw new Error("associative list without keys has an element that's an explicit null");
    return { value: item };
  }

  private tryPE(list: ListInfo, item: Json): PathElement | undefined {
    try {
      return this.itemPE(list, item);
    } catch {
      return undefined;
    }
  }

  // ---- ToFieldSet -------------------------------------------------------------------------------------

  toFieldSet(v: Json, t: T): FieldSet {
    const set = new FieldSet();
    this.fs(v, t, [], set);
    return set;
  }

  private fs(v: Json, t: T, path: PathElement[], set: FieldSet): void {
    const a = this.deduce(this.atom(t), v);
    if (a.map) {
      if (a.map.atomic) return set.insert(path);
      if (!isObject(v)) return;
      let here: FieldSet | undefined;
      const kt = this.keyType(a.map);
      for (const k of Object.keys(v)) {
        // A scalar is owned as itself, once (what the recursion and the lines below would both insert).
        if (kt ? kt.scalar : this.scalarOnly(this.fieldType(a.map, k))) {
          const pe = { field: k };
          (here ??= set.node(path)).members.set(serializePE(pe), pe);
          continue;
        }
        const child = v[k]!;
        const p = [...path, { field: k }];
        this.fs(child, this.fieldType(a.map, k), p, set);
        if (child === null || (isObject(child) && Object.keys(child).length === 0)) set.insert(p);
        else if (!this.view.isStructField(a.map, k)) set.insert(p);
      }
    } else if (a.scalar) set.insert(path);
    else if (a.list) {
      if (a.list.atomic) return set.insert(path);
      if (!Array.isArray(v)) return;
      const seen = new Set<string>();
      const dups = new Set<string>();
      const pes = v.map((item) => this.tryPE(a.list!, item));
      for (const pe of pes) {
        if (!pe) continue;
        const id = serializePE(pe);
        if (seen.has(id)) {
          if (!dups.has(id)) {
            set.insert([...path, pe]); // duplicates are owned as a whole
            dups.add(id);
          }
        } else seen.add(id);
      }
      v.forEach((item, i) => {
        const pe = pes[i];
        if (!pe || dups.has(serializePE(pe))) return;
        const p = [...path, pe];
        this.fs(item, a.list!.item, p, set);
        set.insert(p);
      });
    }
  }

  // ---- Compare ----------------------------------------------------------------------------------------

  compare(lhs: Json | undefined, rhs: Json | undefined, t: T): Comparison {
    const c: Comparison = { removed: new FieldSet(), modified: new FieldSet(), added: new FieldSet() };
    this.cmp(lhs, rhs, t, [], c);
    return c;
  }

  private cmp(l: Json | undefined, r: Json | undefined, t: T, path: PathElement[], c: Comparison): void {
    const a = this.atom(t);
    const al = this.deduce(a, l);
    const ar = this.deduce(a, r);
    const w = { inLeaf: false };
    if (r === undefined) this.cmpAtom(al, l, r, path, c, w);
    else if (l === undefined || sameAtom(al, ar)) this.cmpAtom(ar, l, r, path, c, w);
    else {
      this.cmpAtom(al, l, r, path, c, { inLeaf: false });
      this.cmpAtom(ar, l, r, path, c, w);
    }
    if (!w.inLeaf) {
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
    }
  }

  private cmpAtom(
    a: Atom,
    l: Json | undefined,
    r: Json | undefined,
    path: PathElement[],
    c: Comparison,
    w: { inLeaf: boolean },
  ): void {
    const leaf = (): void => {
      if (w.inLeaf) return;
      w.inLeaf = true;
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
      else if (!deepEqual(l, r)) c.modified.insert(path);
    };
    if (a.map) {
      const lm = isObject(l) ? l : undefined;
      const rm = isObject(r) ? r : undefined;
      if (a.map.atomic) return leaf();
      const lk = lm ? Object.keys(lm) : [];
      const rk = rm ? Object.keys(rm) : [];
      if (lk.length === 0 && rk.length === 0) return leaf();
      if (!lm && !rm) return;
      // Nodes of the three sets at this path, found when a scalar member is first inserted there.
      const at: (FieldSet | undefined)[] = [];
      const sets = [c.added, c.removed, c.modified];
      const kt = this.keyType(a.map);
      for (const k of zipKeys(lm, rm, lk, rk)) {
        // with one side only, the keys are its own: a plain read (no own-property check)
        const l1 = lm && (rm ? getKey(lm, k) : lm[k]);
        const r1 = rm && (lm ? getKey(rm, k) : rm[k]);
        const ft = kt ? kt.t : this.fieldType(a.map, k);
        if (kt ? kt.scalar : this.scalarOnly(ft)) {
          // cmp's leaf, in place: added, removed or modified
          const which = l1 === undefined ? 0 : r1 === undefined ? 1 : deepEqual(l1, r1) ? -1 : 2;
          if (which < 0) continue;
          const pe = { field: k };
          (at[which] ??= sets[which]!.node(path)).members.set(serializePE(pe), pe);
          continue;
        }
        this.cmp(l1, r1, ft, [...path, { field: k }], c);
      }
    } else if (a.scalar) leaf();
    else if (a.list) {
      const ll = Array.isArray(l) ? l : undefined;
      const rl = Array.isArray(r) ? r : undefined;
      if (a.list.atomic || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) return leaf();
      if (!ll && !rl) return;
      this.cmpList(a.list, ll ?? [], rl ?? [], path, c);
    }
  }

  private cmpList(t: ListInfo, lhs: Json[], rhs: Json[], path: PathElement[], c: Comparison): void {
    const order: PathElement[] = [];
    const lv = new Map<string, Json[]>();
    const rv = new Map<string, Json[]>();
    for (const item of lhs) {
      const pe = this.tryPE(t, item);
      if (!pe) continue;
      const id = serializePE(pe);
      if (!lv.has(id)) {
        lv.set(id, []);
        order.push(pe);
      }
      lv.get(id)!.push(item);
    }
    for (const item of rhs) {
      const pe = this.tryPE(t, item);
      if (!pe) continue;
      const id = serializePE(pe);
      if (!rv.has(id)) {
        rv.set(id, []);
        if (!lv.has(id)) order.push(pe);
      }
      rv.get(id)!.push(item);
    }
    for (const pe of order) {
      const id = serializePE(pe);
      const l = lv.get(id) ?? [];
      const r = rv.get(id) ?? [];
      const p = [...path, pe];
      if (l.length <= 1 && r.length <= 1) this.cmp(l[0], r[0], t.item, p, c);
      else if (l.length >= 2 && r.length >= 2) {
        if (l.length !== r.length || l.some((x, i) => !deepEqual(x, r[i]))) c.modified.insert(p);
      } else if (l.length >= 2) {
        if (r.length) this.cmp(undefined, r[0], t.item, p, c);
        c.removed.insert(p);
      } else {
        if (l.length) this.cmp(l[0], undefined, t.item, p, c);
        c.added.insert(p);
      }
    }
  }

  // ---- Merge (apply: the right-hand side wins at leaves) ------------------------------------------------

  /**
   * With `clean`: the maps the merge builds that hold no null and only such maps or scalars are added to it
   * (they need no copy to be cleaned of nulls: nothing else refers to them).
   */
  merge(lhs: Json | undefined, rhs: Json | undefined, t: T, clean?: WeakSet<object>): Json | undefined {
    this.clean = clean;
    try {
      return this.mrg(lhs, rhs, t, []);
    } finally {
      this.clean = undefined;
    }
  }

  private clean: WeakSet<object> | undefined;

  private mrg(l: Json | undefined, r: Json | undefined, t: T, path: PathElement[]): Json | undefined {
    const a = this.atom(t);
    // When the two sides have different kinds only the right-hand side's handling produces output.
    const use = r === undefined ? this.deduce(a, l) : this.deduce(a, r);
    const leaf = (): Json | undefined => (r !== undefined ? r : l);
    if (use.map) {
      const lm = isObject(l) ? l : undefined;
      const rm = isObject(r) ? r : undefined;
      if (use.map.atomic) return leaf();
      const lk = lm ? Object.keys(lm) : [];
      const rk = rm ? Object.keys(rm) : [];
      if (lk.length === 0 && rk.length === 0) return leaf();
      if (!lm && !rm) return undefined;
      const out: JsonObject = {};
      let n = 0;
      let clean = true;
      const kt = this.keyType(use.map);
      for (const k of zipKeys(lm, rm, lk, rk)) {
        // with one side only, the keys are its own: a plain read (no own-property check)
        const l1 = lm && (rm ? getKey(lm, k) : lm[k]);
        const r1 = rm && (lm ? getKey(rm, k) : rm[k]);
        const ft = kt ? kt.t : this.fieldType(use.map, k);
        // a scalar's merge is its leaf: the right-hand side wins
        const v = (kt ? kt.scalar : this.scalarOnly(ft))
          ? r1 !== undefined
            ? r1
            : l1
          : this.mrg(l1, r1, ft, [...path, { field: k }]);
        if (v !== undefined) {
          setKey(out, k, v);
          n++;
          if (v === null || (typeof v === 'object' && !this.clean?.has(v))) clean = false;
        }
      }
      if (n > 0 && clean) this.clean?.add(out);
      return n > 0 ? out : undefined;
    }
    if (use.scalar) return leaf();
    if (use.list) {
      const ll = Array.isArray(l) ? l : undefined;
      const rl = Array.isArray(r) ? r : undefined;
      if (use.list.atomic || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) return leaf();
      if (!ll && !rl) return undefined;
      return this.mergeList(use.list, ll ?? [], rl ?? [], path);
    }
    return undefined;
  }

  private index(t: ListInfo, list: Json[], allowDuplicates: boolean, path: PathElement[]) {
    const pes: PathElement[] = [];
    const ids: string[] = [];
    const observed = new Map<string, Json>();
    list.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = this.itemPE(t, item);
      } catch (e) {
        throw new TypedError([{ path: pathString(path), message: `element ${i}: ${(e as Error).message}` }]);
      }
      const id = serializePE(pe);
      if (observed.has(id)) {
        if (!allowDuplicates)
          throw new TypedError([{ path: pathString(path), message: `duplicate entries for key ${peString(pe)}` }]);
        observed.set(id, null); // SMD merges duplicated live items as null
      } else observed.set(id, item);
      pes.push(pe);
      ids.push(id);
    });
    return { pes, ids, observed };
  }

  /** SMD's list merge: live order, with applied items placed where their shared neighbours are. */
  private mergeList(t: ListInfo, lhs: Json[], rhs: Json[], path: PathElement[]): Json[] | undefined {
    const R = this.index(t, rhs, false, path);
    const L = this.index(t, lhs, true, path);
    const out: Json[] = [];
    const shared = R.ids.filter((id) => L.observed.has(id));
    let next: string | undefined = shared.shift();
    const mergedR = new Set<string>();
    const item = (pe: PathElement, l: Json | undefined, r: Json | undefined): void => {
      const v = this.mrg(l, r, t.item, [...path, pe]);
      if (v !== undefined) out.push(v);
    };
    let li = 0;
    let ri = 0;
    while (li < L.pes.length || ri < R.pes.length) {
      if (li < L.pes.length && ri < R.pes.length) {
        const id = L.ids[li]!;
        if (id === R.ids[ri]) {
          mergedR.add(id);
          item(L.pes[li]!, L.observed.get(id), R.observed.get(id));
          li++;
          ri++;
          next = shared.shift();
          continue;
        }
        if (R.observed.has(id) && next !== undefined && next !== id) {
          li++;
          continue;
        }
      }
      if (li < L.pes.length) {
        const id = L.ids[li]!;
        if (!R.observed.has(id)) {
          item(L.pes[li]!, lhs[li], undefined);
          li++;
          continue;
        } else if (mergedR.has(id)) li++;
      }
      if (ri < R.pes.length) {
        const id = R.ids[ri]!;
        mergedR.add(id);
        item(R.pes[ri]!, L.observed.get(id), R.observed.get(id));
        ri++;
        if (next !== undefined && next === id) next = shared.shift();
      }
    }
    return out.length > 0 ? out : undefined;
  }

  // ---- RemoveItems --------------------------------------------------------------------------------------

  /** Removes the owned items in `set`; a node left empty becomes null (as SMD returns it). */
  removeItems(v: Json, set: FieldSet, t: T): Json {
    const a = this.deduce(this.atom(t), v);
    if (a.map) {
      if (!isObject(v) || Object.keys(v).length === 0 || a.map.atomic) return null;
      const out: JsonObject = {};
      for (const k of Object.keys(v)) {
        const pe: PathElement = { field: k };
        if (set.has([pe])) continue;
        const sub = set.withPrefix(pe);
        setKey(out, k, sub.empty() ? v[k]! : this.removeItems(v[k]!, sub, this.fieldType(a.map, k)));
      }
      return Object.keys(out).length > 0 ? out : null;
    }
    if (a.scalar) return v;
    if (a.list) {
      if (!Array.isArray(v) || v.length === 0 || a.list.atomic) return null;
      const out: Json[] = [];
      for (const item of v) {
        const pe = this.tryPE(a.list, item);
        if (pe && set.has([pe])) continue;
        const sub = pe ? set.withPrefix(pe) : new FieldSet();
        out.push(sub.empty() ? item : this.removeItems(item, sub, a.list.item));
      }
      return out.length > 0 ? out : null;
    }
    return null;
  }

  /** Set.EnsureNamedFieldsAreMembers: struct fields leading to owned paths count as owned themselves. */
  ensureNamedFieldsAreMembers(s: FieldSet, t: T): FieldSet {
    const out = new FieldSet();
    const a = this.atom(t);
    for (const [id, pe] of s.members) out.members.set(id, pe);
    for (const [id, c] of s.children) {
      let ct: T = NONE;
      if ('field' in c.pe && a.map) {
        if (this.view.isStructField(a.map, c.pe.field)) out.members.set(id, c.pe);
        ct = this.fieldType(a.map, c.pe.field);
      } else if ('key' in c.pe && a.list) ct = a.list.item;
      out.children.set(id, { pe: c.pe, set: this.ensureNamedFieldsAreMembers(c.set, ct) });
    }
    return out;
  }

  // ---- Validation of apply configurations ------------------------------------------------------------------

  /** SMD's validating walker (no duplicates allowed); returns the error list, empty when valid. */
  validate(v: Json, t: T): { path: string; message: string }[] {
    const errs: { path: string; message: string }[] = [];
    this.val(v, t, [], errs);
    return errs;
  }

  private val(v: Json, t: T, path: Path, errs: { path: string; message: string }[]): void {
    const a = this.deduce(this.atom(t), v);
    if (t === NONE) return;
    const at = (): string => pathString(path);
    if (a.map) {
      if (v === null) return;
      if (!isObject(v)) return void errs.push({ path: at(), message: `expected map, got &{${goV(v)}}` });
      const kt = this.keyType(a.map);
      for (const k of Object.keys(v)) {
        const ft = kt ? kt.t : this.view.field(a.map, k);
        if (ft === UNDECLARED) {
          errs.push({ path: at() + peString({ field: k }), message: 'field not declared in schema' });
          return;
        }
        const sc = kt ? kt.scalar : this.scalarOnly(ft);
        if (sc) {
          // val of a scalar, in place: the path is only built for an error
          const msg = scalarError(sc, v[k]!);
          if (msg) errs.push({ path: pathString([...path, { field: k }]), message: msg });
          continue;
        }
        this.val(v[k]!, ft, [...path, { field: k }], errs);
      }
    } else if (a.scalar) {
      const msg = scalarError(a.scalar, v);
      if (msg) errs.push({ path: at(), message: msg });
    } else if (a.list) {
      if (v === null) return;
      if (!Array.isArray(v)) return void errs.push({ path: at(), message: `expected list, got &{${goV(v)}}` });
      const seen = new Set<string>();
      for (let i = 0; i < v.length; i++) {
        let pe: PathElement = { index: i };
        if (!a.list.atomic) {
          try {
            pe = this.itemPE(a.list, v[i]!);
          } catch (e) {
            errs.push({ path: at(), message: `element ${i}: ${(e as Error).message}` });
            return;
          }
          const id = serializePE(pe);
          if (seen.has(id)) errs.push({ path: at(), message: `duplicate entries for key ${peString(pe)}` });
          seen.add(id);
        }
        this.val(v[i]!, a.list.item, [...path, pe], errs);
      }
    }
  }
}

export interface Comparison {
  removed: FieldSet;
  modified: FieldSet;
  added: FieldSet;
}

function sameAtom(a: Atom, b: Atom): boolean {
  return a.map === b.map && a.list === b.list && a.scalar === b.scalar;
}

/** Keys of both maps (`lk`, `rk`: their own keys): the left one's order, then keys only on the right. */
function zipKeys(l: JsonObject | undefined, r: JsonObject | undefined, lk: string[], rk: string[]): string[] {
  if (!l || lk.length === 0) return rk;
  if (!r) return lk;
  const keys = lk;
  for (const k of rk) if (!hasKey(l, k)) keys.push(k);
  return keys;
}

/** Go's %#v of the unstructured value SMD wraps (`&value.valueUnstructured{Value:5}`). */
function goDump(v: Json): string {
  return `&value.valueUnstructured{Value:${goSharpV(v)}}`;
}

function goSharpV(v: Json): string {
  if (v === null) return 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  return `map[string]interface {}{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${goSharpV(v[k]!)}`)
    .join(', ')}}`;
}

function goTypeOf(v: Json): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function scalarError(kind: string, v: Json): string | undefined {
  if (v === null) return undefined;
  const scalar = typeof v !== 'object';
  switch (kind) {
    case 'numeric':
      return typeof v === 'number' ? undefined : `expected numeric (int or float), got ${goTypeOf(v)}`;
    case 'string':
      return typeof v === 'string' ? undefined : `expected string, got ${goDump(v)}`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `expected boolean, got &{${goV(v)}}`;
    default:
      return scalar ? undefined : `expected any scalar, got &{${goV(v)}}`;
  }
}
