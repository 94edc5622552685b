/**
 * Fastify hook and plugin, written against structural types so the package does not depend on Fastify. Importing
 * `@kubeauth/verify/fastify` also types `request.kubeAuth` in Fastify apps.
 *
 * @module
 */
import type { UserInfo } from '../types.js';
import { createKubeAuth, pathOf, setRequestProperties, type KubeAuthContext, type KubeAuthOptions } from './core.js';

/** The parts of a Fastify request the hook reads and sets. */
export interface FastifyLikeRequest {
  readonly headers: { readonly [name: string]: string | string[] | undefined };
  readonly method: string;
  readonly url: string;
  /** Route parameters (Fastify parses them before `onRequest`). */
  readonly params?: unknown;
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
 * An `onRequest` (or `preHandler`) hook: admitted requests get `request.kubeAuth` (`requestProperty`); others are
 * answered 401/403/503 and the route handler does not run — or, with `errors: 'next'`, the hook throws an error
 * with `statusCode` and `code` for Fastify's error handler. Use it per route or with `addHook`.
 *
 * @example
 * ```ts
 * app.get('/metrics', { onRequest: fastifyKubeAuthHook({ authenticator: reviewer }) }, handler);
 * ```
 */
export function fastifyKubeAuthHook<Req extends FastifyLikeRequest = FastifyLikeRequest>(
  options: KubeAuthOptions<Req>,
): <Reply extends FastifyLikeReply>(request: Req, reply: Reply) => Promise<Reply | undefined> {
  const auth = createKubeAuth(options);
  return async (request, reply) => {
    const q = request.url.indexOf('?');
    const outcome = await auth.check({
      raw: request,
      authorization: headerValue(request.headers.authorization),
      method: request.method,
      path: pathOf(request.url),
      search: q < 0 ? '' : request.url.slice(q + 1),
      params: (request.params ?? undefined) as Record<string, string> | undefined,
      header: (name) => headerValue(request.headers[name]),
    });
    if (!outcome.ok) {
      if (auth.passErrors) throw outcome.error;
      const { status, headers, body } = outcome.response;
      reply.code(status);
      for (const [name, value] of Object.entries(headers)) reply.header(name, value);
      reply.send(Buffer.from(body)); // a Buffer keeps Fastify from appending "; charset=utf-8"
      return reply; // tells Fastify the hook answered
    }
    if (outcome.context) setRequestProperties(auth, request, outcome.context);
    return undefined;
  };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}

async function plugin(fastify: FastifyLikeInstance, options: KubeAuthOptions<FastifyLikeRequest>): Promise<void> {
  for (const name of [options.requestProperty ?? 'kubeAuth', ...(options.userProperty ? [options.userProperty] : [])]) {
    if (!fastify.hasRequestDecorator(name)) fastify.decorateRequest(name, null);
  }
  fastify.addHook('onRequest', fastifyKubeAuthHook(options));
}

/**
 * Fastify plugin: `app.register(fastifyKubeAuth, options)` adds the {@link fastifyKubeAuthHook} as an `onRequest`
 * hook to every route of the instance it is registered on (it is not encapsulated, like a `fastify-plugin` plugin),
 * and decorates requests with `kubeAuth`.
 *
 * @example
 * ```ts
 * await app.register(fastifyKubeAuth, { authenticator: reviewer });
 * ```
 */
export const fastifyKubeAuth: ((
  fastify: FastifyLikeInstance,
  options: KubeAuthOptions<FastifyLikeRequest>,
) => Promise<void>) & {
  readonly [key: symbol]: unknown;
} = Object.assign(plugin, {
  // What fastify-plugin sets: skip encapsulation so the hook applies to the parent instance, and name the plugin.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@kubeauth/verify',
});

/**
 * The user a Fastify request was admitted with, typed.
 *
 * @deprecated Read `request.kubeAuth.user` (typed by importing `@kubeauth/verify/fastify`).
 */
export function fastifyUser(request: FastifyLikeRequest): UserInfo | undefined {
  return (request as { kubeAuth?: KubeAuthContext | null }).kubeAuth?.user ?? undefined;
}
