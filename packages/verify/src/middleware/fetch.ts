/**
 * Adapters for Web-standard `Request`/`Response` handlers: Next.js route handlers, Hono, Bun/Deno-style servers.
 *
 * @module
 */
import type { KubeAuthRejection } from '../errors.js';
import { attachKubeAuth, createKubeAuth, type KubeAuth, type KubeAuthContext, type KubeAuthOptions } from './core.js';
import type { ErrorResponse } from './status.js';

/** Turns an error answer into a `Response`. */
export function toResponse(response: ErrorResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

/** Result of {@link checkRequest}: the context, or the `Response` to return (and the error behind it). */
export type FetchCheckResult =
  | { readonly ok: true; readonly context: KubeAuthContext | undefined }
  | { readonly ok: false; readonly response: Response; readonly error: KubeAuthRejection | Error };

/**
 * Checks a `Request` (for frameworks with their own middleware model). Waiting stops when `request.signal` aborts.
 *
 * @param auth - from {@link createKubeAuth}, created once.
 * @param params - route parameters, if the framework has them.
 */
export async function checkRequest<Req extends Request = Request>(
  auth: KubeAuth<Req>,
  request: Req,
  params?: Readonly<Record<string, string>>,
): Promise<FetchCheckResult> {
  const url = new URL(request.url);
  const outcome = await auth.check({
    raw: request,
    authorization: request.headers.get('authorization') ?? undefined,
    method: request.method,
    path: url.pathname,
    search: url.search.slice(1),
    ...(params ? { params } : {}),
    header: (name) => request.headers.get(name) ?? undefined,
    signal: request.signal,
  });
  if (!outcome.ok) return { ok: false, response: toResponse(outcome.response), error: outcome.error };
  if (outcome.context) attachKubeAuth(request, outcome.context);
  return { ok: true, context: outcome.context };
}

/**
 * Wraps a fetch-style handler: `handler(request, context, ...rest)` runs only for admitted requests (`context` is
 * undefined only with `credentialsRequired: false` or an ignored path); extra arguments (Next.js' route context,
 * Cloudflare's env) are passed through after the auth context. With `errors: 'next'` a rejection is thrown.
 *
 * @example
 * ```ts
 * // app/api/whoami/route.ts (Next.js)
 * export const GET = fetchKubeAuth({ authenticator: reviewer }, (req, { user }) => Response.json({ user: user.username }));
 * ```
 */
export function fetchKubeAuth<Args extends unknown[]>(
  options: KubeAuthOptions<Request>,
  handler: (request: Request, auth: KubeAuthContext, ...args: Args) => Response | Promise<Response>,
): (request: Request, ...args: Args) => Promise<Response> {
  const auth = createKubeAuth(options);
  return async (request, ...args) => {
    const result = await checkRequest(auth, request);
    if (!result.ok) {
      if (auth.passErrors) throw result.error;
      return result.response;
    }
    return handler(request, result.context as KubeAuthContext, ...args);
  };
}

/** The parts of a Hono `Context` the middleware uses. */
export interface HonoLikeContext {
  readonly req: { readonly raw: Request; param?: () => unknown };
  // `never` parameters accept Hono's generic `set` signature.
  set: (key: never, value: never) => void;
}

/**
 * Hono middleware: admitted requests continue with `c.get('kubeAuth')` set (the variable is `requestProperty`;
 * typed in Hono's `ContextVariableMap` by importing `@kubeauth/verify/hono`); others are answered 401/403/503 — or,
 * with `errors: 'next'`, the error is thrown for `app.onError`. `authorize` gets `c.req.raw` and the route
 * parameters.
 *
 * @example
 * ```ts
 * app.use('/api/*', honoKubeAuth({ authenticator: reviewer }));
 * app.get('/api/whoami', (c) => c.json({ user: c.get('kubeAuth').user.username }));
 * ```
 */
export function honoKubeAuth(
  options: KubeAuthOptions<Request>,
): (c: HonoLikeContext, next: () => Promise<void>) => Promise<Response | undefined> {
  const auth = createKubeAuth(options);
  return async (c, next) => {
    const params = c.req.param?.() as Record<string, string> | undefined;
    const result = await checkRequest(auth, c.req.raw, params);
    if (!result.ok) {
      if (auth.passErrors) throw result.error;
      return result.response;
    }
    if (result.context) {
      const ctx = c as unknown as { set(key: string, value: unknown): void };
      ctx.set(auth.requestProperty, result.context);
      if (auth.userProperty !== undefined) ctx.set(auth.userProperty, result.context.user);
    }
    await next();
    return undefined;
  };
}
