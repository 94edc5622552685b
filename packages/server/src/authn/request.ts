// Request authentication as kube-apiserver composes it (k8s.io/apiserver/pkg/authentication/request/union and
// .../request/anonymous): request authenticators tried in order, the first user wins, the errors of those that
// found a bad credential are aggregated; anonymous only when no credential was presented at all.
import { aggregate } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';

export interface AuthnRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The TLS socket, for the client certificate. */
  socket: unknown;
  path: string;
}

/** One authenticator's answer: a user, a bad credential, or no credential of its kind (with any warnings). */
export type RequestAnswer =
  | { user: UserInfo; warnings: string[]; annotations?: Record<string, string> }
  | { error: string }
  | { none: true; warnings?: readonly string[] };

export interface RequestAuthenticator {
  authenticate(r: AuthnRequest): RequestAnswer;
}

export type AuthnResult =
  | { user: UserInfo; warnings: string[]; anonymous?: boolean; annotations?: Record<string, string> }
  | { error: string; warnings?: string[] }
  | { none: true; warnings?: string[] };

export interface UnionMember {
  authenticator: RequestAuthenticator;
  /**
   * Consulted only when no member before it found a credential, good or bad (kubeauth reads a WebSocket
   * subprotocol token only from a request that carries no other credential).
   */
  onlyWithoutCredential?: boolean;
}

/** The union: the first user wins; a bad credential is an error, never a reason to try anonymous. */
export function union(members: readonly UnionMember[]): { authenticate(r: AuthnRequest): AuthnResult } {
  return {
    authenticate(r) {
      let errs: string[] | undefined;
      let warnings: string[] = [];
      let sawCredential = false;
      for (const m of members) {
        if (m.onlyWithoutCredential && sawCredential) continue;
        const a = m.authenticator.authenticate(r);
        if ('user' in a)
          return warnings.length
            ? { user: a.user, warnings: [...warnings, ...a.warnings], annotations: a.annotations }
            : a;
        if ('error' in a) {
          (errs ??= []).push(a.error);
          sawCredential = true;
        } else if (a.warnings?.length) warnings = [...warnings, ...a.warnings];
      }
      if (errs) return { error: aggregate(errs), warnings };
      return { none: true, warnings };
    },
  };
}

export const anonymousUser: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/**
 * kube's anonymous authenticator behind the union: a request with no credential is system:anonymous when
 * enabled, and (with an AuthenticationConfiguration's conditions) only on the listed paths.
 */
export function withAnonymous(
  inner: { authenticate(r: AuthnRequest): AuthnResult },
  paths: readonly string[] | undefined,
): { authenticate(r: AuthnRequest): AuthnResult } {
  return {
    authenticate(r) {
      const a = inner.authenticate(r);
      if (!('none' in a) || (paths?.length && !paths.includes(r.path))) return a;
      return { user: anonymousUser, warnings: a.warnings ?? [], anonymous: true };
    },
  };
}
