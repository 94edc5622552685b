/**
 * `@kubeauth/verify/fastify`: Fastify plugin and hook. Importing it types `request.kubeAuth` in Fastify apps.
 *
 * @packageDocumentation
 */
import '../middleware/fastify-types.js';

export {
  fastifyKubeAuth,
  fastifyKubeAuthHook,
  fastifyUser,
  type FastifyLikeRequest,
  type FastifyLikeReply,
  type FastifyLikeInstance,
} from '../middleware/fastify.js';
export type { KubeAuthContext, KubeAuthOptions } from '../middleware/core.js';
