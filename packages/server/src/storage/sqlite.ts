// SQLite backend (the embedded default): one table, log-structured like kine. Row id = revision, so the
// revision is global and monotonic (AUTOINCREMENT never reuses ids, even after compaction). WAL with
// synchronous=FULL: a write is acknowledged only after it is on disk.
import Database from 'better-sqlite3';
import type { Backend, EventType, LogRecord, LogWrite } from './backend.js';

const typeCode: Record<EventType, number> = { ADDED: 1, MODIFIED: 2, DELETED: 3 };
const codeType: Record<number, EventType> = { 1: 'ADDED', 2: 'MODIFIED', 3: 'DELETED' };

export class SqliteBackend implements Backend {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly appendTx: (writes: LogWrite[]) => number[];

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        type INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        value TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS log_key_id ON log(key, id);
      CREATE INDEX IF NOT EXISTS log_ts ON log(ts);
    `);
    this.insert = this.db.prepare('INSERT INTO log (key, type, ts, value) VALUES (?, ?, ?, ?)');
    this.appendTx = this.db.transaction((writes: LogWrite[]) => {
      const ts = Date.now();
      return writes.map((w) => Number(this.insert.run(w.key, typeCode[w.type], ts, w.value).lastInsertRowid));
    });
  }

  async load() {
    const revRow = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'log'").get() as
      { seq: number } | undefined;
    const rows = this.db
      .prepare(
        `SELECT l.id AS rev, l.key AS key, l.value AS value FROM log l
         JOIN (SELECT key, MAX(id) AS id FROM log GROUP BY key) m ON l.id = m.id
         WHERE l.type != 3`,
      )
      .all() as Array<{ rev: number; key: string; value: string }>;
    return { rev: revRow?.seq ?? 0, items: rows };
  }

  async history(sinceTs: number): Promise<LogRecord[]> {
    const rows = this.db
      .prepare('SELECT id, key, type, ts, value FROM log WHERE ts >= ? ORDER BY id')
      .all(sinceTs) as Array<{ id: number; key: string; type: number; ts: number; value: string }>;
    return rows.map((r) => ({ rev: r.id, key: r.key, type: codeType[r.type]!, ts: r.ts, value: r.value }));
  }

  async append(writes: LogWrite[]) {
    return this.appendTx(writes);
  }

  async compact(beforeTs: number) {
    // Superseded versions and tombstones older than the history window go; the live version of each key stays.
    const r = this.db
      .prepare(`DELETE FROM log WHERE ts < ? AND (type = 3 OR id NOT IN (SELECT MAX(id) FROM log GROUP BY key))`)
      .run(beforeTs);
    return r.changes;
  }

  async ping(): Promise<void> {
    // A real read of the database file (throws once the connection is closed or the file is unreadable).
    this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'log'").get();
  }

  async close() {
    this.db.close();
  }
}
