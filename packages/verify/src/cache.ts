/**
 * A bounded LRU cache with per-entry TTL, and a "single flight" helper so concurrent identical lookups share one
 * request (what kube-apiserver's cached token authenticator does with `singleflight`).
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

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
  private readonly keyed = createHash('sha256').update(randomBytes(32));

  hash(parts: readonly string[]): string {
    const h = this.keyed.copy();
    for (const part of parts) h.update(`${Buffer.byteLength(part)}:`).update(part);
    return h.digest('base64');
  }
}
