/**
 * TokenReview (`POST /apis/authentication.k8s.io/v1/tokenreviews`) with a bounded, TTL'd, single-flight cache.
 *
 * Cache lifetimes (defaults), and where they come from:
 * - success 2 min: the default of kube-apiserver's `--authentication-token-webhook-cache-ttl` (`WithWebHook`:
 *   `CacheTTL: 2 * time.Minute`), of the kubelet's flag of the same name, and kube-rbac-proxy's hard-coded
 *   `CacheTTL: 2 * time.Minute`. Never past the token's own `exp`.
 * - failure 10 s: kube-apiserver's webhook authenticator caches failures for the same 2 min but does not cache
 *   failures that carry an error string (`cache.New(..., cacheErrs=false, ttl, ttl)`), i.e. every failure
 *   kube-apiserver itself reports; kube-apiserver's own token cache uses `TokenSuccessCacheTTL` 10 s and no
 *   failure caching. We cache failures briefly (10 s) so a flood of bad tokens cannot flood the API server, while
 *   a token that starts working (clock skew, a just-created object) is retried soon.
 * - errors (API unreachable, 401/403 for our credentials, 5xx): never cached.
 *
 * @module
 */
import { SecretKeyHasher, SingleFlight, FrontedLruCache, raceSignal } from './cache.js';
import type { KubeConnection } from './connection.js';
import { ReviewError } from './errors.js';
import { goQuoteList } from './goquote.js';
import { peekJwtExpiry } from './jwt.js';
import {
  EMPTY_USER,
  type AuthenticateOptions,
  type AuthenticationResult,
  type Authenticator,
  type UserInfo,
} from './types.js';

/** Default success cache TTL: 2 minutes (kube-apiserver `--authentication-token-webhook-cache-ttl`). */
export const DEFAULT_TOKEN_SUCCESS_TTL_MS = 120_000;
/** Default failure cache TTL: 10 seconds. */
export const DEFAULT_TOKEN_FAILURE_TTL_MS = 10_000;
/** Default bound of the token cache. */
export const DEFAULT_TOKEN_CACHE_ENTRIES = 10_000;
/** Default bound of the token cache's front (entries also indexed by the token itself, so hits skip hashing). */
export const DEFAULT_TOKEN_FRONT_CACHE_ENTRIES = 1_024;
/** Tokens longer than this are answered `authenticated: false` locally: 64 KiB. */
export const DEFAULT_MAX_TOKEN_BYTES = 64 * 1024;

/** The answer of {@link TokenReviewer.review}: `TokenReview.status` as the API answered it. */
export type TokenReviewResult = AuthenticationResult;

/** Options of {@link TokenReviewer}. */
export interface TokenReviewerOptions {
  /** The API server to ask; our identity needs `create` on `tokenreviews` (ClusterRole `system:auth-delegator`). */
  readonly connection: KubeConnection;
  /**
   * Audiences to request by default (`spec.audiences`). Strongly recommended: without them the API server checks
   * the token against its own audiences, so tokens minted for the API server are accepted.
   */
  readonly audiences?: readonly string[];
  /** Cache lifetime of authenticated results. Default 120 000 ms; capped by the token's `exp`. 0 disables. */
  readonly successTtlMs?: number;
  /** Cache lifetime of unauthenticated results. Default 10 000 ms. 0 disables. */
  readonly failureTtlMs?: number;
  /** Bound of the cache (LRU). Default 10 000 entries. */
  readonly maxCacheEntries?: number;
  /**
   * How many of the most recently stored or looked-up cache entries are also indexed by the token string itself, so
   * that a hit costs one `Map` lookup instead of a SHA-256 of the token (same entry, same expiry). These keep up to
   * that many bearer tokens in memory while their entries live; the main cache keeps none. Default 1 024; 0 disables.
   */
  readonly maxFrontCacheEntries?: number;
  /** Longer tokens are answered `authenticated: false` without asking the API. Default 65 536. */
  readonly maxTokenBytes?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** Per-call options of {@link TokenReviewer.review}. */
export interface ReviewOptions extends AuthenticateOptions {
  /** Overrides the reviewer's default audiences for this call. */
  readonly audiences?: readonly string[];
}

// Bearer tokens are visible ASCII; anything else cannot come from an Authorization header.
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/**
 * Asks the API server whether a bearer token is valid, with caching.
 *
 * - `authenticated: false` is a normal result (bad, expired, revoked token; wrong audience).
 * - When audiences are requested, the result is authenticated only if the answer's `status.audiences` intersects
 *   them (an audience-unaware reviewer answering without audiences is not trusted).
 * - Tokens that are empty, longer than `maxTokenBytes` or contain characters other than visible ASCII are answered
 *   `authenticated: false` locally. Every other token, JWT or not (static, bootstrap and webhook tokens are
 *   opaque), is sent to the API server.
 * - API failures reject with {@link ReviewError}; they are never cached.
 * - Concurrent reviews of the same token and audiences share one request.
 *
 * @example
 * ```ts
 * const reviewer = new TokenReviewer({ connection: KubeConnection.inCluster(), audiences: ['my-audience'] });
 * const { authenticated, user } = await reviewer.review(token);
 * ```
 */
export class TokenReviewer implements Authenticator {
  private readonly connection: KubeConnection;
  private readonly audiences: readonly string[];
  private readonly successTtlMs: number;
  private readonly failureTtlMs: number;
  private readonly maxTokenBytes: number;
  private readonly now: () => number;
  private readonly cache: FrontedLruCache<TokenReviewResult>;
  private readonly flights = new SingleFlight<TokenReviewResult>();
  private readonly hasher = new SecretKeyHasher();

  constructor(options: TokenReviewerOptions) {
    this.connection = options.connection;
    this.audiences = Object.freeze([...(options.audiences ?? [])]);
    this.successTtlMs = options.successTtlMs ?? DEFAULT_TOKEN_SUCCESS_TTL_MS;
    this.failureTtlMs = options.failureTtlMs ?? DEFAULT_TOKEN_FAILURE_TTL_MS;
    this.maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
    this.now = options.now ?? Date.now;
    this.cache = new FrontedLruCache(
      options.maxCacheEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES,
      options.maxFrontCacheEntries ?? DEFAULT_TOKEN_FRONT_CACHE_ENTRIES,
      this.now,
    );
  }

  /**
   * The cached result for `token` (and `audiences`, default the reviewer's), if the fast index of the cache holds a
   * live one; no request is made. For callers that want to skip a promise on the hot path and call {@link review} on
   * `undefined`.
   */
  cached(token: string, audiences: readonly string[] = this.audiences): TokenReviewResult | undefined {
    return this.cache.peek(token, audiences);
  }

  /**
   * Reviews `token` (from cache when possible).
   *
   * @throws {@link ReviewError} when the API server gives no usable answer. Rejects with `signal.reason` when
   *   `options.signal` aborts (a shared request goes on for other callers).
   */
  async review(token: string, options?: ReviewOptions): Promise<TokenReviewResult> {
    const audiences = options?.audiences ?? this.audiences;
    // Front of the cache: one Map lookup by the token itself. Only tokens that passed the local checks are cached.
    const hit = this.cache.peek(token, audiences);
    if (hit !== undefined) return hit;
    const local = this.rejectLocally(token);
    if (local) return local;
    const key = this.hasher.hash([token, String(audiences.length), ...audiences]);
    const cached = this.cache.get(key, token);
    if (cached) return cached;
    const shared = this.flights.run(key, async () => {
      const result = await this.fetch(token, audiences);
      this.cache.set(key, token, audiences, result, this.ttlFor(result, token));
      return result;
    });
    return raceSignal(shared, options?.signal);
  }

  /** {@link Authenticator} interface: {@link TokenReviewer.review} with the default audiences. */
  authenticate(token: string, options?: AuthenticateOptions): Promise<AuthenticationResult> {
    return this.review(token, options?.signal ? { signal: options.signal } : undefined);
  }

  /** Drops every cached result. */
  clearCache(): void {
    this.cache.clear();
  }

  private rejectLocally(token: string): TokenReviewResult | undefined {
    if (token.length === 0) return failure('empty bearer token');
    if (token.length > this.maxTokenBytes) return failure(`bearer token longer than ${this.maxTokenBytes} bytes`);
    if (!TOKEN_CHARS.test(token)) return failure('bearer token contains characters other than visible ASCII');
    return undefined;
  }

  private ttlFor(result: TokenReviewResult, token: string): number {
    if (!result.authenticated) return this.failureTtlMs;
    const exp = peekJwtExpiry(token);
    return exp === undefined ? this.successTtlMs : Math.min(this.successTtlMs, exp - this.now());
  }

  private async fetch(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    const spec: { token: string; audiences?: string[] } = { token };
    if (audiences.length > 0) spec.audiences = [...audiences];
    const answer = await this.connection.requestJson(
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec },
      'TokenReview',
    );
    return toResult(answer, audiences, this.connection.server);
  }
}

function failure(error: string): TokenReviewResult {
  return Object.freeze({ authenticated: false, user: EMPTY_USER, audiences: Object.freeze([]), error });
}

/** Validates a TokenReview answer and applies the audience check. */
function toResult(answer: unknown, requested: readonly string[], server: string): TokenReviewResult {
  const status = (answer as { status?: unknown } | null)?.status;
  if (!answer || typeof answer !== 'object' || (status !== undefined && !isObject(status))) {
    throw new ReviewError('bad-response', `TokenReview: ${server} answered with something that is not a TokenReview`);
  }
  const s = (status ?? {}) as Record<string, unknown>;
  const audiences = strings(s.audiences);
  const error = typeof s.error === 'string' && s.error !== '' ? s.error : undefined;
  if (s.authenticated !== true) {
    return Object.freeze({
      authenticated: false,
      user: EMPTY_USER,
      audiences: Object.freeze(audiences),
      ...(error === undefined ? {} : { error }),
    });
  }
  if (requested.length > 0 && !audiences.some((a) => requested.includes(a))) {
    // An audience-unaware answer must not pass for one of our audiences.
    return failure(
      `TokenReview status.audiences ${goQuoteList(audiences)} does not intersect the requested audiences ${goQuoteList(requested)}`,
    );
  }
  return Object.freeze({
    authenticated: true,
    user: toUser(s.user),
    audiences: Object.freeze(audiences),
    ...(error === undefined ? {} : { error }),
  });
}

function toUser(v: unknown): UserInfo {
  const u = isObject(v) ? v : {};
  // fromEntries defines own properties: an extra key "__proto__" stays a key instead of replacing the prototype.
  const extra: Record<string, readonly string[]> = isObject(u.extra)
    ? Object.fromEntries(Object.entries(u.extra).map(([k, vals]) => [k, Object.freeze(strings(vals))]))
    : {};
  return Object.freeze({
    username: typeof u.username === 'string' ? u.username : '',
    uid: typeof u.uid === 'string' ? u.uid : '',
    groups: Object.freeze(strings(u.groups)),
    extra: Object.freeze(extra),
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
