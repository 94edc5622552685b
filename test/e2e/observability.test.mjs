// Metrics, audit and request logs end to end: /metrics parsed by Debian's promtool and its values moving with
// requests, /metrics behind RBAC (system:monitoring), audit events checked against the audit.k8s.io/v1 Event
// shape with Audit-Id, credential-id and decision annotations, no token in a Metadata-level log, bad policies
// and flags refused at start, and kube's httplog lines in JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeauth, eventually, mainJs } from './harness.mjs';
import { call } from './http.mjs';

const work = mkdtempSync(join(tmpdir(), 'kubeauth-observe-'));
const policyPath = join(work, 'policy.yaml');
const auditPath = join(work, 'audit.log');
writeFileSync(
  policyPath,
  `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: ["/metrics", "/healthz*", "/readyz*", "/livez*"]
- level: Metadata
  resources:
  - group: authentication.k8s.io
    resources: [tokenreviews]
  - group: ""
    resources: [secrets, serviceaccounts/token]
- level: RequestResponse
  resources:
  - group: ""
    resources: [configmaps]
- level: Metadata
`,
);

let s;
before(async () => {
  s = await startKubeauth([
    '--storage-backend=memory',
    `--audit-policy-file=${policyPath}`,
    `--audit-log-path=${auditPath}`,
    '--logging-format=json',
    '-v=2',
  ]);
});
after(async () => {
  await s?.stop();
});

const json = { 'Content-Type': 'application/json' };

async function token(sa) {
  await call(s, '/api/v1/namespaces/default/serviceaccounts', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ metadata: { name: sa } }),
  });
  const r = await call(s, `/api/v1/namespaces/default/serviceaccounts/${sa}/token`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ spec: {} }),
  });
  assert.equal(r.status, 201, r.body);
  return r.json.status.token;
}

/** Samples of the exposition text: name{labels} -> value. */
function samples(text) {
  const m = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

async function scrape() {
  const r = await call(s, '/metrics');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return r.body;
}

test('/metrics parses with promtool; the only lint findings are kube-apiserver names kept as kube spells them', async () => {
  assert.equal((await call(s, '/api/v1/namespaces')).status, 200);
  const text = await scrape();
  const p = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  // 1 would be a parse error; 3 is lint findings only.
  assert.equal(p.status, 3, p.stdout + p.stderr);
  const findings = (p.stdout + p.stderr).trim().split('\n').sort();
  assert.deepEqual(findings, [
    'authenticated_user_requests counter metrics should have "_total" suffix',
    'authentication_attempts counter metrics should have "_total" suffix',
    'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
    'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
    'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
  ]);
  for (const name of [
    '# TYPE apiserver_request_total counter',
    '# TYPE apiserver_request_duration_seconds histogram',
    '# TYPE apiserver_current_inflight_requests gauge',
    '# TYPE apiserver_response_sizes histogram',
    '# TYPE apiserver_longrunning_requests gauge',
    '# TYPE apiserver_watch_events_total counter',
    '# TYPE authentication_duration_seconds histogram',
    '# TYPE authorization_attempts_total counter',
    '# TYPE authorization_duration_seconds histogram',
    '# TYPE apiserver_audit_event_total counter',
    '# TYPE apiserver_storage_objects gauge',
    '# TYPE process_cpu_seconds_total counter',
  ])
    assert.ok(text.includes(name), name);
  // HELP carries the stability level kube-apiserver's component-base metrics declare; Go's process collectors none.
  for (const line of [
    '# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    '# HELP apiserver_storage_objects [STABLE] Number of stored objects',
    '# HELP authorization_attempts_total [ALPHA] Counter of authorization attempts',
    '# HELP serviceaccount_legacy_tokens_total [ALPHA] Cumulative legacy service account tokens used',
    '# HELP apiserver_watch_events_total [ALPHA] Number of events sent in watch clients',
  ])
    assert.ok(text.includes(line), line);
  assert.match(text, /^# HELP process_cpu_seconds_total [^[]/m);
  assert.match(text, /apiserver_request_duration_seconds_bucket\{le="0.005",/);
  assert.match(text, /apiserver_request_duration_seconds_bucket\{le="60",/);
});

test('values move: a TokenReview, a bad token and a denied request are counted', async () => {
  const tok = await token('metrics-sa');
  const before = samples(await scrape());
  const r = await call(s, '/apis/authentication.k8s.io/v1/tokenreviews', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: tok } }),
  });
  assert.equal(r.status, 201);
  assert.equal(r.json.status.authenticated, true);
  const bad = await call(s, '/api/v1/namespaces', { token: 'not-a-token' });
  assert.equal(bad.status, 401);
  const denied = await call(s, '/api/v1/namespaces', { token: tok });
  assert.equal(denied.status, 403);
  assert.equal(
    denied.json.message,
    'namespaces is forbidden: User "system:serviceaccount:default:metrics-sa" cannot list resource "namespaces" in API group "" at the cluster scope',
  );
  const after = samples(await scrape());
  const delta = (k) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
  assert.equal(
    delta(
      'apiserver_request_total{verb="POST",dry_run="",group="authentication.k8s.io",version="v1",resource="tokenreviews",subresource="",scope="resource",component="apiserver",code="201"}',
    ),
    1,
  );
  assert.equal(
    delta(
      'apiserver_request_duration_seconds_count{verb="POST",dry_run="",group="authentication.k8s.io",version="v1",resource="tokenreviews",subresource="",scope="resource",component="apiserver"}',
    ),
    1,
  );
  // The review's token and the 403 request's bearer token: two valid bound tokens.
  assert.equal(delta('serviceaccount_valid_tokens_total'), 2);
  assert.equal(delta('authentication_attempts{result="error"}'), 1);
  // RBAC never denies: a request no rule allows is kube's `no-opinion` (and the audit decision `forbid`).
  assert.equal(delta('authorization_attempts_total{result="no-opinion"}'), 1);
  // The admin's review, the service account's request, and this scrape (authenticated before it is rendered).
  assert.equal(delta('authenticated_user_requests{username="other"}'), 3);
  assert.ok((after.get('apiserver_storage_objects{resource="serviceaccounts"}') ?? 0) >= 1);
});

test('/metrics and /metrics/slis need the system:monitoring grant', async () => {
  const tok = await token('scraper');
  const denied = await call(s, '/metrics', { token: tok });
  assert.equal(denied.status, 403);
  assert.equal(
    denied.json.message,
    'forbidden: User "system:serviceaccount:default:scraper" cannot get path "/metrics"',
  );
  const bind = await call(s, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      metadata: { name: 'scraper-monitoring' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:monitoring' },
      subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace: 'default' }],
    }),
  });
  assert.equal(bind.status, 201, bind.body);
  await eventually(async () => (await call(s, '/metrics', { token: tok })).status === 200);
  const slis = await call(s, '/metrics/slis', { token: tok });
  assert.equal(slis.status, 200);
  assert.match(slis.body, /^kubernetes_healthcheck\{name="ping",type="readyz"\} 1$/m);
  assert.match(
    slis.body,
    /^# HELP kubernetes_healthcheck \[STABLE\] This metric records the result of a single healthcheck\.$/m,
  );
  assert.match(slis.body, /^kubernetes_healthchecks_total\{name="ping",status="success",type="livez"\} \d+$/m);
});

const eventKeys = [
  'kind',
  'apiVersion',
  'level',
  'auditID',
  'stage',
  'requestURI',
  'verb',
  'user',
  'impersonatedUser',
  'sourceIPs',
  'userAgent',
  'objectRef',
  'responseStatus',
  'requestObject',
  'responseObject',
  'requestReceivedTimestamp',
  'stageTimestamp',
  'annotations',
];
const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** audit.k8s.io/v1 Event (pkg/apis/audit/v1/types.go): required members, types, enums, member order, nothing else. */
function checkEvent(ev) {
  const keys = Object.keys(ev);
  assert.deepEqual(
    keys,
    eventKeys.filter((k) => keys.includes(k)),
    'members in the Go order, none unknown',
  );
  assert.equal(ev.kind, 'Event');
  assert.equal(ev.apiVersion, 'audit.k8s.io/v1');
  assert.ok(['Metadata', 'Request', 'RequestResponse'].includes(ev.level));
  assert.ok(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'].includes(ev.stage));
  for (const k of ['auditID', 'requestURI', 'verb']) assert.equal(typeof ev[k], 'string', k);
  // username is omitempty in the Go type: absent only on the failed-authentication event ({}).
  assert.ok(typeof ev.user.username === 'string' || (ev.stage === 'ResponseStarted' && !Object.keys(ev.user).length));
  for (const u of [ev.user, ev.impersonatedUser].filter(Boolean)) {
    assert.deepEqual(
      Object.keys(u).filter((k) => !['username', 'uid', 'groups', 'extra'].includes(k)),
      [],
    );
    if (u.extra) for (const v of Object.values(u.extra)) assert.ok(Array.isArray(v));
  }
  assert.ok(Array.isArray(ev.sourceIPs) && ev.sourceIPs.every((ip) => typeof ip === 'string'));
  if (ev.objectRef)
    assert.deepEqual(
      Object.keys(ev.objectRef).filter(
        (k) =>
          ![
            'resource',
            'namespace',
            'name',
            'uid',
            'apiGroup',
            'apiVersion',
            'resourceVersion',
            'subresource',
          ].includes(k),
      ),
      [],
    );
  if (ev.responseStatus) {
    assert.deepEqual(ev.responseStatus.metadata, {});
    assert.equal(typeof ev.responseStatus.code, 'number');
  }
  assert.match(ev.requestReceivedTimestamp, microTime);
  assert.match(ev.stageTimestamp, microTime);
  if (ev.level === 'Metadata') {
    assert.equal(ev.requestObject, undefined);
    assert.equal(ev.responseObject, undefined);
  }
  if (ev.annotations) for (const v of Object.values(ev.annotations)) assert.equal(typeof v, 'string');
}

function auditEvents() {
  if (!existsSync(auditPath)) return [];
  return readFileSync(auditPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

test('audit: events per policy level, Audit-Id, credential-id, decisions; no token at Metadata level', async () => {
  const tok = await token('audited');
  const jti = JSON.parse(Buffer.from(tok.split('.')[1], 'base64url').toString()).jti;
  const review = await call(s, '/apis/authentication.k8s.io/v1/tokenreviews', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: tok } }),
  });
  assert.equal(review.status, 201);
  const cm = await call(s, '/api/v1/namespaces/default/configmaps', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ metadata: { name: 'audited-cm' }, data: { a: 'b' } }),
  });
  assert.equal(cm.status, 201);
  const denied = await call(s, '/api/v1/namespaces/default/secrets', {
    token: tok,
    headers: { 'Audit-ID': 'client-chosen-id' },
  });
  assert.equal(denied.status, 403);
  assert.equal(denied.headers['audit-id'], 'client-chosen-id');
  const unauth = await call(s, '/api/v1/namespaces', { token: 'garbage' });
  assert.equal(unauth.status, 401);

  const ids = [review, cm, unauth].map((r) => r.headers['audit-id']);
  ids.forEach((id) => assert.match(id, /^[0-9a-f-]{36}$/));
  let evs;
  await eventually(() => {
    evs = auditEvents();
    return [...ids, 'client-chosen-id'].every((id) => evs.some((e) => e.auditID === id));
  });
  evs.forEach(checkEvent);
  // omitStages: [RequestReceived] at the policy level; /metrics is at None.
  assert.equal(evs.filter((e) => e.stage === 'RequestReceived').length, 0);
  assert.equal(evs.filter((e) => e.requestURI === '/metrics').length, 0);

  const rev = evs.find((e) => e.auditID === ids[0]);
  assert.equal(rev.level, 'Metadata');
  assert.equal(rev.stage, 'ResponseComplete');
  assert.equal(rev.verb, 'create');
  assert.deepEqual(rev.objectRef, { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' });
  assert.deepEqual(rev.responseStatus, { metadata: {}, code: 201 });
  assert.equal(rev.annotations['authorization.k8s.io/decision'], 'allow');
  assert.match(rev.user.extra['authentication.kubernetes.io/credential-id'][0], /^X509SHA256=[0-9a-f]{64}$/);

  const c = evs.find((e) => e.auditID === ids[1]);
  assert.equal(c.level, 'RequestResponse');
  assert.deepEqual(c.requestObject, { metadata: { name: 'audited-cm' }, data: { a: 'b' } });
  assert.equal(c.responseObject.metadata.name, 'audited-cm');

  const d = evs.find((e) => e.auditID === 'client-chosen-id');
  assert.equal(d.user.username, 'system:serviceaccount:default:audited');
  assert.deepEqual(d.user.extra['authentication.kubernetes.io/credential-id'], [`JTI=${jti}`]);
  assert.equal(d.annotations['authorization.k8s.io/decision'], 'forbid');
  assert.deepEqual(d.responseStatus, {
    metadata: {},
    status: 'Failure',
    message:
      'secrets is forbidden: User "system:serviceaccount:default:audited" cannot list resource "secrets" in API group "" in the namespace "default"',
    reason: 'Forbidden',
    details: { kind: 'secrets' },
    code: 403,
  });

  const u = evs.find((e) => e.auditID === ids[2]);
  assert.equal(u.stage, 'ResponseStarted');
  assert.deepEqual(u.user, {});
  // WithFailedAuthenticationAudit sets "Authentication failed, attempted: bearer", but the 401 Status is written
  // through WriteObjectNegotiated, whose audit.LogResponseObject replaces it before the event is sent (at
  // WriteHeader): kube's event carries the Status's own fields.
  assert.deepEqual(u.responseStatus, {
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });

  // The token was requested (serviceaccounts/token), reviewed and used: it is nowhere in the log.
  assert.ok(!readFileSync(auditPath, 'utf8').includes(tok));
  const m = samples(await scrape());
  assert.ok(m.get('apiserver_audit_event_total') >= evs.length);
});

test('request logs: one JSON line per request with kube httplog fields', async () => {
  const r = await call(s, '/version', { headers: { 'User-Agent': 'observe-test/1.0' } });
  const id = r.headers['audit-id'];
  let line;
  await eventually(() => {
    line = s
      .stderr()
      .split('\n')
      .find((l) => l.includes(id));
    return line;
  });
  const rec = JSON.parse(line);
  assert.equal(rec.msg, 'HTTP');
  assert.equal(rec.v, 2);
  assert.equal(typeof rec.ts, 'number');
  assert.equal(rec.verb, 'GET');
  assert.equal(rec.URI, '/version');
  assert.equal(rec.userAgent, 'observe-test/1.0');
  assert.equal(rec['audit-ID'], id);
  assert.match(rec.srcIP, /^127\.0\.0\.1:\d+$/);
  assert.match(rec.latency, /^\d+(\.\d+)?(ns|µs|ms|s)$/);
  assert.equal(rec.resp, 200);
});

function serveFails(args) {
  const p = spawnSync(
    process.execPath,
    [mainJs, 'serve', '--secure-port=0', `--data-dir=${mkdtempSync(join(work, 'd-'))}`, ...args],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  return { code: p.status, stderr: p.stderr };
}

test('a bad policy file, log format or log level stops the start with kube-apiserver messages', () => {
  const bad = join(work, 'bad.yaml');
  writeFileSync(bad, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n');
  const p = serveFails([`--audit-policy-file=${bad}`, `--audit-log-path=${join(work, 'x.log')}`]);
  assert.notEqual(p.code, 0);
  assert.ok(
    p.stderr.includes(
      `rules[0].level: Unsupported value: "Everything": supported values: "None", "Metadata", "Request", "RequestResponse": from file ${bad}`,
    ),
    p.stderr,
  );
  const f = serveFails(['--audit-log-format=xml']);
  assert.notEqual(f.code, 0);
  assert.ok(f.stderr.includes('invalid audit log format xml, allowed formats are "legacy,json"'), f.stderr);
  const l = serveFails(['--log-level=trace']);
  assert.notEqual(l.code, 0);
  assert.ok(l.stderr.includes('--log-level "trace" is not supported: use debug, info, warn or error'), l.stderr);
  const g = serveFails(['--logging-format=xml']);
  assert.notEqual(g.code, 0);
  assert.ok(g.stderr.includes('format: Unsupported value: "xml": supported values: "json", "text"'), g.stderr);
});

test('promtool is the Debian package CI installs', () => {
  assert.match(execFileSync('promtool', ['--version'], { encoding: 'utf8' }), /^promtool, version 2\./);
});

test('audit: every event of answered requests is in the log after SIGTERM, each line whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-audit-term-'));
  const log = join(dir, 'audit.log');
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');
  const t = await startKubeauth([
    '--storage-backend=memory',
    `--audit-policy-file=${policy}`,
    `--audit-log-path=${log}`,
  ]);
  let answers;
  try {
    answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call(t, i % 2 ? '/api/v1/namespaces/default/serviceaccounts' : '/version', {
          headers: { 'User-Agent': `n${i}` },
        }),
      ),
    );
  } finally {
    await t.stop({ keepDir: true });
  }
  const ids = answers.map((r) => r.headers['audit-id']);
  const lines = readFileSync(log, 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a whole line');
  const evs = lines.map((l) => JSON.parse(l));
  for (const id of ids) {
    const mine = evs.filter((e) => e.auditID === id);
    assert.deepEqual(
      mine.map((e) => e.stage),
      ['RequestReceived', 'ResponseComplete'],
      id,
    );
  }
});
