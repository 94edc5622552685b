// One server per data dir. Two servers on one dir would each rewrite admin.kubeconfig and write one SQLite
// file without seeing each other's writes (each trusts its own watch cache), so a second start must fail
// before it touches anything there.
//
// Why a lock file and not SQLite's own locking: the memory backend writes the PKI and the kubeconfig too, and
// has no database to lock; a file also lets the refusal name the holder (pid, port). The primitive is link(2):
// the lock's full content is written to a private temp file and then linked to `kubeauth.lock`, which fails
// with EEXIST if the lock exists — so no reader ever sees a half-written lock, and exactly one of two racing
// starts wins. A lock whose holder is gone (kill -9, crash) is stale: it is renamed away (atomic, so of two
// racing restarts one takes it) and checked to be the very lock judged stale before it is discarded.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

export const lockFileName = 'kubeauth.lock';

export interface LockHolder {
  pid: number;
  /** 0 while the holder is still starting (its port is not bound yet). */
  port: number;
  started: string;
  host: string;
}

export class DataDirLockedError extends Error {}

export interface DataDirLock {
  readonly path: string;
  /** Records the bound port (so a refused start can name it). */
  setPort(port: number): void;
  /** Removes the lock if it is still this process's. */
  release(): void;
}

/** Whether a process with this pid runs on this host. EPERM: it runs, as another user. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): { holder?: LockHolder; raw: string } | undefined {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const h = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && Number.isInteger(h.pid) && h.pid > 0)
      return {
        raw,
        holder: {
          pid: h.pid,
          port: typeof h.port === 'number' ? h.port : 0,
          started: String(h.started ?? ''),
          host: String(h.host ?? ''),
        },
      };
  } catch {
    // Not ours or damaged: nobody can hold it.
  }
  return { raw };
}

/**
 * A holder that blocks us: a live process on this host other than this one (a container's kubeauth is pid 1 on
 * every start, so its own pid in the lock means a previous life), or any holder on another host, whose
 * liveness cannot be checked from here.
 */
function blocks(h: LockHolder | undefined): h is LockHolder {
  if (!h) return false;
  if (h.host && h.host !== hostname()) return true;
  return h.pid !== process.pid && alive(h.pid);
}

function describe(dir: string, h: LockHolder): string {
  const where = h.host && h.host !== hostname() ? ` on host ${h.host}` : '';
  const port = h.port ? `port ${h.port}` : 'still starting';
  return `data directory ${dir} is in use by another kubeauth (pid ${h.pid}${where}, ${port}); stop it, or choose another --data-dir`;
}

const tempName = (path: string) => `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

function writeTemp(path: string, h: LockHolder): string {
  const tmp = tempName(path);
  writeFileSync(tmp, JSON.stringify(h) + '\n', { mode: 0o600, flag: 'wx' });
  return tmp;
}

/** Takes the data dir's lock or throws DataDirLockedError naming the holder. Writes nothing else. */
export function lockDataDir(dir: string): DataDirLock {
  const path = join(dir, lockFileName);
  const me: LockHolder = { pid: process.pid, port: 0, started: new Date().toISOString(), host: hostname() };
  for (let attempt = 0; ; attempt++) {
    // Judge an existing lock before writing anything, so a refused start leaves the dir as it found it.
    const seen = readHolder(path);
    if (seen && blocks(seen.holder)) throw new DataDirLockedError(describe(dir, seen.holder));
    if (seen) {
      if (attempt >= 5) throw new DataDirLockedError(`data directory ${dir}: could not take the stale lock ${path}`);
      discardStale(path, seen.raw);
      continue;
    }
    const tmp = writeTemp(path, me);
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      continue; // Another start won the race; judge its lock.
    } finally {
      unlinkSync(tmp);
    }
    return held(path, me);
  }
}

/** Moves a stale lock away; if what was moved is not the lock judged stale (a racer's fresh one), puts it back. */
function discardStale(path: string, raw: string): void {
  const aside = tempName(path);
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // Someone else moved it.
    throw e;
  }
  if (readFileSync(aside, 'utf8') === raw) return unlinkSync(aside);
  try {
    linkSync(aside, path);
  } catch {
    // A third start holds the lock now; the one moved aside belongs to a start that will be refused by it.
  }
  unlinkSync(aside);
}

function held(path: string, me: LockHolder): DataDirLock {
  const mine = () => {
    const h = readHolder(path)?.holder;
    return h !== undefined && h.pid === me.pid && h.started === me.started;
  };
  return {
    path,
    setPort(port) {
      if (!mine()) return;
      me.port = port;
      // rename over the lock: readers see the old content or the new, never a partial file.
      renameSync(writeTemp(path, me), path);
    },
    release() {
      try {
        if (mine()) unlinkSync(path);
      } catch {
        // Leaving a stale lock is harmless: the next start sees its holder is gone.
      }
    },
  };
}
