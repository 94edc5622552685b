// Builds what observe/observer.ts needs from the options: the metrics registry, the audit policy and its log
// backend, the request log. A bad policy file stops the start with kube's message.
import type { ServerResponse } from 'node:http';
import type { OpsOptions } from './options.js';
import { ApiServerMetrics } from '../metrics/apiserver.js';
import { HealthSlis, type NamedCheck } from '../metrics/slis.js';
import { loadPolicyFile, PolicyEvaluator } from '../audit/policy.js';
import { LogBackend } from '../audit/log-backend.js';
import { WebhookBackend } from '../audit/webhook-backend.js';
import { parseKubeconfigFile } from '../pki/kubeconfig.js';
import { DecisionRing } from '../audit/decisions.js';
import { HttpLog } from './httplog.js';
import { RequestObserver, type AuditSink } from './observer.js';

export interface Observability {
  observer: RequestObserver;
  metrics: ApiServerMetrics;
  /** Exact-path handlers: /metrics and /metrics/slis. */
  handlers: Map<string, (req: unknown, res: unknown) => Promise<void>>;
  /** The recent decisions, kept only for the web inspector (--ui). */
  decisions?: DecisionRing;
  close(): Promise<void>;
}

export interface ObservabilityDeps {
  /** Built before authentication, which counts accepted tokens in it. */
  metrics: ApiServerMetrics;
  kindOf: (group: string, version: string, resource: string) => string | undefined;
  /** Keep the recent decisions for the web inspector's live trace. */
  traceDecisions?: boolean;
  checks: { healthz: () => NamedCheck[]; livez: () => NamedCheck[]; readyz: () => NamedCheck[] };
}

const promContentType = 'text/plain; version=0.0.4; charset=utf-8';

export function setupObservability(o: OpsOptions | undefined, d: ObservabilityDeps): Observability {
  const { metrics } = d;
  const sinks: AuditSink[] = [];
  const closers: Array<() => void | Promise<void>> = [];
  let policy: PolicyEvaluator | undefined;
  // kube-apiserver audits only with a policy file and a backend; either alone records nothing.
  if (o?.auditPolicyFile && (o.auditLogPath || o.auditWebhook)) {
    policy = new PolicyEvaluator(loadPolicyFile(o.auditPolicyFile));
  }
  if (policy && o?.auditWebhook) {
    const w = o.auditWebhook;
    let connection;
    try {
      connection = parseKubeconfigFile(w.configFile);
    } catch (e) {
      throw new Error(`initializing audit webhook: ${(e as Error).message}`, { cause: e });
    }
    const webhook = new WebhookBackend({
      ...w,
      connection,
      onError: (n) => metrics.auditErrors.inc({ plugin: 'webhook' }, n),
    });
    sinks.push(webhook);
    closers.push(() => webhook.close());
  }
  if (policy && o?.auditLogPath) {
    const log = new LogBackend({
      path: o.auditLogPath,
      format: o.auditLogFormat,
      maxAgeDays: o.auditLogMaxAge,
      maxBackups: o.auditLogMaxBackup,
      maxSizeMB: o.auditLogMaxSize,
      compress: o.auditLogCompress,
      onError: (n) => metrics.auditErrors.inc({ plugin: 'log' }, n),
    });
    sinks.push(log);
    closers.push(() => log.close());
  }
  const httpLog = new HttpLog(o?.verbosity ?? 0, o?.loggingFormat ?? 'text');
  // KUBEAUTH_METRICS=off: requests are not measured (/metrics still answers): the benchmark's baseline.
  const measured = process.env.KUBEAUTH_METRICS !== 'off';
  const decisions = d.traceDecisions ? new DecisionRing() : undefined;
  const observer = new RequestObserver({
    decisions,
    metrics: measured ? metrics : undefined,
    // A blocking webhook holds each request for its events.
    audit: policy
      ? { policy, sinks, blocking: o?.auditWebhook !== undefined && o.auditWebhook.mode !== 'batch' }
      : undefined,
    httpLog: httpLog.enabled ? httpLog : undefined,
    kindOf: d.kindOf,
  });
  const slis = new HealthSlis(d.checks);
  const serve = (text: () => Promise<string>) => async (_req: unknown, res: unknown) => {
    const body = await text();
    const r = res as ServerResponse;
    r.writeHead(200, { 'Content-Type': promContentType, 'Content-Length': Buffer.byteLength(body) });
    r.end(body);
  };
  const handlers = new Map([
    ['/metrics', serve(() => metrics.text())],
    ['/metrics/slis', serve(() => slis.text())],
  ]);
  return {
    observer,
    metrics,
    handlers,
    decisions,
    close: async () => {
      await Promise.all(closers.map((c) => c()));
    },
  };
}

/** apiserver_storage_objects: the stored objects of each resource, labelled `resource.group` as kube labels them. */
export function storageObjectCounts(
  store: { count(prefix: string): number },
  groups: ReadonlyArray<{ resources: ReadonlyArray<{ group: string; resource: string; strategy?: unknown }> }>,
): Array<[string, number]> {
  const seen = new Map<string, number>();
  for (const gv of groups)
    for (const d of gv.resources) {
      if (!d.strategy) continue;
      const label = d.group ? `${d.resource}.${d.group}` : d.resource;
      if (!seen.has(label)) seen.set(label, store.count(`/${d.group || 'core'}/${d.resource}/`));
    }
  return [...seen];
}
