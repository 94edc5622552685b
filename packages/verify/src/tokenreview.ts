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
import { AuthenticationError, ConfigError, ReviewError, type AuthenticationErrorCode } from './errors.js';
import { goQuoteList } from './goquote.js';
import { peekJwtExpiry, peekJwtPayload } from './jwt.js';
import type { Revocation, RevocationFeed } from './revocation/feed.js';
import {
  EMPTY_USER,
  type AuthenticateOptions,
  type AuthenticationResult,
  type Authenticator,
  type CacheOptions,
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
export interface TokenReviewerOptions extends CacheOptions {
  /** The API server to ask; our identity needs `create` on `tokenreviews` (ClusterRole `system:auth-delegator`). */
  readonly connection: KubeConnection;
  /**
   * Audiences this service accepts (`spec.audiences`); a token must be valid for at least one. Required unless
   * `skipAudienceCheck` is set: without audiences the API server checks the token against its own audiences, so a
   * token minted for the API server itself would be accepted here.
   */
  readonly audiences?: string | readonly string[];
  /**
   * Accept tokens for the API server's own audiences (sends no `spec.audiences`; go-oidc's `SkipClientIDCheck`).
   * Dangerous: any token the cluster accepts, e.g. every Pod's default token, then works here too.
   */
  readonly skipAudienceCheck?: boolean;
  /**
   * Revocation feed: evicts cached reviews of tokens whose ServiceAccount, Pod, Secret or Node is deleted or
   * recreated, within a second of the event (instead of after `positiveTtlMs`). See {@link RevocationFeed}.
   */
  readonly revocation?: RevocationFeed;
  /**
   * Keep bearer tokens out of memory: cache entries are indexed by a keyed SHA-256 of the token, and the front of
   * recent JWTs keeps their header and payload with a keyed SHA-256 of the signature (a hit hashes the signature
   * only). Default true. `false` indexes the front by the token itself (a hit then costs a `Map` lookup).
   */
  readonly hashTokens?: boolean;
  /** How many of the most recent entries the front indexes (see `hashTokens`). Default 1 024; 0 disables. */
  readonly maxFrontCacheEntries?: number;
  /** Longer tokens are answered `authenticated: false` without asking the API. Default 65 536. */
  readonly maxTokenBytes?: number;
  /** @deprecated Use `positiveTtlMs`. */
  readonly successTtlMs?: number;
  /** @deprecated Use `negativeTtlMs`. */
  readonly failureTtlMs?: number;
}

/** Per-call options of {@link TokenReviewer.review}. */
export interface ReviewOptions extends AuthenticateOptions {
  /** Overrides the reviewer's audiences for this call; must not be empty (unless `skipAudienceCheck`). */
  readonly audiences?: string | readonly string[];
}

// Bearer tokens are visible ASCII; anything else cannot come from an Authorization header.
const TOKEN_CHARS = /^[\x21-\x7e]+$/;
const NO_AUDIENCES: readonly string[] = Object.freeze([]);

/**
 * Asks the API server whether a bearer token is valid, with caching.
 *
 * - `authenticate()` / `review()` resolve `authenticated: false` (with a stable `code`) for a bad, expired, revoked
 *   or wrong-audience token; `verify()` throws an {@link AuthenticationError} instead.
 * - The result is authenticated only if the answer's `status.audiences` intersects the requested audiences (an
 *   audience-unaware reviewer answering without audiences is not trusted).
 * - Tokens that are empty, longer than `maxTokenBytes` or contain characters other than visible ASCII are answered
 *   `authenticated: false` locally. Every other token, JWT or not, is sent to the API server.
 * - API failures reject with {@link ReviewError} (503); they are never cached.
 * - Concurrent reviews of the same token and audiences share one request.
 *
 * @example
 * ```ts
 * const reviewer = new TokenReviewer({ connection: KubeConnection.inCluster(), audiences: 'my-audience' });
 * const { authenticated, user } = await reviewer.authenticate(token);
 * ```
 */
export class TokenReviewer implements Authenticator {
  private readonly connection: KubeConnection;
  private readonly audiences: readonly string[];
  private readonly skipAudienceCheck: boolean;
  private readonly successTtlMs: number;
  private readonly failureTtlMs: number;
  private readonly maxTokenBytes: number;
  private readonly now: () => number;
  private readonly cache: FrontedLruCache<TokenReviewResult>;
  private readonly flights = new SingleFlight<TokenReviewResult>();
  private readonly hasher = new SecretKeyHasher();
  private readonly hashTokens: boolean;
  /** UIDs of the objects each cached result's token is bound to (for the revocation feed). */
  private readonly bound = new WeakMap<TokenReviewResult, readonly string[]>();
  private readonly unsubscribe: (() => void) | undefined;
  /** Bumped by every revocation: a review that started before one must not cache its answer. */
  private generation = 0;

  /** @throws {@link ConfigError} `ERR_INVALID_OPTIONS` without audiences (unless `skipAudienceCheck`). */
  constructor(options: TokenReviewerOptions) {
    this.connection = options.connection;
    this.skipAudienceCheck = options.skipAudienceCheck === true;
    const audiences = toList(options.audiences);
    if (audiences.length === 0 && !this.skipAudienceCheck) {
      throw new ConfigError(
        'ERR_INVALID_OPTIONS',
        'TokenReviewer needs audiences (the audiences this service accepts), or skipAudienceCheck: true to accept tokens for the API server itself',
      );
    }
    this.audiences = Object.freeze(audiences);
    this.successTtlMs = options.positiveTtlMs ?? options.successTtlMs ?? DEFAULT_TOKEN_SUCCESS_TTL_MS;
    this.failureTtlMs = options.negativeTtlMs ?? options.failureTtlMs ?? DEFAULT_TOKEN_FAILURE_TTL_MS;
    this.maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
    this.now = options.now ?? Date.now;
    this.hashTokens = options.hashTokens !== false;
    this.cache = new FrontedLruCache(
      options.maxCacheEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES,
      options.maxFrontCacheEntries ?? DEFAULT_TOKEN_FRONT_CACHE_ENTRIES,
      this.now,
      this.hashTokens ? (signature) => this.hasher.hashToken(signature) : undefined,
    );
    this.unsubscribe = options.revocation?.subscribe((revoked) => this.revoke(revoked));
  }

  /**
   * The cached result for `token` (and `audiences`, default the reviewer's), if the cache holds a live one; no
   * request is made. For callers that want to skip a promise on the hot path and call {@link review} on `undefined`.
   */
  cached(token: string, audiences?: string | readonly string[]): TokenReviewResult | undefined {
    const auds = audiences === undefined ? this.audiences : toList(audiences);
    const hit = this.cache.peek(token, auds);
    if (hit !== undefined || !this.hashTokens || token.length === 0 || token.length > this.maxTokenBytes) return hit;
    return this.cache.get(this.hasher.hashToken(token) + audiencesKey(auds), undefined);
  }

  /**
   * Reviews `token` (from cache when possible). Resolves `authenticated: false` with a `code` for a token that is
   * not good.
   *
   * @throws {@link ReviewError} when the API server gives no usable answer. Rejects with `signal.reason` when
   *   `options.signal` aborts (a shared request goes on for other callers). Throws {@link ConfigError} for empty
   *   per-call audiences.
   */
  async review(token: string, options?: ReviewOptions): Promise<TokenReviewResult> {
    const audiences = this.audiencesFor(options?.audiences);
    let key: string;
    if (this.hashTokens) {
      // The redacting front first (a JWT's signing input compared, its signature hashed), then one keyed hash of the
      // token, and the audiences in clear: the cache holds no bearer token. Only tokens that passed the local checks
      // are cached, so a hit needs no character check (the length check spares hashing a huge token).
      if (token.length === 0 || token.length > this.maxTokenBytes) return this.rejectLocally(token)!;
      const hit = this.cache.peek(token, audiences);
      if (hit !== undefined) return hit;
      key = this.hasher.hashToken(token) + audiencesKey(audiences);
      const cached = this.cache.get(key, token);
      if (cached) return cached;
      const local = this.rejectLocally(token);
      if (local) return local;
    } else {
      // Front of the cache: one Map lookup by the token itself. Only tokens that passed the local checks are cached.
      const hit = this.cache.peek(token, audiences);
      if (hit !== undefined) return hit;
      const local = this.rejectLocally(token);
      if (local) return local;
      key = this.hasher.hash([token, String(audiences.length), ...audiences]);
      const cached = this.cache.get(key, token);
      if (cached) return cached;
    }
    const shared = this.flights.run(key, async () => {
      const generation = this.generation;
      const result = await this.fetch(token, audiences);
      // A revocation seen while the review was in flight may concern this token: answer, but do not cache.
      if (generation === this.generation) {
        if (result.authenticated) this.bound.set(result, boundUids(result, token));
        this.cache.set(key, token, audiences, result, this.ttlFor(result, token));
      }
      return result;
    });
    return raceSignal(shared, options?.signal);
  }

  /** {@link Authenticator} interface: {@link TokenReviewer.review} with the reviewer's audiences. */
  authenticate(token: string, options?: AuthenticateOptions): Promise<AuthenticationResult> {
    return this.review(token, options?.signal ? { signal: options.signal } : undefined);
  }

  /**
   * Like {@link review} but throws when the token is not authenticated, as `JwksVerifier.verify` does.
   *
   * @throws {@link AuthenticationError} (401) with the result's `code`; {@link ReviewError} (503).
   */
  async verify(token: string, options?: ReviewOptions): Promise<TokenReviewResult> {
    const result = await this.review(token, options);
    if (!result.authenticated) {
      throw new AuthenticationError(result.code ?? 'ERR_TOKEN_INVALID', result.error ?? 'token is not authenticated', {
        ...(result.error === undefined ? {} : { reason: result.error }),
      });
    }
    return result;
  }

  /** Drops every cached result. */
  clearCache(): void {
    this.generation++;
    this.cache.clear();
  }

  /** Stops listening to the revocation feed (the feed itself is not closed). */
  close(): void {
    this.unsubscribe?.();
  }

  private revoke(revoked: Revocation): void {
    this.generation++;
    if (revoked === 'all') return this.cache.clear();
    this.cache.evictWhere((result) => {
      const uids = this.bound.get(result);
      return uids !== undefined && uids.some((uid) => revoked.has(uid));
    });
  }

  private audiencesFor(requested: string | readonly string[] | undefined): readonly string[] {
    if (requested === undefined) return this.audiences;
    if (requested === this.audiences) return requested;
    const list = toList(requested);
    if (list.length === 0 && !this.skipAudienceCheck) {
      throw new ConfigError(
        'ERR_INVALID_OPTIONS',
        'review: audiences must not be empty (an empty list would accept tokens for the API server itself)',
      );
    }
    return list.length === 0 ? NO_AUDIENCES : list;
  }

  private rejectLocally(token: string): TokenReviewResult | undefined {
    if (token.length === 0) return failure('empty bearer token', 'ERR_CREDENTIALS_MALFORMED');
    if (token.length > this.maxTokenBytes) {
      return failure(`bearer token longer than ${this.maxTokenBytes} bytes`, 'ERR_CREDENTIALS_MALFORMED');
    }
    if (!TOKEN_CHARS.test(token)) {
      return failure('bearer token contains characters other than visible ASCII', 'ERR_CREDENTIALS_MALFORMED');
    }
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

/** `audiences` option as a list (a string is one audience). */
export function toList(v: string | readonly string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
}

function audiencesKey(audiences: readonly string[]): string {
  let key = '';
  for (const a of audiences) key += `\n${a.length}:${a}`;
  return key;
}

/** The UIDs a reviewed token is bound to: its ServiceAccount, Pod and Node (from the user), Secret (from the JWT). */
function boundUids(result: TokenReviewResult, token: string): readonly string[] {
  const uids: string[] = [];
  if (result.user.uid) uids.push(result.user.uid);
  for (const key of ['authentication.kubernetes.io/pod-uid', 'authentication.kubernetes.io/node-uid']) {
    const v = result.user.extra[key]?.[0];
    if (v) uids.push(v);
  }
  // TokenReview does not report a bound Secret; the token's own claims (accepted by the API server) do.
  const k = peekJwtPayload(token)?.['kubernetes.io'] as { secret?: { uid?: unknown } } | undefined;
  if (typeof k?.secret?.uid === 'string') uids.push(k.secret.uid);
  return uids;
}

function failure(error: string, code: AuthenticationErrorCode): TokenReviewResult {
  return Object.freeze({ authenticated: false, user: EMPTY_USER, audiences: NO_AUDIENCES, error, code });
}

/** Validates a TokenReview answer and applies the audience check. */
function toResult(answer: unknown, requested: readonly string[], server: string): TokenReviewResult {
  const status = (answer as { status?: unknown } | null)?.status;
  if (!answer || typeof answer !== 'object' || (status !== undefined && !isObject(status))) {
    throw new ReviewError(
      'bad-response',
      'TokenReview: the API server answered with something that is not a TokenReview',
      {
        server,
      },
    );
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
      code: 'ERR_TOKEN_INVALID',
    });
  }
  if (requested.length > 0 && !audiences.some((a) => requested.includes(a))) {
    // An audience-unaware answer must not pass for one of our audiences.
    return failure(
      `TokenReview status.audiences ${goQuoteList(audiences)} does not intersect the requested audiences ${goQuoteList(requested)}`,
      'ERR_AUDIENCE_MISMATCH',
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
