/**
 * A revocation feed: list + watch of the objects bound tokens refer to (ServiceAccounts, and optionally Pods,
 * Secrets, Nodes), so that a service learns within a second that a token's object was deleted or recreated —
 * something kube-apiserver's own webhook token cache (TTL only) does not offer.
 *
 * - {@link TokenReviewer} evicts cached reviews of tokens bound to a deleted object (the next review asks the API
 *   server again).
 * - {@link JwksVerifier} rejects tokens bound to an object seen deleted, or missing from the feed although the token
 *   was issued before the feed listed (`ERR_TOKEN_REVOKED`): offline verification that sees revocation.
 *
 * RBAC: the service's identity needs `list` and `watch` on each watched resource, cluster-wide, e.g. a ClusterRole
 * with `{apiGroups: [""], resources: ["serviceaccounts", "pods", "nodes"], verbs: ["list", "watch"]}` (add
 * `secrets` only if tokens bound to Secrets matter: listing Secrets reads their data too).
 *
 * @module
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { KubeConnection } from '../connection.js';

/** The resources a feed can watch (all in the core API group). */
export type RevocationKind = 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';

/** What a feed tells its subscribers: the UIDs of objects gone, or `'all'` (state lost: drop everything cached). */
export type Revocation = ReadonlySet<string> | 'all';

/** Options of {@link RevocationFeed}. */
export interface RevocationFeedOptions {
  /** The API server to watch, with the service's own credentials (see the module documentation for RBAC). */
  readonly connection: KubeConnection;
  /** What to watch. Default `['serviceaccounts', 'pods', 'nodes']`. */
  readonly kinds?: readonly RevocationKind[];
  /** Called when a list or watch fails (the feed retries after `retryMs`). Default: none. */
  readonly onError?: (error: unknown, kind: RevocationKind) => void;
  /** Pause before a failed list or watch is retried. Default 1 000 ms. */
  readonly retryMs?: number;
  /**
   * A token issued this long before its object's first listing, and whose object was not listed, is taken as
   * revoked by {@link RevocationFeed.isRevoked} (allows for clock skew between the API server and this service).
   * Default 30 000 ms.
   */
  readonly clockSkewMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** The bound objects of a token, as {@link RevocationFeed.isRevoked} checks them. */
export interface BoundObjects {
  readonly serviceAccountUid?: string;
  readonly podUid?: string;
  readonly secretUid?: string;
  /** Checked only for tokens bound to a Node (no Pod), as kube-apiserver does. */
  readonly nodeUid?: string;
  /** The token's `iat`, in milliseconds since the epoch. */
  readonly issuedAtMs?: number;
}

const DEFAULT_KINDS: readonly RevocationKind[] = ['serviceaccounts', 'pods', 'nodes'];
const MAX_TOMBSTONES = 100_000;
// A watch is renewed this often even when idle, so a silently dead connection is noticed.
const WATCH_TIMEOUT_SECONDS = 300;

interface KindState {
  readonly live: Set<string>;
  /** When the first list of this kind completed (ms, local clock); undefined until then. */
  listedAt: number | undefined;
}

/**
 * Watches ServiceAccounts (and Pods, Nodes, optionally Secrets) and tells subscribers which UIDs disappeared. Starts
 * at construction; {@link ready} resolves after the first list of every kind; {@link close} stops it.
 *
 * @example
 * ```ts
 * const revocation = new RevocationFeed({ connection });
 * const reviewer = new TokenReviewer({ connection, audiences: 'my-audience', revocation });
 * ```
 */
export class RevocationFeed {
  private readonly connection: KubeConnection;
  private readonly kinds: readonly RevocationKind[];
  private readonly state = new Map<RevocationKind, KindState>();
  private readonly tombstones = new Set<string>();
  private readonly listeners = new Set<(revoked: Revocation) => void>();
  private readonly abort = new AbortController();
  private readonly onError: ((error: unknown, kind: RevocationKind) => void) | undefined;
  private readonly retryMs: number;
  private readonly clockSkewMs: number;
  private readonly now: () => number;
  private readonly readyPromise: Promise<void>;
  private markReady!: () => void;

  constructor(options: RevocationFeedOptions) {
    this.connection = options.connection;
    this.kinds = [...new Set(options.kinds ?? DEFAULT_KINDS)];
    if (this.kinds.length === 0) throw new TypeError('RevocationFeed needs at least one kind to watch');
    this.onError = options.onError;
    this.retryMs = options.retryMs ?? 1_000;
    this.clockSkewMs = options.clockSkewMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
    for (const kind of this.kinds) {
      this.state.set(kind, { live: new Set(), listedAt: undefined });
      void this.run(kind);
    }
  }

  /** Resolves once every kind has been listed (rejects with `signal.reason` when aborted). */
  ready(signal?: AbortSignal): Promise<void> {
    if (!signal) return this.readyPromise;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      this.readyPromise.then(resolve);
    });
  }

  /** True once every kind has been listed. */
  get synced(): boolean {
    for (const s of this.state.values()) if (s.listedAt === undefined) return false;
    return true;
  }

  /** Calls `listener` with every revocation; returns the unsubscribe function. */
  subscribe(listener: (revoked: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Whether a token bound to these objects must be taken as revoked: one of them was seen deleted, or was not
   * listed although the token was issued (well) before the listing. Objects of kinds not watched are not checked.
   */
  isRevoked(bound: BoundObjects): boolean {
    return (
      this.gone('serviceaccounts', bound.serviceAccountUid, bound.issuedAtMs) ||
      this.gone('pods', bound.podUid, bound.issuedAtMs) ||
      this.gone('secrets', bound.secretUid, bound.issuedAtMs) ||
      (bound.podUid === undefined && this.gone('nodes', bound.nodeUid, bound.issuedAtMs))
    );
  }

  /** Stops watching. */
  close(): void {
    this.abort.abort(new Error('revocation feed closed'));
  }

  private gone(kind: RevocationKind, uid: string | undefined, issuedAtMs: number | undefined): boolean {
    if (uid === undefined) return false;
    const s = this.state.get(kind);
    if (s === undefined) return false;
    if (this.tombstones.has(uid)) return true;
    if (s.live.has(uid)) return false;
    // Unknown: an object created after the listing whose event is still on its way, or one gone before it.
    return s.listedAt !== undefined && issuedAtMs !== undefined && issuedAtMs < s.listedAt - this.clockSkewMs;
  }

  private emit(revoked: Revocation): void {
    for (const l of this.listeners) {
      try {
        l(revoked);
      } catch {
        // A subscriber's bug must not stop the feed.
      }
    }
  }

  private bury(uids: Iterable<string>): void {
    for (const uid of uids) {
      this.tombstones.add(uid);
      if (this.tombstones.size > MAX_TOMBSTONES) this.tombstones.delete(this.tombstones.values().next().value!);
    }
  }

  private async run(kind: RevocationKind): Promise<void> {
    const signal = this.abort.signal;
    const s = this.state.get(kind)!;
    const base = `/api/v1/${kind}`;
    while (!signal.aborted) {
      try {
        const list = (await this.connection.requestJson('GET', base, undefined, `list ${kind}`, { signal })) as {
          metadata?: { resourceVersion?: string };
          items?: { metadata?: { uid?: string } }[];
        };
        const live = new Set<string>();
        for (const item of list.items ?? []) if (item.metadata?.uid) live.add(item.metadata.uid);
        // Relisting after a gap: whatever vanished meanwhile is revoked.
        const vanished = new Set<string>();
        for (const uid of s.live) if (!live.has(uid)) vanished.add(uid);
        s.live.clear();
        for (const uid of live) s.live.add(uid);
        if (vanished.size > 0) {
          this.bury(vanished);
          this.emit(vanished);
        }
        s.listedAt ??= this.now();
        if (this.synced) this.markReady();
        let rv = list.metadata?.resourceVersion ?? '';
        while (!signal.aborted) {
          const q = new URLSearchParams({
            watch: '1',
            allowWatchBookmarks: 'true',
            timeoutSeconds: String(WATCH_TIMEOUT_SECONDS),
          });
          if (rv) q.set('resourceVersion', rv);
          await this.connection.watch(
            `${base}?${q}`,
            (event) => {
              const e = event as { type?: string; object?: { metadata?: { uid?: string; resourceVersion?: string } } };
              if (e.type === 'ERROR') throw new Error(`watch of ${kind} ended: ${JSON.stringify(e.object)}`);
              const meta = e.object?.metadata;
              if (meta?.resourceVersion) rv = meta.resourceVersion;
              const uid = meta?.uid;
              if (!uid) return;
              if (e.type === 'DELETED') {
                s.live.delete(uid);
                this.bury([uid]);
                this.emit(new Set([uid]));
              } else if (e.type === 'ADDED' || e.type === 'MODIFIED') {
                s.live.add(uid);
              }
            },
            { signal },
          );
        }
      } catch (err) {
        if (signal.aborted) return;
        this.onError?.(err, kind);
        await delay(this.retryMs, undefined, { signal }).catch(() => {});
      }
    }
  }
}
