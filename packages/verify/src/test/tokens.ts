/**
 * Test-only token minting: RSA/EC signing keys with kube-apiserver's key IDs and bound ServiceAccount tokens
 * shaped like kube-apiserver's (signed with jose).
 *
 * @module
 */
import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export interface SigningKey {
  readonly alg: 'RS256' | 'ES256' | 'ES384';
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK as kube-apiserver serves it (`use`, `kty`, `kid`, `alg`, ...). */
  readonly jwk: Record<string, unknown>;
}

/** kube-apiserver's kid: base64url(SHA-256(PKIX DER of the public key)). */
export function kubeKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}

export function makeSigningKey(alg: SigningKey['alg'] = 'RS256'): SigningKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' });
  const kid = kubeKeyId(publicKey);
  const jwk = { use: 'sig', kid, alg, ...publicKey.export({ format: 'jwk' }) };
  return { alg, kid, privateKey, publicKey, jwk };
}

export interface TokenSpec {
  readonly issuer?: string;
  readonly audiences?: readonly string[];
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly pod?: { name: string; uid: string };
  readonly node?: { name: string; uid?: string };
  readonly secret?: { name: string; uid: string };
  /** Seconds since the epoch. Default: now. */
  readonly iat?: number;
  /** Lifetime in seconds. Default 3600. */
  readonly ttl?: number;
  readonly nbf?: number;
  readonly warnafter?: number;
  readonly jti?: string | null;
  /** Override the header kid (or remove it with null). */
  readonly kid?: string | null;
  /** Replace the whole payload. */
  readonly payload?: Record<string, unknown>;
}

export const TEST_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** Signs a bound ServiceAccount token like kube-apiserver's TokenRequest. */
export async function mintToken(key: SigningKey, spec: TokenSpec = {}): Promise<string> {
  const iat = spec.iat ?? Math.floor(Date.now() / 1000);
  const namespace = spec.namespace ?? 'default';
  const name = spec.name ?? 'default';
  const k8s: Record<string, unknown> = { namespace, serviceaccount: { name, uid: spec.uid ?? 'sa-uid-1' } };
  if (spec.pod) k8s.pod = spec.pod;
  if (spec.node) k8s.node = spec.node;
  if (spec.secret) k8s.secret = spec.secret;
  if (spec.warnafter !== undefined) k8s.warnafter = spec.warnafter;
  const payload = spec.payload ?? {
    aud: spec.audiences ?? ['my-audience'],
    exp: iat + (spec.ttl ?? 3600),
    iat,
    iss: spec.issuer ?? TEST_ISSUER,
    ...(spec.jti === null ? {} : { jti: spec.jti ?? randomUUID() }),
    'kubernetes.io': k8s,
    nbf: spec.nbf ?? iat,
    sub: `system:serviceaccount:${namespace}:${name}`,
  };
  const header: { alg: string; kid?: string } = { alg: key.alg };
  if (spec.kid !== null) header.kid = spec.kid ?? key.kid;
  return new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
}
