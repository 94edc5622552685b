/**
 * Bearer tokens for our own calls to the API server, re-read from disk the way client-go does.
 *
 * The kubelet rotates projected ServiceAccount tokens (at 80% of their lifetime) by swapping a `..data` symlink,
 * so the file can be missing for an instant. client-go's `cachingTokenSource` re-reads at most once a minute and,
 * when a read fails, keeps using the last token it read; {@link FileTokenSource} does the same.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { ReviewError } from './errors.js';

/** Supplies the bearer token for each request to the API server. */
export interface TokenSource {
  /** The current token, or `undefined` for none. */
  token(): Promise<string | undefined>;
  /** Forces a re-read on the next {@link TokenSource.token} call (after a 401). Returns whether one is possible. */
  invalidate(): boolean;
}

/** A token that never changes (kubeconfig `token`, explicit `token` option). */
export class StaticTokenSource implements TokenSource {
  constructor(private readonly value: string | undefined) {}

  token(): Promise<string | undefined> {
    return Promise.resolve(this.value);
  }

  invalidate(): boolean {
    return false;
  }
}

/** Options of {@link FileTokenSource}. */
export interface FileTokenSourceOptions {
  /** How long a read token is used before the file is read again. Default 60 000 ms (client-go's period). */
  readonly refreshMs?: number;
  /** After a failed re-read, wait this long before trying the file again. Default 1 000 ms. */
  readonly retryMs?: number;
  /** Used until the file has been read once successfully (kubeconfig `token` next to `tokenFile`). */
  readonly fallback?: string;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A token read from a file (in-cluster `/var/run/secrets/kubernetes.io/serviceaccount/token`, kubeconfig
 * `tokenFile`), re-read at most every `refreshMs`. A failed re-read keeps the last good token; only a file that
 * was never readable is an error (a {@link ReviewError} of kind `unauthorized`, code `ERR_KUBE_CREDENTIALS`).
 */
export class FileTokenSource implements TokenSource {
  private cached: string | undefined;
  private nextReadAt = 0;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<string | undefined> | undefined;
  private readonly refreshMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;

  constructor(
    /** Path of the token file. */
    readonly path: string,
    options: FileTokenSourceOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 60_000;
    this.retryMs = options.retryMs ?? 1_000;
    this.now = options.now ?? Date.now;
    this.cached = options.fallback;
  }

  token(): Promise<string | undefined> {
    if (this.cached !== undefined && this.now() < this.nextReadAt) return Promise.resolve(this.cached);
    // One read at a time; concurrent callers share it.
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  invalidate(): boolean {
    // At most one forced re-read per second, however many requests come back 401.
    if (this.now() - this.lastReadAt < 1_000) return false;
    this.nextReadAt = 0;
    return true;
  }

  private async read(): Promise<string | undefined> {
    this.lastReadAt = this.now();
    try {
      const value = (await readFile(this.path, 'utf8')).trim();
      if (value === '') throw new Error('the file is empty');
      if (!/^[\x21-\x7e]+$/.test(value)) throw new Error('the file holds characters a bearer token cannot have');
      this.cached = value;
      this.nextReadAt = this.now() + this.refreshMs;
      return value;
    } catch (err) {
      if (this.cached !== undefined) {
        // Mid-rotation (symlink swap) or a transient error: keep the last token, try again soon.
        this.nextReadAt = this.now() + this.retryMs;
        return this.cached;
      }
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new ReviewError('unauthorized', `cannot read bearer token file "${this.path}": ${reason}`, {
        code: 'ERR_KUBE_CREDENTIALS',
        cause: err,
      });
    }
  }
}
