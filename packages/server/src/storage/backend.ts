// The durable half of storage: an append-only log of object versions, where each row's id is the global
// revision (as in kine). The in-memory Store in front of it owns compare-and-swap and serves all reads.

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface LogRecord {
  rev: number;
  key: string;
  type: EventType;
  /** The object's JSON (for DELETED: the last state before deletion). */
  value: string;
  /** ms since epoch when written */
  ts: number;
}

export interface LogWrite {
  key: string;
  type: EventType;
  value: string;
}

export interface Backend {
  /** Current live objects and the latest revision. */
  load(): Promise<{ rev: number; items: Array<{ key: string; rev: number; value: string }> }>;
  /** Recent history (newest last), for watches that resume across a restart. */
  history(sinceTs: number): Promise<LogRecord[]>;
  /** Appends writes atomically and durably; returns the revision assigned to each, in order. */
  append(writes: LogWrite[]): Promise<number[]>;
  /** Drops superseded versions and tombstones written before `beforeTs`. Returns rows removed. */
  compact(beforeTs: number): Promise<number>;
  /** A cheap read that proves the backend still answers (the /healthz and /readyz `storage` check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
