/**
 * Adapter for plain `node:http` / `node:https` / `node:http2` (compat) request listeners.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../types.js';
import {
  attachKubeAuth,
  createKubeAuth,
  logKubeAuthError,
  pathOf,
  type KubeAuthContext,
  type KubeAuthOptions,
} from './core.js';
import { internalErrorResponse, type ErrorResponse } from './status.js';

/** Fields {@link withKubeAuth} sets on an admitted request. */
export interface KubeAuthRequestFields {
  /** The authenticated (or, with `anonymous`, anonymous) user. */
  user: UserInfo;
  /** The user and the authenticator's full answer. */
  kubeAuth: KubeAuthContext;
}

/** The minimal response surface the adapters write to (node's `ServerResponse`, Express' `res`). */
export interface WritableResponse {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** Writes an error answer to a node-style response. */
export function writeErrorResponse(res: WritableResponse, response: ErrorResponse): void {
  if (res.headersSent) return;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}

/**
 * Wraps a `node:http` request listener: only authenticated (and, with `authorize`, authorized) requests reach
 * `handler`, with `req.user` and `req.kubeAuth` set. Others get 401/403/503 `Status` answers.
 *
 * @example
 * ```ts
 * createServer(withKubeAuth({ authenticator: reviewer }, (req, res) => res.end(req.user.username)));
 * ```
 */
export function withKubeAuth<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(
  options: KubeAuthOptions,
  handler: (req: Req & KubeAuthRequestFields, res: Res) => unknown,
): (req: Req, res: Res) => void {
  const auth = createKubeAuth(options);
  return (req, res) => {
    const path = pathOf(req.url);
    const method = req.method ?? 'GET';
    auth
      .check({ authorization: req.headers.authorization, method, path })
      .then(async (outcome) => {
        if (!outcome.ok) return writeErrorResponse(res, outcome.response);
        const context: KubeAuthContext = { user: outcome.user, authentication: outcome.authentication };
        const authed = Object.assign(req, { user: context.user, kubeAuth: context });
        attachKubeAuth(req, context);
        await handler(authed, res);
      })
      .catch((err: unknown) => {
        // The handler threw: report it and answer 500 if nothing was sent yet.
        (options.onError ?? logKubeAuthError)(err, { method, path });
        writeErrorResponse(res, internalErrorResponse());
      });
  };
}
