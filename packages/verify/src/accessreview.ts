/**
 * SubjectAccessReview (`POST /apis/authorization.k8s.io/v1/subjectaccessreviews`) with split allow/deny caching.
 *
 * Cache lifetimes (defaults): allow 5 min, deny 30 s — kube-rbac-proxy's hard-coded `AllowCacheTTL: 5 *
 * time.Minute, DenyCacheTTL: 30 * time.Second`, which are also the defaults of kube-apiserver's and the kubelet's
 * `--authorization-webhook-cache-authorized-ttl` / `--authorization-webhook-cache-unauthorized-ttl`. (The generic
 * delegating authorizer of aggregated API servers uses 10 s / 10 s.) Errors are never cached.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { FrontedLruCache, SingleFlight, raceSignal } from './cache.js';
import type { KubeConnection } from './connection.js';
import { ReviewError } from './errors.js';
import type { AuthenticateOptions, CacheOptions } from './types.js';

/** Default cache lifetime of "allowed" answers: 5 minutes. */
export const DEFAULT_ALLOW_TTL_MS = 300_000;
/** Default cache lifetime of "not allowed" answers: 30 seconds. */
export const DEFAULT_DENY_TTL_MS = 30_000;
/** Default bound of the decision cache. */
export const DEFAULT_ACCESS_CACHE_ENTRIES = 10_000;
/** Default bound of the decision cache's front (see {@link AccessReviewerOptions.maxFrontCacheEntries}). */
export const DEFAULT_ACCESS_FRONT_CACHE_ENTRIES = 1_024;

/** `spec.resourceAttributes` of a SubjectAccessReview. */
export interface ResourceAttributes {
  /** e.g. `get`, `list`, `create`, `update`, `patch`, `delete`, `watch`, or a custom verb. */
  readonly verb: string;
  /** e.g. `pods`. */
  readonly resource: string;
  /** API group; `""` (default) is the core group. */
  readonly group?: string;
  readonly version?: string;
  readonly subresource?: string;
  /** Empty or absent for cluster-scoped resources (or "all namespaces"). */
  readonly namespace?: string;
  readonly name?: string;
}

/** `spec.nonResourceAttributes` of a SubjectAccessReview. */
export interface NonResourceAttributes {
  /** URL path, e.g. `/metrics`. */
  readonly path: string;
  /** Lower-case HTTP method: `get`, `post`, `put`, `patch`, `delete`, `head`. */
  readonly verb: string;
}

/** What is being accessed: exactly one of the two, as in the API. */
export type AccessAttributes =
  | { readonly resourceAttributes: ResourceAttributes; readonly nonResourceAttributes?: undefined }
  | { readonly nonResourceAttributes: NonResourceAttributes; readonly resourceAttributes?: undefined };

/** `SubjectAccessReview.status`. */
export interface AccessReviewResult {
  /** The request is allowed. */
  readonly allowed: boolean;
  /** An authorizer explicitly denied it (not just "no opinion"). */
  readonly denied?: boolean;
  /** The authorizer's reason, e.g. `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`. */
  readonly reason?: string;
  /** An error while evaluating (e.g. a binding to a missing role); may come with `allowed: false`. */
  readonly evaluationError?: string;
}

/** The subject of a review: a {@link UserInfo} (typically from a TokenReview) or its parts. */
export interface Subject {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Options of {@link AccessReviewer}. */
export interface AccessReviewerOptions extends CacheOptions {
  /** The API server; our identity needs `create` on `subjectaccessreviews` (ClusterRole `system:auth-delegator`). */
  readonly connection: KubeConnection;
  /** @deprecated Use `positiveTtlMs` (allowed answers; default 300 000 ms). */
  readonly allowTtlMs?: number;
  /** @deprecated Use `negativeTtlMs` (not-allowed answers; default 30 000 ms). */
  readonly denyTtlMs?: number;
  /**
   * How many cached decisions are also indexed by the subject object's identity and the attributes, so that a hit
   * for the same (immutable) subject skips building and hashing the review. Only deeply frozen subjects (such as the
   * `user` of a {@link TokenReviewer} result, the same object on every cache hit) are indexed this way; others always
   * take the hashed path. Default 1 024; 0 disables.
   */
  readonly maxFrontCacheEntries?: number;
}

/**
 * Asks the API server whether a user may do something (SubjectAccessReview), with caching.
 *
 * The user is sent exactly as given — like kube-apiserver, which does not add `system:authenticated` to a SAR's
 * groups, so pass the groups from the TokenReview (they include it).
 *
 * @example
 * ```ts
 * const access = new AccessReviewer({ connection });
 * const { allowed } = await access.check(user, {
 *   resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' },
 * });
 * ```
 */
export class AccessReviewer {
  private readonly connection: KubeConnection;
  private readonly allowTtlMs: number;
  private readonly denyTtlMs: number;
  private readonly cache: FrontedLruCache<AccessReviewResult>;
  private readonly flights = new SingleFlight<AccessReviewResult>();
  /** Short ids of deeply frozen subjects, for front keys (a subject that cannot change is the same question). */
  private readonly subjects = new WeakMap<Subject, string>();
  private nextSubjectId = 0;

  constructor(options: AccessReviewerOptions) {
    this.connection = options.connection;
    this.allowTtlMs = options.positiveTtlMs ?? options.allowTtlMs ?? DEFAULT_ALLOW_TTL_MS;
    this.denyTtlMs = options.negativeTtlMs ?? options.denyTtlMs ?? DEFAULT_DENY_TTL_MS;
    this.cache = new FrontedLruCache(
      options.maxCacheEntries ?? DEFAULT_ACCESS_CACHE_ENTRIES,
      options.maxFrontCacheEntries ?? DEFAULT_ACCESS_FRONT_CACHE_ENTRIES,
      options.now ?? Date.now,
    );
  }

  /**
   * The cached answer for this user and these attributes, if the fast index of the cache holds a live one; no
   * request is made. For callers that want to skip a promise on the hot path and call {@link check} on `undefined`.
   */
  cached(user: Subject, attributes: AccessAttributes): AccessReviewResult | undefined {
    const frontKey = this.frontKey(user, attributes);
    return frontKey === undefined ? undefined : this.cache.peek(frontKey, NO_QUALIFIERS);
  }

  /**
   * Reviews access (from cache when possible).
   *
   * @throws TypeError when `attributes` has both or neither kind of attributes, or the user is empty.
   * @throws {@link ReviewError} when the API server gives no usable answer.
   */
  async check(user: Subject, attributes: AccessAttributes, options?: AuthenticateOptions): Promise<AccessReviewResult> {
    const frontKey = this.frontKey(user, attributes);
    if (frontKey !== undefined) {
      const hit = this.cache.peek(frontKey, NO_QUALIFIERS);
      if (hit !== undefined) return hit;
    }
    const spec = buildSpec(user, attributes);
    const key = createHash('sha256').update(JSON.stringify(spec)).digest('base64');
    const cached = this.cache.get(key, frontKey);
    if (cached) return cached;
    const shared = this.flights.run(key, async () => {
      const answer = await this.connection.requestJson(
        'POST',
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
        'SubjectAccessReview',
      );
      const result = toResult(answer, this.connection.server);
      this.cache.set(key, frontKey, NO_QUALIFIERS, result, result.allowed ? this.allowTtlMs : this.denyTtlMs);
      return result;
    });
    return raceSignal(shared, options?.signal);
  }

  /** Drops every cached decision. */
  clearCache(): void {
    this.cache.clear();
  }

  /** The front key of a question: subject identity + attributes, or `undefined` when the subject could change. */
  private frontKey(user: Subject, attributes: AccessAttributes): string | undefined {
    let id = this.subjects.get(user);
    if (id === undefined) {
      if (!deeplyFrozen(user)) return undefined;
      id = String(this.nextSubjectId++);
      this.subjects.set(user, id);
    }
    const a = attributesKey(attributes);
    return a === undefined ? undefined : `${id}${a}`;
  }
}

const NO_QUALIFIERS: readonly string[] = Object.freeze([]);

function deeplyFrozen(user: Subject): boolean {
  if (!Object.isFrozen(user)) return false;
  if (user.groups !== undefined && !Object.isFrozen(user.groups)) return false;
  if (user.extra === undefined) return true;
  if (!Object.isFrozen(user.extra)) return false;
  for (const values of Object.values(user.extra)) if (!Object.isFrozen(values)) return false;
  return true;
}

/**
 * The attributes as one unambiguous string (length-prefixed parts, with the same equivalences as the spec built from
 * them); `undefined` if they are not exactly one kind or hold something other than strings.
 */
function attributesKey(attributes: AccessAttributes): string | undefined {
  const r = attributes.resourceAttributes;
  const n = attributes.nonResourceAttributes;
  if ((r === undefined) === (n === undefined)) return undefined; // buildSpec throws for these
  if (n !== undefined) {
    // Sent as given: '' and absent are different specs.
    const path = exact(n.path);
    const verb = exact(n.verb);
    return path === undefined || verb === undefined ? undefined : `:n${path}${verb}`;
  }
  // Empty and absent fields are both left out of the spec.
  let key = ':r';
  for (const v of [r!.verb, r!.resource, r!.group, r!.version, r!.subresource, r!.namespace, r!.name]) {
    if (v === undefined || v === '') key += '-';
    else if (typeof v === 'string') key += `${v.length}:${v}`;
    else return undefined;
  }
  return key;
}

function exact(v: unknown): string | undefined {
  return v === undefined ? '-' : typeof v === 'string' ? `${v.length}:${v}` : undefined;
}
/** Builds a canonical SAR spec (fixed key order, sorted extra keys) so equal questions share a cache key. */
function buildSpec(user: Subject, attributes: AccessAttributes): Record<string, unknown> {
  const hasResource = attributes.resourceAttributes !== undefined;
  const hasNonResource = attributes.nonResourceAttributes !== undefined;
  if (hasResource === hasNonResource) {
    throw new TypeError('exactly one of resourceAttributes or nonResourceAttributes must be specified');
  }
  if (!user.username && (user.groups ?? []).length === 0) {
    throw new TypeError('at least one of user or group must be specified');
  }
  const spec: Record<string, unknown> = {};
  if (attributes.resourceAttributes) {
    const r = attributes.resourceAttributes;
    spec.resourceAttributes = compact({
      namespace: r.namespace,
      verb: r.verb,
      group: r.group,
      version: r.version,
      resource: r.resource,
      subresource: r.subresource,
      name: r.name,
    });
  } else {
    const n = attributes.nonResourceAttributes!;
    spec.nonResourceAttributes = { path: n.path, verb: n.verb };
  }
  spec.user = user.username;
  if (user.groups && user.groups.length > 0) spec.groups = [...user.groups];
  const extraKeys = Object.keys(user.extra ?? {}).sort();
  if (extraKeys.length > 0) spec.extra = Object.fromEntries(extraKeys.map((k) => [k, [...user.extra![k]!]]));
  if (user.uid) spec.uid = user.uid;
  return spec;
}

function compact(o: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

function toResult(answer: unknown, server: string): AccessReviewResult {
  const status = (answer as { status?: unknown } | null)?.status;
  if (!answer || typeof answer !== 'object' || !status || typeof status !== 'object' || Array.isArray(status)) {
    throw new ReviewError('bad-response', 'SubjectAccessReview: the API server answered without a status', { server });
  }
  const s = status as Record<string, unknown>;
  const result: { -readonly [K in keyof AccessReviewResult]: AccessReviewResult[K] } = { allowed: s.allowed === true };
  if (s.denied === true) result.denied = true;
  if (typeof s.reason === 'string' && s.reason !== '') result.reason = s.reason;
  if (typeof s.evaluationError === 'string' && s.evaluationError !== '') result.evaluationError = s.evaluationError;
  return Object.freeze(result);
}
