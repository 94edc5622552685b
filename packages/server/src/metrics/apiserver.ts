// kube-apiserver's metrics for what kubeauth does, with kube's names, help texts, labels and buckets, on one
// prom-client registry. Sources read: staging/src/k8s.io/apiserver/pkg/endpoints/metrics/metrics.go (request,
// latency, size, inflight, long-running, watch metrics and the verb/scope/dry_run label rules),
// pkg/endpoints/filters/metrics.go (authentication/authorization attempts and durations, compressUsername),
// pkg/audit/metrics.go, pkg/serviceaccount/metrics.go, pkg/storage/etcd3/metrics (apiserver_storage_objects).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { BoundCounter, BoundHistogram, type CounterHandle, type HistogramHandle } from './bound.js';
import { requestLabels as labelsOf, type RequestLabels } from './labels.js';
import type { RequestInfo } from '../request/info.js';

/** prometheus ExponentialBuckets(start, factor, count). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0, v = start; i < count; i++, v *= factor) out.push(v);
  return out;
}

const requestLabels = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const sizeLabels = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const watchLabels = ['group', 'version', 'kind'] as const;

export class ApiServerMetrics {
  readonly registry = new Registry();
  // Every request adds to the bound (per-request) metrics below; the rest are prom-client's own.
  readonly requestTotal = new BoundCounter(
    'apiserver_request_total',
    'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    [...requestLabels, 'code'],
    this.registry,
  );
  readonly requestDuration = new BoundHistogram(
    'apiserver_request_duration_seconds',
    'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    requestLabels,
    this.registry,
    [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
  );
  readonly responseSizes = new BoundHistogram(
    'apiserver_response_sizes',
    'Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component.',
    sizeLabels,
    this.registry,
    exponentialBuckets(1000, 10, 7),
  );
  readonly longRunning = new Gauge({
    name: 'apiserver_longrunning_requests',
    help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
    labelNames: sizeLabels,
    registers: [this.registry],
  });
  readonly registeredWatchers = new Gauge({
    name: 'apiserver_registered_watchers',
    help: 'Number of currently registered watchers for a given resources',
    labelNames: watchLabels,
    registers: [this.registry],
  });
  readonly watchEvents = new Counter({
    name: 'apiserver_watch_events_total',
    help: 'Number of events sent in watch clients',
    labelNames: watchLabels,
    registers: [this.registry],
  });
  readonly authenticatedUserRequests = new BoundCounter(
    'authenticated_user_requests',
    'Counter of authenticated requests broken out by username.',
    ['username'],
    this.registry,
  );
  readonly authenticationAttempts = new BoundCounter(
    'authentication_attempts',
    'Counter of authenticated attempts.',
    ['result'],
    this.registry,
  );
  readonly authenticationDuration = new BoundHistogram(
    'authentication_duration_seconds',
    'Authentication duration in seconds broken out by result.',
    ['result'],
    this.registry,
    exponentialBuckets(0.001, 2, 15),
  );
  readonly authorizationAttempts = new BoundCounter(
    'authorization_attempts_total',
    "Counter of authorization attempts broken down by result. It can be either 'allowed', 'denied', 'no-opinion' or 'error'.",
    ['result'],
    this.registry,
  );
  readonly authorizationDuration = new BoundHistogram(
    'authorization_duration_seconds',
    'Authorization duration in seconds broken out by result.',
    ['result'],
    this.registry,
    exponentialBuckets(0.001, 2, 15),
  );
  readonly auditEvents = new Counter({
    name: 'apiserver_audit_event_total',
    help: 'Counter of audit events generated and sent to the audit backend.',
    registers: [this.registry],
  });
  readonly auditErrors = new Counter({
    name: 'apiserver_audit_error_total',
    help: 'Counter of audit events that failed to be audited properly. Plugin identifies the plugin affected by the error.',
    labelNames: ['plugin'],
    registers: [this.registry],
  });
  readonly auditRequestsRejected = new Counter({
    name: 'apiserver_audit_requests_rejected_total',
    help: 'Counter of apiserver requests rejected due to an error in audit logging backend.',
    registers: [this.registry],
  });
  readonly legacyTokens = new Counter({
    name: 'serviceaccount_legacy_tokens_total',
    help: 'Cumulative legacy service account tokens used',
    registers: [this.registry],
  });
  readonly staleTokens = new Counter({
    name: 'serviceaccount_stale_tokens_total',
    help: 'Cumulative stale projected service account tokens used',
    registers: [this.registry],
  });
  readonly validTokens = new Counter({
    name: 'serviceaccount_valid_tokens_total',
    help: 'Cumulative valid projected service account tokens used',
    registers: [this.registry],
  });

  /** In-flight requests now and their peak since the last scrape (kube reports the maximum of the last second). */
  private readonly inflight = { readOnly: 0, mutating: 0 };
  private readonly peak = { readOnly: 0, mutating: 0 };

  constructor(o: { storageObjects?: () => Iterable<[string, number]>; defaultMetrics?: boolean } = {}) {
    const { inflight, peak } = this;
    new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      labelNames: ['request_kind'],
      registers: [this.registry],
      collect() {
        for (const k of ['mutating', 'readOnly'] as const) {
          this.set({ request_kind: k }, peak[k]);
          peak[k] = inflight[k];
        }
      },
    });
    const objects = o.storageObjects;
    if (objects)
      new Gauge({
        name: 'apiserver_storage_objects',
        help: 'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
        labelNames: ['resource'],
        registers: [this.registry],
        collect() {
          for (const [resource, n] of objects()) this.set({ resource }, n);
        },
      });
    if (o.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  private readonly routes = new WeakMap<object, Route>();
  private readonly results = new Map<string, ResultHandles>();
  private readonly users = new Map<string, CounterHandle>();

  /**
   * The request metrics' series for one request. A query-less request's RequestInfo is shared by every request to
   * the same method and path (request/info.ts), so its labels and series are resolved once and kept with it.
   */
  route(
    method: string,
    info: Readonly<RequestInfo>,
    rawQuery: string,
    query: URLSearchParams,
    contentType: string | undefined,
  ): Route {
    // A PATCH's verb depends on its content type (APPLY), a query's dryRun on the query: those are not kept.
    const kept = rawQuery === '' && method !== 'PATCH' && Object.isFrozen(info);
    if (kept) {
      const r = this.routes.get(info);
      if (r !== undefined && r.method === method) return r;
    }
    const r = new Route(this, method, labelsOf(method, info, rawQuery, query, contentType));
    if (kept) this.routes.set(info, r);
    return r;
  }

  /** authentication_attempts and authentication_duration_seconds of one result. */
  authentication(result: 'success' | 'failure' | 'error'): ResultHandles {
    return this.result('authn ' + result, this.authenticationAttempts, this.authenticationDuration, result);
  }

  /** authorization_attempts_total and authorization_duration_seconds of one result. */
  authorization(result: 'allowed' | 'denied' | 'no-opinion'): ResultHandles {
    return this.result('authz ' + result, this.authorizationAttempts, this.authorizationDuration, result);
  }

  private result(key: string, attempts: BoundCounter, duration: BoundHistogram, result: string): ResultHandles {
    let r = this.results.get(key);
    if (r === undefined) {
      const labels = Object.freeze({ result });
      this.results.set(key, (r = { attempts: attempts.handle(labels), duration: duration.handle(labels) }));
    }
    return r;
  }

  /** authenticated_user_requests of a user (its compressed name). */
  userRequests(username: string): CounterHandle {
    const name = compressUsername(username);
    let h = this.users.get(name);
    if (h === undefined)
      this.users.set(name, (h = this.authenticatedUserRequests.handle(Object.freeze({ username: name }))));
    return h;
  }

  requestStarted(mutating: boolean): void {
    const k = mutating ? 'mutating' : 'readOnly';
    if (++this.inflight[k] > this.peak[k]) this.peak[k] = this.inflight[k];
  }

  requestFinished(mutating: boolean): void {
    this.inflight[mutating ? 'mutating' : 'readOnly']--;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

export interface ResultHandles {
  readonly attempts: CounterHandle;
  readonly duration: HistogramHandle;
}

/** The series of one route (method, path, dry run): apiserver_request_total by code, the latency and size histograms. */
export class Route {
  readonly duration: HistogramHandle;
  readonly sizes: HistogramHandle;
  private readonly totals = new Map<number, CounterHandle>();
  private longRunningLabels: Omit<RequestLabels, 'dry_run'> | undefined;

  constructor(
    private readonly m: ApiServerMetrics,
    readonly method: string,
    readonly labels: Readonly<RequestLabels>,
  ) {
    Object.freeze(labels);
    this.duration = m.requestDuration.handle(labels);
    // Its label names leave dry_run out: the handle's series takes only the metric's own labels.
    this.sizes = m.responseSizes.handle(labels);
  }

  total(code: number): CounterHandle {
    let h = this.totals.get(code);
    if (h === undefined)
      this.totals.set(code, (h = this.m.requestTotal.handle(Object.freeze({ ...this.labels, code: String(code) }))));
    return h;
  }

  /** apiserver_longrunning_requests' labels (those of the request without dry_run). */
  longRunning(): Omit<RequestLabels, 'dry_run'> {
    if (this.longRunningLabels === undefined) {
      const { dry_run: _d, ...rest } = this.labels;
      this.longRunningLabels = Object.freeze(rest);
    }
    return this.longRunningLabels;
  }
}

/**
 * kube's compressUsername: a few well-known identities by name, e-mail-like names as `email_id`, everything else
 * `other` (keeps the label's cardinality bounded and user names out of the metric).
 */
export function compressUsername(username: string): string {
  switch (username) {
    case 'admin':
    case 'client':
    case 'kube_proxy':
    case 'kubelet':
    case 'system:serviceaccount:kube-system:default':
      return username;
  }
  return username.includes('@') ? 'email_id' : 'other';
}
