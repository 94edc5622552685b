// Service-account issuer discovery (spec §7): /.well-known/openid-configuration and /openid/v1/jwks, as
// the exact compact JSON kube-apiserver pre-renders (Go struct field order; go-jose JWK field order).
import type { KeyObject } from 'node:crypto';
import type { KeySet, PublicKeyEntry } from './keys.js';
import { goJson, goJsonOrdered } from '../gocompat/json-encode.js';

export const discoveryPath = '/.well-known/openid-configuration';
export const jwksPath = '/openid/v1/jwks';
export const discoveryContentType = 'application/json';
export const jwksContentType = 'application/jwk-set+json';
/** max-age matches the static key getter's cache age. */
export const openidCacheControl = 'public, max-age=3600';

type Keys = KeySet | readonly PublicKeyEntry[];

function entriesOf(keys: Keys): readonly PublicKeyEntry[] {
  return Array.isArray(keys) ? (keys as readonly PublicKeyEntry[]) : (keys as KeySet).all();
}

/**
 * Why discovery cannot be served for this issuer (kube logs it and leaves the endpoints out), or undefined
 * when it can: the issuer must be an https URL without query or fragment.
 */
export function discoveryProblem(issuer: string): string | undefined {
  if (!issuer) return 'empty issuer URL';
  let u: URL;
  try {
    u = new URL(issuer);
  } catch {
    return `issuer URL must use https scheme, got: ${issuer}`;
  }
  if (u.protocol !== 'https:') return `issuer URL must use https scheme, got: ${issuer}`;
  if (u.search) return `issuer URL may not include a query, got: ${issuer}`;
  if (u.hash) return `issuer URL may not include a fragment, got: ${issuer}`;
  return undefined;
}

export function isDiscoveryEnabled(issuer: string): boolean {
  return discoveryProblem(issuer) === undefined;
}

export function discoveryDocument(issuer: string, jwksUri: string, keys: Keys): string {
  const algs = [...new Set(entriesOf(keys).map((k) => k.alg))].sort();
  return goJsonOrdered([
    ['issuer', issuer],
    ['jwks_uri', jwksUri],
    ['response_types_supported', ['id_token']],
    ['subject_types_supported', ['public']],
    ['id_token_signing_alg_values_supported', algs],
  ]);
}

const jwkCache = new WeakMap<KeyObject, string>();

/** One JWK, fields in go-jose's order: use,kty,kid,alg,n,e (RSA) / use,kty,kid,crv,alg,x,y (EC). */
export function jwkJson(entry: PublicKeyEntry): string {
  const cached = jwkCache.get(entry.key);
  if (cached && cached.includes(`"kid":${goJson(entry.kid)}`)) return cached;
  const jwk = entry.key.export({ format: 'jwk' }) as Record<string, string>;
  const out =
    jwk.kty === 'RSA'
      ? goJsonOrdered([
          ['use', 'sig'],
          ['kty', 'RSA'],
          ['kid', entry.kid],
          ['alg', entry.alg],
          ['n', jwk.n],
          ['e', jwk.e],
        ])
      : goJsonOrdered([
          ['use', 'sig'],
          ['kty', 'EC'],
          ['kid', entry.kid],
          ['crv', jwk.crv],
          ['alg', entry.alg],
          ['x', jwk.x],
          ['y', jwk.y],
        ]);
  jwkCache.set(entry.key, out);
  return out;
}

/** `{"keys":[…]}`, one JWK per verification key in load order (duplicates kept, as kube does). */
export function jwksDocument(keys: Keys): string {
  const list = entriesOf(keys);
  // A nil Go slice marshals as null (kube never starts without keys, but say it the same way).
  return list.length ? `{"keys":[${list.map(jwkJson).join(',')}]}` : '{"keys":null}';
}
