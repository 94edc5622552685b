/**
 * The framework-independent request check every adapter uses: read `Authorization: Bearer`, authenticate,
 * optionally authorize, and either admit the request with its user or produce the error answer.
 *
 * @module
 */
import type { AccessAttributes, AccessReviewer } from '../accessreview.js';
import { ReviewError } from '../errors.js';
import { ANONYMOUS_USER, type AuthenticationResult, type Authenticator, type UserInfo } from '../types.js';
import {
  forbiddenMessage,
  forbiddenResponse,
  internalErrorResponse,
  unauthorizedResponse,
  unavailableResponse,
  type ErrorResponse,
} from './status.js';

/** The request facts the authorize step gets. */
export interface RequestDescription {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** URL path without the query string (percent-encoding kept). */
  readonly path: string;
}

/**
 * What an authorize step returns: `true`/`false`, or a decision. `attributes` (what was checked) make the 403
 * message name the resource the way kube-apiserver does.
 */
export type AuthorizeDecision =
  boolean | { readonly allowed: boolean; readonly reason?: string; readonly attributes?: AccessAttributes };

/** An authorize step; throwing {@link ReviewError} answers 503, any other error 500. */
export type Authorize = (user: UserInfo, request: RequestDescription) => AuthorizeDecision | Promise<AuthorizeDecision>;

/** Options shared by every middleware adapter. */
export interface KubeAuthOptions {
  /** Turns tokens into users: {@link TokenReviewer}, {@link JwksVerifier} or your own {@link Authenticator}. */
  readonly authenticator: Authenticator;
  /** Optional authorization after authentication; a denial answers 403. See {@link accessReviewAuthorizer}. */
  readonly authorize?: Authorize;
  /**
   * Let requests without credentials through as `system:anonymous` (groups `system:unauthenticated`), like
   * kube-apiserver's `--anonymous-auth`; they still go through `authorize`. A bad token is always 401.
   * Default false.
   */
  readonly anonymous?: boolean;
  /** `realm` of the `WWW-Authenticate` challenge. Default `kubernetes`. */
  readonly realm?: string;
  /**
   * Called with errors that made the middleware answer 503 or 500 (and, in the node/Express adapters, errors thrown
   * by the wrapped handler). Default: {@link logKubeAuthError} (`console.error`).
   */
  readonly onError?: (error: unknown, request: RequestDescription) => void;
}

/** What the middleware attaches to an admitted request. */
export interface KubeAuthContext {
  /** The authenticated user, or {@link ANONYMOUS_USER} for an admitted request without credentials. */
  readonly user: UserInfo;
  /** The authenticator's full answer; `undefined` for anonymous requests. */
  readonly authentication: AuthenticationResult | undefined;
}

/** The outcome of {@link KubeAuth.check}: admit with a context, or answer with an error response. */
export type KubeAuthOutcome =
  ({ readonly ok: true } & KubeAuthContext) | { readonly ok: false; readonly response: ErrorResponse };

/** Input of {@link KubeAuth.check}. */
export interface CheckInput extends RequestDescription {
  /** The `Authorization` header value, if any. */
  readonly authorization: string | undefined;
  /** Aborts waiting for the authenticator (client went away). */
  readonly signal?: AbortSignal;
}

/** A configured request check; adapters wrap it. */
export interface KubeAuth {
  check(input: CheckInput): Promise<KubeAuthOutcome>;
}

/** What an `Authorization` header holds, as {@link parseAuthorization} reads it. */
export type BearerCredentials =
  { readonly kind: 'none' } | { readonly kind: 'invalid' } | { readonly kind: 'token'; readonly token: string };

/**
 * Reads an `Authorization` header the way kube-apiserver does (scheme `Bearer`, case-insensitive): no header, another
 * scheme or `Bearer` alone count as no credentials; a token containing whitespace (`Bearer a b`, `Bearer  a`) is
 * rejected as invalid rather than truncated.
 */
export function parseAuthorization(header: string | undefined): BearerCredentials {
  if (header === undefined) return { kind: 'none' };
  const value = header.trim();
  const space = value.indexOf(' ');
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return { kind: 'none' };
  if (space < 0) return { kind: 'none' };
  const token = value.slice(space + 1);
  if (token === '' || hasWhitespace(token)) return { kind: 'invalid' };
  return { kind: 'token', token };
}

/**
 * `/\s/.test(s)`, without a regex pass over a kilobyte token on every request: an ASCII string (the byte length
 * equals the length) can only hold the six ASCII whitespace characters, each found with a fast `includes`.
 */
function hasWhitespace(s: string): boolean {
  if (Buffer.byteLength(s) !== s.length) return /\s/.test(s);
  return (
    s.includes(' ') || s.includes('\t') || s.includes('\n') || s.includes('\v') || s.includes('\f') || s.includes('\r')
  );
}

/** Builds the request check from options (adapters call this once, at setup). */
export function createKubeAuth(options: KubeAuthOptions): KubeAuth {
  if (!options || typeof options.authenticator?.authenticate !== 'function') {
    throw new TypeError('kube auth middleware needs options.authenticator (a TokenReviewer, JwksVerifier, ...)');
  }
  const realm = options.realm ?? 'kubernetes';
  const { authenticator, authorize } = options;
  const onError = options.onError ?? logKubeAuthError;

  const fail = (err: unknown, request: CheckInput): KubeAuthOutcome => {
    if (request.signal?.aborted) return { ok: false, response: unavailableResponse() }; // nobody is listening
    onError(err, { method: request.method, path: request.path });
    return { ok: false, response: err instanceof ReviewError ? unavailableResponse() : internalErrorResponse() };
  };

  return {
    async check(input) {
      const credentials = parseAuthorization(input.authorization);
      let user: UserInfo;
      let authentication: AuthenticationResult | undefined;
      if (credentials.kind === 'token') {
        try {
          authentication = await authenticator.authenticate(credentials.token, { signal: input.signal });
        } catch (err) {
          return fail(err, input);
        }
        if (!authentication.authenticated) return { ok: false, response: unauthorizedResponse(realm, true) };
        user = authentication.user;
      } else if (credentials.kind === 'invalid') {
        return { ok: false, response: unauthorizedResponse(realm, true) };
      } else if (options.anonymous) {
        user = ANONYMOUS_USER;
      } else {
        return { ok: false, response: unauthorizedResponse(realm, false) };
      }
      if (authorize) {
        const request = { method: input.method, path: input.path };
        let decision: AuthorizeDecision;
        try {
          decision = await authorize(user, request);
        } catch (err) {
          return fail(err, input);
        }
        const d = typeof decision === 'boolean' ? { allowed: decision } : decision;
        if (!d.allowed) {
          const attributes = d.attributes ?? nonResourceAttributesFor(request);
          return {
            ok: false,
            response: forbiddenResponse(forbiddenMessage(user.username, attributes, d.reason), d.attributes),
          };
        }
      }
      return { ok: true, user, authentication };
    },
  };
}

/** The default `onError`: one `console.error` line naming the request and the error. */
export function logKubeAuthError(error: unknown, request: RequestDescription): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`@kubeauth/verify: ${request.method} ${request.path}: ${message}`);
}

/** The non-resource attributes of a request: its path and lower-case method (what kube-apiserver checks). */
export function nonResourceAttributesFor(request: RequestDescription): AccessAttributes {
  return { nonResourceAttributes: { path: request.path, verb: request.method.toLowerCase() } };
}

/**
 * The Kubernetes verb for an HTTP method on a resource: GET/HEAD `get`, POST `create`, PUT `update`, PATCH `patch`,
 * DELETE `delete` (kube-rbac-proxy's mapping); other methods lower-cased.
 */
export function verbForMethod(method: string): string {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

/**
 * An authorize step backed by SubjectAccessReview. Without `attributes` it checks the request's path and method as
 * non-resource attributes (RBAC `nonResourceURLs`), like kube-rbac-proxy without a config file.
 *
 * @example
 * ```ts
 * authorize: accessReviewAuthorizer(access, (user, req) => ({
 *   resourceAttributes: { verb: verbForMethod(req.method), resource: 'widgets', group: 'example.com', namespace: 'prod' },
 * })),
 * ```
 */
export function accessReviewAuthorizer(
  reviewer: AccessReviewer,
  attributes?: AccessAttributes | ((user: UserInfo, request: RequestDescription) => AccessAttributes),
): Authorize {
  return async (user, request) => {
    const attrs =
      typeof attributes === 'function' ? attributes(user, request) : (attributes ?? nonResourceAttributesFor(request));
    const result = await reviewer.check(user, attrs);
    const reason = result.reason ?? result.evaluationError;
    return { allowed: result.allowed, attributes: attrs, ...(reason ? { reason } : {}) };
  };
}

/** The path of a request target (`/a/b?x` → `/a/b`; absolute-form targets too). */
export function pathOf(target: string | undefined): string {
  if (!target) return '/';
  if (target.startsWith('/')) {
    const q = target.search(/[?#]/);
    return q < 0 ? target : target.slice(0, q);
  }
  try {
    return new URL(target).pathname;
  } catch {
    return '/';
  }
}

const contexts = new WeakMap<object, KubeAuthContext>();

/** Records the context of an admitted request (adapters call this). */
export function attachKubeAuth(request: object, context: KubeAuthContext): void {
  contexts.set(request, context);
}

/**
 * The auth context the middleware attached to `request` (a node/Express/Fastify request or a fetch `Request`), or
 * `undefined` if the request did not pass through it.
 */
export function getKubeAuth(request: object): KubeAuthContext | undefined {
  return contexts.get(request);
}

/**
 * Like {@link getKubeAuth} but throws when the request did not pass through the middleware — a typed way to
 * reach the user in any framework's handler.
 *
 * @throws Error when the middleware did not run for `request`.
 */
export function requireKubeAuth(request: object): KubeAuthContext {
  const ctx = contexts.get(request);
  if (!ctx) throw new Error('no Kubernetes auth context on this request: is the kube auth middleware installed?');
  return ctx;
}
