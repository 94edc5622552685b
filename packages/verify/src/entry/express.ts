/**
 * `@kubeauth/verify/express`: Express middleware. Importing it types `req.kubeAuth` in Express apps.
 *
 * @packageDocumentation
 */
export { expressKubeAuth, type ExpressLikeRequest, type ExpressLikeNext } from '../middleware/express.js';
export type { KubeAuthContext, KubeAuthOptions } from '../middleware/core.js';
