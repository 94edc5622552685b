/**
 * JWS signature verification with node:crypto and pre-imported KeyObjects (no per-call key parsing), for the
 * asymmetric algorithms Kubernetes and OIDC issuers use. Each key is only ever used with algorithms of its own type
 * and curve, so algorithm-confusion tricks (`none`, HS256 with a public key) have nothing to work with.
 *
 * @module
 */
import { constants, createPublicKey, verify, type KeyObject, type webcrypto } from 'node:crypto';

type JsonWebKey = webcrypto.JsonWebKey;

/** Signature algorithms this package verifies. */
export type JwsAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

interface AlgSpec {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly hash: string | null;
  readonly crv?: string;
  readonly pss?: boolean;
}

const ALGS: Readonly<Record<JwsAlgorithm, AlgSpec>> = {
  RS256: { kty: 'RSA', hash: 'sha256' },
  RS384: { kty: 'RSA', hash: 'sha384' },
  RS512: { kty: 'RSA', hash: 'sha512' },
  PS256: { kty: 'RSA', hash: 'sha256', pss: true },
  PS384: { kty: 'RSA', hash: 'sha384', pss: true },
  PS512: { kty: 'RSA', hash: 'sha512', pss: true },
  ES256: { kty: 'EC', hash: 'sha256', crv: 'P-256' },
  ES384: { kty: 'EC', hash: 'sha384', crv: 'P-384' },
  ES512: { kty: 'EC', hash: 'sha512', crv: 'P-521' },
  EdDSA: { kty: 'OKP', hash: null },
};

/** Every algorithm this package can verify. */
export const SUPPORTED_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(Object.keys(ALGS) as JwsAlgorithm[]);

/** Whether `alg` is one of {@link SUPPORTED_ALGORITHMS}. */
export function isSupportedAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && Object.prototype.hasOwnProperty.call(ALGS, alg);
}

type VerifyKey =
  KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } | { key: KeyObject; padding: number; saltLength: number };

/** A public key from a JWKS, ready to verify. */
export class VerificationKey {
  /** `kid`, or `undefined` when the JWK has none. */
  readonly kid: string | undefined;
  /** The JWK's `alg`, when it pins one. */
  readonly alg: JwsAlgorithm | undefined;
  private readonly kty: string;
  private readonly crv: string | undefined;
  private readonly verifiers = new Map<JwsAlgorithm, VerifyKey>();

  private constructor(
    private readonly key: KeyObject,
    jwk: JsonWebKey & { kid?: unknown; alg?: unknown },
  ) {
    this.kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    this.alg = isSupportedAlgorithm(jwk.alg) ? jwk.alg : undefined;
    this.kty = String(jwk.kty);
    this.crv = typeof jwk.crv === 'string' ? jwk.crv : undefined;
  }

  /**
   * Imports a JWK; `undefined` for keys that cannot be used to verify signatures here (private parts ignored,
   * `use` other than `sig`, symmetric keys, unknown key types or curves, RSA below 2048 bits, unknown `alg`).
   */
  static fromJwk(jwk: unknown): VerificationKey | undefined {
    if (!jwk || typeof jwk !== 'object') return undefined;
    const j = jwk as JsonWebKey & { kid?: unknown; alg?: unknown; use?: unknown };
    if (j.use !== undefined && j.use !== 'sig') return undefined;
    if (j.alg !== undefined && !isSupportedAlgorithm(j.alg)) return undefined;
    if (j.kty !== 'RSA' && j.kty !== 'EC' && j.kty !== 'OKP') return undefined;
    if (j.kty === 'OKP' && j.crv !== 'Ed25519' && j.crv !== 'Ed448') return undefined;
    let key: KeyObject;
    try {
      // Only public members, so a JWKS that leaks private parts still yields a public key.
      const pub: JsonWebKey =
        j.kty === 'RSA'
          ? { kty: 'RSA', n: j.n, e: j.e }
          : { kty: j.kty, crv: j.crv, x: j.x, ...(j.y ? { y: j.y } : {}) };
      key = createPublicKey({ key: pub, format: 'jwk' });
    } catch {
      return undefined;
    }
    if (j.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
    return new VerificationKey(key, j);
  }

  /** Whether this key may verify `alg` (type, curve and the JWK's own `alg` all agree). */
  supports(alg: JwsAlgorithm): boolean {
    if (this.alg !== undefined && this.alg !== alg) return false;
    const spec = ALGS[alg];
    if (spec.kty !== this.kty) return false;
    if (spec.crv !== undefined && spec.crv !== this.crv) return false;
    return true;
  }

  /** Verifies `signature` over `data` with `alg`; the caller checked {@link VerificationKey.supports}. */
  verify(alg: JwsAlgorithm, data: Buffer, signature: Buffer): boolean {
    let vk = this.verifiers.get(alg);
    if (vk === undefined) {
      const spec = ALGS[alg];
      vk =
        spec.kty === 'EC'
          ? { key: this.key, dsaEncoding: 'ieee-p1363' }
          : spec.pss
            ? { key: this.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
            : this.key;
      this.verifiers.set(alg, vk);
    }
    try {
      return verify(ALGS[alg].hash, data, vk, signature);
    } catch {
      return false; // e.g. an ECDSA signature of the wrong length
    }
  }
}
