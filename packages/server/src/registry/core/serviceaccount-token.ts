// serviceaccounts/token: TokenRequest, which signs a token for the named ServiceAccount (kube-apiserver's
// pkg/registry/core/serviceaccount/storage/token.go).
import { decodeBody } from '../../api/decode/body.js';
import type { ServiceAccountKeys } from '../../serviceaccount/setup.js';
import { issueTokenAsync } from '../../serviceaccount/tokenrequest.js';
import type { ObjectLookup } from '../../storage/lookup.js';
import type { SubresourceDef } from '../resource.js';

export interface TokenRequestConfig {
  /** The issuer that signs (the first --service-account-issuer). */
  issuer: string;
  apiAudiences: string[];
  /** --service-account-max-token-expiration in seconds; 0 for none. */
  maxExpirationSeconds: number;
  extendExpiration: boolean;
  /** The server's clock (a manual one in tests); default the wall clock. */
  now?: () => number;
}

export function tokenSubresource(
  lookup: ObjectLookup,
  keys: ServiceAccountKeys,
  c: TokenRequestConfig,
): SubresourceDef {
  return {
    name: 'token',
    kind: 'TokenRequest',
    group: 'authentication.k8s.io',
    version: 'v1',
    verbs: ['create'],
    handle: async (ctx) => {
      const body = decodeBody(ctx.body ?? Buffer.alloc(0), ctx.contentType, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
      });
      const r = await issueTokenAsync({
        namespace: ctx.info.namespace,
        name: ctx.info.name,
        body,
        lookup,
        signer: await keys.signer,
        issuer: c.issuer,
        apiAudiences: c.apiAudiences,
        maxExpirationSeconds: c.maxExpirationSeconds || undefined,
        extendExpiration: c.extendExpiration,
        now: c.now?.(),
      });
      ctx.warnings.push(...r.warnings);
      if (r.credentialId) ctx.annotations['authentication.kubernetes.io/issued-credential-id'] = r.credentialId;
      return [201, r.response];
    },
  };
}
