// Compact JWS as kube-apiserver writes and reads it (go-jose v2). Signing: header `{"alg":…,"kid":…}` (no
// typ), payload keys sorted at every level, ES* signatures as raw r||s. Parsing never throws and does linear
// work at most; like go-jose's ParseSigned it does not filter algorithms — verifyJws does, so `none`, HS*
// or an algorithm that does not fit the key fail with go-jose's `error in cryptographic primitive`.
import { X509Certificate, constants, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { b64urlDecode, b64urlEncode, isCanonical } from './base64url.js';
import type { PublicKeyEntry, SigningKey } from './keys.js';
import { goJoseJson, goQuoteJson } from '../gocompat/json-encode.js';
import { jsonKind } from '../gocompat/json-decode.js';

export const cryptoFailure = 'square/go-jose: error in cryptographic primitive';

export interface ParsedJws {
  /** `alg` header ('' when absent). Not yet checked against anything. */
  alg: string;
  /** `kid` header ('' when absent or null). */
  kid: string;
  header: Record<string, unknown>;
  /** The (unverified) claims object. */
  payload: Record<string, unknown>;
  /** What the signature covers: the canonical base64url of header and payload. */
  signingInput: string;
  signature: Buffer;
  /** go-jose refuses any `crit` header; a malformed one is a JSON error instead. */
  crit?: { error?: string };
}

/** JWS algorithm → node:crypto digest. */
export const hashOf: Record<string, string> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};

const headerCache = new WeakMap<SigningKey, string>();

function signingInput(key: SigningKey, payload: object): string {
  let header = headerCache.get(key);
  if (!header) {
    header = b64urlEncode(`{"alg":${goQuoteJson(key.alg)},"kid":${goQuoteJson(key.kid)}}`);
    headerCache.set(key, header);
  }
  return `${header}.${b64urlEncode(goJoseJson(payload))}`;
}

const signArgs = (key: SigningKey) =>
  key.alg === 'RS256'
    ? ([hashOf.RS256!, key.privateKey] as const)
    : ([hashOf[key.alg]!, { key: key.privateKey, dsaEncoding: 'ieee-p1363' as const }] as const);

/** Signs `payload` (any JSON value tree; serialized Go-style with sorted keys). */
export function signJwt(key: SigningKey, payload: object): string {
  const input = signingInput(key, payload);
  const [hash, k] = signArgs(key);
  return `${input}.${sign(hash, Buffer.from(input, 'latin1'), k).toString('base64url')}`;
}

/**
 * signJwt on libuv's thread pool: the event loop keeps serving requests while RSA signs (~1 ms each), and
 * concurrent TokenRequests sign on every core. Same bytes as signJwt.
 */
export function signJwtAsync(key: SigningKey, payload: object): Promise<string> {
  const input = signingInput(key, payload);
  const [hash, k] = signArgs(key);
  return new Promise((resolve, reject) =>
    sign(hash, Buffer.from(input, 'latin1'), k, (err, sig) =>
      err ? reject(err) : resolve(`${input}.${sig.toString('base64url')}`),
    ),
  );
}

function parseJsonObject(bytes: Buffer): Record<string, unknown> | null | undefined {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (v === null) return null;
  return typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Go's unicode.IsSpace: ASCII whitespace, NEL, NBSP and the Unicode space separators. */
function isGoSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's strings.TrimSpace (unlike String.prototype.trim it keeps U+FEFF and strips U+0085). A loop, not a
 * regex: `\s+$` backtracks quadratically on long runs of inner whitespace. */
function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function isPublicJwk(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const jwk = v as Record<string, unknown>;
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') return false;
  if ('d' in jwk || 'p' in jwk || 'q' in jwk) return false;
  try {
    createPublicKey({ key: jwk as never, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

function isCertChain(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const c of v) {
    if (typeof c !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(c)) return false;
    try {
      new X509Certificate(Buffer.from(c, 'base64'));
    } catch {
      return false;
    }
  }
  return true;
}

/** Header members go-jose types strictly; a mismatch makes ParseSigned fail (token "not mine"). */
function headerOk(h: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(h)) {
    if (v === null) continue;
    if ((k === 'kid' || k === 'alg' || k === 'nonce') && typeof v !== 'string') return false;
    if (k === 'jwk' && !isPublicJwk(v)) return false;
    if (k === 'x5c' && !isCertChain(v)) return false;
    // Everything else (x5t, x5u, crit, …) is kept as an arbitrary JSON extra header.
  }
  return true;
}

function critOf(v: unknown): ParsedJws['crit'] {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return { error: `json: cannot unmarshal ${jsonKind(v)} into Go value of type []string` };
  const bad = v.find((e) => typeof e !== 'string' && e !== null);
  if (bad !== undefined) return { error: `json: cannot unmarshal ${jsonKind(bad)} into Go value of type string` };
  return v.length ? {} : undefined;
}

/**
 * Parses a compact JWS without verifying it. Returns undefined for anything go-jose (or kube's issuer
 * pre-check) would not parse: JSON serialization, not three segments, bad base64url, non-object JSON,
 * mistyped header members. Never throws.
 */
export function parseCompact(token: string): ParsedJws | undefined {
  if (typeof token !== 'string') return undefined;
  const t = trimSpace(token);
  if (t.startsWith('{')) return undefined;
  const d1 = t.indexOf('.');
  const d2 = d1 < 0 ? -1 : t.indexOf('.', d1 + 1);
  if (d2 < 0 || t.indexOf('.', d2 + 1) >= 0) return undefined;
  const hSeg = t.slice(0, d1);
  const pSeg = t.slice(d1 + 1, d2);
  const sSeg = t.slice(d2 + 1);
  const pBytes = b64urlDecode(pSeg);
  const hBytes = pBytes && b64urlDecode(hSeg);
  const signature = hBytes && b64urlDecode(sSeg);
  if (!pBytes || !hBytes || !signature) return undefined;
  const payload = parseJsonObject(pBytes);
  if (!payload) return undefined;
  const header = hBytes.length === 0 ? {} : parseJsonObject(hBytes);
  if (header === undefined) return undefined;
  const h = header ?? {};
  if (!headerOk(h)) return undefined;
  const canonical = isCanonical(hSeg) && isCanonical(pSeg);
  return {
    alg: typeof h.alg === 'string' ? h.alg : '',
    kid: typeof h.kid === 'string' ? h.kid : '',
    header: h,
    payload,
    signingInput: canonical ? t.slice(0, d2) : `${b64urlEncode(hBytes)}.${b64urlEncode(pBytes)}`,
    signature,
    crit: critOf(h.crit),
  };
}

const ecSize: Record<string, [alg: string, bytes: number]> = {
  prime256v1: ['ES256', 32],
  secp384r1: ['ES384', 48],
  secp521r1: ['ES512', 66],
};

function verifyWith(alg: string, key: KeyObject, data: Buffer, sig: Buffer): boolean {
  const hash = hashOf[alg];
  if (!hash) return false;
  if (key.asymmetricKeyType === 'rsa') {
    const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    if (sig.length !== k) return false;
    if (alg.startsWith('RS')) return verify(hash, data, key, sig);
    if (alg.startsWith('PS'))
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: -2 }, sig);
    return false;
  }
  if (key.asymmetricKeyType === 'ec') {
    const fit = ecSize[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!fit || fit[0] !== alg || sig.length !== 2 * fit[1]) return false;
    return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  }
  return false;
}

/**
 * Verifies a parsed token against one key. Returns undefined on success, else go-jose's error text: every
 * failure (wrong key, algorithm not fitting the key type, `none`, HS*, bad length) is a crypto failure.
 */
export function verifyJws(jws: ParsedJws, entry: PublicKeyEntry): string | undefined {
  if (jws.crit) return jws.crit.error ?? cryptoFailure;
  try {
    return verifyWith(jws.alg, entry.key, Buffer.from(jws.signingInput, 'latin1'), jws.signature)
      ? undefined
      : cryptoFailure;
  } catch {
    return cryptoFailure;
  }
}
