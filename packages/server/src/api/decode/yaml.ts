// YAML request bodies are converted to JSON on a worker thread, so that a costly document (3 MiB of tiny keys
// takes js-yaml up to ~1 s) never holds up the event loop that serves everyone else. One worker, one document at a
// time: YAML bodies get at most one core between them, whatever clients send. Its heap is capped.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as JsYaml from 'js-yaml';
import { errors, type StatusError } from '../errors.js';
import { createYamlConverter, type JsYamlModule, type YamlResult } from './yaml-convert.js';
import { yamlLimits } from './limits.js';

/** A refused document: go-yaml's text, which callers wrap in their endpoint's prefix. */
export class YamlError extends Error {}

interface Job {
  text: string;
  resolve: (json: string) => void;
  reject: (e: Error | StatusError) => void;
}

/** Documents waiting beyond this many answer 429, as kube-apiserver's max-in-flight filter does. */
const maxQueued = 32;
/** A backstop, far above the worst case measured at the size limit: the worker is replaced and the body refused. */
const watchdogMs = 20_000;

let inline: ((text: string) => YamlResult) | undefined;

/** Converts on the calling thread: for callers outside a request (tests, files); deep documents may be refused early. */
export function yamlToJsonSync(text: string): string {
  inline ??= createYamlConverter(JsYaml as JsYamlModule, yamlLimits);
  const r = inline(text);
  if ('error' in r) throw new YamlError(r.error);
  return r.json;
}

export class YamlDecoder {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /** The document as JSON text; rejects with YamlError (bad document) or a 429 StatusError (queue full). */
  toJson(text: string): Promise<string> {
    if (this.closed) return Promise.reject(errors.serviceUnavailable('the server is shutting down'));
    if (this.queue.length >= maxQueued)
      return Promise.reject(errors.tooManyRequests('Too many requests, please try again later.', 1));
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      this.next();
    });
  }

  close(): void {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(errors.serviceUnavailable('the server is shutting down'));
    this.current?.reject(errors.serviceUnavailable('the server is shutting down'));
    this.current = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private next(): void {
    if (this.current || this.queue.length === 0) return;
    const job = (this.current = this.queue.shift()!);
    const w = (this.worker ??= this.spawn());
    this.timer = setTimeout(() => this.fail(new YamlError('yaml: document took too long to decode')), watchdogMs);
    this.timer.unref();
    w.postMessage(job.text);
  }

  private done(r: YamlResult): void {
    const job = this.current;
    clearTimeout(this.timer);
    this.current = undefined;
    if (job) {
      if ('error' in r) job.reject(new YamlError(r.error));
      else job.resolve(r.json);
    }
    this.next();
  }

  /** The worker died or hung on the current document: refuse it, replace the worker, go on with the queue. */
  private fail(e: YamlError): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      w.removeAllListeners();
      w.on('error', () => undefined);
      void w.terminate();
    }
    this.done({ error: e.message });
  }

  private spawn(): Worker {
    const jsyaml = createRequire(import.meta.url).resolve('js-yaml');
    const w = new Worker(workerSource, {
      eval: true,
      workerData: { jsyaml, limits: yamlLimits },
      // js-yaml recurses a few frames per nesting level: room for the depth limit with a wide margin.
      resourceLimits: { stackSizeMb: 16, maxOldGenerationSizeMb: 768, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    w.unref();
    w.on('message', (r: YamlResult) => this.done(r));
    w.on('error', () => this.fail(new YamlError("yaml: document exceeds the decoder's memory limit")));
    w.on('exit', () => {
      if (this.worker === w) this.fail(new YamlError("yaml: document exceeds the decoder's memory limit"));
    });
    return w;
  }
}

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const convert = (${createYamlConverter.toString()})(require(workerData.jsyaml), workerData.limits);
parentPort.on('message', (text) => {
  let r;
  try { r = convert(text); } catch (e) { r = { error: 'yaml: ' + String(e && e.message) }; }
  parentPort.postMessage(r);
});
`;
