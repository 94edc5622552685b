// Strict decoding as kube-apiserver does it (sigs.k8s.io/json over the Go types): unknown and duplicate
// field paths for fieldValidation, and the decoder's type errors with Go's wording. One pass over the object.
import { goTypes, schemaRefPrefix } from './dsl.js';
import { RFC3339, RFC3339Micro, base64Error, quantityError, timeParseError } from './decoding.js';
import { resolve } from './index.js';
import type { Schema } from './types.js';

export interface FieldCheck {
  /** Paths of unknown fields in kube-apiserver's notation: `spec.containers[0].imagee`. */
  unknown: string[];
  /** Paths of duplicate fields (only when the raw body was given). */
  duplicates?: string[];
  /**
   * Decoding errors, most important first; kube-apiserver reports only the first (see decodeError), and then
   * no unknown/duplicate fields.
   */
  typeErrors: string[];
}

/** The 400 message for a body that does not decode: `Pod in version "v1" cannot be handled as a Pod: …`. */
export function decodeError(kind: string, version: string, detail: string, intoKind = kind): string {
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${intoKind}: ${detail}`;
}

type Kind =
  'struct' | 'array' | 'map' | 'string' | 'int' | 'number' | 'bool' | 'bytes' | 'time' | 'qty' | 'ios' | 'any';
interface Node {
  kind: Kind;
  /** Go type the decoder names in errors (`v1.Protocol`, `[]v1.Container`). */
  go: string;
  /** struct: Go type name; time: layout; int: bit size. */
  name?: string;
  bits?: number;
  schema: Schema;
  props?: Map<string, Node>;
  item?: Node;
}

const special: Record<string, Kind> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 'time',
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'qty',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'ios',
  'io.k8s.apimachinery.pkg.runtime.RawExtension': 'any',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': 'any',
};
const byComponent = new Map<string, Node>();
const bySchema = new WeakMap<Schema, Node>();

// Compiles a schema node once; struct properties are compiled on first use (schemas may be recursive).
function compile(s: Schema): Node {
  const cached = bySchema.get(s);
  if (cached) return cached;
  let n: Node;
  const ref = s.$ref ?? (s.allOf?.length === 1 && !s.properties ? s.allOf[0]!.$ref : undefined);
  if (ref !== undefined) {
    const name = ref.startsWith(schemaRefPrefix) ? ref.slice(schemaRefPrefix.length) : ref;
    n = byComponent.get(name) ?? component(name);
  } else n = shape(s, goTypes.get(s));
  bySchema.set(s, n);
  return n;
}

function component(name: string): Node {
  const s = resolve(name);
  let n: Node;
  const kind = special[name];
  if (!s) n = { kind: 'any', go: '', schema: {} };
  else if (kind) {
    n = { kind, go: goTypes.get(s) ?? (kind === 'ios' ? 'int32' : 'string'), schema: s };
    if (kind === 'time') n.name = name.endsWith('MicroTime') ? RFC3339Micro : RFC3339;
  } else n = shape(s, goTypes.get(s), name.slice(name.lastIndexOf('.') + 1));
  byComponent.set(name, n);
  return n;
}

function shape(s: Schema, go: string | undefined, structName?: string): Node {
  if (s['x-kubernetes-preserve-unknown-fields']) return { kind: 'any', go: go ?? '', schema: s };
  if (s['x-kubernetes-int-or-string']) return { kind: 'ios', go: go ?? 'int32', schema: s };
  switch (s.type) {
    case 'object':
      if (s.properties) return { kind: 'struct', go: go ?? structName ?? 'struct', name: structName ?? '', schema: s };
      if (typeof s.additionalProperties === 'object') {
        const item = compile(s.additionalProperties);
        return { kind: 'map', go: go ?? `map[string]${item.go}`, item, schema: s };
      }
      return { kind: 'any', go: go ?? 'map[string]interface {}', schema: s };
    case 'array': {
      const item = s.items ? compile(s.items) : { kind: 'any' as const, go: 'interface {}', schema: {} };
      return { kind: 'array', go: go ?? `[]${item.go}`, item, schema: s };
    }
    case 'string':
      return { kind: s.format === 'byte' ? 'bytes' : 'string', go: go ?? 'string', schema: s };
    case 'integer': {
      const bits = s.format === 'int32' ? 32 : 64;
      return { kind: 'int', go: go ?? `int${bits}`, bits, schema: s };
    }
    case 'number':
      return { kind: 'number', go: go ?? 'float64', schema: s };
    case 'boolean':
      return { kind: 'bool', go: go ?? 'bool', schema: s };
  }
  return { kind: 'any', go: go ?? 'interface {}', schema: s };
}

function prop(n: Node, key: string): Node | undefined {
  if (!n.props) {
    n.props = new Map();
    for (const [k, v] of Object.entries(n.schema.properties ?? {})) n.props.set(k, compile(v));
  }
  return n.props.get(key);
}

const maxStrictErrors = 100; // sigs.k8s.io/json stops collecting there

class Abort extends Error {}

interface Ctx {
  unknown: string[];
  /** Delete unknown fields from the object as they are found (the decoder drops them). */
  prune: boolean;
  typeErrors: string[];
  /** The current path: keys and indexes. */
  path: (string | number)[];
  /** Per path entry: the Go struct holding it when it is a struct field (Go's error context), else ''. */
  structs: string[];
}

const jsonKind = (v: unknown) =>
  typeof v === 'string'
    ? 'string'
    : typeof v === 'number'
      ? 'number'
      : typeof v === 'boolean'
        ? 'bool'
        : Array.isArray(v)
          ? 'array'
          : 'object';

// Go's UnmarshalTypeError with the decoder's context: the struct field names from the root (no map keys or
// indexes) and the innermost struct holding the last one.
function typeError(c: Ctx, value: string, go: string): string {
  let fields = '';
  let struct = '';
  for (let i = 0; i < c.path.length; i++)
    if (c.structs[i]) {
      fields = fields ? `${fields}.${c.path[i]}` : String(c.path[i]);
      struct = c.structs[i]!;
    }
  return fields
    ? `json: cannot unmarshal ${value} into Go struct field ${struct}.${fields} of type ${go}`
    : `json: cannot unmarshal ${value} into Go value of type ${go}`;
}

// Paths are kept as a stack and only formatted for errors, so a clean object costs no string building.
function walk(v: unknown, n: Node, c: Ctx): void {
  if (v === null || v === undefined) return; // null decodes to the zero value everywhere
  switch (n.kind) {
    case 'struct':
      if (typeof v !== 'object' || Array.isArray(v)) return void c.typeErrors.push(typeError(c, jsonKind(v), n.go));
      for (const key in v as object) {
        const p = prop(n, key);
        if (!p) {
          if (c.unknown.length < maxStrictErrors) c.unknown.push(formatPath([...c.path, key]));
          if (c.prune) delete (v as Record<string, unknown>)[key];
          continue;
        }
        c.path.push(key);
        c.structs.push(n.name!);
        walk((v as Record<string, unknown>)[key], p, c);
        c.path.pop();
        c.structs.pop();
      }
      return;
    case 'map':
      if (typeof v !== 'object' || Array.isArray(v)) return void c.typeErrors.push(typeError(c, jsonKind(v), n.go));
      if (n.item!.kind === 'string') {
        // map[string]string (ConfigMap data, labels): the string case below, without a call and path per key
        for (const key in v as object) {
          const x = (v as Record<string, unknown>)[key];
          if (x === null || x === undefined || typeof x === 'string') continue;
          c.path.push(key);
          c.structs.push('');
          c.typeErrors.push(typeError(c, jsonKind(x), n.item!.go));
          c.path.pop();
          c.structs.pop();
        }
        return;
      }
      for (const key in v as object) {
        c.path.push(key);
        c.structs.push('');
        walk((v as Record<string, unknown>)[key], n.item!, c);
        c.path.pop();
        c.structs.pop();
      }
      return;
    case 'array':
      if (!Array.isArray(v)) return void c.typeErrors.push(typeError(c, jsonKind(v), n.go));
      c.structs.push('');
      for (let i = 0; i < v.length; i++) {
        c.path.push(i);
        walk(v[i], n.item!, c);
        c.path.pop();
      }
      c.structs.pop();
      return;
    case 'string':
      if (typeof v !== 'string') c.typeErrors.push(typeError(c, jsonKind(v), n.go));
      return;
    case 'bool':
      if (typeof v !== 'boolean') c.typeErrors.push(typeError(c, jsonKind(v), n.go));
      return;
    case 'number':
      if (typeof v !== 'number') c.typeErrors.push(typeError(c, jsonKind(v), n.go));
      return;
    case 'int':
      if (typeof v !== 'number') c.typeErrors.push(typeError(c, jsonKind(v), n.go));
      else if (!fitsInt(v, n.bits!)) c.typeErrors.push(typeError(c, `number ${v}`, n.go));
      return;
    case 'bytes':
      if (typeof v === 'string') {
        const e = base64Error(v);
        if (e) c.typeErrors.push(e);
      } else if (!Array.isArray(v)) c.typeErrors.push(typeError(c, jsonKind(v), n.go));
      return;
    // Custom unmarshalers: their errors end decoding at once and win over earlier ones.
    case 'time': {
      const e = typeof v === 'string' ? timeParseError(n.name!, v) : typeError(c, jsonKind(v), 'string');
      if (e) abort(c, e);
      return;
    }
    case 'qty': {
      const raw = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
      const e = quantityError(raw);
      if (e) abort(c, e);
      return;
    }
    case 'ios':
      if (typeof v === 'string') return;
      if (typeof v !== 'number') abort(c, typeError(c, jsonKind(v), 'int32'));
      else if (!fitsInt(v, 32)) abort(c, typeError(c, `number ${v}`, 'int32'));
      return;
    case 'any':
      return;
  }
}

function abort(c: Ctx, e: string): never {
  c.typeErrors.unshift(e);
  throw new Abort();
}

function fitsInt(v: number, bits: number): boolean {
  if (!Number.isInteger(v)) return false;
  return bits === 32 ? v >= -2147483648 && v <= 2147483647 : v >= -(2 ** 63) && v < 2 ** 63;
}

/**
 * Checks a decoded JSON body against a component schema (e.g. `io.k8s.api.core.v1.Pod`). Pass the raw text
 * to also get duplicate fields (those kube-apiserver reports: not inside unknown or opaque fields). With
 * `prune`, unknown fields are deleted from `obj`, as decoding into the Go types drops them (until a type
 * error ends decoding: the body is then rejected anyway).
 */
export function checkFields(obj: unknown, schemaName: string, raw?: string, prune = false): FieldCheck {
  const c: Ctx = { unknown: [], prune, typeErrors: [], path: [], structs: [] };
  const root = byComponent.get(schemaName) ?? component(schemaName);
  try {
    walk(obj, root, c);
  } catch (e) {
    if (!(e instanceof Abort)) throw e;
  }
  const out: FieldCheck = { unknown: c.unknown, typeErrors: c.typeErrors };
  if (raw !== undefined) {
    const dups = decodedDuplicates(raw, root);
    if (dups.length) out.duplicates = dups.slice(0, maxStrictErrors - c.unknown.length).map(formatPath);
  }
  return out;
}

// One open container of decodedDuplicates' scan: the schema node the decoder descends into it with (undefined
// below an unknown or opaque field, where nothing is reported and keys are not even read), the keys seen, and
// whether a key or index of it is on the path.
interface Frame {
  node: Node | undefined;
  keys: Keys | undefined;
  index: number;
  onPath: boolean;
}

/**
 * The repeated keys the decoder reports in `text` (valid JSON), as sigs.k8s.io/json reports them (a struct's known
 * fields and any map key, along paths the decoder descends), in one scan that follows the schema: keys under unknown fields and unknown
 * keys of structs are skipped, not collected (3 MiB of tiny unknown keys cost a scan, not a set of them).
 */
function decodedDuplicates(text: string, root: Node): (string | number)[][] {
  const out: (string | number)[][] = [];
  const path: (string | number)[] = [];
  const frames: Frame[] = [];
  let top: Frame | undefined;
  let pending: Node | undefined = root; // the node of the value that starts next
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i + 1;
      i = text.indexOf('"', start);
      while (i > 0 && escaped(text, i)) i = text.indexOf('"', i + 1);
      if (i < 0) break;
      if (!expectKey) continue;
      expectKey = false;
      const f = top!;
      let key = text.slice(start, i);
      if (key.includes('\\')) key = JSON.parse(text.slice(start - 1, i + 1)) as string;
      const n = f.node!;
      const next = n.kind === 'struct' ? prop(n, key) : n.item;
      if (n.kind === 'map' || next !== undefined) {
        const keys = (f.keys ??= new Keys());
        if (keys.has(key)) out.push([...path, key]);
        else keys.add(key);
      }
      path.push(key);
      f.onPath = true;
      pending = next;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      const n = pending;
      const tracked = n !== undefined && (ch === 0x7b ? n.kind === 'struct' || n.kind === 'map' : n.kind === 'array');
      top = { node: tracked ? n : undefined, keys: undefined, index: 0, onPath: false };
      frames.push(top);
      pending = undefined;
      if (ch === 0x7b) expectKey = tracked;
      else if (tracked) {
        path.push(0);
        top.onPath = true;
        pending = n!.item;
      }
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      expectKey = false;
      const f = frames.pop();
      if (f === undefined) break;
      if (f.onPath) path.pop();
      top = frames[frames.length - 1];
      pending = undefined;
    } else if (ch === 0x2c /* , */) {
      const f = top;
      if (!f || f.node === undefined) continue;
      if (f.node.kind === 'array') {
        path[path.length - 1] = ++f.index;
        pending = f.node.item;
      } else {
        if (f.onPath) path.pop();
        f.onPath = false;
        expectKey = true;
      }
    }
  }
  return out;
}

function formatPath(segs: (string | number)[]): string {
  let p = '';
  for (const s of segs) p += typeof s === 'number' ? `[${s}]` : p ? `.${s}` : s;
  return p;
}

/** Paths of keys repeated within one JSON object of `text` (`metadata.name`, `spec.containers[0].image`). */
export function findDuplicateFields(text: string): string[] {
  return duplicateSegments(text).map(formatPath);
}

// One linear scan of the JSON text; keys are sliced (and unescaped only when they contain a backslash).
function duplicateSegments(text: string): (string | number)[][] {
  const out: (string | number)[][] = [];
  const path: (string | number)[] = [];
  // per open container: the keys seen (objects) or the next index (arrays)
  const frames: (Keys | number)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i + 1;
      i = text.indexOf('"', start);
      while (i > 0 && escaped(text, i)) i = text.indexOf('"', i + 1);
      if (i < 0) break; // not JSON
      if (!expectKey) continue;
      let key = text.slice(start, i);
      if (key.includes('\\')) key = JSON.parse(text.slice(start - 1, i + 1)) as string;
      const seen = frames[frames.length - 1];
      if (!(seen instanceof Keys)) break; // a key outside an object: not JSON, nothing to report
      if (seen.has(key)) out.push([...path, key]);
      else seen.add(key);
      path.push(key);
      expectKey = false;
    } else if (ch === 0x7b /* { */) {
      frames.push(new Keys());
      expectKey = true;
    } else if (ch === 0x5b /* [ */) {
      frames.push(0);
      path.push(0);
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      // an empty object leaves expectKey set: the next string may be an array element, not a key
      expectKey = false;
      const f = frames.pop();
      if (f === undefined) break; // unbalanced: not JSON (e.g. YAML text), no duplicates to report
      if (ch === 0x5d || (f as Keys).size) path.pop(); // the array index or the last key
    } else if (ch === 0x2c /* , */) {
      const f = frames[frames.length - 1];
      if (typeof f === 'number') {
        frames[frames.length - 1] = f + 1;
        path[path.length - 1] = f + 1;
      } else if (f) {
        path.pop();
        expectKey = true;
      }
    }
  }
  return out;
}

// The keys of one JSON object: a short array (most objects have a handful of keys, and a Set per object was a
// visible share of a small request's cost), promoted to a Set when it grows.
class Keys {
  private list: string[] = [];
  private set: Set<string> | undefined;

  get size(): number {
    return this.set ? this.set.size : this.list.length;
  }

  has(k: string): boolean {
    return this.set ? this.set.has(k) : this.list.includes(k);
  }

  add(k: string): void {
    if (this.set) this.set.add(k);
    else if (this.list.length < 16) this.list.push(k);
    else this.set = new Set([...this.list, k]);
  }
}

// Whether the quote at `i` is preceded by an odd number of backslashes.
function escaped(text: string, i: number): boolean {
  let n = 0;
  while (text.charCodeAt(i - 1 - n) === 0x5c) n++;
  return n % 2 === 1;
}
