/**
 * A bounded LRU cache with per-entry TTL, and a "single flight" helper so concurrent identical lookups share one
 * request (what kube-apiserver's cached token authenticator does with `singleflight`).
 *
 * @module
 */
import * as crypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';

// `crypto.hash` (Node 20.12+, 21.7+): a one-shot digest without a Hash object.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'base64') => string }).hash;

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/** LRU cache: `get` refreshes recency, `set` evicts the least recently used entry past `maxEntries`. */
export class TtlLruCache<V> {
  private readonly map = new Map<string, Entry<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(maxEntries >= 0)) throw new RangeError('maxEntries must be >= 0');
  }

  /** The live value under `key`, or `undefined` (expired entries are dropped). */
  get(key: string): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  /** Stores `value` for `ttlMs`; a TTL ≤ 0 stores nothing. */
  set(key: string, value: V, ttlMs: number): void {
    if (!(ttlMs > 0) || this.maxEntries === 0) return;
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: this.now() + ttlMs });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  /** Number of entries, including expired ones not yet dropped. */
  get size(): number {
    return this.map.size;
  }
}

interface FrontedEntry<V> {
  readonly value: V;
  /** The front key it is indexed under, in full (the front Map indexes long keys by a number, see `frontSlot`). */
  frontKey: string | undefined;
  /** A redacting front's record of the key instead (see {@link FrontedLruCache}'s `digest`). */
  redacted: RedactedKey | undefined;
  readonly expiresAt: number;
  /** What else the lookup must match (TokenReviewer: the audiences), frozen. */
  readonly qualifiers: readonly string[];
  /** Still in the keyed LRU, which is the source of truth: the front never answers with an entry the LRU dropped. */
  live: boolean;
  /** Answered through the front since it last moved in the LRU: spared once by the next eviction (second chance). */
  used: boolean;
}

/**
 * A bounded LRU keyed by a hash (the source of truth; TokenReviewer: a keyed SHA-256 of token + audiences,
 * AccessReviewer: a SHA-256 of the SubjectAccessReview spec), with a small front indexed by a key that is cheap to
 * compute (TokenReviewer: the token string itself) so that a hit costs one `Map` lookup and an expiry check instead
 * of a hash.
 *
 * - Both indexes hold the same entry object, so a front hit has exactly the LRU entry's expiry (TTL, capped by the
 *   token's `exp` by the caller), and its qualifiers (the audiences) are compared on every call.
 * - The front is bounded (`maxFrontEntries`, oldest indexed first out) and only ever points at live LRU entries:
 *   an entry the LRU evicts, expires or clears is never answered from the front.
 * - Front hits do not reorder the LRU (that would cost as much as the hash they save); instead an entry hit through
 *   the front since it last moved gets a second chance when it reaches the LRU's eviction end (CLOCK), so hot
 *   tokens are not evicted ahead of cold ones.
 * - Without `digest`, the front keeps its keys (TokenReviewer: bearer tokens) in memory while their entries live; the
 *   LRU does not. With `digest` (a keyed one-way hash) the front redacts: it indexes only JWTs, keeps their header and
 *   payload (not a credential without the signature) and the digest of the signature, and a hit hashes the
 *   signature alone — a third of the token — and compares the rest. `maxFrontEntries: 0` turns the front off.
 */
export class FrontedLruCache<V> {
  private readonly lru = new Map<string, FrontedEntry<V>>();
  private readonly front = new Map<string | number, FrontedEntry<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxFrontEntries: number,
    private readonly now: () => number = Date.now,
    private readonly digest?: (secret: string) => string,
  ) {
    if (!(maxEntries >= 0)) throw new RangeError('maxEntries must be >= 0');
    if (!(maxFrontEntries >= 0)) throw new RangeError('maxFrontEntries must be >= 0');
  }

  /**
   * Front lookup (no hashing, or with `digest` a hash of the JWT's signature only): the live value cached under
   * `frontKey` for these `qualifiers`.
   */
  peek(frontKey: string, qualifiers: readonly string[]): V | undefined {
    const slot = frontSlot(frontKey);
    const entry = this.front.get(slot);
    if (entry === undefined) return undefined;
    if (this.digest === undefined ? entry.frontKey !== frontKey : !this.matchesRedacted(entry.redacted, frontKey)) {
      return undefined;
    }
    if (!entry.live || entry.expiresAt <= this.now()) {
      this.front.delete(slot);
      return undefined;
    }
    if (entry.qualifiers !== qualifiers && !sameStrings(entry.qualifiers, qualifiers)) return undefined;
    entry.used = true;
    return entry.value;
  }

  /**
   * Lookup by the hashed `key`; a hit is indexed in the front under `frontKey`, if any. A hit marks the entry used
   * rather than moving it in the LRU (a Map delete and insert cost about as much as the rest of a hit): the next
   * eviction that reaches it gives it a second chance, as front hits do.
   */
  get(key: string, frontKey: string | undefined): V | undefined {
    const entry = this.lru.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      entry.live = false;
      this.lru.delete(key);
      return undefined;
    }
    entry.used = true;
    if (frontKey !== undefined) this.index(frontKey, entry);
    return entry.value;
  }

  /** Stores `value` under `key` (and `frontKey`, if any, in the front) for `ttlMs`; a TTL ≤ 0 stores nothing. */
  set(key: string, frontKey: string | undefined, qualifiers: readonly string[], value: V, ttlMs: number): void {
    if (!(ttlMs > 0) || this.maxEntries === 0) return;
    const old = this.lru.get(key);
    if (old !== undefined) {
      old.live = false;
      this.lru.delete(key);
    }
    const entry: FrontedEntry<V> = {
      value,
      frontKey: undefined,
      redacted: undefined,
      expiresAt: this.now() + ttlMs,
      qualifiers: Object.isFrozen(qualifiers) ? qualifiers : Object.freeze([...qualifiers]),
      live: true,
      used: false,
    };
    this.lru.set(key, entry);
    this.index(frontKey, entry);
    if (this.lru.size > this.maxEntries) this.evict(key);
  }

  /** Drops every entry whose value matches `predicate` (a walk over all entries: for rare events). */
  evictWhere(predicate: (value: V) => boolean): number {
    let n = 0;
    for (const [key, entry] of this.lru) {
      if (!predicate(entry.value)) continue;
      entry.live = false;
      this.lru.delete(key);
      n++;
    }
    return n;
  }

  clear(): void {
    for (const entry of this.lru.values()) entry.live = false;
    this.lru.clear();
    this.front.clear();
  }

  /** Number of LRU entries, including expired ones not yet dropped. */
  get size(): number {
    return this.lru.size;
  }

  /** Number of front entries, including dead ones not yet dropped (at most `maxFrontEntries`). */
  get frontSize(): number {
    return this.front.size;
  }

  /** Evicts down to `maxEntries`, sparing entries used through the front once, and never the one just stored. */
  private evict(newest: string): void {
    const now = this.now();
    // Terminates: every reprieve clears a `used` flag, so after at most one pass an entry goes.
    while (this.lru.size > this.maxEntries) {
      const [key, entry] = this.lru.entries().next().value as [string, FrontedEntry<V>];
      this.lru.delete(key);
      if (key === newest || (entry.used && entry.expiresAt > now)) {
        entry.used = false;
        this.lru.set(key, entry);
      } else {
        entry.live = false;
      }
    }
  }

  /** The same token as the one redacted: same length, same signing input, same signature digest. */
  private matchesRedacted(r: RedactedKey | undefined, token: string): boolean {
    if (r === undefined || token.length !== r.length) return false;
    const n = r.signed.length;
    return token.slice(0, n) === r.signed && this.digest!(token.slice(n)) === r.signatureDigest;
  }

  private index(frontKey: string | undefined, entry: FrontedEntry<V>): void {
    if (this.maxFrontEntries === 0 || frontKey === undefined) return;
    const slot = frontSlot(frontKey);
    if (this.digest === undefined) entry.frontKey = frontKey;
    else {
      // Only a JWT long enough to be slotted by number: a short key would be its own slot, kept in clear.
      const split = typeof slot === 'number' ? jwsSignatureStart(frontKey) : -1;
      if (split < 0) return;
      entry.redacted ??= {
        length: frontKey.length,
        signed: detached(frontKey.slice(0, split)),
        signatureDigest: this.digest(frontKey.slice(split)),
      };
    }
    this.front.delete(slot);
    this.front.set(slot, entry);
    if (this.front.size > this.maxFrontEntries) this.front.delete(this.front.keys().next().value!);
  }
}

/**
 * Where a front key is indexed: a long key by a number mixed from its length and its last 16 characters. A bearer
 * token arrives as a new string on every request, and hashing all of a kilobyte JWT as a Map key costs more than the
 * rest of a cache hit; its tail is the signature, which tells tokens apart. The entry keeps the whole key, and a hit
 * must equal it: two keys that land in one slot only take it from each other (the LRU still answers both).
 */
/** A bearer JWT as a redacting front keeps it: no credential, yet enough to recognise the token. */
interface RedactedKey {
  readonly length: number;
  /** The JWS signing input and its final dot (header and payload, as readable as the claims cached beside them). */
  readonly signed: string;
  /** The keyed digest of the signature, the part that makes the token a credential. */
  readonly signatureDigest: string;
}

/**
 * Where a compact JWS's signature starts (after the second of exactly two dots), or -1 when `token` is not one with
 * a signature of at least 256 bits. Anything else (a static or bootstrap token) may be secret throughout.
 */
function jwsSignatureStart(token: string): number {
  const second = token.lastIndexOf('.');
  const first = token.indexOf('.');
  if (first <= 0 || second === first || token.indexOf('.', first + 1) !== second) return -1;
  return token.length - (second + 1) >= 43 ? second + 1 : -1;
}

/** A flat copy of `s`: a slice of a token would otherwise keep the whole token alive (V8's sliced strings). */
function detached(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

function frontSlot(key: string): string | number {
  const n = key.length;
  if (n <= 128) return key;
  let h = n;
  for (let i = n - 16; i < n; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs at most one `fn` per key at a time; concurrent callers get the same promise. */
export class SingleFlight<V> {
  private readonly inFlight = new Map<string, Promise<V>>();

  run(key: string, fn: () => Promise<V>): Promise<V> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = fn().finally(() => this.inFlight.delete(key));
    // Callers may all have stopped waiting (aborted); the rejection must not become unhandled.
    p.catch(() => {});
    this.inFlight.set(key, p);
    return p;
  }

  /** Number of lookups in flight. */
  get size(): number {
    return this.inFlight.size;
  }
}

/**
 * Resolves with `promise`, or rejects with `signal.reason` as soon as `signal` aborts (the shared work goes on
 * for the other callers).
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Makes cache keys from secrets: SHA-256 keyed with a per-process random prefix over length-prefixed parts — the
 * same purpose as kube-apiserver's HMAC'd token cache keys: tokens are never kept in memory as keys, and a heap dump
 * does not allow checking guesses against the keys. (The keyed state is computed once and copied per call, which
 * is about twice as fast as a fresh HMAC.)
 */
export class SecretKeyHasher {
  private readonly secret = randomBytes(32);
  private readonly keyed = createHash('sha256').update(this.secret);
  // The secret as an ASCII (base64) string prefix for the one-shot hash: a string, so the prefix costs no Buffer
  // copy, and ASCII, so prefix + token stays on Node's ASCII fast path (a latin1 prefix has bytes ≥ 0x80, which
  // sends every call through UTF-8 transcoding and made a cache hit about 1.6 times as slow).
  private readonly prefix = this.secret.toString('base64');

  /**
   * A keyed SHA-256 of one bearer token, for cache keys: the per-process secret, then the token. One native call
   * (`crypto.hash` where Node has it), the cheapest keyed hash Node offers for a kilobyte token. The token is
   * visible ASCII (checked by the caller before anything is cached), and the prefix has a fixed length (44
   * characters), so prefix and token cannot run into each other ambiguously.
   */
  hashToken(token: string): string {
    if (oneShot !== undefined) return oneShot('sha256', this.prefix + token, 'base64');
    return this.keyed.copy().update(token).digest('base64');
  }

  hash(parts: readonly string[]): string {
    const h = this.keyed.copy();
    for (const part of parts) h.update(`${Buffer.byteLength(part)}:`).update(part);
    return h.digest('base64');
  }
}
