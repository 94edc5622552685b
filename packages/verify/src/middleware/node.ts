/**
 * Adapter for plain `node:http` / `node:https` / `node:http2` (compat) request listeners.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createKubeAuth,
  setRequestProperties,
  logKubeAuthError,
  pathOf,
  type KubeAuthContext,
  type KubeAuthOptions,
} from './core.js';
import { internalErrorResponse, type ErrorResponse } from './status.js';

/** Fields {@link withKubeAuth} sets on an admitted request (with the default `requestProperty`). */
export interface KubeAuthRequestFields {
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
 * `handler`, with `req.kubeAuth` set (`requestProperty`). Others get 401/403/503 `Status` answers. With
 * `credentialsRequired: false` or `ignorePaths`, `req.kubeAuth` may be absent.
 *
 * @example
 * ```ts
 * createServer(withKubeAuth({ authenticator: reviewer }, (req, res) => res.end(req.kubeAuth.user.username)));
 * ```
 */
export function withKubeAuth<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(
  options: KubeAuthOptions<Req>,
  handler: (req: Req & KubeAuthRequestFields, res: Res) => unknown,
): (req: Req, res: Res) => void {
  const auth = createKubeAuth(options);
  return (req, res) => {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = pathOf(target);
    const method = req.method ?? 'GET';
    auth
      .check({
        raw: req,
        authorization: req.headers.authorization,
        method,
        path,
        search: q < 0 ? '' : target.slice(q + 1),
        header: (name) => headerValue(req.headers[name]),
      })
      .then(async (outcome) => {
        if (!outcome.ok) return writeErrorResponse(res, outcome.response);
        if (outcome.context) setRequestProperties(auth, req, outcome.context);
        await handler(req as Req & KubeAuthRequestFields, res);
      })
      .catch((err: unknown) => {
        // The handler threw: report it and answer 500 if nothing was sent yet.
        (options.onError ?? logKubeAuthError)(err, { method, path });
        writeErrorResponse(res, internalErrorResponse());
      });
  };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}
