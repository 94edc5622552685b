/**
 * Fastify hook and plugin, written against structural types so the package does not depend on Fastify.
 *
 * @module
 */
import type { UserInfo } from '../types.js';
import { attachKubeAuth, createKubeAuth, pathOf, type KubeAuthContext, type KubeAuthOptions } from './core.js';

/** The parts of a Fastify request the hook reads and sets. */
export interface FastifyLikeRequest {
  readonly headers: { readonly authorization?: string | undefined };
  readonly method: string;
  readonly url: string;
}

/** The parts of a Fastify reply the hook uses. */
export interface FastifyLikeReply {
  code(statusCode: number): FastifyLikeReply;
  header(name: string, value: string): FastifyLikeReply;
  send(payload?: unknown): FastifyLikeReply;
}

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyLikeInstance {
  decorateRequest(name: string, value: null): unknown;
  hasRequestDecorator(name: string): boolean;
  addHook(name: 'onRequest', hook: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>): unknown;
}

/**
 * An `onRequest` (or `preHandler`) hook: admitted requests get `request.user` and `request.kubeAuth`; others are
 * answered 401/403/503 and the route handler does not run. Use it per route or with `addHook`.
 *
 * Typing: declare the fields in your app if you read them directly
 * (`declare module 'fastify' { interface FastifyRequest { user: UserInfo | null } }`), or use
 * {@link requireKubeAuth}.
 *
 * @example
 * ```ts
 * app.get('/metrics', { onRequest: fastifyKubeAuthHook({ authenticator: reviewer }) }, handler);
 * ```
 */
export function fastifyKubeAuthHook(
  options: KubeAuthOptions,
): <Reply extends FastifyLikeReply>(request: FastifyLikeRequest, reply: Reply) => Promise<Reply | undefined> {
  const auth = createKubeAuth(options);
  return async (request, reply) => {
    const outcome = await auth.check({
      authorization: request.headers.authorization,
      method: request.method,
      path: pathOf(request.url),
    });
    if (!outcome.ok) {
      const { status, headers, body } = outcome.response;
      reply.code(status);
      for (const [name, value] of Object.entries(headers)) reply.header(name, value);
      reply.send(Buffer.from(body)); // a Buffer keeps Fastify from appending "; charset=utf-8"
      return reply; // tells Fastify the hook answered
    }
    const context: KubeAuthContext = { user: outcome.user, authentication: outcome.authentication };
    Object.assign(request, { user: context.user, kubeAuth: context });
    attachKubeAuth(request, context);
    return undefined;
  };
}

async function plugin(fastify: FastifyLikeInstance, options: KubeAuthOptions): Promise<void> {
  for (const name of ['user', 'kubeAuth']) {
    if (!fastify.hasRequestDecorator(name)) fastify.decorateRequest(name, null);
  }
  fastify.addHook('onRequest', fastifyKubeAuthHook(options));
}

/**
 * Fastify plugin: `app.register(fastifyKubeAuth, options)` adds the {@link fastifyKubeAuthHook} as an `onRequest`
 * hook to every route of the instance it is registered on (it is not encapsulated, like a `fastify-plugin` plugin),
 * and decorates requests with `user` and `kubeAuth`.
 *
 * @example
 * ```ts
 * await app.register(fastifyKubeAuth, { authenticator: reviewer });
 * ```
 */
export const fastifyKubeAuth: ((fastify: FastifyLikeInstance, options: KubeAuthOptions) => Promise<void>) & {
  readonly [key: symbol]: unknown;
} = Object.assign(plugin, {
  // What fastify-plugin sets: skip encapsulation so the hook applies to the parent instance, and name the plugin.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@kubeauth/verify',
});

/** The user a Fastify request was admitted with (`request.user`), typed. */
export function fastifyUser(request: FastifyLikeRequest): UserInfo | undefined {
  return (request as { user?: UserInfo | null }).user ?? undefined;
}
