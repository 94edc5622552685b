// The audit log backend (--audit-log-*): one event a line, JSON or legacy, to a file or stdout, rotated as
// kube-apiserver's lumberjack writer rotates it: past maxsize MiB (0 = lumberjack's 100) the file is renamed to
// `<name>-<UTC time 2006-01-02T15-04-05.000><ext>`, optionally gzipped, and backups beyond maxbackup or older
// than maxage days are removed (0 = keep). Events are gathered and written once per event-loop turn, in the order
// they were given: one write for many requests keeps the per-request cost small, and an event is serialized there,
// off the request's path (close() writes what is pending, on shutdown too).
import {
  closeSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { legacyLine, type AuditEntry } from './event.js';

export interface LogBackendOptions {
  path: string;
  format: 'json' | 'legacy';
  maxAgeDays: number;
  maxBackups: number;
  maxSizeMB: number;
  compress: boolean;
  /** Called with the number of events a failed write lost (apiserver_audit_error_total{plugin="log"}). */
  onError?: (lost: number, err: unknown) => void;
  now?: () => Date;
}

const MiB = 1024 * 1024;

export class LogBackend {
  private fd: number | undefined;
  private size = 0;
  private pending: AuditEntry[] = [];
  private scheduled = false;
  private readonly limit: number;
  private readonly scratch = Buffer.allocUnsafe(256 * 1024);

  constructor(private readonly o: LogBackendOptions) {
    this.limit = (o.maxSizeMB > 0 ? o.maxSizeMB : 100) * MiB;
    if (o.path !== '-') this.open();
  }

  private open(): void {
    this.fd = openSync(this.o.path, 'a', 0o600);
    try {
      this.size = statSync(this.o.path).size;
    } catch {
      this.size = 0;
    }
  }

  processEvents(...events: AuditEntry[]): void {
    for (const ev of events) this.pending.push(ev);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is pending now (also the shutdown path). */
  flush(): void {
    this.scheduled = false;
    if (!this.pending.length) return;
    const entries = this.pending;
    this.pending = [];
    try {
      let text = '';
      if (this.o.format === 'legacy') for (const e of entries) text += legacyLine(e.event()) + '\n';
      else for (const e of entries) text += e.json() + '\n';
      if (this.o.path === '-') {
        process.stdout.write(text);
        return;
      }
      // Encoded into one kept buffer when it surely fits (3 bytes at most per UTF-16 unit): no allocation a turn.
      const buf =
        text.length * 3 <= this.scratch.length
          ? this.scratch.subarray(0, this.scratch.write(text, 0, 'utf8'))
          : Buffer.from(text, 'utf8');
      if (this.size > 0 && this.size + buf.length > this.limit) this.rotate();
      writeSync(this.fd!, buf);
      this.size += buf.length;
    } catch (e) {
      this.o.onError?.(entries.length, e);
    }
  }

  private backupName(t: Date): string {
    const ext = extname(this.o.path);
    const stem = basename(this.o.path, ext);
    const stamp = t.toISOString().replace(/:/g, '-').replace('Z', '');
    return join(dirname(this.o.path), `${stem}-${stamp}${ext}`);
  }

  private rotate(): void {
    closeSync(this.fd!);
    const backup = this.backupName(this.o.now?.() ?? new Date());
    renameSync(this.o.path, backup);
    if (this.o.compress) {
      writeFileSync(backup + '.gz', gzipSync(readFileSync(backup)), { mode: 0o600 });
      unlinkSync(backup);
    }
    this.open();
    this.prune();
  }

  /** The rotation time a backup's name carries (`…-2006-01-02T15-04-05.000…`, UTC), in ms. */
  private nameTime(file: string): number {
    const m = /-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2}\.\d{3})[^/]*$/.exec(file);
    return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) : Infinity;
  }

  /** The rotated files of this log, newest first. */
  backups(): string[] {
    const ext = extname(this.o.path);
    const stem = basename(this.o.path, ext);
    const dir = dirname(this.o.path);
    const re = new RegExp(
      `^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3})${ext.replace('.', '\\.')}(\\.gz)?$`,
    );
    return readdirSync(dir)
      .map((f) => ({ f, m: re.exec(f) }))
      .filter((x) => x.m)
      .sort((a, b) => (a.m![1]! < b.m![1]! ? 1 : -1))
      .map((x) => join(dir, x.f));
  }

  private prune(): void {
    let list = this.backups();
    if (this.o.maxBackups > 0) {
      for (const f of list.slice(this.o.maxBackups)) unlinkSync(f);
      list = list.slice(0, this.o.maxBackups);
    }
    if (this.o.maxAgeDays > 0) {
      // By the UTC time in the name, as lumberjack's millRunOnce (timeFromName) and the flag's help say.
      const cutoff = (this.o.now?.() ?? new Date()).getTime() - this.o.maxAgeDays * 86400_000;
      for (const f of list) if (this.nameTime(f) < cutoff) unlinkSync(f);
    }
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
