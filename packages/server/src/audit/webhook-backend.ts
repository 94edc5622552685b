// The audit webhook backend (--audit-webhook-*): events POSTed as an audit.k8s.io/v1 EventList to the server of a
// kubeconfig, as k8s.io/apiserver/plugin/pkg/audit/webhook does, wrapped as pkg/server/options/audit.go wraps it:
// - batch (default): buffered (up to buffer-size events; more are dropped and counted as errors), sent when
//   max-size events are waiting or max-wait has passed, at most throttle-qps batches a second (burst
//   throttle-burst), several sends in flight at once (kube's AsyncDelegate);
// - blocking / blocking-strict: each call's events sent at once in one request, and the caller waits for it:
//   processEvents returns a promise that settles when the send (with its retries) is over, and the request
//   observer holds the request (RequestReceived) or its response (the later stages) until then, as kube's
//   synchronous ProcessEvents does. blocking ignores a failed send (kube's withIgnoreErrors); blocking-strict
//   reports it (false), which fails the request with kube's "failed to store audit event" when it happens at
//   RequestReceived.
// A failed send is retried with kube's webhook backoff (initial backoff, ×1.5, 20% jitter, 5 attempts) on
// connection errors and 5xx/429; what is finally lost counts in apiserver_audit_error_total{plugin="webhook"}.
// Truncation (pkg/audit/truncate): an event over max-event-size loses its request and response objects and gets
// the annotation audit.k8s.io/truncated=true, or is dropped when still too big; batches are split to stay under
// max-batch-size bytes.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeconfigConnection } from '../pki/kubeconfig.js';
import type { AuditEntry, AuditEvent } from './event.js';

export type WebhookMode = 'batch' | 'blocking' | 'blocking-strict';

export interface WebhookBackendOptions {
  connection: KubeconfigConnection;
  mode: WebhookMode;
  bufferSize: number;
  maxBatchSize: number;
  maxBatchWaitMs: number;
  throttleEnable: boolean;
  throttleQPS: number;
  throttleBurst: number;
  initialBackoffMs: number;
  truncate?: { maxEventSize: number; maxBatchSize: number };
  /** Events lost (dropped, truncated away or not delivered). */
  onError?: (lost: number, err: unknown) => void;
}

const retryFactor = 1.5;
const retryJitter = 0.2;
const retrySteps = 5;

class RetryableError extends Error {}

export class WebhookBackend {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private tokens: number;
  private lastRefill = performance.now();
  private readonly inflight = new Set<Promise<boolean>>();
  private closed = false;

  constructor(private readonly o: WebhookBackendOptions) {
    this.tokens = o.throttleBurst;
  }

  /** Batch mode: buffers, nothing to wait for. Blocking modes: resolves when sent (false: lost, blocking-strict). */
  processEvents(...events: AuditEntry[]): void | Promise<boolean> {
    if (this.closed) return this.o.mode === 'batch' ? undefined : Promise.resolve(this.o.mode === 'blocking');
    if (this.o.mode !== 'batch') return this.send(events).then((ok) => ok || this.o.mode === 'blocking');
    const room = this.o.bufferSize - this.buffer.length;
    if (room < events.length) this.o.onError?.(events.length - Math.max(room, 0), new Error('audit buffer full'));
    if (room > 0) this.buffer.push(...events.slice(0, room));
    if (this.buffer.length >= this.o.maxBatchSize) this.drain();
    else this.timer ??= setTimeout(() => this.drain(), this.o.maxBatchWaitMs).unref();
  }

  /** Sends full batches as the throttle allows; a partial batch when the wait is over (or at shutdown). */
  private drain(force = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length) {
      if (!force && !this.take()) {
        // Out of tokens: come back when one is due.
        this.timer = setTimeout(() => this.drain(), Math.ceil(1000 / this.o.throttleQPS)).unref();
        return;
      }
      void this.send(this.buffer.splice(0, this.o.maxBatchSize));
    }
  }

  private take(): boolean {
    if (!this.o.throttleEnable) return true;
    const now = performance.now();
    this.tokens = Math.min(this.o.throttleBurst, this.tokens + ((now - this.lastRefill) / 1000) * this.o.throttleQPS);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  /** Sends the events (in batches under the truncation limits); resolves whether every batch was delivered. */
  private send(entries: AuditEntry[]): Promise<boolean> {
    const events = entries.map((e) => e.event());
    const sends: Promise<boolean>[] = [];
    for (const batch of this.o.truncate ? this.truncated(events) : [events]) {
      const p = this.deliver(batch).then(
        () => true,
        (e: unknown) => {
          this.o.onError?.(batch.length, e);
          return false;
        },
      );
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
      sends.push(p);
    }
    if (sends.length === 1) return sends[0]!;
    return Promise.all(sends).then((oks) => oks.every(Boolean));
  }

  private truncated(events: AuditEvent[]): AuditEvent[][] {
    const t = this.o.truncate!;
    const batches: AuditEvent[][] = [];
    let cur: AuditEvent[] = [];
    let size = 0;
    for (let ev of events) {
      let n = Buffer.byteLength(JSON.stringify(ev));
      if (n > t.maxEventSize) {
        const { requestObject: _q, responseObject: _r, ...rest } = ev;
        ev = { ...rest, annotations: { ...ev.annotations, 'audit.k8s.io/truncated': 'true' } } as AuditEvent;
        n = Buffer.byteLength(JSON.stringify(ev));
        if (n > t.maxEventSize) {
          this.o.onError?.(1, new Error('audit event too large'));
          continue;
        }
      }
      if (cur.length && size + n > t.maxBatchSize) {
        batches.push(cur);
        cur = [];
        size = 0;
      }
      cur.push(ev);
      size += n;
    }
    if (cur.length) batches.push(cur);
    return batches;
  }

  private async deliver(items: AuditEvent[]): Promise<void> {
    const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items });
    let delay = this.o.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.post(body);
      } catch (e) {
        if (!(e instanceof RetryableError) || attempt >= retrySteps || this.closed) throw e;
      }
      await new Promise((r) => setTimeout(r, delay * (1 + Math.random() * retryJitter)));
      delay *= retryFactor;
    }
  }

  private post(body: string): Promise<void> {
    const c = this.o.connection;
    const url = new URL(c.server);
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'Content-Length': Buffer.byteLength(body),
    };
    if (c.token) headers.Authorization = `Bearer ${c.token}`;
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers,
          ca: c.caPem,
          cert: c.clientCertPem,
          key: c.clientKeyPem,
          rejectUnauthorized: !c.insecureSkipTlsVerify,
          timeout: 30_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300) resolve();
            else if (code >= 500 || code === 429) reject(new RetryableError(`audit webhook: HTTP ${code}`));
            else reject(new Error(`audit webhook: HTTP ${code}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new RetryableError('audit webhook: timeout')));
      req.on('error', (e) => reject(e instanceof RetryableError ? e : new RetryableError(e.message)));
      req.end(body);
    });
  }

  /** Sends what is buffered and waits for the sends in flight (no more retries once closing). */
  async close(): Promise<void> {
    this.drain(true);
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
  }
}
