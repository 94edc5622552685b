/**
 * The framework-independent request check every adapter uses: read `Authorization: Bearer`, authenticate,
 * optionally authorize, and either admit the request with its user or produce the error answer.
 *
 * @module
 */
import type { AccessAttributes, AccessReviewer } from '../accessreview.js';
import type { ServiceAccountClaims } from '../claims.js';
import { AccessDeniedError, AuthenticationError, ReviewError, type KubeAuthRejection } from '../errors.js';
import { ANONYMOUS_USER, type AuthenticationResult, type Authenticator, type UserInfo } from '../types.js';
import {
  forbiddenMessage,
  forbiddenResponse,
  internalErrorResponse,
  unauthorizedResponse,
  unavailableResponse,
  type ErrorResponse,
} from './status.js';

/** The request facts every hook gets. */
export interface RequestDescription {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** URL path without the query string (percent-encoding kept). */
  readonly path: string;
}

/** What the authorize step gets: the request facts, the framework's own request, and the route parameters. */
export interface AuthorizeRequest<Req = unknown> extends RequestDescription {
  /** The framework's native request (node `IncomingMessage`, Express `req`, Fastify `request`, fetch `Request`). */
  readonly raw: Req;
  /** Route parameters (Express `req.params`, Fastify `request.params`, Hono `c.req.param()`); `{}` when none. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string, parsed. */
  readonly query: URLSearchParams;
  /** A request header (lower-case name). */
  header(name: string): string | undefined;
}

/**
 * What an authorize step returns: `true`/`false`, or a decision. `attributes` (what was checked) make the 403
 * message name the resource the way kube-apiserver does.
 */
export type AuthorizeDecision =
  boolean | { readonly allowed: boolean; readonly reason?: string; readonly attributes?: AccessAttributes };

/** An authorize step; throwing {@link ReviewError} answers 503, any other error 500. */
export type Authorize<Req = unknown> = (
  user: UserInfo,
  request: AuthorizeRequest<Req>,
) => AuthorizeDecision | Promise<AuthorizeDecision>;

/** Options shared by every middleware adapter; `Req` is the framework's request type. */
export interface KubeAuthOptions<Req = unknown> {
  /** Turns tokens into users: {@link TokenReviewer}, {@link JwksVerifier} or your own {@link Authenticator}. */
  readonly authenticator: Authenticator;
  /**
   * Optional authorization after authentication; a denial answers 403. Gets the native request and the route
   * parameters. See {@link accessReviewAuthorizer}.
   */
  readonly authorize?: Authorize<Req>;
  /**
   * Let requests without credentials through as `system:anonymous` (groups `system:unauthenticated`), like
   * kube-apiserver's `--anonymous-auth`; they still go through `authorize`. A bad token is always 401.
   * Default false.
   */
  readonly anonymous?: boolean;
  /**
   * With `false`, requests without credentials go on without an auth context and without `authorize` (express-jwt's
   * `credentialsRequired`); a bad token is still 401. Default true.
   */
  readonly credentialsRequired?: boolean;
  /**
   * Where the token is: return it, or `undefined`/`null` for none (express-jwt's `getToken`). Default: the
   * `Authorization: Bearer` header, read as kube-apiserver reads it.
   */
  readonly getToken?: (request: Req) => string | null | undefined;
  /**
   * Paths that skip authentication and authorization entirely (kube-rbac-proxy's `--ignore-paths`): exact paths,
   * globs where `*` matches within one path segment (Go's `path.Match`), or regular expressions.
   */
  readonly ignorePaths?: readonly (string | RegExp)[];
  /**
   * `'respond'` (default): rejected requests are answered here (401/403/503/500 with a Kubernetes `Status`).
   * `'next'`: the error is handed to the framework instead — Express `next(err)`, thrown in Fastify and Hono — with
   * `statusCode` 401/403/503 and a stable `code`, for the app's own error handler.
   */
  readonly errors?: 'respond' | 'next';
  /** Replaces the answer to a rejected request (status, headers, body), e.g. for an app-wide error format. */
  readonly errorResponse?: (error: KubeAuthRejection | Error, response: ErrorResponse) => ErrorResponse;
  /** Called with every rejection: missing or bad credentials (401), denials (403), and 503/500 failures. */
  readonly onReject?: (error: KubeAuthRejection | Error, request: RequestDescription) => void;
  /** `realm` of the `WWW-Authenticate` challenge. Default `kubernetes`. */
  readonly realm?: string;
  /**
   * The request property that gets the {@link KubeAuthContext} (node, Express, Fastify; Hono: the context variable).
   * Default `kubeAuth`.
   */
  readonly requestProperty?: string;
  /**
   * Also put the user under this request property, e.g. `'user'`. Default: none, so a `req.user` set by earlier
   * middleware (passport) is left alone.
   */
  readonly userProperty?: string;
  /**
   * Called with errors that made the middleware answer 503 or 500 (and, in the node adapter, errors thrown by the
   * wrapped handler). Default: {@link logKubeAuthError} (`console.error`).
   */
  readonly onError?: (error: unknown, request: RequestDescription) => void;
}

/** What the middleware attaches to an admitted request. */
export interface KubeAuthContext {
  /** The authenticated user, or {@link ANONYMOUS_USER} for an admitted request without credentials. */
  readonly user: UserInfo;
  /** The authenticator's full answer; `undefined` for anonymous requests. */
  readonly authentication: AuthenticationResult | undefined;
  /** The verified token claims, when the authenticator is a {@link JwksVerifier}. */
  readonly claims?: ServiceAccountClaims;
}

/**
 * The outcome of {@link KubeAuth.check}: admit with a context (`context` undefined: no credentials and
 * `credentialsRequired: false`, or an ignored path), or reject with an error and the answer to send.
 */
export type KubeAuthOutcome =
  | { readonly ok: true; readonly context: KubeAuthContext | undefined }
  | { readonly ok: false; readonly error: KubeAuthRejection | Error; readonly response: ErrorResponse };

/** Input of {@link KubeAuth.check}. */
export interface CheckInput<Req = unknown> extends RequestDescription {
  /** The framework's request (for `getToken` and `authorize`). */
  readonly raw: Req;
  /** The `Authorization` header value, if any. */
  readonly authorization: string | undefined;
  /** The request target's query string, without `?` (default none). */
  readonly search?: string;
  /** Route parameters, if the framework has them. */
  readonly params?: Readonly<Record<string, string>>;
  /** Reads a request header. */
  readonly header?: (name: string) => string | undefined;
  /** Aborts waiting for the authenticator (client went away). */
  readonly signal?: AbortSignal;
}

/** A configured request check; adapters wrap it. */
export interface KubeAuth<Req = unknown> {
  check(input: CheckInput<Req>): Promise<KubeAuthOutcome>;
  /** The request property for the context. */
  readonly requestProperty: string;
  /** The request property for the user, if any. */
  readonly userProperty: string | undefined;
  /** `'next'`: hand rejections to the framework. */
  readonly passErrors: boolean;
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

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** Builds the request check from options (adapters call this once, at setup). */
export function createKubeAuth<Req = unknown>(options: KubeAuthOptions<Req>): KubeAuth<Req> {
  if (!options || typeof options.authenticator?.authenticate !== 'function') {
    throw new TypeError('kube auth middleware needs options.authenticator (a TokenReviewer, JwksVerifier, ...)');
  }
  const realm = options.realm ?? 'kubernetes';
  const { authenticator, authorize, getToken, onReject, errorResponse } = options;
  const onError = options.onError ?? logKubeAuthError;
  const credentialsRequired = options.credentialsRequired !== false;
  const ignored = compilePathMatchers(options.ignorePaths ?? []);
  const reject = (
    error: KubeAuthRejection | Error,
    response: ErrorResponse,
    input: CheckInput<Req>,
  ): KubeAuthOutcome => {
    onReject?.(error, { method: input.method, path: input.path });
    return { ok: false, error, response: errorResponse ? errorResponse(error, response) : response };
  };
  const fail = (err: unknown, input: CheckInput<Req>): KubeAuthOutcome => {
    const error = err instanceof Error ? err : new Error(String(err));
    if (input.signal?.aborted) return { ok: false, error, response: unavailableResponse() }; // nobody is listening
    onError(err, { method: input.method, path: input.path });
    return reject(error, err instanceof ReviewError ? unavailableResponse() : internalErrorResponse(), input);
  };
  const unauthorized = (input: CheckInput<Req>, error: AuthenticationError, presented: boolean): KubeAuthOutcome =>
    reject(error, unauthorizedResponse(realm, presented), input);
  return {
    requestProperty: options.requestProperty ?? 'kubeAuth',
    userProperty: options.userProperty,
    passErrors: options.errors === 'next',
    async check(input) {
      if (ignored !== undefined && ignored(input.path)) return { ok: true, context: undefined };
      let credentials: BearerCredentials;
      if (getToken) {
        let token: string | null | undefined;
        try {
          token = getToken(input.raw);
        } catch (err) {
          return fail(err, input);
        }
        credentials =
          token === undefined || token === null
            ? { kind: 'none' }
            : token === '' || hasWhitespace(token)
              ? { kind: 'invalid' }
              : { kind: 'token', token };
      } else credentials = parseAuthorization(input.authorization);
      let user: UserInfo;
      let authentication: AuthenticationResult | undefined;
      if (credentials.kind === 'token') {
        try {
          authentication = await authenticator.authenticate(credentials.token, { signal: input.signal });
        } catch (err) {
          return fail(err, input);
        }
        if (!authentication.authenticated) {
          const reason = authentication.error;
          return unauthorized(
            input,
            new AuthenticationError(
              authentication.code ?? 'ERR_TOKEN_INVALID',
              reason ?? 'token is not authenticated',
              {
                ...(reason === undefined ? {} : { reason }),
              },
            ),
            true,
          );
        }
        user = authentication.user;
      } else if (credentials.kind === 'invalid') {
        return unauthorized(
          input,
          new AuthenticationError('ERR_CREDENTIALS_MALFORMED', 'the bearer token is malformed'),
          true,
        );
      } else if (options.anonymous) {
        user = ANONYMOUS_USER;
      } else if (!credentialsRequired) {
        return { ok: true, context: undefined };
      } else {
        return unauthorized(input, new AuthenticationError('ERR_CREDENTIALS_MISSING', 'no bearer token'), false);
      }
      if (authorize) {
        const request = authorizeRequest(input);
        let decision: AuthorizeDecision;
        try {
          decision = await authorize(user, request);
        } catch (err) {
          return fail(err, input);
        }
        const d = typeof decision === 'boolean' ? { allowed: decision } : decision;
        if (!d.allowed) {
          const attributes = d.attributes ?? nonResourceAttributesFor(request);
          const message = forbiddenMessage(user.username, attributes, d.reason);
          return reject(
            new AccessDeniedError(message, { ...(d.reason ? { reason: d.reason } : {}), attributes }),
            forbiddenResponse(message, d.attributes),
            input,
          );
        }
      }
      const claims = (authentication as { claims?: ServiceAccountClaims } | undefined)?.claims;
      return { ok: true, context: claims ? { user, authentication, claims } : { user, authentication } };
    },
  };
}

function authorizeRequest<Req>(input: CheckInput<Req>): AuthorizeRequest<Req> {
  let query: URLSearchParams | undefined;
  return {
    method: input.method,
    path: input.path,
    raw: input.raw,
    params: input.params ?? NO_PARAMS,
    get query() {
      return (query ??= new URLSearchParams(input.search ?? ''));
    },
    header: (name) => input.header?.(name.toLowerCase()),
  };
}

/** A matcher of `ignorePaths` entries, or undefined for none. */
function compilePathMatchers(patterns: readonly (string | RegExp)[]): ((path: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const exact = new Set<string>();
  const res: RegExp[] = [];
  for (const p of patterns) {
    if (p instanceof RegExp) res.push(p);
    else if (typeof p !== 'string' || !p.startsWith('/'))
      throw new TypeError(`ignorePaths: "${String(p)}" must start with /`);
    else if (!/[*?[\\]/.test(p)) exact.add(p);
    else {
      // Go's path.Match: `*` any run of non-/ characters, `?` one non-/ character.
      const src = p
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]');
      res.push(new RegExp(`^${src}$`));
    }
  }
  return (path) => exact.has(path) || res.some((r) => r.test(path));
}

/** Sets the context (and user) on a request object under the configured property names. */
export function setRequestProperties(auth: KubeAuth<never>, request: object, context: KubeAuthContext): void {
  (request as Record<string, unknown>)[auth.requestProperty] = context;
  if (auth.userProperty !== undefined) (request as Record<string, unknown>)[auth.userProperty] = context.user;
  contexts.set(request, context);
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
export function accessReviewAuthorizer<Req = unknown>(
  reviewer: AccessReviewer,
  attributes?: AccessAttributes | ((user: UserInfo, request: AuthorizeRequest<Req>) => AccessAttributes),
): Authorize<Req> {
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
