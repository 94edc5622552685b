/**
 * Adapters for Web-standard `Request`/`Response` handlers: Next.js route handlers, Hono, Bun/Deno-style servers.
 *
 * @module
 */
import { attachKubeAuth, createKubeAuth, type KubeAuth, type KubeAuthContext, type KubeAuthOptions } from './core.js';
import type { ErrorResponse } from './status.js';

/** Turns an error answer into a `Response`. */
export function toResponse(response: ErrorResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

/** Result of {@link checkRequest}: the context, or the `Response` to return. */
export type FetchCheckResult =
  ({ readonly ok: true } & KubeAuthContext) | { readonly ok: false; readonly response: Response };

/**
 * Checks a `Request` (for frameworks with their own middleware model). Waiting stops when `request.signal` aborts.
 *
 * @param auth - from {@link createKubeAuth}, created once.
 */
export async function checkRequest(auth: KubeAuth, request: Request): Promise<FetchCheckResult> {
  const outcome = await auth.check({
    authorization: request.headers.get('authorization') ?? undefined,
    method: request.method,
    path: new URL(request.url).pathname,
    signal: request.signal,
  });
  if (!outcome.ok) return { ok: false, response: toResponse(outcome.response) };
  const context: KubeAuthContext = { user: outcome.user, authentication: outcome.authentication };
  attachKubeAuth(request, context);
  return { ok: true, ...context };
}

/**
 * Wraps a fetch-style handler: `handler(request, { user, authentication }, ...rest)` runs only for admitted
 * requests; extra arguments (Next.js' route context, Cloudflare's env) are passed through after the auth context.
 *
 * @example
 * ```ts
 * // app/api/whoami/route.ts (Next.js)
 * export const GET = fetchKubeAuth({ authenticator: reviewer }, (req, { user }) => Response.json({ user: user.username }));
 * ```
 */
export function fetchKubeAuth<Args extends unknown[]>(
  options: KubeAuthOptions,
  handler: (request: Request, auth: KubeAuthContext, ...args: Args) => Response | Promise<Response>,
): (request: Request, ...args: Args) => Promise<Response> {
  const auth = createKubeAuth(options);
  return async (request, ...args) => {
    const result = await checkRequest(auth, request);
    if (!result.ok) return result.response;
    return handler(request, { user: result.user, authentication: result.authentication }, ...args);
  };
}

/** The parts of a Hono `Context` the middleware uses. */
export interface HonoLikeContext {
  readonly req: { readonly raw: Request };
  // `never` parameters accept Hono's generic `set` signature.
  set: (key: never, value: never) => void;
}

/**
 * Hono middleware: admitted requests continue with `c.get('user')` and `c.get('kubeAuth')` set; others are answered
 * 401/403/503. Type the variables in your app: `new Hono<{ Variables: { user: UserInfo; kubeAuth: KubeAuthContext } }>()`.
 *
 * @example
 * ```ts
 * app.use('/api/*', honoKubeAuth({ authenticator: reviewer }));
 * ```
 */
export function honoKubeAuth(
  options: KubeAuthOptions,
): (c: HonoLikeContext, next: () => Promise<void>) => Promise<Response | undefined> {
  const auth = createKubeAuth(options);
  return async (c, next) => {
    const result = await checkRequest(auth, c.req.raw);
    if (!result.ok) return result.response;
    const ctx = c as unknown as { set(key: string, value: unknown): void };
    ctx.set('user', result.user);
    ctx.set('kubeAuth', { user: result.user, authentication: result.authentication });
    await next();
    return undefined;
  };
}
