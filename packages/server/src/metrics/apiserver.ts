// kube-apiserver's metrics for what kubeauth does, with kube's names, help texts, labels and buckets, on one
// prom-client registry. Sources read: staging/src/k8s.io/apiserver/pkg/endpoints/metrics/metrics.go (request,
// latency, size, inflight, long-running, watch metrics and the verb/scope/dry_run label rules),
// pkg/endpoints/filters/metrics.go (authentication/authorization attempts and durations, compressUsername),
// pkg/audit/metrics.go, pkg/serviceaccount/metrics.go, pkg/storage/etcd3/metrics (apiserver_storage_objects).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { BoundCounter, BoundHistogram, type CounterSeries, type HistogramSeries } from './bound.js';
import type { RequestLabels } from './labels.js';
import { kubeHelp } from './stability.js';

/** The series one kind of request adds to (one label set), looked up once and kept (`ApiServerMetrics.requestSeries`). */
export class RequestSeries {
  private readonly byCode = new Map<number, CounterSeries>();

  constructor(
    private readonly m: ApiServerMetrics,
    readonly labels: RequestLabels,
    readonly duration: HistogramSeries,
    readonly sizes: HistogramSeries,
  ) {}

  /** apiserver_request_total's series for this label set and `code`. */
  total(code: number): CounterSeries {
    let c = this.byCode.get(code);
    if (c === undefined) this.byCode.set(code, (c = this.m.requestTotal.bind({ ...this.labels, code: String(code) })));
    return c;
  }
}

/** An outcome's attempts counter and duration histogram (authentication or authorization). */
export interface OutcomeSeries {
  attempts: CounterSeries;
  duration: HistogramSeries;
}

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
    kubeHelp(
      'STABLE',
      'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    ),
    [...requestLabels, 'code'],
    this.registry,
  );
  readonly requestDuration = new BoundHistogram(
    'apiserver_request_duration_seconds',
    kubeHelp(
      'STABLE',
      'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    ),
    requestLabels,
    this.registry,
    [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
  );
  readonly responseSizes = new BoundHistogram(
    'apiserver_response_sizes',
    kubeHelp(
      'STABLE',
      'Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component.',
    ),
    sizeLabels,
    this.registry,
    exponentialBuckets(1000, 10, 7),
  );
  readonly longRunning = new Gauge({
    name: 'apiserver_longrunning_requests',
    help: kubeHelp(
      'STABLE',
      'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
    ),
    labelNames: sizeLabels,
    registers: [this.registry],
  });
  readonly watchEvents = new Counter({
    name: 'apiserver_watch_events_total',
    help: kubeHelp('ALPHA', 'Number of events sent in watch clients'),
    labelNames: watchLabels,
    registers: [this.registry],
  });
  readonly authenticatedUserRequests = new BoundCounter(
    'authenticated_user_requests',
    kubeHelp('ALPHA', 'Counter of authenticated requests broken out by username.'),
    ['username'],
    this.registry,
  );
  readonly authenticationAttempts = new BoundCounter(
    'authentication_attempts',
    kubeHelp('ALPHA', 'Counter of authenticated attempts.'),
    ['result'],
    this.registry,
  );
  readonly authenticationDuration = new BoundHistogram(
    'authentication_duration_seconds',
    kubeHelp('ALPHA', 'Authentication duration in seconds broken out by result.'),
    ['result'],
    this.registry,
    exponentialBuckets(0.001, 2, 15),
  );
  readonly authorizationAttempts = new BoundCounter(
    'authorization_attempts_total',
    kubeHelp(
      'ALPHA',
      "Counter of authorization attempts broken down by result. It can be either 'allowed', 'denied', 'no-opinion' or 'error'.",
    ),
    ['result'],
    this.registry,
  );
  readonly authorizationDuration = new BoundHistogram(
    'authorization_duration_seconds',
    kubeHelp('ALPHA', 'Authorization duration in seconds broken out by result.'),
    ['result'],
    this.registry,
    exponentialBuckets(0.001, 2, 15),
  );
  readonly auditEvents = new Counter({
    name: 'apiserver_audit_event_total',
    help: kubeHelp('ALPHA', 'Counter of audit events generated and sent to the audit backend.'),
    registers: [this.registry],
  });
  readonly auditErrors = new Counter({
    name: 'apiserver_audit_error_total',
    help: kubeHelp(
      'ALPHA',
      'Counter of audit events that failed to be audited properly. Plugin identifies the plugin affected by the error.',
    ),
    labelNames: ['plugin'],
    registers: [this.registry],
  });
  readonly auditRequestsRejected = new Counter({
    name: 'apiserver_audit_requests_rejected_total',
    help: kubeHelp('ALPHA', 'Counter of apiserver requests rejected due to an error in audit logging backend.'),
    registers: [this.registry],
  });
  readonly legacyTokens = new Counter({
    name: 'serviceaccount_legacy_tokens_total',
    help: kubeHelp('ALPHA', 'Cumulative legacy service account tokens used'),
    registers: [this.registry],
  });
  readonly staleTokens = new Counter({
    name: 'serviceaccount_stale_tokens_total',
    help: kubeHelp('ALPHA', 'Cumulative stale projected service account tokens used'),
    registers: [this.registry],
  });
  readonly validTokens = new Counter({
    name: 'serviceaccount_valid_tokens_total',
    help: kubeHelp('ALPHA', 'Cumulative valid projected service account tokens used'),
    registers: [this.registry],
  });

  /** In-flight requests now and their peak since the last scrape (kube reports the maximum of the last second). */
  private readonly inflight = { readOnly: 0, mutating: 0 };
  private readonly peak = { readOnly: 0, mutating: 0 };

  constructor(o: { storageObjects?: () => Iterable<[string, number]>; defaultMetrics?: boolean } = {}) {
    const { inflight, peak } = this;
    new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: kubeHelp(
        'STABLE',
        'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      ),
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
        help: kubeHelp(
          'STABLE',
          'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
        ),
        labelNames: ['resource'],
        registers: [this.registry],
        collect() {
          for (const [resource, n] of objects()) this.set({ resource }, n);
        },
      });
    if (o.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  private readonly seriesByLabels = new Map<string, RequestSeries>();
  private readonly userSeries = new Map<string, CounterSeries>();
  private readonly authnSeries = new Map<string, OutcomeSeries>();
  private readonly authzSeries = new Map<string, OutcomeSeries>();

  /** The series of requests labelled `l` (one object per distinct label set, kept for the registry's life). */
  requestSeries(l: RequestLabels): RequestSeries {
    const key = `${l.verb}\u0000${l.dry_run}\u0000${l.group}\u0000${l.version}\u0000${l.resource}\u0000${l.subresource}\u0000${l.scope}\u0000${l.component}`;
    let s = this.seriesByLabels.get(key);
    if (s === undefined)
      this.seriesByLabels.set(
        key,
        (s = new RequestSeries(this, l, this.requestDuration.bind(l), this.responseSizes.bind(l))),
      );
    return s;
  }

  /** authenticated_user_requests' series of a (compressed) user name. */
  authenticatedUser(username: string): CounterSeries {
    let c = this.userSeries.get(username);
    if (c === undefined) this.userSeries.set(username, (c = this.authenticatedUserRequests.bind({ username })));
    return c;
  }

  /** authentication_attempts and authentication_duration_seconds of a result (success, failure, error). */
  authentication(result: string): OutcomeSeries {
    return outcomeSeries(this.authnSeries, result, this.authenticationAttempts, this.authenticationDuration);
  }

  /** authorization_attempts_total and authorization_duration_seconds of a result (allowed, denied, no-opinion). */
  authorization(result: string): OutcomeSeries {
    return outcomeSeries(this.authzSeries, result, this.authorizationAttempts, this.authorizationDuration);
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

/** An outcome's series, bound once per result and kept in `memo`. */
function outcomeSeries(
  memo: Map<string, OutcomeSeries>,
  result: string,
  attempts: BoundCounter,
  duration: BoundHistogram,
): OutcomeSeries {
  let s = memo.get(result);
  if (s === undefined)
    memo.set(result, (s = { attempts: attempts.bind({ result }), duration: duration.bind({ result }) }));
  return s;
}
