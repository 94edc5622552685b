// Reading a TokenRequest body (authentication.k8s.io/v1) with the strictness of kube's JSON decoder: spec
// members are not omitempty, so `null` is fine; a mistyped member is a 400 worded like Go's decoder error.
import { errors, type StatusError } from '../api/errors.js';
import { setKey } from '../api/ownkeys.js';
import { jsonKind } from '../gocompat/json-decode.js';

export interface BoundObjectRef {
  kind: string;
  apiVersion: string;
  name: string;
  uid: string;
}

export interface TokenRequestBody {
  /** Echoed metadata members, in ObjectMeta field order. */
  metadata: {
    name: string;
    generateName: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  audiences: string[] | null;
  expirationSeconds: number | null;
  boundObjectRef: BoundObjectRef | null;
}

function decodeError(v: unknown, struct: string, field: string, goType: string): StatusError {
  return errors.badRequest(
    `TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal ${jsonKind(v)} ` +
      `into Go struct field ${struct}.${field} of type ${goType}`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, struct: string, path: string, goType = 'string'): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw decodeError(v, struct, `${path}.${key}`, goType);
  return v;
}

function obj(v: unknown, struct: string, field: string, goType: string): Record<string, unknown> | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw decodeError(v, struct, field, goType);
  return v;
}

function stringMap(o: Record<string, unknown>, key: string): Record<string, string> | undefined {
  const m = obj(o[key], 'ObjectMeta', `metadata.${key}`, 'map[string]string');
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string' && v !== null) throw decodeError(v, 'ObjectMeta', `metadata.${key}`, 'string');
    setKey(out, k, v ?? '');
  }
  return out;
}

/** int64 decoding: an integral JSON number within range, else Go's "number <literal>" type error. */
function int64(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number') throw decodeError(v, 'TokenRequestSpec', 'spec.expirationSeconds', 'int64');
  if (!Number.isInteger(v) || Math.abs(v) > 2 ** 63)
    throw errors.badRequest(
      `TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal number ${v} ` +
        `into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64`,
    );
  return v;
}

export function decodeTokenRequest(body: unknown): TokenRequestBody {
  if (body === undefined || body === null) body = {};
  if (!isObject(body))
    throw errors.badRequest(
      `TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal ${jsonKind(body)} ` +
        `into Go value of type v1.TokenRequest`,
    );
  const meta = obj(body.metadata, 'TokenRequest', 'metadata', 'v1.ObjectMeta') ?? {};
  const spec = obj(body.spec, 'TokenRequest', 'spec', 'v1.TokenRequestSpec') ?? {};

  let audiences: string[] | null = null;
  const a = spec.audiences;
  if (a !== undefined && a !== null) {
    if (!Array.isArray(a)) throw decodeError(a, 'TokenRequestSpec', 'spec.audiences', '[]string');
    for (const e of a)
      if (typeof e !== 'string' && e !== null) throw decodeError(e, 'TokenRequestSpec', 'spec.audiences', 'string');
    audiences = a.map((e) => (e === null ? '' : (e as string)));
  }

  let boundObjectRef: BoundObjectRef | null = null;
  const r = obj(spec.boundObjectRef, 'TokenRequestSpec', 'spec.boundObjectRef', 'v1.BoundObjectReference');
  if (r) {
    const s = 'BoundObjectReference';
    const p = 'spec.boundObjectRef';
    boundObjectRef = {
      kind: str(r, 'kind', s, p),
      apiVersion: str(r, 'apiVersion', s, p),
      name: str(r, 'name', s, p),
      uid: str(r, 'uid', s, p, 'types.UID'),
    };
  }

  return {
    metadata: {
      name: str(meta, 'name', 'ObjectMeta', 'metadata'),
      generateName: str(meta, 'generateName', 'ObjectMeta', 'metadata'),
      namespace: str(meta, 'namespace', 'ObjectMeta', 'metadata'),
      uid: str(meta, 'uid', 'ObjectMeta', 'metadata', 'types.UID'),
      resourceVersion: str(meta, 'resourceVersion', 'ObjectMeta', 'metadata'),
      labels: stringMap(meta, 'labels'),
      annotations: stringMap(meta, 'annotations'),
    },
    audiences,
    expirationSeconds: int64(spec.expirationSeconds),
    boundObjectRef,
  };
}
