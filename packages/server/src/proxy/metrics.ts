// The proxy's own metrics. kube-rbac-proxy builds its chain from k8s.io/apiserver's filters, which record
// `authentication_attempts{result}` / `authentication_duration_seconds{result}` and `authorization_attempts_total`
// / `authorization_duration_seconds{result}` (pkg/endpoints/filters/metrics.go: results success|failure|error and
// allowed|denied|no-opinion|error); request totals and latency by code and method use the names of Go's
// promhttp instrumentation (`http_requests_total{code,method}`, `http_request_duration_seconds{code,method}`, method
// lower-cased, promhttp's default buckets). Children are looked up once and kept, so a request costs a map lookup
// and two increments.
import {
  Counter,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type Counter as C,
  type Histogram as H,
} from 'prom-client';
import { kubeHelp } from '../metrics/stability.js';

export type AuthnResult = 'success' | 'failure' | 'error';
export type AuthzResult = 'allowed' | 'denied' | 'error';

const promhttpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// kube's authentication/authorization duration buckets (ExponentialBuckets(0.001, 2, 15)).
const authBuckets = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'Total number of HTTP requests by status code and method.',
    labelNames: ['code', 'method'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Latency of HTTP requests in seconds by status code and method.',
    labelNames: ['code', 'method'],
    buckets: promhttpBuckets,
    registers: [this.registry],
  });
  private readonly authnAttempts = new Counter({
    name: 'authentication_attempts',
    help: kubeHelp('ALPHA', 'Counter of authenticated attempts.'),
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly authnDuration = new Histogram({
    name: 'authentication_duration_seconds',
    help: kubeHelp('ALPHA', 'Authentication duration in seconds broken out by result.'),
    labelNames: ['result'],
    buckets: authBuckets,
    registers: [this.registry],
  });
  private readonly authzAttempts = new Counter({
    name: 'authorization_attempts_total',
    help: kubeHelp(
      'ALPHA',
      "Counter of authorization attempts broken down by result. It can be either 'allowed', 'denied', 'no-opinion' or 'error'.",
    ),
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly authzDuration = new Histogram({
    name: 'authorization_duration_seconds',
    help: kubeHelp('ALPHA', 'Authorization duration in seconds broken out by result.'),
    labelNames: ['result'],
    buckets: authBuckets,
    registers: [this.registry],
  });
  private readonly children = new Map<string, { count: C.Internal; time: H.Internal<string> }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  request(method: string, code: number, seconds: number): void {
    const key = `${code} ${method}`;
    let c = this.children.get(key);
    if (!c) {
      const labels = { code: String(code), method: method.toLowerCase() };
      c = { count: this.requests.labels(labels), time: this.duration.labels(labels) };
      this.children.set(key, c);
    }
    c.count.inc();
    c.time.observe(seconds);
  }

  authenticated(result: AuthnResult, seconds: number): void {
    this.authnAttempts.labels(result).inc();
    this.authnDuration.labels(result).observe(seconds);
  }

  authorized(result: AuthzResult, seconds: number): void {
    this.authzAttempts.labels(result).inc();
    this.authzDuration.labels(result).observe(seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
