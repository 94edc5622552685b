// The service-account token authenticator (spec §1.4): kube-apiserver's legacy authenticator (issuer
// `kubernetes/serviceaccount`) and bound authenticator (the --service-account-issuer values) in one object,
// tried in kube's union order. `null` = not mine, `{error}` = mine but invalid, with kube's exact text.
//
// Only the pure part (issuer pre-check, parse, signature, claim decoding) is cached, keyed by the token
// string; removing a key (on etcd, a replica's published key withdrawn) empties that cache. Times, audiences and
// the object lookups run every call.
import { aggregate } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';
import { freezeUser, type TokenAuthenticator } from '../authn/types.js';
import type { ObjectLookup } from '../storage/lookup.js';
import { validateBoundToken } from './bound-validator.js';
import {
  decodeBoundPrivateClaims,
  decodeLegacyPrivateClaims,
  decodePublicClaims,
  legacyIssuer,
  type BoundPrivateClaims,
  type LegacyPrivateClaims,
  type PublicClaims,
} from './claims.js';
import { parseCompact, verifyJws, type ParsedJws } from './jwt.js';
import type { KeySet } from './keys.js';
import { validateLegacyToken, type LastUsedPatch } from './legacy-validator.js';
import { LruCache } from '../cache/lru.js';
import { userInfoFor } from './user.js';
import { goQuote } from '../gocompat/quote.js';

export interface ServiceAccountAuthenticatorOptions {
  issuers: readonly string[];
  /** --api-audiences: the implicit audiences of legacy tokens and of requests that name none. */
  apiAudiences: readonly string[];
  keys: KeySet;
  lookup: ObjectLookup;
  /** --service-account-lookup (legacy tokens only; bound tokens are always checked). */
  lookupLegacy: boolean;
  /** Clock in epoch milliseconds. */
  now?: () => number;
  /** Called when a legacy token's Secret should get today's last-used label (kube merge-patches it). */
  onLegacyUse?: (patch: LastUsedPatch) => void;
  /** Entries of the decode cache (default 4096; 0 disables it). */
  cacheSize?: number;
  /** Each accepted token, by kind (the serviceaccount_*_tokens_total metrics). */
  onAccepted?: (kind: 'legacy' | 'stale' | 'valid') => void;
}

export interface AuthenticatedToken {
  user: UserInfo;
  /** The requested audiences the token is valid for, in the requested order. */
  audiences: string[];
  warnings: string[];
  annotations: Record<string, string>;
}

export type AuthenticateResult = AuthenticatedToken | { error: string } | null;

type Kind = 'legacy' | 'bound';
type Decoded =
  | { kind: 'legacy'; pub: PublicClaims; priv: LegacyPrivateClaims }
  // user: made once per cached token (a bound token's user follows from its claims alone)
  | { kind: 'bound'; pub: PublicClaims; priv: BoundPrivateClaims; user?: UserInfo }
  | { error: string };

const noKeys = 'invalid signature, no keys found';
/** Longer tokens are still authenticated, just not cached (bounds the cache's memory). */
const maxCachedTokenLength = 16 * 1024;

const plainAscii = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** goQuoteList with a fast path for plain ASCII: audience lists can have thousands of entries. */
function quoteList(list: readonly string[]): string {
  return `[${list.map((s) => (plainAscii.test(s) ? `"${s}"` : goQuote(s))).join(' ')}]`;
}

/**
 * The `iss` the issuer pre-check sees: Go's encoding/json matches member names case-insensitively (with
 * Unicode simple folding, so `ſ` matches `s`) and the last match wins; a non-string value fails the check.
 */
function unverifiedIssuer(payload: Record<string, unknown>): string | undefined {
  let iss = '';
  for (const k of Object.keys(payload)) {
    if (k.length !== 3 || !/^[iI][sSſ][sSſ]$/.test(k)) continue;
    const v = payload[k];
    if (v === null) continue;
    if (typeof v !== 'string') return undefined;
    iss = v;
  }
  return iss;
}

export class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
  private readonly boundIssuers: Set<string>;
  private readonly implicitAuds: readonly string[];
  private readonly now: () => number;
  private readonly cache: LruCache<string, Decoded[]>;
  /** Well-formed tokens of other issuers (OIDC ID tokens reach this authenticator first): "not mine" is
   * remembered apart, so forged or foreign tokens cannot flush verified entries out of `cache`. */
  private readonly foreign: LruCache<string, true>;
  /** The key set's generation the cache was filled under (a removed key empties it). */
  private keysGeneration: number;

  constructor(private readonly o: ServiceAccountAuthenticatorOptions) {
    this.boundIssuers = new Set(o.issuers);
    this.implicitAuds = [...o.apiAudiences];
    this.now = o.now ?? Date.now;
    // Sized for ~16k live tokens (a busy cluster's projected tokens); entries hold decoded claims, not lookups.
    this.cache = new LruCache(o.cacheSize ?? 16384);
    this.foreign = new LruCache(Math.min(4096, o.cacheSize ?? 4096));
    this.keysGeneration = o.keys.generation;
  }

  /** The authn seam's name for authenticate(). */
  authenticateToken(token: string, audiences: string[]): AuthenticateResult {
    return this.authenticate(token, audiences);
  }

  /**
   * `audiences`: what the caller wants the token to be good for (TokenReview spec.audiences); undefined or
   * empty means the API audiences. Never throws: anything unexpected is "not mine".
   */
  authenticate(token: string, audiences?: readonly string[]): AuthenticateResult {
    try {
      return this.run(token, audiences);
    } catch {
      return null;
    }
  }

  private run(token: string, audiences?: readonly string[]): AuthenticateResult {
    if (typeof token !== 'string') return null;
    const stages = this.decode(token);
    if (!stages) return null;
    const requested = audiences && audiences.length ? audiences : this.implicitAuds;
    const errs: string[] = [];
    for (const s of stages) {
      const r = 'error' in s ? s : this.validate(token, s, requested);
      if ('error' in r) errs.push(r.error);
      else return r;
    }
    return { error: aggregate(errs) };
  }

  /** Steps 1–4 for each authenticator that claims the token (legacy first, as in kube's union). */
  private decode(token: string): Decoded[] | null {
    if (this.keysGeneration !== this.o.keys.generation) {
      this.cache.clear();
      this.keysGeneration = this.o.keys.generation;
    }
    const hit = this.cache.get(token);
    if (hit) return hit;
    if (this.foreign.get(token)) return null;
    const jws = parseCompact(token);
    if (!jws) return null;
    const iss = unverifiedIssuer(jws.payload);
    if (iss === undefined) return null;
    const kinds: Kind[] = [];
    if (iss === legacyIssuer) kinds.push('legacy');
    if (this.boundIssuers.has(iss)) kinds.push('bound');
    if (!kinds.length) {
      if (token.length <= maxCachedTokenLength) this.foreign.set(token, true);
      return null;
    }
    const stages = kinds.map((k) => this.verify(jws, k));
    if (token.length <= maxCachedTokenLength && stages.some((s) => !('error' in s))) this.cache.set(token, stages);
    return stages;
  }

  private verify(jws: ParsedJws, kind: Kind): Decoded {
    const keys = this.o.keys.get(jws.kid);
    if (!keys.length) return { error: noKeys };
    const errs: string[] = [];
    for (const key of keys) {
      const err = verifyJws(jws, key);
      if (err) {
        errs.push(err);
        continue;
      }
      const pub = decodePublicClaims(jws.payload);
      if ('error' in pub) {
        errs.push(pub.error);
        continue;
      }
      const priv = kind === 'legacy' ? decodeLegacyPrivateClaims(jws.payload) : decodeBoundPrivateClaims(jws.payload);
      if ('error' in priv) {
        errs.push(priv.error);
        continue;
      }
      return { kind, pub, priv } as Decoded;
    }
    return { error: aggregate(errs) };
  }

  /** Steps 5–7: issuer re-check, audiences, then the validator (which reads live objects). */
  private validate(
    token: string,
    d: Exclude<Decoded, { error: string }>,
    requested: readonly string[],
  ): AuthenticatedToken | { error: string } {
    const allowed = d.kind === 'legacy' ? d.pub.iss === legacyIssuer : this.boundIssuers.has(d.pub.iss);
    if (!allowed) return { error: `token issuer ${goQuote(d.pub.iss)} is invalid` };

    let annotations: Record<string, string> | undefined;
    let tokenAuds: readonly string[] = d.pub.aud;
    if (tokenAuds.length === 0) {
      annotations = { 'authentication.k8s.io/legacy-token': d.pub.sub };
      tokenAuds = this.implicitAuds;
    }
    // A token names an audience or two: a scan beats building a Set per review (a Set past a few, so that hostile
    // lists of thousands on both sides stay linear).
    let auds: string[];
    if (tokenAuds.length > 8) {
      const have = new Set(tokenAuds);
      auds = requested.filter((a) => have.has(a));
    } else auds = requested.filter((a) => tokenAuds.includes(a));
    if (auds.length === 0 && this.implicitAuds.length !== 0)
      return {
        error: `token audiences ${quoteList(tokenAuds)} is invalid for the target audiences ${quoteList(requested)}`,
      };

    const nowMs = this.now();
    if (d.kind === 'bound') {
      const r = validateBoundToken(d.pub, d.priv, this.o.lookup, nowMs);
      if ('error' in r) return r;
      this.o.onAccepted?.(r.annotations['authentication.k8s.io/stale-token'] ? 'stale' : 'valid');
      return {
        user: (d.user ??= freezeUser(userInfoFor(r.info))),
        audiences: auds,
        warnings: [],
        annotations: annotations ? { ...annotations, ...r.annotations } : r.annotations,
      };
    }
    const r = validateLegacyToken(token, d.pub, d.priv, this.o.lookup, this.o.lookupLegacy, nowMs);
    if (r.lastUsedPatch) this.reportLegacyUse(r.lastUsedPatch);
    if ('error' in r) return { error: r.error };
    this.o.onAccepted?.('legacy');
    return {
      user: userInfoFor(r.info),
      audiences: auds,
      warnings: r.warnings,
      annotations: annotations ? { ...annotations, ...r.annotations } : r.annotations,
    };
  }

  private reportLegacyUse(patch: LastUsedPatch): void {
    try {
      this.o.onLegacyUse?.(patch);
    } catch {
      // kube only logs a failed last-used patch; authentication goes on.
    }
  }
}
