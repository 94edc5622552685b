// Request bodies that are costly to decode are decoded on a worker thread, so that one document (3 MiB of tiny
// YAML keys takes js-yaml up to ~1 s) never holds up the event loop that serves everyone else. One worker, one
// job at a time: such bodies get at most one core between them, whatever clients send. Its heap is capped, it
// runs at a lower OS priority than the serving thread (thread.ts), and jobs are queued fairly by user.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errors, type StatusError } from '../errors.js';
import { FairQueue } from './fairqueue.js';
import type { DecodeJob, DecodeOutcome } from './job.js';
import type { ApplyJob, ApplyOutcome } from './apply-job.js';

/** What the worker is sent: a decoding job as is, a patch (of any type, apply included) wrapped. */
export type WorkerMessage = DecodeJob | { apply: ApplyJob };
type Outcome = DecodeOutcome | ApplyOutcome;

interface Pending {
  job: WorkerMessage;
  resolve: (out: Outcome) => void;
  reject: (e: StatusError) => void;
}

/** Jobs waiting beyond this many answer 429, as kube-apiserver's max-in-flight filter does. */
const maxQueued = 32;
/** And beyond this many from one user: one user's bodies never fill the queue for everyone. */
const maxQueuedPerUser = 8;
/**
 * A backstop far above the worst case measured at the size limit: past this much CPU time on one job the worker is
 * replaced and the body refused. CPU time, not wall time: the worker runs at a low priority, so on a busy host a
 * job may wait long for the CPU without being costly. (Wall time where the thread's CPU time cannot be read.)
 */
const watchdogMs = 20_000;
/** An apply at the size limit computes field sets and managed fields besides decoding. */
const applyWatchdogMs = 40_000;
const watchdogTickMs = 250;

/** A thread's CPU time in ms (utime + stime of /proc/self/task/<tid>/stat, in 10 ms ticks), or undefined. */
function threadCpuMs(tid: number | undefined): number | undefined {
  if (tid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

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
  /** The worker thread's id (Linux), for its CPU time; its CPU time and the wall clock when the job started. */
  private tid: number | undefined;
  private startCpu: number | undefined;
  private startWall = 0;
  private closed = false;

  /**
   * The job's outcome; rejects only with a 429 (the queue, or `user`'s share of it, is full) or 503 (shutting
   * down) StatusError. Jobs are run one at a time, users in turn (FairQueue).
   */
  decode(job: DecodeJob, user = ''): Promise<DecodeOutcome> {
    return this.enqueue(job, user) as Promise<DecodeOutcome>;
  }

  /** A server-side apply computed on the worker (apply-job.ts), queued like a decoding job. */
  apply(job: ApplyJob, user = ''): Promise<ApplyOutcome> {
    return this.enqueue({ apply: job }, user) as Promise<ApplyOutcome>;
  }

  private enqueue(job: WorkerMessage, user: string): Promise<Outcome> {
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
    clearInterval(this.timer);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private next(): void {
    if (this.current || this.queue.size === 0) return;
    const p = (this.current = this.queue.shift()!);
    const w = (this.worker ??= this.spawn());
    const limit = 'apply' in p.job ? applyWatchdogMs : watchdogMs;
    this.startCpu = threadCpuMs(this.tid);
    this.startWall = Date.now();
    this.timer = setInterval(() => {
      const cpu = threadCpuMs(this.tid);
      const spent =
        cpu !== undefined && this.startCpu !== undefined ? cpu - this.startCpu : Date.now() - this.startWall;
      if (spent > limit) this.replace('document took too long to decode');
    }, watchdogTickMs);
    this.timer.unref();
    w.postMessage(p.job);
  }

  private done(out: Outcome): void {
    const p = this.current;
    clearInterval(this.timer);
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
    const job = this.current?.job;
    if (job && 'apply' in job)
      return this.done({ status: errors.timeout(`the patch could not be computed: ${why}`).status });
    const syntax = job?.yaml ? 'yaml' : 'json';
    this.done({ error: `${syntax === 'yaml' ? 'yaml: ' : ''}${why}`, syntax });
  }

  private spawn(): Worker {
    const w = new Worker(threadFile(), {
      resourceLimits: { maxOldGenerationSizeMb: 768, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    w.unref();
    this.tid = undefined;
    w.on('message', (out: Outcome | { tid: number }) => {
      if ('tid' in out) {
        this.tid = out.tid;
        this.startCpu = threadCpuMs(this.tid);
        return;
      }
      this.done(out);
    });
    w.on('error', () => this.replace("document exceeds the decoder's memory limit"));
    w.on('exit', () => {
      if (this.worker === w && this.current) this.replace("document exceeds the decoder's memory limit");
      else if (this.worker === w) this.worker = undefined;
    });
    return w;
  }
}
