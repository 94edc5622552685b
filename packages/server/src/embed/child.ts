// The server of `startKubeauth({ process: 'child' })`: started by remote.ts with an IPC channel, it runs the
// same Control as in-process mode and answers its calls. It exits when the parent disconnects, so a test
// runner that dies never leaves it behind.
import { startLocal, type Control, type ControlStart } from './control.js';
import { StartError } from './start-error.js';

export type Request =
  | { id: number; op: 'now' }
  | { id: number; op: 'advance'; by: number | string }
  | { id: number; op: 'setTime'; ms: number }
  | { id: number; op: 'snapshot' }
  | { id: number; op: 'restore'; snapshot: number }
  | { id: number; op: 'close' };

export type Reply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

/** Sends `m` to the parent; `then` runs once it is written (so a disconnect after it loses nothing). */
function send(m: unknown, then?: () => void): void {
  process.send?.(m, undefined, {}, () => then?.());
}

const disconnect = () => process.disconnect?.();

async function answer(c: Control, r: Request): Promise<unknown> {
  switch (r.op) {
    case 'now':
      return c.now();
    case 'advance':
      return c.advance(r.by);
    case 'setTime':
      return c.setTime(r.ms);
    case 'snapshot':
      return c.snapshot();
    case 'restore':
      return c.restore(r.snapshot);
    case 'close':
      return c.close();
  }
}

process.once('message', (start: ControlStart) => {
  startLocal(start).then(
    (c) => {
      send({ ready: c.started });
      process.on('message', (r: Request) => {
        answer(c, r).then(
          (value) => {
            send({ id: r.id, ok: true, value } satisfies Reply, r.op === 'close' ? disconnect : undefined);
          },
          (e: unknown) => send({ id: r.id, ok: false, error: (e as Error)?.message ?? String(e) } satisfies Reply),
        );
      });
      process.once('disconnect', () => void c.close().finally(() => process.exit(0)));
    },
    (e: unknown) => {
      send(
        { failed: (e as Error)?.message ?? String(e), ...(e instanceof StartError ? { startError: e.fields() } : {}) },
        disconnect,
      );
    },
  );
});
