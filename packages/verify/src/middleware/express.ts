/**
 * Express (4 and 5) middleware, written against structural types so the package does not depend on Express.
 *
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from '../types.js';
import { attachKubeAuth, createKubeAuth, pathOf, type KubeAuthContext, type KubeAuthOptions } from './core.js';
import { writeErrorResponse, type WritableResponse } from './node.js';

declare global {
  // Types `req.kubeAuth` in Express apps (merges into @types/express' Request when it is installed).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `expressKubeAuth` on admitted requests. */
      kubeAuth?: KubeAuthContext;
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
  kubeAuth?: KubeAuthContext;
}

/** An Express `next` function. */
export type ExpressLikeNext = (err?: unknown) => void;

/**
 * Express middleware: admitted requests get `req.kubeAuth` (typed via a global `Express.Request` augmentation) and
 * `req.user` (untyped in Express unless you declare it); use {@link requireKubeAuth} for a typed user anywhere.
 * Others get 401/403/503 `Status` answers and `next` is not called.
 *
 * @example
 * ```ts
 * app.use(expressKubeAuth({ authenticator: reviewer }));
 * app.get('/whoami', (req, res) => res.json({ user: requireKubeAuth(req).user.username }));
 * ```
 */
export function expressKubeAuth(
  options: KubeAuthOptions,
): (req: ExpressLikeRequest, res: WritableResponse, next: ExpressLikeNext) => void {
  const auth = createKubeAuth(options);
  return (req, res, next) => {
    const authorization = req.headers.authorization;
    auth.check({ authorization, method: req.method, path: pathOf(req.originalUrl ?? req.url) }).then((outcome) => {
      if (!outcome.ok) return writeErrorResponse(res, outcome.response);
      const context: KubeAuthContext = { user: outcome.user, authentication: outcome.authentication };
      req.kubeAuth = context;
      (req as { user?: UserInfo }).user = context.user;
      attachKubeAuth(req, context);
      next();
    }, next);
  };
}
