// How the patch engines read a Schema: $ref/allOf are followed (extensions at the referencing site win,
// as kube-openapi's converter does), and each node is classified the way structured-merge-diff sees it.
// `undefined` stands for "no schema": SMD's deduced type (maps granular, lists atomic, any scalar).
import type { Schema, SchemaResolver } from '../api/schema/types.js';

export type TypeRef = Schema | undefined;

export interface ListInfo {
  atomic: boolean;
  /** x-kubernetes-list-map-keys, or [patch-merge-key] for `merge` lists of objects; empty for sets. */
  keys: string[];
  item: TypeRef;
}

export interface MapInfo {
  atomic: boolean;
  schema: Schema | undefined;
}

export type ScalarKind = 'numeric' | 'string' | 'boolean' | 'untyped';

export interface Atom {
  map?: MapInfo;
  list?: ListInfo;
  scalar?: ScalarKind;
}

/** Marker for a field a struct does not declare (SMD: "field not declared in schema"). */
export const UNDECLARED: unique symbol = Symbol('undeclared');

const EXTENSIONS = [
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
] as const;

export class TypeView {
  private readonly derefCache = new WeakMap<Schema, Schema>();
  /** Atoms by schema node: the walks ask for one per value (per key of a map), and never change them. */
  private readonly atomCache = new WeakMap<Schema, Atom>();
  constructor(private readonly resolver: SchemaResolver) {}

  /** The schema named by a components name or `#/components/schemas/<name>` ref. */
  named(name: string): Schema | undefined {
    const s = this.resolver(name);
    return s ? this.deref(s) : undefined;
  }

  /** Follows $ref and single/multiple allOf, keeping the referencing site's extensions on top. */
  deref(s: Schema): Schema {
    const hit = this.derefCache.get(s);
    if (hit) return hit;
    let out = s;
    const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0]!.$ref : undefined);
    if (ref) {
      const target = this.resolver(ref);
      const base = target && target !== s ? this.deref(target) : {};
      out = { ...base };
      for (const k of EXTENSIONS) if (s[k] !== undefined) (out as Record<string, unknown>)[k] = s[k];
      if (isRawExtension(ref))
        out = { ...out, type: undefined, properties: undefined, 'x-kubernetes-map-type': 'atomic' };
    } else if (s.allOf && s.allOf.length > 0) {
      out = { ...s };
      for (const part of s.allOf) {
        const p = this.deref(part);
        out = { ...p, ...out, properties: { ...p.properties, ...out.properties } };
      }
      delete out.allOf;
    }
    this.derefCache.set(s, out);
    return out;
  }

  /** SMD atom for a node (kube-openapi schemaconv rules). */
  atom(t: TypeRef): Atom {
    if (!t) return DEDUCED;
    let a = this.atomCache.get(t);
    if (!a) this.atomCache.set(t, (a = this.classify(t)));
    return a;
  }

  private classify(t: Schema): Atom {
    const s = this.deref(t);
    const type = s.type ?? (s.properties || s.additionalProperties ? 'object' : s.items ? 'array' : undefined);
    if (s['x-kubernetes-int-or-string']) return { scalar: 'untyped' };
    switch (type) {
      case 'object':
        return { map: { atomic: s['x-kubernetes-map-type'] === 'atomic', schema: s } };
      case 'array':
        return { list: this.listInfo(s) };
      case 'integer':
      case 'number':
        return { scalar: 'numeric' };
      case 'boolean':
        return { scalar: 'boolean' };
      case 'string':
        return { scalar: !s.format || s.format === 'byte' ? 'string' : 'untyped' };
      default:
        // no type: any value; RawExtension-like objects are atomic
        if (s['x-kubernetes-map-type'] === 'atomic') return { scalar: 'untyped', map: { atomic: true, schema: s } };
        return DEDUCED;
    }
  }

  private listInfo(s: Schema): ListInfo {
    const item = s.items;
    const lt = s['x-kubernetes-list-type'];
    if (lt === 'atomic') return { atomic: true, keys: [], item };
    if (lt === 'set') return { atomic: false, keys: [], item };
    if (lt === 'map') return { atomic: false, keys: s['x-kubernetes-list-map-keys'] ?? [], item };
    const ps = s['x-kubernetes-patch-strategy'];
    if (ps === 'merge' || ps === 'merge,retainKeys') {
      const mk = s['x-kubernetes-patch-merge-key'];
      return { atomic: false, keys: mk ? [mk] : [], item };
    }
    return { atomic: true, keys: [], item };
  }

  /** Type of `key` inside a map node: declared property, element type, or UNDECLARED. */
  field(map: MapInfo, key: string): TypeRef | typeof UNDECLARED {
    const s = map.schema;
    if (!s) return undefined;
    const p = s.properties && Object.prototype.hasOwnProperty.call(s.properties, key) ? s.properties[key] : undefined;
    if (p) return p;
    const ap = s.additionalProperties;
    if (ap && typeof ap === 'object') return ap;
    if (ap === true || s['x-kubernetes-preserve-unknown-fields'] || !s.properties) return undefined;
    return UNDECLARED;
  }

  /** Whether `key` is a declared property (SMD FindField). */
  isStructField(map: MapInfo, key: string): boolean {
    const props = map.schema?.properties;
    return !!props && Object.prototype.hasOwnProperty.call(props, key);
  }

  /** Default of a list-map key field inside the item schema (e.g. protocol: TCP). */
  keyDefault(list: ListInfo, key: string): unknown {
    const a = this.atom(list.item);
    const p = a.map?.schema?.properties?.[key];
    return p ? (this.deref(p).default ?? p.default) : undefined;
  }

  /** Strategic-merge metadata of a field: strategies (comma separated) and merge key, read at the field site. */
  patchMeta(t: TypeRef): { strategies: string[]; mergeKey: string } {
    if (!t) return { strategies: [], mergeKey: '' };
    const s = this.deref(t);
    const ps = s['x-kubernetes-patch-strategy'];
    return { strategies: ps ? ps.split(',') : [], mergeKey: s['x-kubernetes-patch-merge-key'] ?? '' };
  }

  /** Child schema for strategic merge: declared property or additionalProperties; unknown => no schema. */
  smpField(t: TypeRef, key: string): TypeRef {
    if (!t) return undefined;
    const s = this.deref(t);
    const p = s.properties && Object.prototype.hasOwnProperty.call(s.properties, key) ? s.properties[key] : undefined;
    if (p) return p;
    return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  }

  /** Element schema for strategic merge: `items`, or the field itself when it is not declared an array. */
  smpItems(t: TypeRef): TypeRef {
    if (!t) return undefined;
    const s = this.deref(t);
    return s.items ?? (s.type === 'array' ? undefined : t);
  }
}

const DEDUCED: Atom = {
  map: { atomic: false, schema: undefined },
  list: { atomic: true, keys: [], item: undefined },
  scalar: 'untyped',
};

function isRawExtension(ref: string): boolean {
  return ref.endsWith('io.k8s.apimachinery.pkg.runtime.RawExtension');
}
