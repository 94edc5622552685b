// Service-account JWT claims: building them (bound §1.3, legacy §1.2) and reading verified payloads the way
// go-jose's case-sensitive JSON decoder does (its error texts included, for the rare mistyped claim).
import type { KObject } from '../api/types.js';
import { makeUsername } from './user.js';
import { jsonKind } from '../gocompat/json-decode.js';

export const legacyIssuer = 'kubernetes/serviceaccount';

/** Projected tokens asking for exactly this lifetime get the one-year extension (kubelet's 3607 s). */
export const warnOnlyBoundTokenExpirationSeconds = 60 * 60 + 7;
export const expirationExtensionSeconds = 24 * 365 * 60 * 60;

export const legacyClaimKeys = {
  namespace: 'kubernetes.io/serviceaccount/namespace',
  secretName: 'kubernetes.io/serviceaccount/secret.name',
  serviceAccountName: 'kubernetes.io/serviceaccount/service-account.name',
  serviceAccountUID: 'kubernetes.io/serviceaccount/service-account.uid',
} as const;

export interface Ref {
  name: string;
  uid: string;
}

/** jwt.Claims after decoding; NumericDates are whole seconds, absent ones undefined. */
export interface PublicClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti: string;
}

export interface BoundPrivateClaims {
  namespace: string;
  serviceaccount: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
  warnafter?: number;
}

export interface LegacyPrivateClaims {
  namespace: string;
  secretName: string;
  serviceAccountName: string;
  serviceAccountUID: string;
}

function refOf(o: KObject): { name: string | undefined; uid: string | undefined } {
  return { name: o.metadata.name || undefined, uid: o.metadata.uid || undefined };
}

export interface BoundClaimsInput {
  issuer: string;
  serviceAccount: KObject;
  pod?: KObject;
  secret?: KObject;
  /** The node a pod runs on (uid absent when the Node object is gone), or a Node-bound token's node. */
  node?: { name: string; uid?: string };
  audiences: readonly string[];
  /** Lifetime written into `exp` (already extended when warnAfterSeconds is set). */
  expirationSeconds: number;
  warnAfterSeconds?: number;
  /** Issue time, whole seconds. */
  now: number;
  jti: string;
}

/**
 * The bound-token payload. Members are omitted where Go's omitempty would (empty strings, absent refs); the
 * serializer sorts keys, so the order here does not matter.
 */
export function boundClaims(i: BoundClaimsInput): Record<string, unknown> {
  if (i.secret && (i.pod || i.node)) throw new Error('internal error, token can only be bound to one object type');
  const sa = i.serviceAccount.metadata;
  const k8s: Record<string, unknown> = {
    namespace: sa.namespace || undefined,
    serviceaccount: { name: sa.name || undefined, uid: sa.uid || undefined },
  };
  if (i.pod) k8s.pod = refOf(i.pod);
  if (i.secret) k8s.secret = refOf(i.secret);
  if (i.node) k8s.node = { name: i.node.name || undefined, uid: i.node.uid || undefined };
  if (i.warnAfterSeconds) k8s.warnafter = i.now + i.warnAfterSeconds;
  return {
    aud: i.audiences.length ? [...i.audiences] : undefined,
    exp: i.now + i.expirationSeconds,
    iat: i.now,
    iss: i.issuer,
    jti: i.jti || undefined,
    'kubernetes.io': k8s,
    nbf: i.now,
    sub: makeUsername(sa.namespace ?? '', sa.name ?? ''),
  };
}

/** The six claims of a legacy Secret-based token (no aud, no times, no jti). */
export function legacyClaims(serviceAccount: KObject, secret: KObject): Record<string, unknown> {
  const sa = serviceAccount.metadata;
  return {
    iss: legacyIssuer,
    [legacyClaimKeys.namespace]: sa.namespace ?? '',
    [legacyClaimKeys.secretName]: secret.metadata.name ?? '',
    [legacyClaimKeys.serviceAccountName]: sa.name ?? '',
    [legacyClaimKeys.serviceAccountUID]: sa.uid ?? '',
    sub: makeUsername(sa.namespace ?? '', sa.name ?? ''),
  };
}

// ---- decoding verified payloads -------------------------------------------------------------------------

const errNumericDate = 'square/go-jose/jwt: expected number value to unmarshal NumericDate';
const errAudience = 'square/go-jose/jwt: expected string or array value to unmarshal to Audience';

/** Go decoding: a type mismatch is remembered and decoding goes on; an Unmarshaler error stops it. */
class Decoder {
  typeError?: string;
  str(v: unknown): string {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    this.typeError ??= `json: cannot unmarshal ${jsonKind(v)} into Go value of type string`;
    return '';
  }
  obj(v: unknown, goType: string): Record<string, unknown> | undefined {
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    this.typeError ??= `json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goType}`;
    return undefined;
  }
  ref(v: unknown): Ref | undefined {
    const o = this.obj(v, 'serviceaccount.ref');
    return o && { name: this.str(o.name), uid: this.str(o.uid) };
  }
}

class Abort {
  constructor(readonly message: string) {}
}

function numericDate(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'number') throw new Abort(errNumericDate);
  return Math.trunc(v);
}

function audience(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) throw new Abort(errAudience);
  return v as string[];
}

function run<T>(f: (d: Decoder) => T): T | { error: string } {
  const d = new Decoder();
  try {
    const out = f(d);
    return d.typeError ? { error: d.typeError } : out;
  } catch (e) {
    if (e instanceof Abort) return { error: e.message };
    throw e;
  }
}

export function decodePublicClaims(p: Record<string, unknown>): PublicClaims | { error: string } {
  return run((d) => {
    const out: PublicClaims = { iss: '', sub: '', aud: [], jti: '' };
    // Document order, so the first failing member is the one Go would report.
    for (const k of Object.keys(p)) {
      const v = p[k];
      if (k === 'iss') out.iss = d.str(v);
      else if (k === 'sub') out.sub = d.str(v);
      else if (k === 'jti') out.jti = d.str(v);
      else if (k === 'aud') out.aud = audience(v);
      else if (k === 'exp') out.exp = numericDate(v);
      else if (k === 'nbf') out.nbf = numericDate(v);
      else if (k === 'iat') out.iat = numericDate(v);
    }
    return out;
  });
}

export function decodeBoundPrivateClaims(p: Record<string, unknown>): BoundPrivateClaims | { error: string } {
  return run((d) => {
    const out: BoundPrivateClaims = { namespace: '', serviceaccount: { name: '', uid: '' } };
    const k8s = d.obj(p['kubernetes.io'], 'serviceaccount.kubernetes');
    if (!k8s) return out;
    for (const k of Object.keys(k8s)) {
      const v = k8s[k];
      if (k === 'namespace') out.namespace = d.str(v);
      else if (k === 'serviceaccount') out.serviceaccount = d.ref(v) ?? { name: '', uid: '' };
      else if (k === 'pod') out.pod = d.ref(v);
      else if (k === 'secret') out.secret = d.ref(v);
      else if (k === 'node') out.node = d.ref(v);
      else if (k === 'warnafter') out.warnafter = numericDate(v);
    }
    return out;
  });
}

export function decodeLegacyPrivateClaims(p: Record<string, unknown>): LegacyPrivateClaims | { error: string } {
  return run((d) => ({
    namespace: d.str(p[legacyClaimKeys.namespace]),
    secretName: d.str(p[legacyClaimKeys.secretName]),
    serviceAccountName: d.str(p[legacyClaimKeys.serviceAccountName]),
    serviceAccountUID: d.str(p[legacyClaimKeys.serviceAccountUID]),
  }));
}
