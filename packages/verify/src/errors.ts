/**
 * Error classes of `@kubeauth/verify`. Callers switch on `kind` / `code`, never on message text.
 *
 * Three families:
 * - {@link ReviewError}: the Kubernetes API (or a JWKS endpoint) could not give an answer — the caller should
 *   fail closed with 503, not 401. "This token is not authenticated" is a normal result, never a `ReviewError`.
 * - {@link TokenVerificationError}: offline JWT verification rejected the token (a 401 situation).
 * - {@link ConfigError}: bad connection settings (kubeconfig, in-cluster files, PEM data, options).
 *
 * @module
 */

/**
 * Why a call to the Kubernetes API failed.
 *
 * - `unavailable`: network error, TLS failure, timeout, HTTP 5xx or 429 — retry later.
 * - `unauthorized`: the API server answered 401 to *our own* credentials (expired or unreadable reviewer token,
 *   wrong client certificate).
 * - `forbidden`: the API server answered 403 — our identity lacks RBAC (for TokenReview and SubjectAccessReview
 *   grant the built-in ClusterRole `system:auth-delegator` with a ClusterRoleBinding).
 * - `bad-response`: anything else unexpected (404, other 4xx, a body that is not the expected JSON).
 */
export type ReviewErrorKind = 'unavailable' | 'forbidden' | 'unauthorized' | 'bad-response';

/** Stable machine-readable codes of {@link ReviewError}. */
export type ReviewErrorCode =
  | 'ERR_KUBE_UNAVAILABLE'
  | 'ERR_KUBE_TIMEOUT'
  | 'ERR_KUBE_TLS'
  | 'ERR_KUBE_UNAUTHORIZED'
  | 'ERR_KUBE_CREDENTIALS'
  | 'ERR_KUBE_FORBIDDEN'
  | 'ERR_KUBE_BAD_RESPONSE';

/** A Kubernetes `Status` object as returned in error bodies (only the fields this library reads). */
export interface KubeStatus {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: unknown;
}

/** Options of the {@link ReviewError} constructor. */
export interface ReviewErrorOptions {
  /** Defaults to the code that matches `kind`. */
  readonly code?: ReviewErrorCode;
  /** HTTP status code of the answer, when there was one. */
  readonly statusCode?: number;
  /** The `Status` body of the answer, when the server sent one. */
  readonly status?: KubeStatus;
  readonly cause?: unknown;
}

const DEFAULT_CODES: Record<ReviewErrorKind, ReviewErrorCode> = {
  unavailable: 'ERR_KUBE_UNAVAILABLE',
  unauthorized: 'ERR_KUBE_UNAUTHORIZED',
  forbidden: 'ERR_KUBE_FORBIDDEN',
  'bad-response': 'ERR_KUBE_BAD_RESPONSE',
};

/**
 * The Kubernetes API (or a JWKS/discovery endpoint) could not answer: unreachable, timed out, 5xx, or rejected our
 * own credentials. Distinct from a token that is simply not authenticated, which is a normal result.
 *
 * Middleware in this package turns it into `503 Service Unavailable` (fail closed).
 *
 * @example
 * ```ts
 * try {
 *   const result = await reviewer.review(token);
 *   if (!result.authenticated) return reply(401);
 * } catch (err) {
 *   if (err instanceof ReviewError) return reply(503); // err.kind: 'unavailable' | 'forbidden' | ...
 *   throw err;
 * }
 * ```
 */
export class ReviewError extends Error {
  override readonly name = 'ReviewError';
  /** What kind of failure this is; see {@link ReviewErrorKind}. */
  readonly kind: ReviewErrorKind;
  /** Stable code, finer than `kind` (e.g. `ERR_KUBE_TIMEOUT` is an `unavailable`). */
  readonly code: ReviewErrorCode;
  /** HTTP status code of the answer, if the server answered at all. */
  readonly statusCode: number | undefined;
  /** The Kubernetes `Status` body of the answer, if any. */
  readonly status: KubeStatus | undefined;

  constructor(kind: ReviewErrorKind, message: string, options: ReviewErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = options.code ?? DEFAULT_CODES[kind];
    this.statusCode = options.statusCode;
    this.status = options.status;
  }
}

/** Stable codes of {@link TokenVerificationError}. */
export type TokenVerificationCode =
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_TOO_LARGE'
  | 'ERR_JWS_ALG_NOT_ALLOWED'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWS_SIGNATURE_INVALID'
  | 'ERR_JWT_ISSUER_INVALID'
  | 'ERR_JWT_AUDIENCE_INVALID'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_ISSUED_IN_FUTURE'
  | 'ERR_JWT_CLAIMS_INVALID';

/** Offline verification ({@link JwksVerifier}) rejected a token: the caller should answer 401. */
export class TokenVerificationError extends Error {
  override readonly name = 'TokenVerificationError';
  /** Why the token was rejected. */
  readonly code: TokenVerificationCode;

  constructor(code: TokenVerificationCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Stable codes of {@link ConfigError}. */
export type ConfigErrorCode =
  | 'ERR_NOT_IN_CLUSTER'
  | 'ERR_KUBECONFIG_NOT_FOUND'
  | 'ERR_KUBECONFIG_PARSE'
  | 'ERR_KUBECONFIG_NO_CURRENT_CONTEXT'
  | 'ERR_KUBECONFIG_CONTEXT_NOT_FOUND'
  | 'ERR_KUBECONFIG_CLUSTER_NOT_FOUND'
  | 'ERR_KUBECONFIG_USER_NOT_FOUND'
  | 'ERR_KUBECONFIG_INVALID'
  | 'ERR_KUBECONFIG_UNSUPPORTED'
  | 'ERR_INVALID_PEM'
  | 'ERR_FILE_UNREADABLE'
  | 'ERR_INVALID_OPTIONS';

/** Connection settings are unusable: missing kubeconfig context, non-PEM CA, not running in a cluster, ... */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** What is wrong. */
  readonly code: ConfigErrorCode;

  constructor(code: ConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
