/**
 * `@kubeauth/verify/hono`: Hono middleware. Importing it types `c.get('kubeAuth')` (Hono's `ContextVariableMap`).
 *
 * @packageDocumentation
 */
import '../middleware/hono-types.js';

export { honoKubeAuth, type HonoLikeContext } from '../middleware/fetch.js';
export type { KubeAuthContext, KubeAuthOptions } from '../middleware/core.js';
