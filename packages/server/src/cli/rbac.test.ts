// `kubeauth rbac` over the offline fixtures: every lint technique found and a clean policy clean, who-can /
// explain / matrix answers, assertion files with JUnit output and exit codes, and bad input refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlagError } from './flags.js';
import { rbacCommand } from './rbac.js';

const fixtures = fileURLToPath(new URL('../../../../test/e2e/fixtures/rbac/', import.meta.url));
const risky = join(fixtures, 'risky');
const clean = join(fixtures, 'clean');

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (s: string) => (out += s) };
  const code = await rbacCommand(argv, sink);
  return { code, out };
}
const json = async (argv: string[]) => JSON.parse((await run([...argv, '-o', 'json'])).out);

test('lint finds every technique seeded in the risky fixture, with subject, path and fix', async () => {
  const findings = await json(['lint', '-f', risky]);
  const ids = new Set(findings.map((f: { id: string }) => f.id));
  for (let i = 1; i <= 13; i++) assert.ok(ids.has(`RBAC${String(i).padStart(3, '0')}`), `RBAC${i} found`);
  const by = (id: string, subject: string) =>
    findings.find((f: { id: string; subject: { name: string } }) => f.id === id && f.subject.name === subject);
  assert.equal(by('RBAC001', 'eve').severity, 'critical');
  assert.equal(by('RBAC012', 'sam').binding.name, 'stale');
  // The two-hop path: dev deploys in apps as builder, builder deploys in ops as operator (cluster admin).
  const path = findings.find(
    (f: { id: string; subject: { name: string }; path: string[] }) =>
      f.id === 'RBAC013' && f.subject.name === 'dev' && f.path.length === 3,
  );
  assert.ok(path, 'dev reaches ops/operator in two hops');
  assert.match(path.path[0], /^User\/dev --RoleBinding\/apps\/dev-deploys: create workloads in apps--> /);
  assert.match(
    path.path[1],
    /^ServiceAccount\/apps\/builder --RoleBinding\/ops\/builder-deploys: create workloads in ops-->/,
  );
  assert.match(path.path[2], /^ServiceAccount\/ops\/operator holds .*escalate@\*/);
  for (const f of findings) assert.ok(f.fix && f.severity && f.subject && f.path.length, JSON.stringify(f));
});

test('lint: a least-privilege policy has nothing above info; --severity and --fail-on', async () => {
  assert.deepEqual(await json(['lint', '-f', clean, '--severity', 'low']), []);
  assert.deepEqual(await run(['lint', '-f', clean]), { code: 0, out: 'No findings.\n' });
  const high = await json(['lint', '-f', risky, '--severity', 'critical']);
  assert.ok(high.length > 0 && high.every((f: { severity: string }) => f.severity === 'critical'));
  assert.equal((await run(['lint', '-f', risky, '--fail-on', 'high'])).code, 1);
  assert.equal((await run(['lint', '-f', clean, '--fail-on', 'low'])).code, 0);
});

test('lint -o sarif and -o junit', async () => {
  const sarif = JSON.parse((await run(['lint', '-f', risky, '-o', 'sarif'])).out);
  assert.equal(sarif.version, '2.1.0');
  const results = sarif.runs[0].results;
  assert.ok(results.some((r: { ruleId: string; level: string }) => r.ruleId === 'RBAC008' && r.level === 'error'));
  const junit = (await run(['lint', '-f', risky, '-o', 'junit'])).out;
  assert.match(junit, /<testsuite name="kubeauth rbac lint" tests="\d+" failures="\d+"/);
  assert.match(junit, /<failure type="critical"/);
  const cleanJunit = (await run(['lint', '-f', clean, '-o', 'junit'])).out;
  assert.match(cleanJunit, /tests="1" failures="0"/);
});

test('who-can names subjects, bindings, roles and scope; system:masters is marked', async () => {
  const r = await json(['who-can', 'create', 'deployments.apps', '-n', 'apps', '-f', risky]);
  assert.deepEqual(r.privileged, [{ kind: 'Group', name: 'system:masters' }]);
  const names = r.grants.map(
    (g: { subject: { kind: string; name: string }; scope: string; binding: { name: string } }) =>
      `${g.subject.kind}/${g.subject.name} ${g.scope} ${g.binding.name}`,
  );
  assert.deepEqual(names.sort(), ['ServiceAccount/operator * ops-admin', 'User/dev apps dev-deploys']);
  // Without -n: cluster-wide, so only ClusterRoleBindings; with -A every namespace's RoleBindings too.
  const cluster = await json(['who-can', 'create', 'deployments.apps', '-f', risky]);
  assert.equal(cluster.grants.length, 1);
  const all = await json(['who-can', 'create', 'deployments.apps', '-A', '-f', risky]);
  assert.equal(all.grants.length, 3);
  const table = (await run(['who-can', 'impersonate', 'users', '-f', risky])).out.split('\n');
  assert.match(table[0]!, /^KIND +SUBJECT +SCOPE +BINDING +ROLE +RULE +NOTE$/);
  assert.match(table[1]!, /^Group +system:masters +\* .*privileged/);
  assert.ok(
    table.some((l) => /^Group +support +\* +ClusterRoleBinding\/impersonators +ClusterRole\/impersonator +0/.test(l)),
  );
});

test('who-can with the bootstrap policy: implied groups annotated, non-resource URLs', async () => {
  const r = await json(['who-can', 'get', '--non-resource-url', '/healthz', '-f', clean, '--with-bootstrap-policy']);
  const auth = r.grants.find(
    (g: { subject: { name: string }; binding: { name: string } }) =>
      g.subject.name === 'system:authenticated' && g.binding.name === 'system:public-info-viewer',
  );
  assert.equal(auth.implies, 'every authenticated user');
  assert.deepEqual(auth.role, { kind: 'ClusterRole', name: 'system:public-info-viewer' });
});

test('explain: the allowing rule, or nearest misses naming the one attribute', async () => {
  const allowed = await json(['explain', '--as', 'dev', 'create', 'deployments.apps', '-n', 'apps', '-f', risky]);
  assert.equal(allowed.allowed, true);
  assert.equal(allowed.reason, 'RBAC: allowed by RoleBinding "dev-deploys/apps" of Role "deployer" to User "dev"');
  assert.deepEqual(
    allowed.allowedBy.map((a: { role: { name: string }; ruleIndex: number }) => [a.role.name, a.ruleIndex]),
    [['deployer', 0]],
  );
  const verb = await json(['explain', '--as', 'dev', 'delete', 'deployments.apps', '-n', 'apps', '-f', risky]);
  assert.equal(verb.allowed, false);
  assert.deepEqual(
    verb.nearMisses.map((m: { mismatch: string }) => m.mismatch),
    ['verb'],
  );
  const ns = await json(['explain', '--as', 'dev', 'create', 'deployments.apps', '-n', 'ops', '-f', risky]);
  assert.deepEqual(
    ns.nearMisses.map((m: { mismatch: string; binding: { namespace: string } }) => [m.mismatch, m.binding.namespace]),
    [['namespace', 'apps']],
  );
  const sub = await json(['explain', '--as', 'nora', 'get', 'nodes/status', '-f', risky]);
  assert.deepEqual(
    sub.nearMisses.map((m: { mismatch: string }) => m.mismatch),
    ['subresource'],
  );
  const missing = await json(['explain', '--as', 'sam', 'get', 'pods', '-n', 'apps', '-f', risky]);
  assert.equal(missing.reason, 'RBAC: role.rbac.authorization.k8s.io "deleted-role" not found');
  assert.equal(missing.unresolved[0].binding.name, 'stale');
  const sa = await json(['explain', '--serviceaccount', 'ops:operator', 'delete', 'nodes', '-f', risky]);
  assert.equal(sa.allowed, true);
  const text = (await run(['explain', '--as', 'dev', 'delete', 'deployments.apps', '-n', 'apps', '-f', risky])).out;
  assert.match(text, /^Decision: denied\n/);
  assert.match(text, /Role\/apps\/deployer +0 +verb +\[verbs=create,get apiGroups=apps resources=deployments\]/);
});

test('matrix: verbs × resources with scope, names-only cells', async () => {
  const m = await json(['matrix', '--as', 'dev', '-n', 'apps', '-f', risky]);
  assert.equal(m.scopes[0].namespace, 'apps');
  const row = (res: string) =>
    m.scopes[0].rows.find((r: { resource: string; group: string }) => `${r.resource}.${r.group}` === res);
  assert.deepEqual(m.verbs.slice(0, 4), ['get', 'list', 'watch', 'create']);
  assert.deepEqual(row('deployments.apps').cells.slice(0, 4), ['yes', 'no', 'no', 'yes']);
  assert.ok(
    m.scopes[0].rows.every((r: { resource: string }) => r.resource !== 'nodes'),
    'namespaced only with -n',
  );
  const all = await json(['matrix', '--as', 'dev', '-A', '-f', risky]);
  assert.deepEqual(
    all.scopes.map((s: { namespace: string }) => s.namespace),
    ['apps', 'ops'],
  );
  const table = (await run(['matrix', '--as', 'dev', '-n', 'apps', '-f', risky])).out.split('\n');
  assert.match(table[0]!, /^NAME +GET +LIST +WATCH +CREATE +UPDATE +PATCH +DELETE +DELETECOLLECTION$/);
  assert.ok(table.some((l) => /^deployments\.apps +yes +no +no +yes +no +no +no +no$/.test(l)));
});

test('test FILE: passes, failures with JUnit and a non-zero exit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbac-test-'));
  try {
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      `assertions:
- {subject: User/dev, verb: create, resource: deployments.apps, namespace: apps, expect: allow}
- {subject: User/dev, verb: create, resource: deployments.apps, namespace: ops, expect: deny}
- {subject: ServiceAccount/ops/operator, verb: get, nonResourceURL: /metrics, expect: deny}
- {subject: {kind: Group, name: support}, verb: impersonate, resource: users, expect: allow}
`,
    );
    const ok = await run(['test', good, '-f', risky]);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /4\/4 passed\n$/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      `- {subject: User/dev, verb: delete, resource: deployments.apps, namespace: apps, expect: allow}\n`,
    );
    const failed = await run(['test', bad, '-f', risky, '-o', 'junit']);
    assert.equal(failed.code, 1);
    assert.match(failed.out, /tests="1" failures="1"/);
    assert.match(
      failed.out,
      /<failure message="expected allow">.*assertion 1: denied; nearest: RoleBinding\/apps\/dev-deploys rule 0 \(verb\)/,
    );
    writeFileSync(bad, `- {subject: User/dev, verb: get, resource: pods, expect: maybe}\n`);
    await assert.rejects(
      run(['test', bad, '-f', risky]),
      (e: Error) => e instanceof FlagError && /assertion 1: expect must be allow or deny/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input is refused with a clear message', async () => {
  const refuses = (argv: string[], msg: RegExp) =>
    assert.rejects(run(argv), (e: Error) => e instanceof Error && msg.test(e.message), argv.join(' '));
  await refuses(['who-can', '-f', risky], /you must specify a VERB/);
  await refuses(['who-can', 'get', '-f', risky], /you must specify a RESOURCE/);
  await refuses(['who-can', 'get', 'pods', '-n', 'a', '-A', '-f', risky], /mutually exclusive/);
  await refuses(['who-can', 'get', 'pods', '-o', 'wide', '-f', risky], /output format "wide"/);
  await refuses(['explain', 'get', 'pods', '-f', risky], /--as USER or --serviceaccount/);
  await refuses(['explain', '--serviceaccount', 'nocolon', 'get', 'pods', '-f', risky], /NAMESPACE:NAME/);
  await refuses(['lint', '--severity', 'urgent', '-f', risky], /invalid --severity "urgent"/);
  await refuses(['who-can', 'get', 'pods', '-f', '/nonexistent/path'], /does not exist/);
  await refuses(['nope'], /unknown command "nope"/);
  await refuses(['who-can', 'get', 'pods', '--kubeconfig', '/nonexistent/kc'], /no kubeconfig at \/nonexistent\/kc/);
});
