// Loads the service-account keys at startup: the signing key (--service-account-signing-key-file, else the
// generated pki/sa.key) and the verification set (--service-account-key-file values; without them, the
// signing key plus keys retired by `kubeauth keys rotate` under pki/sa-old/, so rotation needs no flags).
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
  /** Signs TokenRequest tokens. */
  signer: SigningKey;
  /** Signs legacy Secret tokens (kube-controller-manager's --service-account-private-key-file; same key). */
  legacySigner: SigningKey;
}

export interface ServiceAccountKeyOptions {
  serviceAccountKeyFiles: readonly string[];
  serviceAccountSigningKeyFile?: string;
}

export function loadServiceAccountKeys(
  o: ServiceAccountKeyOptions,
  defaultSigningKeyPath: string,
  dataDir: string,
): ServiceAccountKeys {
  const signingPath = o.serviceAccountSigningKeyFile || defaultSigningKeyPath;
  let signer: SigningKey;
  try {
    signer = loadSigningKey(readFileSync(signingPath, 'utf8'));
  } catch (e) {
    throw new Error(`failed to parse service-account-issuer-key-file: ${(e as Error).message}`, { cause: e });
  }
  const entries: PublicKeyEntry[] = [];
  if (o.serviceAccountKeyFiles.length) {
    // Explicit key files are the whole verification set, exactly as in kube-apiserver.
    for (const f of o.serviceAccountKeyFiles) entries.push(...loadKeysFromPem(readFileSync(f, 'utf8'), f));
  } else {
    entries.push(publicEntryOf(signer));
    const retired = join(dataDir, 'pki', 'sa-old');
    if (existsSync(retired))
      for (const f of readdirSync(retired).sort()) {
        const p = join(retired, f);
        entries.push(...loadKeysFromPem(readFileSync(p, 'utf8'), p));
      }
  }
  return { verify: new KeySet(entries), signer, legacySigner: signer };
}
