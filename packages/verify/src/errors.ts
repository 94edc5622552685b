/**
 * Error classes of `@kubeauth/verify`. Callers switch on `kind` / `code`, never on message text.
 *
 * Three families:
 * - {@link ReviewError}: the Kubernetes API (or a JWKS endpoint) could not give an answer — the caller should
 *   fail closed with 503, not 401. "This token is not authenticated" is a normal result, never a `ReviewError`.
 * - {@link AuthenticationError} (and its {@link TokenVerificationError}): the caller's token was rejected — 401.
 * - {@link AccessDeniedError}: the caller is not allowed — 403.
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
  | 'ERR_KUBE_BAD_RESPONSE'
  | 'ERR_JWKS_STALE';

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
  /** HTTP status code of the upstream answer (the API server's or the JWKS endpoint's), when there was one. */
  readonly upstreamStatusCode?: number;
  /** The upstream `Status` body, when the server sent one. */
  readonly upstreamStatus?: KubeStatus;
  /** The URL (origin) of the server that failed, kept for logs; never part of `message`. */
  readonly server?: string;
  /** @deprecated Use `upstreamStatusCode`. */
  readonly statusCode?: number;
  /** @deprecated Use `upstreamStatus`. */
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
 * The Kubernetes API (or a JWKS/discovery endpoint) could not answer: unreachable, timed out, 5xx, or rejected the
 * service's own credentials. A fault of this service or its dependencies, never of the caller, so `statusCode` is
 * always 503 (what a framework that honours `err.statusCode` should answer the caller, with `Retry-After`), and the
 * upstream's status is kept under another name (`upstreamStatusCode`). `message` names neither the server's URL nor
 * the upstream's `Status` message (which can name this service's ServiceAccount); those are in `server` and
 * `upstreamStatus`, for logs. `expose` is false (the `http-errors` convention: do not show `message` to clients).
 *
 * Middleware in this package turns it into `503 Service Unavailable` with `Retry-After` (fail closed).
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
  /** What to answer the caller: always 503 (the service, not the caller, is at fault). */
  readonly statusCode = 503;
  /** Not for clients' eyes (`http-errors` / Express convention). */
  readonly expose = false;
  /** HTTP status code of the upstream answer, if the server answered at all. */
  readonly upstreamStatusCode: number | undefined;
  /** The upstream's Kubernetes `Status` body, if any. */
  readonly upstreamStatus: KubeStatus | undefined;
  /** The server that failed (origin URL), for logs. */
  readonly server: string | undefined;

  constructor(kind: ReviewErrorKind, message: string, options: ReviewErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = options.code ?? DEFAULT_CODES[kind];
    this.upstreamStatusCode = options.upstreamStatusCode ?? options.statusCode;
    this.upstreamStatus = options.upstreamStatus ?? options.status;
    this.server = options.server;
  }

  /** @deprecated Use `upstreamStatus` (the upstream's `Status` body). */
  get status(): KubeStatus | undefined {
    return this.upstreamStatus;
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
  | 'ERR_JWT_CLAIMS_INVALID'
  | 'ERR_TOKEN_REVOKED';

/**
 * Stable codes of {@link AuthenticationError}: why the caller was not authenticated.
 *
 * - `ERR_CREDENTIALS_MISSING`: no `Authorization: Bearer` (or `getToken` found none).
 * - `ERR_CREDENTIALS_MALFORMED`: a bearer token that cannot be one (whitespace inside, empty, non-ASCII, too long).
 * - `ERR_TOKEN_INVALID`: the API server's TokenReview answered `authenticated: false` (`reason` has its `error`).
 * - `ERR_AUDIENCE_MISMATCH`: the TokenReview's audiences do not intersect the requested ones.
 * - `ERR_TOKEN_REVOKED`: the revocation feed saw an object the token is bound to deleted or recreated.
 * - the {@link TokenVerificationCode}s of offline verification (`ERR_JWT_EXPIRED`, ...).
 */
export type AuthenticationErrorCode =
  | 'ERR_CREDENTIALS_MISSING'
  | 'ERR_CREDENTIALS_MALFORMED'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_AUDIENCE_MISMATCH'
  | TokenVerificationCode;

/** Options of the {@link AuthenticationError} constructor. */
export interface AuthenticationErrorOptions {
  /** The authenticator's own explanation (TokenReview `status.error`). */
  readonly reason?: string;
  /** The JWT claim at fault (`exp`, `aud`, `iss`, ...), jose's `claim`. */
  readonly claim?: string;
  readonly cause?: unknown;
}

/**
 * The caller is not authenticated: answer 401 (`statusCode`). Thrown by `verify()`, passed to `next(err)` /
 * thrown by the middleware in its `errors: 'next'` mode, and given to the `onReject` hook. `expose` is true: the
 * message is about the caller's own credentials.
 */
export class AuthenticationError extends Error {
  override readonly name: string = 'AuthenticationError';
  /** Why; stable, switch on it. */
  readonly code: AuthenticationErrorCode;
  /** What to answer the caller: 401. */
  readonly statusCode = 401;
  /** The message may be shown to the caller. */
  readonly expose = true;
  /** The authenticator's reason (TokenReview `status.error`), when it gave one. */
  readonly reason: string | undefined;
  /** The JWT claim at fault, when one is. */
  readonly claim: string | undefined;

  constructor(code: AuthenticationErrorCode, message: string, options: AuthenticationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
    this.claim = options.claim;
  }
}

/**
 * Offline verification ({@link JwksVerifier}) rejected a token: an {@link AuthenticationError} (401) whose `code` is
 * a {@link TokenVerificationCode} and whose `claim` names the claim at fault (`exp`, `nbf`, `iat`, `iss`, `aud`,
 * `kubernetes.io`, `sub`).
 */
export class TokenVerificationError extends AuthenticationError {
  override readonly name: string = 'TokenVerificationError';
  declare readonly code: TokenVerificationCode;

  constructor(code: TokenVerificationCode, message: string, options: AuthenticationErrorOptions = {}) {
    super(code, message, options);
  }
}

/**
 * The caller is authenticated but not allowed: answer 403 (`statusCode`). `reason` is the authorizer's reason;
 * `attributes` what was checked.
 */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
  readonly code = 'ERR_ACCESS_DENIED';
  readonly statusCode = 403;
  readonly expose = true;
  /** The authorizer's reason, if any. */
  readonly reason: string | undefined;
  /** What was checked (SubjectAccessReview attributes), if the authorize step said. */
  readonly attributes: unknown;

  constructor(message: string, options: { reason?: string; attributes?: unknown } = {}) {
    super(message);
    this.reason = options.reason;
    this.attributes = options.attributes;
  }
}

/** Every error the middleware rejects a request with (`onReject` sees these). */
export type KubeAuthRejection = AuthenticationError | AccessDeniedError | ReviewError;

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
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_INSECURE_URL'
  | 'ERR_EXEC_PLUGIN';

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
