/**
 * `@kubeauth/verify`: authenticate Kubernetes workloads from Node services.
 *
 * - {@link KubeConnection}: in-cluster, kubeconfig (exec plugins too) or explicit connection to the API server.
 * - {@link TokenReviewer}: TokenReview with a bounded TTL cache (authoritative: sees revocation).
 * - {@link JwksVerifier}: offline verification against the issuer's OIDC discovery + JWKS.
 * - {@link RevocationFeed}: a watch that makes both see deleted ServiceAccounts, Pods, Secrets and Nodes at once.
 * - {@link AccessReviewer}: SubjectAccessReview with allow/deny caching.
 * - Middleware: {@link withKubeAuth} (node:http) here; Express, Fastify, Hono and fetch handlers in
 *   `@kubeauth/verify/express`, `/fastify`, `/hono`, `/fetch` (each also types the framework's request).
 *
 * @packageDocumentation
 */
export {
  ANONYMOUS_USER,
  type UserInfo,
  type AuthenticationResult,
  type AuthenticateOptions,
  type Authenticator,
  type CacheOptions,
} from './types.js';
export {
  ReviewError,
  AuthenticationError,
  TokenVerificationError,
  AccessDeniedError,
  ConfigError,
  type ReviewErrorKind,
  type ReviewErrorCode,
  type ReviewErrorOptions,
  type KubeStatus,
  type AuthenticationErrorCode,
  type AuthenticationErrorOptions,
  type TokenVerificationCode,
  type ConfigErrorCode,
  type KubeAuthRejection,
} from './errors.js';
export {
  KubeConnection,
  type ConnectionOptions,
  type ConnectionTuning,
  type InClusterOptions,
  type KubeconfigConnectionOptions,
  type EnvironmentConnectionOptions,
  type ApiRequestOptions,
} from './connection.js';
export type { HttpResponse } from './http.js';
export { loadKubeconfig, parseKubeconfig, type KubeconfigOptions, type ResolvedKubeconfig } from './kubeconfig.js';
export { FileTokenSource, StaticTokenSource, type TokenSource, type FileTokenSourceOptions } from './token-source.js';
export { ExecTokenSource, type ExecConfig, type ExecTokenSourceOptions } from './exec-credential.js';
export { TokenReviewer, type TokenReviewerOptions, type TokenReviewResult, type ReviewOptions } from './tokenreview.js';
export { JwksVerifier, type JwksVerifierOptions, type JwksAuthenticationResult, type JsonWebKeySet } from './jwks.js';
export {
  RevocationFeed,
  type RevocationFeedOptions,
  type RevocationKind,
  type Revocation,
  type BoundObjects,
} from './revocation/feed.js';
export { SUPPORTED_ALGORITHMS, type JwsAlgorithm } from './jws.js';
export { type ServiceAccountClaims, type ObjectRef, type NodeRef } from './claims.js';
export {
  AccessReviewer,
  type AccessReviewerOptions,
  type AccessAttributes,
  type ResourceAttributes,
  type NonResourceAttributes,
  type AccessReviewResult,
  type Subject,
} from './accessreview.js';
export { peekJwtPayload } from './jwt.js';
export {
  createKubeAuth,
  getKubeAuth,
  requireKubeAuth,
  accessReviewAuthorizer,
  verbForMethod,
  parseAuthorization,
  logKubeAuthError,
  type KubeAuthOptions,
  type KubeAuthContext,
  type KubeAuth,
  type KubeAuthOutcome,
  type CheckInput,
  type Authorize,
  type AuthorizeDecision,
  type AuthorizeRequest,
  type RequestDescription,
  type BearerCredentials,
} from './middleware/core.js';
export { type ErrorResponse } from './middleware/status.js';
export { withKubeAuth, type KubeAuthRequestFields, type WritableResponse } from './middleware/node.js';
// Deprecated root exports of the framework adapters (import them from their subpaths): kept for one minor.
export {
  /** @deprecated Import from `@kubeauth/verify/express`. */
  expressKubeAuth,
} from './middleware/express.js';
export {
  /** @deprecated Import from `@kubeauth/verify/fastify`. */
  fastifyKubeAuth,
  /** @deprecated Import from `@kubeauth/verify/fastify`. */
  fastifyKubeAuthHook,
  fastifyUser,
} from './middleware/fastify.js';
export {
  /** @deprecated Import from `@kubeauth/verify/fetch`. */
  fetchKubeAuth,
  /** @deprecated Import from `@kubeauth/verify/hono`. */
  honoKubeAuth,
  /** @deprecated Import from `@kubeauth/verify/fetch`. */
  checkRequest,
} from './middleware/fetch.js';
