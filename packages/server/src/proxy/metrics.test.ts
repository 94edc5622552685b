import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyMetrics } from './metrics.js';

/** name → help of every `# HELP` line. */
function helps(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# HELP (\S+) (.*)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

// kube-rbac-proxy's authentication/authorization metrics are k8s.io/apiserver's filters' (component-base, ALPHA);
// its request metrics are plain client_golang ones, without a stability prefix.
test("the proxy: k8s.io/apiserver's authn/authz metrics ALPHA, promhttp's http_* unprefixed", async () => {
  const p = new ProxyMetrics();
  const h = helps(await p.text());
  for (const n of [
    'authentication_attempts',
    'authentication_duration_seconds',
    'authorization_attempts_total',
    'authorization_duration_seconds',
  ])
    assert.ok(h.get(n)!.startsWith('[ALPHA] '), `${n}: ${h.get(n)}`);
  assert.equal(h.get('http_requests_total'), 'Total number of HTTP requests by status code and method.');
  assert.equal(
    h.get('http_request_duration_seconds'),
    'Latency of HTTP requests in seconds by status code and method.',
  );
});
