/**
 * `@kubeauth/verify`: authenticate Kubernetes workloads from Node services.
 *
 * - {@link KubeConnection}: in-cluster, kubeconfig or explicit connection to the API server.
 * - {@link TokenReviewer}: TokenReview with a bounded TTL cache (authoritative: sees revocation).
 * - {@link JwksVerifier}: offline verification against the issuer's OIDC discovery + JWKS (fast, no revocation).
 * - {@link AccessReviewer}: SubjectAccessReview with allow/deny caching.
 * - Middleware: {@link withKubeAuth} (node:http), {@link expressKubeAuth}, {@link fastifyKubeAuth},
 *   {@link fetchKubeAuth} / {@link honoKubeAuth}.
 *
 * @packageDocumentation
 */
export * from './types.js';
export * from './errors.js';
export {
  KubeConnection,
  SERVICE_ACCOUNT_DIR,
  DEFAULT_TIMEOUT_MS,
  type ConnectionOptions,
  type ConnectionTuning,
  type InClusterOptions,
  type KubeconfigConnectionOptions,
  type EnvironmentConnectionOptions,
  type ApiRequestOptions,
} from './connection.js';
export type { HttpResponse } from './http.js';
export { loadKubeconfig, parseKubeconfig, type KubeconfigOptions, type ResolvedKubeconfig } from './kubeconfig.js';
export { parseYaml, YamlError } from './yaml.js';
export { FileTokenSource, StaticTokenSource, type TokenSource, type FileTokenSourceOptions } from './token-source.js';
export * from './tokenreview.js';
export * from './jwks.js';
export { SUPPORTED_ALGORITHMS, type JwsAlgorithm } from './jws.js';
export * from './claims.js';
export * from './accessreview.js';
export { peekJwtPayload } from './jwt.js';
export * from './middleware/index.js';
