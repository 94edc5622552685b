// In-memory backend for unit tests: same contract as SQLite, nothing on disk.
import type { Backend, LogRecord, LogWrite } from './backend.js';

export class MemoryBackend implements Backend {
  private log: LogRecord[] = [];
  private rev = 0;

  async load() {
    const latest = new Map<string, LogRecord>();
    for (const r of this.log) latest.set(r.key, r);
    const items = [...latest.values()]
      .filter((r) => r.type !== 'DELETED')
      .map((r) => ({ key: r.key, rev: r.rev, value: r.value }));
    return { rev: this.rev, items };
  }
  async history(sinceTs: number) {
    return this.log.filter((r) => r.ts >= sinceTs);
  }
  async append(writes: LogWrite[]) {
    const ts = Date.now();
    return writes.map((w) => {
      const rev = ++this.rev;
      this.log.push({ rev, ts, ...w });
      return rev;
    });
  }
  async compact(beforeTs: number) {
    const latest = new Map<string, number>();
    for (const r of this.log) latest.set(r.key, r.rev);
    const before = this.log.length;
    this.log = this.log.filter((r) => r.ts >= beforeTs || (latest.get(r.key) === r.rev && r.type !== 'DELETED'));
    return before - this.log.length;
  }
  private closed = false;
  async ping(): Promise<void> {
    if (this.closed) throw new Error('storage is closed');
  }
  async close() {
    this.closed = true;
  }
}
