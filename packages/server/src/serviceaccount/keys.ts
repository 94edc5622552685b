// Service-account keys: the verification set (--service-account-key-file: public keys, certificates or
// private keys, several per file) and the signing key (--service-account-signing-key-file). The kid is
// kube-apiserver's: base64url(SHA-256(PKIX DER of the public key)), always 43 characters.
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export type SigningAlg = 'RS256' | 'ES256' | 'ES384' | 'ES512';

export interface PublicKeyEntry {
  kid: string;
  alg: SigningAlg;
  key: KeyObject;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

// OpenSSL curve names → JOSE algorithm; Go's x509 only parses these (plus P-224, which no JOSE alg fits).
const ecAlgs: Record<string, SigningAlg> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** The JOSE algorithm kube-apiserver picks for a key, or undefined for a key it cannot use. */
export function algorithmFor(key: KeyObject): SigningAlg | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') return ecAlgs[key.asymmetricKeyDetails?.namedCurve ?? ''];
  return undefined;
}

/** DER SubjectPublicKeyInfo as Go's x509.MarshalPKIXPublicKey writes it (EC points uncompressed). */
function pkixDer(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType === 'ec') {
    // Round-trip through JWK so a key read in compressed form still hashes like Go's uncompressed one.
    const jwk = publicKey.export({ format: 'jwk' });
    return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
  }
  return publicKey.export({ type: 'spki', format: 'der' });
}

export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(pkixDer(publicKey)).digest('base64url');
}

interface PemBlock {
  type: string;
  der: Buffer;
}

/** PEM blocks in order; blocks with headers (encrypted keys) are skipped, as Go fails to parse them. */
export function pemBlocks(pem: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([^\r\n-]+(?:-[^\r\n-]+)*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) {
    const body = m[2]!;
    if (body.includes(':')) continue;
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) continue;
    out.push({ type: m[1]!, der: Buffer.from(b64, 'base64') });
  }
  return out;
}

function tryKey(f: () => KeyObject): KeyObject | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** The public key a block carries, trying the encodings regardless of the label (as Go's keyutil does). */
function publicKeyOfBlock(der: Buffer): KeyObject | undefined {
  const priv =
    tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' })) ??
    tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ??
    tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'sec1' }));
  if (priv) return createPublicKey(priv);
  return (
    tryKey(() => createPublicKey({ key: der, format: 'der', type: 'spki' })) ??
    tryKey(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' })) ??
    tryKey(() => new X509Certificate(der).publicKey)
  );
}

/**
 * All RSA/ECDSA public keys in a PEM file. Non-key blocks are tolerated; a file without any usable key is
 * an error (kube-apiserver's startup message).
 */
export function loadKeysFromPem(pem: string, source: string): PublicKeyEntry[] {
  const out: PublicKeyEntry[] = [];
  for (const block of pemBlocks(pem)) {
    const key = publicKeyOfBlock(block.der);
    const alg = key && algorithmFor(key);
    if (key && alg) out.push({ kid: keyId(key), alg, key });
  }
  if (out.length === 0)
    throw new Error(
      `error reading public key file ${source}: data does not contain any valid RSA or ECDSA public keys`,
    );
  return out;
}

const privateBlockTypes: Record<string, 'pkcs1' | 'pkcs8' | 'sec1'> = {
  'RSA PRIVATE KEY': 'pkcs1',
  'PRIVATE KEY': 'pkcs8',
  'EC PRIVATE KEY': 'sec1',
};

/** The first private key in the PEM (other blocks such as "EC PARAMETERS" are skipped), as a signer. */
export function loadSigningKey(pem: string): SigningKey {
  let privateKey: KeyObject | undefined;
  for (const block of pemBlocks(pem)) {
    const type = privateBlockTypes[block.type];
    if (!type) continue;
    privateKey = tryKey(() => createPrivateKey({ key: block.der, format: 'der', type }));
    if (privateKey) break;
  }
  if (!privateKey) throw new Error('data does not contain a valid RSA or ECDSA private key');
  const kind = privateKey.asymmetricKeyType;
  if (kind !== 'rsa' && kind !== 'ec')
    throw new Error(
      `unknown private key type ${goKeyType(kind)}, must be *rsa.PrivateKey, *ecdsa.PrivateKey, or jose.OpaqueSigner`,
    );
  const alg = algorithmFor(privateKey);
  if (!alg)
    throw new Error('could not generate signer for ECDSA keypair: unknown private key curve, must be 256, 384, or 521');
  const publicKey = createPublicKey(privateKey);
  return { kid: keyId(publicKey), alg, privateKey, publicKey };
}

function goKeyType(kind: string | undefined): string {
  if (kind === 'ed25519') return 'ed25519.PrivateKey';
  if (kind === 'rsa-pss') return '*rsa.PrivateKey';
  return kind ?? 'unknown';
}

/** The verification entry of a signing key (what the JWKS publishes for it). */
export function publicEntryOf(key: SigningKey): PublicKeyEntry {
  return { kid: key.kid, alg: key.alg, key: key.publicKey };
}

/** Verification keys, looked up by kid; an empty kid means "all keys", like kube's static key getter. */
export class KeySet {
  private readonly byKid = new Map<string, PublicKeyEntry[]>();
  private entries: PublicKeyEntry[] = [];
  /** Bumped when a key is removed: what was verified with it must be verified again. */
  generation = 0;

  constructor(entries: readonly PublicKeyEntry[]) {
    for (const e of entries) this.add(e);
  }

  /** Adds a key (the signing key of a first start arrives after the server is up). */
  add(e: PublicKeyEntry): void {
    this.entries.push(e);
    const list = this.byKid.get(e.kid);
    if (list) list.push(e);
    else this.byKid.set(e.kid, [e]);
  }

  /** Removes every key with this kid (a replica's published key withdrawn from the shared set). */
  remove(kid: string): boolean {
    if (!this.byKid.delete(kid)) return false;
    this.entries = this.entries.filter((e) => e.kid !== kid);
    this.generation++;
    return true;
  }

  /** Keys for a token's kid; all keys when the token has none. Never throws, whatever the kid. */
  get(kid: string): readonly PublicKeyEntry[] {
    if (kid === '') return this.entries;
    return this.byKid.get(kid) ?? [];
  }

  all(): readonly PublicKeyEntry[] {
    return this.entries;
  }

  get size(): number {
    return this.entries.length;
  }
}

/** A new 2048-bit RSA private key as PEM: PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`). */
export function generateRsaKeyPem(format: 'pkcs1' | 'pkcs8' = 'pkcs8'): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: format, format: 'pem' }).toString();
}
