// Request bodies that are costly to decode are decoded on a worker thread, so that one document (3 MiB of tiny
// YAML keys takes js-yaml up to ~1 s) never holds up the event loop that serves everyone else. One worker, one
// job at a time: such bodies get at most one core between them, whatever clients send. Its heap is capped, it
// runs at a lower OS priority than the serving thread (thread.ts), and jobs are queued fairly by user.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errors, type StatusError } from '../errors.js';
import { FairQueue } from './fairqueue.js';
import type { DecodeJob, DecodeOutcome } from './job.js';

interface Pending {
  job: DecodeJob;
  resolve: (out: DecodeOutcome) => void;
  reject: (e: StatusError) => void;
}

/** Jobs waiting beyond this many answer 429, as kube-apiserver's max-in-flight filter does. */
const maxQueued = 32;
/** And beyond this many from one user: one user's bodies never fill the queue for everyone. */
const maxQueuedPerUser = 8;
/** A backstop far above the worst case measured at the size limit: the worker is replaced and the body refused. */
const watchdogMs = 20_000;

/**
 * The worker's entry file. Compiled, it sits beside this module (dist/api/decode/thread.js); bundled into the
 * `kubeauth` command, this code lives in dist/bin or dist/bin/chunks and the bundle script writes the entry
 * to both.
 */
function threadFile(): URL {
  const here = new URL('./thread.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../thread.js', import.meta.url);
}

export class BodyDecoder {
  private worker: Worker | undefined;
  private readonly queue = new FairQueue<Pending>(maxQueued, maxQueuedPerUser);
  private current: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /**
   * The job's outcome; rejects only with a 429 (the queue, or `user`'s share of it, is full) or 503 (shutting
   * down) StatusError. Jobs are run one at a time, users in turn (FairQueue).
   */
  decode(job: DecodeJob, user = ''): Promise<DecodeOutcome> {
    if (this.closed) return Promise.reject(errors.serviceUnavailable('the server is shutting down'));
    return new Promise((resolve, reject) => {
      if (!this.queue.push(user, { job, resolve, reject }))
        return reject(errors.tooManyRequests('Too many requests, please try again later.', 1));
      this.next();
    });
  }

  close(): void {
    this.closed = true;
    const gone = errors.serviceUnavailable('the server is shutting down');
    for (const p of this.queue.drain()) p.reject(gone);
    this.current?.reject(gone);
    this.current = undefined;
    clearTimeout(this.timer);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private next(): void {
    if (this.current || this.queue.size === 0) return;
    const p = (this.current = this.queue.shift()!);
    const w = (this.worker ??= this.spawn());
    this.timer = setTimeout(() => this.replace('document took too long to decode'), watchdogMs);
    this.timer.unref();
    w.postMessage(p.job);
  }

  private done(out: DecodeOutcome): void {
    const p = this.current;
    clearTimeout(this.timer);
    this.current = undefined;
    p?.resolve(out);
    this.next();
  }

  /** The worker died or hung on the current job: refuse that body, start afresh for the rest. */
  private replace(why: string): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      w.removeAllListeners();
      w.on('error', () => undefined);
      void w.terminate();
    }
    const syntax = this.current?.job.yaml ? 'yaml' : 'json';
    this.done({ error: `${syntax === 'yaml' ? 'yaml: ' : ''}${why}`, syntax });
  }

  private spawn(): Worker {
    const w = new Worker(threadFile(), {
      resourceLimits: { maxOldGenerationSizeMb: 768, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    w.unref();
    w.on('message', (out: DecodeOutcome) => this.done(out));
    w.on('error', () => this.replace("document exceeds the decoder's memory limit"));
    w.on('exit', () => {
      if (this.worker === w && this.current) this.replace("document exceeds the decoder's memory limit");
      else if (this.worker === w) this.worker = undefined;
    });
    return w;
  }
}
