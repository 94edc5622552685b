/**
 * Express (4 and 5) middleware, written against structural types so the package does not depend on Express.
 * Importing `@kubeauth/verify/express` also types `req.kubeAuth` in Express apps.
 *
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createKubeAuth, pathOf, setRequestProperties, type KubeAuthContext, type KubeAuthOptions } from './core.js';
import { writeErrorResponse, type WritableResponse } from './node.js';

declare global {
  // Types `req.kubeAuth` in Express apps (merges into @types/express' Request when it is installed). Declared
  // present, as @fastify/jwt declares `request.user`: it is set on every request the middleware admits with
  // credentials; read it in handlers behind the middleware (or use `getKubeAuth(req)`, which may be undefined).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `expressKubeAuth` on admitted requests. */
      kubeAuth: KubeAuthContext;
    }
  }
}

/** The parts of an Express request the middleware reads and sets. */
export interface ExpressLikeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly url: string;
  /** Express keeps the full path here when the middleware is mounted under a prefix. */
  readonly originalUrl?: string;
  /** Route parameters (set when the middleware is used on a route with parameters). */
  readonly params?: unknown;
}

/** An Express `next` function. */
export type ExpressLikeNext = (err?: unknown) => void;

/**
 * Express middleware: admitted requests get `req.kubeAuth` (the property is `requestProperty`; typed by a global
 * `Express.Request` augmentation). Rejected requests are answered 401/403/503 and `next` is not called — or, with
 * `errors: 'next'`, `next(err)` is called with an error carrying `statusCode` and `code`.
 *
 * @example
 * ```ts
 * app.use(expressKubeAuth({ authenticator: reviewer }));
 * app.get('/whoami', (req, res) => res.json({ user: req.kubeAuth.user.username }));
 * ```
 */
export function expressKubeAuth<Req extends ExpressLikeRequest = ExpressLikeRequest>(
  options: KubeAuthOptions<Req>,
): (req: Req, res: WritableResponse, next: ExpressLikeNext) => void {
  const auth = createKubeAuth(options);
  return (req, res, next) => {
    const target = req.originalUrl ?? req.url;
    const q = target.indexOf('?');
    auth
      .check({
        raw: req,
        authorization: req.headers.authorization,
        method: req.method,
        path: pathOf(target),
        search: q < 0 ? '' : target.slice(q + 1),
        params: (req.params ?? undefined) as Record<string, string> | undefined,
        header: (name) => headerValue(req.headers[name]),
      })
      .then((outcome) => {
        if (!outcome.ok) {
          if (auth.passErrors) return next(outcome.error);
          return writeErrorResponse(res, outcome.response);
        }
        if (outcome.context) setRequestProperties(auth, req, outcome.context);
        next();
      }, next);
  };
}

/** A node header value as one string (repeated headers joined with `, `). */
export function headerValue(v: string | readonly string[] | undefined): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}
