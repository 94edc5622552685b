// A de-duplicating work queue: a key queued while pending runs once; failures retry with backoff.
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    if (this.pending.has(key)) return;
    this.pending.add(key);
    setImmediate(() => void this.run(key, 0));
  }

  private async run(key: string, attempt: number): Promise<void> {
    this.pending.delete(key);
    if (this.stopped) return this.checkIdle();
    this.running.add(key);
    try {
      await this.work(key);
    } catch (e) {
      this.onError(key, e);
      if (attempt < 8 && !this.stopped) {
        this.running.delete(key);
        this.pending.add(key);
        setTimeout(() => void this.run(key, attempt + 1), Math.min(5000, 50 * 2 ** attempt)).unref();
        return;
      }
    }
    this.running.delete(key);
    if (this.again.delete(key)) this.add(key);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.pending.size === 0 && this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
  }
}
