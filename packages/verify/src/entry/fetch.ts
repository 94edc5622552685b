/**
 * `@kubeauth/verify/fetch`: for Web-standard `Request` → `Response` handlers (Next.js route handlers, Bun, Deno).
 *
 * @packageDocumentation
 */
export { fetchKubeAuth, checkRequest, toResponse, type FetchCheckResult } from '../middleware/fetch.js';
export type { KubeAuthContext, KubeAuthOptions } from '../middleware/core.js';
