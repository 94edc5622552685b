// A compact notation for Kubernetes' Go API types, expanded into OpenAPI v3 component schemas at load time.
// Writing ~200 types as full JSON schemas would be ~10x the source; the notation keeps one line per field.
//
// A package lists its struct types (field name -> spec, in Go declaration order) and aliases (named Go types
// that are not structs). A field spec is `<type> <flag>...`:
//   type:  s | b | i32 | i64 | f64 | bytes (base64 string)   scalars
//          Time | MicroTime | Quantity | IntOrString | RawExtension | FieldsV1   apimachinery types
//          Name | pkg.Name           a struct (component $ref) or an alias of this / another package
//          []<type> | {}<type>       array of / map of string to
//   flags: req (required) | ps=<patch strategy> | mk=<patch merge key> | lt=<list type> | lk=<key,key>
//          (list-map keys) | mt=<map type> | def=<value> (the Go type's `+default=` marker; `def=` is "")
//          and, for the protobuf field tables generated from these (api/protobuf/generate.ts, which writes
//          messages.generated.ts): pb=<field number> | ptr (a Go pointer) | noomit (a Go JSON tag without
//          omitempty on a field that is not required; a required field never has omitempty, any other does)
// A field named `...` is an embedded Go struct whose fields JSON inlines (`'...': 'VolumeSource pb=2'`): the schema
// gets its fields in its place. Structs that are only ever embedded are listed under `embedded` (no schema).
// A required scalar field gets its Go zero value as `default` ("" / 0 / false), as kube-openapi's generator
// writes it for non-omitempty fields: structured-merge-diff reads these defaults for list-map keys an applied
// item omits (a container port without `protocol` is keyed as TCP, an item without `name` as "").
// An alias spec is `<type>` or `s=<A|B|C>` (an enum). A struct's `'@': 'atomic'` entry is its map type.
import type { Schema } from './types.js';

export interface PackageDef {
  /** OpenAPI component name prefix, e.g. `io.k8s.api.core.v1`. */
  prefix: string;
  /** Go package name (what `reflect.Type.String()` prints before the type name). */
  go: string;
  /** Group and version the package's kinds belong to. */
  group?: string;
  version?: string;
  /** Top-level kinds (get `x-kubernetes-group-version-kind`). */
  kinds?: string[];
  /** One-line descriptions. */
  docs?: Record<string, string>;
  aliases?: Record<string, string>;
  types: Record<string, Record<string, string>>;
  /** Go structs only ever embedded in others (`'...'` fields): their fields, no component of their own. */
  embedded?: Record<string, Record<string, string>>;
}

/** The struct `name` (a component type or an embedded-only struct) of a package. */
export function structFields(pkg: PackageDef, name: string): Record<string, string> | undefined {
  return pkg.types[name] ?? pkg.embedded?.[name];
}

/**
 * A struct's fields as JSON has them: each `...` (embedded) field replaced by the embedded struct's own, in place. A
 * field listed after a `...` under the name of one of the embedded struct's fields keeps that place and gives it
 * this struct's schema flags (the embedding type's view of it; it is not a field of its own).
 */
export function jsonFields(pkg: PackageDef, fields: Record<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const embedded = new Map<string, number>();
  for (const [name, spec] of Object.entries(fields)) {
    if (name === '...') {
      const type = spec.split(' ')[0]!;
      const inner = structFields(pkg, type);
      if (!inner) throw new Error(`schema: unknown embedded struct ${type} in ${pkg.prefix}`);
      // The embedded struct's own map type ('@') is not the embedding struct's.
      for (const f of jsonFields(pkg, inner)) if (f[0] !== '@') embedded.set(f[0], out.push(f) - 1);
      continue;
    }
    const at = embedded.get(name);
    if (at !== undefined) out[at] = [name, spec];
    else out.push([name, spec]);
  }
  return out;
}

/** The names of `fields` that only restate an embedded struct's field (see jsonFields). */
export function embeddedOverrides(pkg: PackageDef, fields: Record<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [name, spec] of Object.entries(fields))
    if (name === '...') for (const [n] of jsonFields(pkg, structFields(pkg, spec.split(' ')[0]!) ?? {})) names.add(n);
  return names;
}

export const schemaRefPrefix = '#/components/schemas/';

/** Components every package may name without a prefix. */
export const builtinNames: Record<string, string> = {
  Time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  MicroTime: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  FieldsV1: 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  RawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
};

/** Go type of a schema node (for decoding error messages); filled while building. */
export const goTypes = new WeakMap<Schema, string>();

const scalars: Record<string, [Schema, string]> = {
  s: [{ type: 'string' }, 'string'],
  b: [{ type: 'boolean' }, 'bool'],
  i32: [{ type: 'integer', format: 'int32' }, 'int32'],
  i64: [{ type: 'integer', format: 'int64' }, 'int64'],
  f64: [{ type: 'number', format: 'double' }, 'float64'],
  bytes: [{ type: 'string', format: 'byte' }, '[]uint8'],
};
// Go types the decoder reports for apimachinery types (their UnmarshalJSON decodes into these).
const builtinGo: Record<string, string> = { Time: 'string', MicroTime: 'string', IntOrString: 'int32' };

/** Expands packages (keyed by the alias other packages use, e.g. `meta`) into component schemas. */
export function buildComponents(pkgs: Record<string, PackageDef>): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const typeOf = (alias: string, spec: string): Schema => {
    const pkg = pkgs[alias]!;
    if (spec.startsWith('[]')) {
      const items = typeOf(alias, spec.slice(2));
      return node({ type: 'array', items }, '[]' + goTypes.get(items));
    }
    if (spec.startsWith('{}')) {
      const val = typeOf(alias, spec.slice(2));
      return node({ type: 'object', additionalProperties: val }, 'map[string]' + goTypes.get(val));
    }
    const sc = scalars[spec];
    if (sc) return node({ ...sc[0] }, sc[1]);
    const builtin = builtinNames[spec];
    if (builtin) return node({ $ref: schemaRefPrefix + builtin }, builtinGo[spec] ?? '');
    const dot = spec.indexOf('.');
    const [pa, name] = dot > 0 ? [spec.slice(0, dot), spec.slice(dot + 1)] : [alias, spec];
    const p = pkgs[pa];
    if (!p) throw new Error(`schema: unknown package in ${spec}`);
    const aliasSpec = p.aliases?.[name];
    if (aliasSpec !== undefined) {
      const eq = aliasSpec.indexOf('=');
      const s = typeOf(pa, eq < 0 ? aliasSpec : aliasSpec.slice(0, eq));
      if (eq >= 0) s.enum = aliasSpec.slice(eq + 1).split('|');
      goTypes.set(s, `${p.go}.${name}`);
      return s;
    }
    if (!p.types[name]) throw new Error(`schema: unknown type ${spec} in ${pkg.prefix}`);
    return node({ $ref: schemaRefPrefix + `${p.prefix}.${name}` }, `${p.go}.${name}`);
  };
  for (const [alias, pkg] of Object.entries(pkgs)) {
    for (const [name, fields] of Object.entries(pkg.types)) {
      const properties: Record<string, Schema> = {};
      const required: string[] = [];
      const s: Schema = { type: 'object' };
      const doc = pkg.docs?.[name];
      if (doc) s.description = doc;
      for (const [field, spec] of jsonFields(pkg, fields)) {
        if (field === '@') {
          s['x-kubernetes-map-type'] = spec as 'atomic';
          continue;
        }
        const [t, ...flags] = spec.split(' ');
        const p = typeOf(alias, t!);
        for (const f of flags) applyFlag(p, f, () => required.push(field));
        if (p.default === undefined && flags.includes('req')) {
          const zero = zeroOf(p);
          if (zero !== undefined) p.default = zero;
        }
        properties[field] = p;
      }
      if (Object.keys(properties).length) s.properties = properties;
      if (required.length) s.required = required;
      if (pkg.kinds?.includes(name))
        s['x-kubernetes-group-version-kind'] = [{ group: pkg.group ?? '', version: pkg.version ?? '', kind: name }];
      out[`${pkg.prefix}.${name}`] = node(s, `${pkg.go}.${name}`);
    }
  }
  return out;
}

function node(s: Schema, go: string): Schema {
  goTypes.set(s, go);
  return s;
}

/** Go zero value of a scalar schema (undefined for objects, arrays and references). */
function zeroOf(s: Schema): unknown {
  if (s.$ref !== undefined) return undefined;
  if (s.type === 'string') return '';
  if (s.type === 'integer' || s.type === 'number') return 0;
  if (s.type === 'boolean') return false;
  return undefined;
}

function applyFlag(s: Schema, flag: string, req: () => void): void {
  const eq = flag.indexOf('=');
  const k = eq < 0 ? flag : flag.slice(0, eq);
  const v = flag.slice(eq + 1);
  if (k === 'req') req();
  else if (k === 'ps') s['x-kubernetes-patch-strategy'] = v;
  else if (k === 'mk') s['x-kubernetes-patch-merge-key'] = v;
  else if (k === 'lt') s['x-kubernetes-list-type'] = v as 'atomic' | 'set' | 'map';
  else if (k === 'lk') s['x-kubernetes-list-map-keys'] = v.split(',');
  else if (k === 'mt') s['x-kubernetes-map-type'] = v as 'atomic' | 'granular';
  else if (k === 'pb' || k === 'ptr' || k === 'noomit')
    return; // the protobuf tables' facts, nothing in the schema
  else if (k === 'def')
    s.default = s.type === 'integer' || s.type === 'number' ? Number(v) : s.type === 'boolean' ? v === 'true' : v;
  else throw new Error(`schema: unknown flag ${flag}`);
}
