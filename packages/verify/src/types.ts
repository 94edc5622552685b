/**
 * Types shared by the authenticators (TokenReview, offline JWKS) and the middleware.
 *
 * @module
 */
import type { AuthenticationErrorCode } from './errors.js';

/**
 * An authenticated identity, shaped like `TokenReview.status.user` (`authentication.k8s.io/v1` `UserInfo`).
 *
 * For a ServiceAccount: `username` = `system:serviceaccount:<namespace>:<name>`, `uid` = the ServiceAccount's UID,
 * `groups` = `["system:serviceaccounts", "system:serviceaccounts:<namespace>", "system:authenticated"]`, and `extra`
 * may hold `authentication.kubernetes.io/pod-name`, `.../pod-uid`, `.../node-name`, `.../node-uid` and
 * `.../credential-id` (`JTI=<jti>`).
 */
export interface UserInfo {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/**
 * The answer of an {@link Authenticator}; the same shape as `TokenReview.status`.
 *
 * When `authenticated` is false, `user` is empty (`username` `""`, no groups) and `error` usually says why.
 */
export interface AuthenticationResult {
  /** True only when the token is valid (and, if audiences were requested, is meant for one of them). */
  readonly authenticated: boolean;
  /** The identity; empty when not authenticated. */
  readonly user: UserInfo;
  /** Audiences the token was found valid for (the intersection with the requested ones). */
  readonly audiences: readonly string[];
  /** Why the token was not authenticated, e.g. `[invalid bearer token, service account token has expired]`. */
  readonly error?: string;
  /** Why, as a stable code (present when not authenticated by this package's authenticators). */
  readonly code?: AuthenticationErrorCode;
}

/**
 * Cache options, named alike by every class that caches: `maxCacheEntries`, `positiveTtlMs` (a good answer:
 * authenticated, allowed) and `negativeTtlMs` (a bad one). 0 disables.
 */
export interface CacheOptions {
  /** Bound of the cache (LRU). */
  readonly maxCacheEntries?: number;
  /** Cache lifetime of positive answers (authenticated / allowed). */
  readonly positiveTtlMs?: number;
  /** Cache lifetime of negative answers (not authenticated / not allowed). */
  readonly negativeTtlMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** Per-call options of {@link Authenticator.authenticate}. */
export interface AuthenticateOptions {
  /** Stops waiting when aborted (the promise rejects with `signal.reason`). */
  readonly signal?: AbortSignal;
}

/**
 * Anything that turns a bearer token into an {@link AuthenticationResult}: {@link TokenReviewer},
 * {@link JwksVerifier}, or your own. The middleware accepts any of them.
 *
 * Contract (the one vocabulary of this package): `authenticate()` resolves with `authenticated: false` (and a
 * `code`) for a bad token, and rejects with {@link ReviewError} only when no answer could be had (the middleware then
 * answers 503). Each class also has `verify()`, which throws {@link AuthenticationError} (401) instead.
 */
export interface Authenticator {
  authenticate(token: string, options?: AuthenticateOptions): Promise<AuthenticationResult>;
}

/** The identity of requests that carry no credentials, as kube-apiserver names it (`--anonymous-auth`). */
export const ANONYMOUS_USER: UserInfo = Object.freeze({
  username: 'system:anonymous',
  uid: '',
  groups: Object.freeze(['system:unauthenticated']),
  extra: Object.freeze({}),
});

/** The empty user of a failed authentication (kube-apiserver sends `"user": {}`). */
export const EMPTY_USER: UserInfo = Object.freeze({
  username: '',
  uid: '',
  groups: Object.freeze([]) as readonly string[],
  extra: Object.freeze({}),
});
