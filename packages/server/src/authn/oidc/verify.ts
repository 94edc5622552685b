// go-oidc v2's IDTokenVerifier.Verify (as vendored by kube-apiserver 1.30–1.34), synchronous and on
// in-memory keys: the cheap claim checks come first (issuer, single audience, expiry, nbf, algorithm), the
// signature last, so an expired token reports expiry whatever its signature. Error texts are go-oidc's;
// kube-apiserver prefixes them with `oidc: verify token: `.
import { hashOf } from '../../serviceaccount/jwt.js';
import { constants, verify, type KeyObject } from 'node:crypto';
import { parseCompact } from '../../serviceaccount/jwt.js';
import { goQuote, goQuoteList } from '../../gocompat/quote.js';
import { jsonKind } from '../../gocompat/json-decode.js';
import { goTimeString, goZeroTime } from '../../gocompat/time.js';

export interface KeyLookup {
  /** Keys to try for a `kid` ('' = every key), in JWKS order. */
  candidates(kid: string): readonly KeyObject[];
  /** Whether some key carries this kid. */
  hasKid(kid: string): boolean;
}

export interface VerifierConfig {
  issuer: string;
  /** Audiences; with one, go-oidc checks it (ClientID), with several kube checks them after the signature. */
  audiences: readonly string[];
  signingAlgs: readonly string[];
  /** Milliseconds since the epoch. */
  now(): number;
  /** Whether now() is the real clock (Go then prints time.Now's monotonic reading in the nbf error). */
  realClock: boolean;
}

export type Verified = { claims: Record<string, unknown>; expiryMs: number };
export type VerifyFailure = { error: string; unknownKey?: boolean };

const googleIssuer = 'https://accounts.google.com';

const ecCurves: Record<string, [alg: string, bytes: number]> = {
  prime256v1: ['ES256', 32],
  secp384r1: ['ES384', 48],
  secp521r1: ['ES512', 66],
};

/** jws.Verify(key): the algorithm must fit the key (an RS256 header never verifies with an EC key, etc.). */
export function verifySignature(alg: string, key: KeyObject, data: Buffer, sig: Buffer): boolean {
  const hash = hashOf[alg];
  if (!hash) return false;
  try {
    if (key.asymmetricKeyType === 'rsa') {
      if (sig.length !== Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)) return false;
      if (alg.startsWith('RS')) return verify(hash, data, key, sig);
      if (alg.startsWith('PS'))
        return verify(
          hash,
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          sig,
        );
      return false;
    }
    if (key.asymmetricKeyType === 'ec') {
      const fit = ecCurves[key.asymmetricKeyDetails?.namedCurve ?? ''];
      if (!fit || fit[0] !== alg || sig.length !== 2 * fit[1]) return false;
      return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    }
  } catch {
    return false;
  }
  return false;
}

/** jsonTime: a JSON number (or numeric string), truncated to whole seconds. */
function jsonTime(field: string, v: unknown): { ms: number } | { error: string } {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(v))
      return { error: `json: invalid number literal, trying to unmarshal ${goQuote(JSON.stringify(v))} into Number` };
    n = Number(v);
  } else
    return {
      error: `json: cannot unmarshal ${jsonKind(v)} into Go struct field idToken.${field} of type json.Number`,
    };
  return { ms: Math.trunc(n) * 1000 };
}

const fieldError = (field: string, v: unknown, goType: string) =>
  `json: cannot unmarshal ${jsonKind(v)} into Go struct field idToken.${field} of type ${goType}`;

interface IdToken {
  iss: string;
  aud: string[];
  expMs?: number;
  nbfMs?: number;
  claimNames: Map<string, string>;
  claimSources: Set<string>;
}

/** json.Unmarshal(payload, &idToken): the typed members; the first mismatch in document order wins. */
function typedClaims(p: Record<string, unknown>): IdToken | { error: string } {
  const t: IdToken = { iss: '', aud: [], claimNames: new Map(), claimSources: new Set() };
  for (const [k, v] of Object.entries(p)) {
    if (v === null) continue;
    switch (k) {
      case 'iss':
      case 'sub':
      case 'nonce':
      case 'at_hash':
        if (typeof v !== 'string') return { error: fieldError(k, v, 'string') };
        if (k === 'iss') t.iss = v;
        break;
      case 'aud':
        if (typeof v === 'string') t.aud = [v];
        else if (!Array.isArray(v)) return { error: fieldError(k, v, '[]string') };
        else {
          const bad = v.find((x) => typeof x !== 'string' && x !== null);
          if (bad !== undefined) return { error: fieldError(k, bad, 'string') };
          t.aud = v.map((x) => (x === null ? '' : (x as string)));
        }
        break;
      case 'exp':
      case 'nbf': {
        const r = jsonTime(k, v);
        if ('error' in r) return r;
        if (k === 'exp') t.expMs = r.ms;
        else t.nbfMs = r.ms;
        break;
      }
      case 'iat': {
        const r = jsonTime(k, v);
        if ('error' in r) return r;
        break;
      }
      case '_claim_names':
        if (typeof v !== 'object' || Array.isArray(v)) return { error: fieldError(k, v, 'map[string]string') };
        for (const [name, src] of Object.entries(v as Record<string, unknown>)) {
          if (src !== null && typeof src !== 'string') return { error: fieldError(k, src, 'string') };
          t.claimNames.set(name, (src as string | null) ?? '');
        }
        break;
      case '_claim_sources':
        if (typeof v !== 'object' || Array.isArray(v))
          return { error: fieldError(k, v, 'map[string]oidc.claimSource') };
        for (const name of Object.keys(v as object)) t.claimSources.add(name);
        break;
    }
  }
  return t;
}

/**
 * Verifies `token` against `keys`. On failure returns go-oidc's error (without kube's `oidc: verify token: `
 * prefix); `unknownKey` says the kid is not in the key set, so a JWKS refresh may help.
 */
export function verifyIdToken(token: string, keys: KeyLookup, c: VerifierConfig): Verified | VerifyFailure {
  const jws = parseCompact(token);
  if (!jws) return { error: 'oidc: malformed jwt: square/go-jose: compact JWS format must have three parts' };
  const t = typedClaims(jws.payload);
  if ('error' in t) return { error: `oidc: failed to unmarshal claims: ${t.error}` };
  for (const src of t.claimNames.values()) {
    if (src === '') return { error: 'oidc: failed to obtain source from claim name' };
    if (!t.claimSources.has(src)) return { error: 'oidc: source does not exist' };
  }
  if (t.iss !== c.issuer && !(c.issuer === googleIssuer && t.iss === 'accounts.google.com'))
    return {
      error: `oidc: id token issued by a different provider, expected ${goQuote(c.issuer)} got ${goQuote(t.iss)}`,
    };
  if (c.audiences.length === 1 && !t.aud.includes(c.audiences[0]!))
    return { error: `oidc: expected audience ${goQuote(c.audiences[0]!)} got ${goQuoteList(t.aud)}` };
  const now = c.now();
  if (t.expMs === undefined || t.expMs < now)
    return {
      error: `oidc: token is expired (Token Expiry: ${t.expMs === undefined ? goZeroTime : goTimeString(t.expMs)})`,
    };
  if (t.nbfMs !== undefined && now + 60_000 < t.nbfMs)
    return {
      error: `oidc: current time ${goTimeString(now, c.realClock)} before the nbf (not before) time: ${goTimeString(t.nbfMs)}`,
    };
  const algs = c.signingAlgs.length ? c.signingAlgs : ['RS256'];
  if (!algs.includes(jws.alg))
    return {
      error: `oidc: id token signed with unsupported algorithm, expected ${goQuoteList(algs)} got ${goQuote(jws.alg)}`,
    };
  const data = Buffer.from(jws.signingInput, 'latin1');
  const ok = !jws.crit && keys.candidates(jws.kid).some((k) => verifySignature(jws.alg, k, data, jws.signature));
  if (!ok)
    return {
      error: 'failed to verify signature: failed to verify id token signature',
      unknownKey: jws.kid === '' || !keys.hasKid(jws.kid),
    };
  if (c.audiences.length > 1 && !t.aud.some((a) => c.audiences.includes(a)))
    return {
      error: `oidc: expected audience in ${goQuoteList([...c.audiences].sort())} got ${goQuoteList(t.aud)}`,
    };
  return { claims: jws.payload, expiryMs: t.expMs };
}
