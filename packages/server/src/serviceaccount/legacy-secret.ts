// What the TokensController (kube-controller-manager) writes into a `kubernetes.io/service-account-token`
// Secret: a legacy token (§1.2), the root CA and the namespace, base64 as Secret data is on the wire, plus
// the ServiceAccount name/UID annotations.
import type { KObject } from '../api/types.js';
import { legacyClaims } from './claims.js';
import { signJwt } from './jwt.js';
import type { SigningKey } from './keys.js';

export const serviceAccountNameAnnotation = 'kubernetes.io/service-account.name';
export const serviceAccountUidAnnotation = 'kubernetes.io/service-account.uid';

export interface LegacyTokenSecretInput {
  serviceAccount: KObject;
  secret: KObject;
  /** --root-ca-file contents; `ca.crt` is left out when empty, as kube does. */
  caPem: string;
  signer: SigningKey;
}

export interface LegacyTokenSecretData {
  /** Base64-encoded values. */
  data: { token: string; 'ca.crt'?: string; namespace: string };
  annotations: Record<string, string>;
  /** The token itself (not encoded). */
  token: string;
}

/** A legacy token signed for this ServiceAccount and Secret. */
export function legacyToken(serviceAccount: KObject, secret: KObject, signer: SigningKey): string {
  return signJwt(signer, legacyClaims(serviceAccount, secret));
}

export function legacyTokenSecretData(input: LegacyTokenSecretInput): LegacyTokenSecretData {
  const { serviceAccount: sa, secret, caPem, signer } = input;
  const token = legacyToken(sa, secret, signer);
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const data: LegacyTokenSecretData['data'] = { token: b64(token), namespace: b64(sa.metadata.namespace ?? '') };
  if (caPem) data['ca.crt'] = b64(caPem);
  return {
    data,
    annotations: {
      [serviceAccountNameAnnotation]: sa.metadata.name ?? '',
      [serviceAccountUidAnnotation]: sa.metadata.uid ?? '',
    },
    token,
  };
}
