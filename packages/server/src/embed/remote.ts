// `process: 'child'`: the server runs in a child node process and the Control calls travel over IPC. The
// test's own event loop then never serves requests, so a synchronous child of the test (execFileSync of
// kubectl) can talk to the server.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Control, ControlStart, Started } from './control.js';
import type { Reply, Request } from './child.js';
import { StartError, type StartErrorFields } from './start-error.js';

type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export async function startRemote(s: ControlStart): Promise<Control> {
  const child = fork(fileURLToPath(new URL('./child.js', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pending = new Map<number, { res: (v: unknown) => void; rej: (e: Error) => void }>();
  let next = 1;
  let exited = false;
  const started = await new Promise<Started>((res, rej) => {
    const onExit = (code: number | null) =>
      rej(new Error(`kubeauth child process exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.once('message', (m: { ready?: Started; failed?: string; startError?: StartErrorFields }) => {
      child.off('exit', onExit);
      if (m.ready) res(m.ready);
      else if (m.startError) rej(new StartError(m.startError));
      else rej(new Error(m.failed ?? 'kubeauth child process failed to start'));
    });
    child.send(s);
  });
  child.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    idle();
    if (m.ok) p.res(m.value);
    else p.rej(new Error(m.error));
  });
  // The channel keeps the test process alive only while a call waits for its answer: a test that never calls
  // close() (a failed hook) must not hang its runner; the child exits when the test process does.
  const idle = () => {
    if (pending.size === 0) child.channel?.unref();
  };
  child.unref();
  idle();
  child.once('exit', () => {
    exited = true;
    for (const p of pending.values()) p.rej(new Error('kubeauth child process exited'));
    pending.clear();
  });
  const call = <T>(c: Call): Promise<T> => {
    if (exited) return Promise.reject(new Error('kubeauth child process has exited'));
    const id = next++;
    return new Promise<T>((res, rej) => {
      pending.set(id, { res: res as (v: unknown) => void, rej });
      child.channel?.ref();
      child.send({ ...c, id });
    });
  };
  return {
    started,
    now: () => call<number>({ op: 'now' }),
    advance: (by) => call<number>({ op: 'advance', by }),
    setTime: (ms) => call<void>({ op: 'setTime', ms }),
    snapshot: () => call<number>({ op: 'snapshot' }),
    restore: (snapshot) => call<void>({ op: 'restore', snapshot }),
    close: async () => {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.ref(); // close() resolves once the child is gone, even when nothing else keeps the process alive
      await call<void>({ op: 'close' });
      await gone;
    },
  };
}
