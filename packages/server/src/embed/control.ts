// What the testing API controls on a running server, the same whether it runs in the test's own process or in
// a child process (child.ts answers these over IPC): the clock, snapshots, shutdown.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, wallClock, parseDuration } from '../clock/clock.js';
import { startEmbedded } from './adapter.js';
import { restoreSnapshot, takeSnapshot, type StateSnapshot } from './snapshots.js';

export interface ControlStart {
  clock: 'wall' | 'manual';
  /** Where a manual clock starts (ms since the epoch); default: the wall clock at start. */
  startTime?: number;
  storage: 'memory' | 'sqlite';
  /** Kept on close when given; otherwise a temporary directory, removed on close. */
  dataDir?: string;
  flags: string[];
  logLevel: string;
}

export interface Started {
  url: string;
  caPem: string;
  kubeconfigPath: string;
  dataDir: string;
}

/** Operations on a started server; snapshot ids are small integers so they cross IPC unchanged. */
export interface Control {
  started: Started;
  now(): Promise<number>;
  advance(by: number | string): Promise<number>;
  setTime(ms: number): Promise<void>;
  snapshot(): Promise<number>;
  restore(id: number): Promise<void>;
  close(): Promise<void>;
}

export async function startLocal(s: ControlStart): Promise<Control> {
  const own = s.dataDir === undefined;
  const dataDir = s.dataDir ?? mkdtempSync(join(tmpdir(), 'kubeauth-test-'));
  const manual = s.clock === 'manual' ? new ManualClock(s.startTime ?? Date.now()) : undefined;
  const clock = manual ?? wallClock;
  let server;
  try {
    server = await startEmbedded({ dataDir, storage: s.storage, clock, logLevel: s.logLevel, flags: s.flags });
  } catch (e) {
    if (own) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const srv = server;
  await srv.settle();
  const snapshots = new Map<number, StateSnapshot>();
  // Snapshot 0 is the state right after start: reset() restores it.
  snapshots.set(0, takeSnapshot(srv.store, clock, !!manual));
  let next = 1;
  const needManual = (what: string): ManualClock => {
    if (!manual) throw new Error(`${what} needs startKubeauth({ clock: 'manual' })`);
    return manual;
  };
  return {
    started: { url: srv.url, caPem: srv.caPem, kubeconfigPath: srv.kubeconfigPath, dataDir },
    now: async () => clock.now(),
    advance: async (by) => {
      const m = needManual('clock.advance()');
      parseDuration(by);
      const t = m.advance(by);
      await srv.settle();
      return t;
    },
    setTime: async (ms) => needManual('clock.set()').set(ms),
    snapshot: async () => {
      await srv.settle();
      await srv.store.quiesce();
      const id = next++;
      snapshots.set(id, takeSnapshot(srv.store, clock, !!manual));
      return id;
    },
    restore: async (id) => {
      const snap = snapshots.get(id);
      if (!snap) throw new Error(`no snapshot ${id} on this server (snapshots belong to the server that took them)`);
      await restoreSnapshot(srv.store, snap, manual, () => srv.settle());
    },
    close: async () => {
      await srv.close();
      if (own) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
