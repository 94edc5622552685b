/**
 * Kubernetes ServiceAccount token claims (bound / projected tokens) and the user kube-apiserver derives from them.
 *
 * @module
 */
import { TokenVerificationError } from './errors.js';
import type { UserInfo } from './types.js';

/** A reference to a bound object in the `kubernetes.io` claim. */
export interface ObjectRef {
  readonly name: string;
  readonly uid: string;
}

/** The node reference: `uid` is absent when kube-apiserver could not find the Node object. */
export interface NodeRef {
  readonly name: string;
  readonly uid?: string;
}

/** Typed claims of a verified bound ServiceAccount token. */
export interface ServiceAccountClaims {
  /** `sub`: `system:serviceaccount:<namespace>:<name>`. */
  readonly subject: string;
  /** `iss`. */
  readonly issuer: string;
  /** The token's audiences that were accepted (the intersection with the configured ones, in configured order). */
  readonly audiences: readonly string[];
  /** Every audience in the token's `aud`. */
  readonly tokenAudiences: readonly string[];
  /** `exp`. */
  readonly expiresAt: Date;
  /** `iat`, if present. */
  readonly issuedAt?: Date;
  /** `nbf`, if present. */
  readonly notBefore?: Date;
  /** `kubernetes.io.namespace`. */
  readonly namespace: string;
  /** `kubernetes.io.serviceaccount`. */
  readonly serviceAccount: ObjectRef;
  /** `kubernetes.io.pod`: the token is bound to this Pod. */
  readonly pod?: ObjectRef;
  /** `kubernetes.io.secret`: the token is bound to this Secret. */
  readonly secret?: ObjectRef;
  /** `kubernetes.io.node`: bound to this Node, or the node of the bound Pod. */
  readonly node?: NodeRef;
  /** `jti` (Kubernetes 1.29+). */
  readonly jti?: string;
  /** `kubernetes.io.warnafter`: the token's real lifetime ended here; kube-apiserver logs use after it as stale. */
  readonly warnafter?: Date;
  /** The whole verified payload. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Reads the `kubernetes.io` claims of a verified payload.
 *
 * @throws {@link TokenVerificationError} `ERR_JWT_CLAIMS_INVALID` when the token is not a bound ServiceAccount token
 *   or its `sub` does not match its namespace and name.
 */
export function readServiceAccountClaims(
  payload: Record<string, unknown>,
  accepted: readonly string[],
  tokenAudiences: readonly string[],
): ServiceAccountClaims {
  const k = payload['kubernetes.io'];
  if (!isObject(k)) throw claimsError('token has no "kubernetes.io" claim (not a bound service account token)');
  const namespace = k.namespace;
  if (typeof namespace !== 'string' || namespace === '') throw claimsError('namespace claim is missing');
  const serviceAccount = ref(k.serviceaccount, 'serviceaccount');
  if (!serviceAccount) throw claimsError('serviceaccount claim is missing');
  const subject = payload.sub;
  if (subject !== `system:serviceaccount:${namespace}:${serviceAccount.name}`) {
    throw claimsError('sub claim does not match the kubernetes.io namespace and service account');
  }
  const claims: {
    -readonly [K in keyof ServiceAccountClaims]: ServiceAccountClaims[K];
  } = {
    subject,
    issuer: payload.iss as string,
    audiences: accepted,
    tokenAudiences,
    expiresAt: new Date((payload.exp as number) * 1000),
    namespace,
    serviceAccount,
    payload,
  };
  if (typeof payload.iat === 'number') claims.issuedAt = new Date(payload.iat * 1000);
  if (typeof payload.nbf === 'number') claims.notBefore = new Date(payload.nbf * 1000);
  const pod = ref(k.pod, 'pod');
  if (pod) claims.pod = pod;
  const secret = ref(k.secret, 'secret');
  if (secret) claims.secret = secret;
  if (isObject(k.node) && typeof k.node.name === 'string' && k.node.name !== '') {
    claims.node =
      typeof k.node.uid === 'string' && k.node.uid !== ''
        ? { name: k.node.name, uid: k.node.uid }
        : { name: k.node.name };
  }
  if (typeof payload.jti === 'string' && payload.jti !== '') claims.jti = payload.jti;
  if (typeof k.warnafter === 'number') claims.warnafter = new Date(k.warnafter * 1000);
  return claims;
}

/**
 * The user kube-apiserver's TokenReview reports for these claims: username, ServiceAccount UID, the three groups in
 * kube's order, and the `authentication.kubernetes.io/*` extras (keys in sorted order, as kube serializes them).
 */
export function serviceAccountUser(claims: ServiceAccountClaims): UserInfo {
  const { namespace, serviceAccount, pod, node, jti } = claims;
  const extra: Record<string, readonly string[]> = {};
  if (jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${jti}`];
  if (node) {
    extra['authentication.kubernetes.io/node-name'] = [node.name];
    if (node.uid) extra['authentication.kubernetes.io/node-uid'] = [node.uid];
  }
  if (pod) {
    extra['authentication.kubernetes.io/pod-name'] = [pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [pod.uid];
  }
  return {
    username: `system:serviceaccount:${namespace}:${serviceAccount.name}`,
    uid: serviceAccount.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    extra,
  };
}

function ref(v: unknown, what: string): ObjectRef | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || typeof v.name !== 'string' || typeof v.uid !== 'string' || v.name === '' || v.uid === '') {
    throw claimsError(`${what} claim must have a name and a uid`);
  }
  return { name: v.name, uid: v.uid };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function claimsError(message: string): TokenVerificationError {
  return new TokenVerificationError('ERR_JWT_CLAIMS_INVALID', message, {
    claim: message.startsWith('sub ') ? 'sub' : 'kubernetes.io',
  });
}
