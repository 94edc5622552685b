import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiServerMetrics } from './apiserver.js';
import { HealthSlis } from './slis.js';
import { kubeHelp } from './stability.js';

/** name → help of every `# HELP` line. */
function helps(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# HELP (\S+) (.*)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

test('kubeHelp prefixes the level, and a deprecated metric also its version, as component-base does', () => {
  assert.equal(kubeHelp('STABLE', 'Counter of x.'), '[STABLE] Counter of x.');
  assert.equal(kubeHelp('BETA', 'y'), '[BETA] y');
  assert.equal(kubeHelp('ALPHA', 'z', '1.23.0'), '[ALPHA] (Deprecated since 1.23.0) z');
});

// The levels kube-apiserver 1.33 declares for these metrics (docs/fidelity.md, "Metrics" names the revisions read).
const apiserverLevels: Record<string, string> = {
  apiserver_request_total:
    '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
  apiserver_request_duration_seconds: '[STABLE] Response latency',
  apiserver_response_sizes: '[STABLE] Response size',
  apiserver_longrunning_requests: '[STABLE] Gauge of all active long-running',
  apiserver_current_inflight_requests: '[STABLE] Maximal number',
  apiserver_storage_objects: '[STABLE] Number of stored objects',
  apiserver_watch_events_total: '[ALPHA] Number of events',
  authenticated_user_requests: '[ALPHA] Counter of authenticated requests',
  authentication_attempts: '[ALPHA] Counter of authenticated attempts.',
  authentication_duration_seconds: '[ALPHA] Authentication duration',
  authorization_attempts_total: '[ALPHA] Counter of authorization attempts',
  authorization_duration_seconds: '[ALPHA] Authorization duration',
  apiserver_audit_event_total: '[ALPHA] Counter of audit events generated',
  apiserver_audit_error_total: '[ALPHA] Counter of audit events that failed',
  apiserver_audit_requests_rejected_total: '[ALPHA] Counter of apiserver requests rejected',
  serviceaccount_legacy_tokens_total: '[ALPHA] Cumulative legacy service account tokens used',
  serviceaccount_stale_tokens_total: '[ALPHA] Cumulative stale projected service account tokens used',
  serviceaccount_valid_tokens_total: '[ALPHA] Cumulative valid projected service account tokens used',
};

test("/metrics' HELP lines carry kube-apiserver's stability prefixes; the process collectors' carry none", async () => {
  const m = new ApiServerMetrics({ storageObjects: () => [['serviceaccounts', 1]] });
  const h = helps(await m.text());
  for (const [name, want] of Object.entries(apiserverLevels)) {
    assert.ok(h.has(name), `${name} is exposed`);
    assert.ok(h.get(name)!.startsWith(want), `${name}: ${h.get(name)}`);
  }
  // Everything else is prom-client's default collectors, which kube's Go collectors mirror unprefixed.
  const others = [...h].filter(([n]) => !Object.hasOwn(apiserverLevels, n));
  assert.ok(others.length > 0);
  for (const [name, help] of others) {
    assert.match(name, /^(process_|nodejs_)/);
    assert.doesNotMatch(help, /^\[(ALPHA|BETA|STABLE)\]/, name);
  }
});

test('/metrics/slis: both health-check SLIs are STABLE', async () => {
  const s = new HealthSlis({
    healthz: () => [{ name: 'ping', check: () => undefined }],
    livez: () => [],
    readyz: () => [],
  });
  const h = helps(await s.text());
  assert.equal(h.get('kubernetes_healthcheck'), '[STABLE] This metric records the result of a single healthcheck.');
  assert.equal(h.get('kubernetes_healthchecks_total'), '[STABLE] This metric records the results of all healthcheck.');
});
