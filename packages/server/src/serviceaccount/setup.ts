// Loads the service-account keys at startup: the signing key (--service-account-signing-key-file, else the
// generated pki/sa.key) and the verification set (--service-account-key-file values; without them, keys retired
// by `kubeauth keys rotate` under pki/sa-old/, so rotation needs no flags). The signing key always verifies and is
// published, whichever flags are given: a token kubeauth issues is one its TokenReview accepts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  KeySet,
  loadKeysFromPem,
  loadSigningKey,
  publicEntryOf,
  type PublicKeyEntry,
  type SigningKey,
} from './keys.js';

export interface ServiceAccountKeys {
  /** Verifies every service-account token and is published as the JWKS. */
  verify: KeySet;
  /**
   * Signs TokenRequest tokens. Settled at once, except on a first start: then pki/sa.key is still being
   * generated (RSA takes 100–900 ms) while the server comes up, and the first TokenRequest waits for it.
   */
  signer: Promise<SigningKey>;
  /** Signs legacy Secret tokens (kube-controller-manager's --service-account-private-key-file; same key). */
  legacySigner: Promise<SigningKey>;
}

export interface ServiceAccountKeyOptions {
  serviceAccountKeyFiles: readonly string[];
  serviceAccountSigningKeyFile?: string;
}

/**
 * `defaultKeyWritten`, when given, settles once the generated default key is on disk (a first start);
 * until then no token can exist that it signed, so the verification set gains it only when it arrives.
 */
export function loadServiceAccountKeys(
  o: ServiceAccountKeyOptions,
  defaultSigningKeyPath: string,
  dataDir: string,
  defaultKeyWritten?: Promise<void>,
): ServiceAccountKeys {
  const signingPath = o.serviceAccountSigningKeyFile || defaultSigningKeyPath;
  const load = (): SigningKey => {
    try {
      return loadSigningKey(readFileSync(signingPath, 'utf8'));
    } catch (e) {
      throw new Error(`failed to parse service-account-issuer-key-file: ${(e as Error).message}`, { cause: e });
    }
  };
  const pending = !o.serviceAccountSigningKeyFile && defaultKeyWritten !== undefined;
  const current = pending ? undefined : load();
  const entries: PublicKeyEntry[] = [];
  if (o.serviceAccountKeyFiles.length) {
    for (const f of o.serviceAccountKeyFiles) entries.push(...loadKeysFromPem(readFileSync(f, 'utf8'), f));
  } else {
    if (current) entries.push(publicEntryOf(current));
    const retired = join(dataDir, 'pki', 'sa-old');
    if (existsSync(retired))
      for (const f of readdirSync(retired).sort()) {
        const p = join(retired, f);
        entries.push(...loadKeysFromPem(readFileSync(p, 'utf8'), p));
      }
  }
  const verify = new KeySet(entries);
  // kube-apiserver verifies with the key files alone, but it has no generated key to sign with; here a signing key
  // missing from the files (the generated one, typically) is added, once: a kid names one public key.
  const addSigner = (k: SigningKey) => {
    if (!verify.get(k.kid).length) verify.add(publicEntryOf(k));
  };
  if (current) addSigner(current);
  const signer = current
    ? Promise.resolve(current)
    : defaultKeyWritten!.then(() => {
        const k = load();
        addSigner(k);
        return k;
      });
  signer.catch(() => undefined); // surfaced to whoever awaits it (a TokenRequest gets a 500)
  return { verify, signer, legacySigner: signer };
}
