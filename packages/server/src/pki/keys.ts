// Key generation and (de)serialisation with node:crypto. Generation is async so it runs on libuv's
// thread pool: the RSA service-account key and the ECDSA certificate keys are made in parallel.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import * as der from './der.js';

/** ECDSA P-256: fast to generate, accepted by kubectl/client-go and every TLS stack we meet. */
export function generateEcKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) =>
    generateKeyPair('ec', { namedCurve: 'prime256v1' }, (err, _pub, priv) => (err ? reject(err) : resolve(priv))),
  );
}

function rsaAttempt(modulusLength: number): Promise<KeyObject> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength }, (err, _pub, priv) => (err ? reject(err) : resolve(priv))),
  );
}

/**
 * RSA generation time is a random prime search (here 100-700 ms for 2048 bits, median ~240 ms). Racing
 * two searches on a second core and keeping the first key cuts the median by ~25% and the tail by ~40%;
 * the loser finishes in the background and is dropped. Any of the keys is as good as the other.
 */
export function generateRsaKey(
  modulusLength = 2048,
  attempts = Math.min(2, availableParallelism()),
): Promise<KeyObject> {
  return Promise.any(Array.from({ length: Math.max(1, attempts) }, () => rsaAttempt(modulusLength))).catch(
    (err: AggregateError) => Promise.reject(err.errors[0] as Error),
  );
}

/** PKCS#8 ("PRIVATE KEY") PEM, whatever the key type. */
export const privateKeyPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;

// node 20's createPublicKey refuses a KeyObject that is already public.
const publicOf = (key: KeyObject): KeyObject => (key.type === 'public' ? key : createPublicKey(key));

/** SPKI ("PUBLIC KEY") PEM of a private or public key. */
export const publicKeyPem = (key: KeyObject): string => publicOf(key).export({ type: 'spki', format: 'pem' }) as string;

export const spkiDer = (key: KeyObject): Buffer => publicOf(key).export({ type: 'spki', format: 'der' });

/** Parses PKCS#8, PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM. */
export const loadPrivateKey = (pem: string): KeyObject => createPrivateKey(pem);

/** How a certificate signed by `key` is signed: the digest for crypto.sign and the AlgorithmIdentifier. */
export interface SignatureScheme {
  hash: string | null;
  algorithm: Buffer;
}

const ecdsaByCurve: Record<string, [hash: string, oid: string]> = {
  prime256v1: ['sha256', '1.2.840.10045.4.3.2'],
  secp384r1: ['sha384', '1.2.840.10045.4.3.3'],
  secp521r1: ['sha512', '1.2.840.10045.4.3.4'],
};

export function signatureScheme(key: KeyObject): SignatureScheme {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
      const scheme = ecdsaByCurve[curve];
      if (!scheme) throw new Error(`unsupported CA key curve ${curve || '(unknown)'}`);
      // ecdsa-with-SHA* carry no parameters (RFC 5758 3.2).
      return { hash: scheme[0], algorithm: der.sequence(der.oid(scheme[1])) };
    }
    case 'rsa':
      // sha256WithRSAEncryption with an explicit NULL, as RFC 4055 asks.
      return { hash: 'sha256', algorithm: der.sequence(der.oid('1.2.840.113549.1.1.11'), der.nullValue()) };
    case 'ed25519':
      return { hash: null, algorithm: der.sequence(der.oid('1.3.101.112')) };
    default:
      throw new Error(`unsupported CA key type ${key.asymmetricKeyType ?? '(unknown)'}`);
  }
}
