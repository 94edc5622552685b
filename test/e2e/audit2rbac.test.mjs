// audit2rbac end to end: a started kubeauth writes an audit log while kubectl runs as a service account (with
// cluster-admin); the generated objects are checked by replay through kubeauth's RBAC authorizer (every request
// allowed, every rule part needed), then applied in place of cluster-admin and the same kubectl commands run again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeauth, eventually, mainJs } from './harness.mjs';

const dist = new URL('../../packages/server/dist/audit2rbac/', import.meta.url);
const { readAuditLog } = await import(new URL('requests.js', dist));
const { replay, unneeded } = await import(new URL('replay.js', dist));

const work = mkdtempSync(join(tmpdir(), 'kubeauth-a2r-'));
const policy = join(work, 'policy.yaml');
const auditLog = join(work, 'audit.log');
writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');

let s;
let saKubeconfig;
before(async () => {
  s = await startKubeauth([
    '--storage-backend=memory',
    `--audit-policy-file=${policy}`,
    `--audit-log-path=${auditLog}`,
  ]);
  for (const argv of [
    ['create', 'namespace', 'shop'],
    ['create', 'serviceaccount', 'deployer', '-n', 'shop'],
    ['create', 'clusterrolebinding', 'deployer-admin', '--clusterrole=cluster-admin', '--serviceaccount=shop:deployer'],
    ['create', 'configmap', 'settings', '-n', 'shop', '--from-literal=a=b'],
  ]) {
    const r = await s.kubectl(argv);
    assert.equal(r.code, 0, r.stderr);
  }
  const t = await s.kubectl(['create', 'token', 'deployer', '-n', 'shop', '--duration=1h']);
  assert.equal(t.code, 0, t.stderr);
  saKubeconfig = s.tokenKubeconfig('deployer', t.stdout.trim(), work);
});
after(async () => {
  await s?.stop();
  rmSync(work, { recursive: true, force: true });
});

// What the service account does: namespaced reads and writes by name, a subresource, lists across namespaces,
// cluster-scoped reads, discovery and a non-resource URL.
const commands = [
  ['get', 'configmaps', '-n', 'shop'],
  ['get', 'configmap', 'settings', '-n', 'shop', '-o', 'name'],
  ['create', 'configmap', 'made', '-n', 'shop', '--from-literal=x=y'],
  ['label', 'configmap', 'made', '-n', 'shop', 'tier=web'],
  ['delete', 'configmap', 'made', '-n', 'shop'],
  ['create', 'token', 'deployer', '-n', 'shop'],
  ['get', 'pods', '--all-namespaces'],
  ['get', 'namespace', 'shop'],
  ['get', '--raw', '/version'],
];
const username = 'system:serviceaccount:shop:deployer';

async function runAll() {
  for (const argv of commands) {
    const r = await s.kubectl(argv, { kubeconfig: saKubeconfig });
    assert.equal(r.code, 0, `kubectl ${argv.join(' ')}: ${r.stderr}`);
  }
}

test('roles generated from the audit log allow every request, need every part, and replace cluster-admin', async () => {
  await runAll();
  // The log is written once per event-loop turn: wait for the last command's event.
  await eventually(() =>
    readFileSync(auditLog, 'utf8')
      .split('\n')
      .some((l) => l.includes('"/version"') && l.includes('ResponseComplete') && l.includes(username)),
  );
  const out = spawnSync(
    process.execPath,
    [mainJs, 'audit2rbac', `--audit-log=${auditLog}`, '--serviceaccount=shop:deployer', '-o', 'json', '--verify'],
    { encoding: 'utf8' },
  );
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stderr, /^replayed \d+ requests: 0 refused; 0 rule parts not needed\n$/);
  const objects = JSON.parse(out.stdout).items;
  assert.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`),
    [
      `ClusterRole//audit2rbac:${username}`,
      `ClusterRoleBinding//audit2rbac:${username}`,
      `Role/shop/audit2rbac:${username}`,
      `RoleBinding/shop/audit2rbac:${username}`,
    ],
  );
  const [cr, , role] = objects;
  const rulesText = JSON.stringify(objects);
  assert.ok(!rulesText.includes('"*"'), 'no wildcard');
  for (const r of [...cr.rules, ...role.rules])
    if (r.resourceNames)
      assert.ok(
        r.verbs.every((v) => ['get', 'update', 'patch', 'delete'].includes(v)),
        JSON.stringify(r),
      );
  const find = (rules, pred) => rules.find(pred);
  // Cluster scope: the all-namespace list, the namespace by name, discovery and /version.
  assert.ok(find(cr.rules, (r) => r.resources?.includes('pods') && r.verbs.includes('list') && !r.resourceNames));
  assert.deepEqual(
    find(cr.rules, (r) => r.resources?.includes('namespaces')),
    { verbs: ['get'], apiGroups: [''], resources: ['namespaces'], resourceNames: ['shop'] },
  );
  assert.ok(find(cr.rules, (r) => r.nonResourceURLs?.includes('/version')));
  assert.ok(find(cr.rules, (r) => r.nonResourceURLs?.includes('/api')));
  // Namespace scope: configmaps by name for get/patch/delete, list and create without names, the token subresource.
  assert.ok(
    find(
      role.rules,
      (r) => r.resources.includes('serviceaccounts/token') && r.verbs.includes('create') && !r.resourceNames,
    ),
  );
  assert.ok(
    find(role.rules, (r) => r.resources.includes('configmaps') && r.verbs.includes('create') && !r.resourceNames),
  );
  assert.ok(
    find(role.rules, (r) => r.resources.includes('configmaps') && r.verbs.includes('list') && !r.resourceNames),
  );
  assert.ok(find(role.rules, (r) => r.verbs.includes('patch') && r.resourceNames?.join() === 'made'));
  assert.ok(find(role.rules, (r) => r.verbs.includes('get') && r.resourceNames?.includes('settings')));

  // The same checks in this process, on the log itself: 0 denials, and each reduction refuses something.
  const { requests } = readAuditLog(readFileSync(auditLog, 'utf8'), {
    subject: { kind: 'ServiceAccount', namespace: 'shop', name: 'deployer' },
  });
  assert.ok(requests.length >= commands.length);
  const user = { username, groups: [] };
  assert.deepEqual(replay(objects, requests, user), []);
  assert.deepEqual(unneeded(objects, requests, user), []);
  // ... and the check can fail: a role without its last rule refuses some request.
  const fewer = structuredClone(objects);
  fewer[2].rules.pop();
  assert.ok(replay(fewer, requests, user).length > 0);

  // Applied in place of cluster-admin, the same commands still succeed.
  const yamlOut = spawnSync(
    process.execPath,
    [mainJs, 'audit2rbac', `--audit-log=${auditLog}`, '--serviceaccount=shop:deployer'],
    { encoding: 'utf8' },
  );
  assert.equal(yamlOut.status, 0, yamlOut.stderr);
  let r = await s.kubectl(['apply', '-f', '-'], { input: yamlOut.stdout });
  assert.equal(r.code, 0, r.stderr);
  r = await s.kubectl(['delete', 'clusterrolebinding', 'deployer-admin']);
  assert.equal(r.code, 0, r.stderr);
  r = await s.kubectl(['get', 'secrets', '-n', 'shop'], { kubeconfig: saKubeconfig });
  assert.notEqual(r.code, 0, 'no longer cluster-admin');
  assert.match(r.stderr, /cannot list resource "secrets"/);
  await runAll();
});

test('audit2rbac refuses bad flags and a subject with no requests', () => {
  const run = (...args) => spawnSync(process.execPath, [mainJs, 'audit2rbac', ...args], { encoding: 'utf8' });
  let r = run(`--audit-log=${auditLog}`);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'Error: exactly one of --user or --serviceaccount is required\n');
  r = run(`--audit-log=${auditLog}`, '--serviceaccount=deployer');
  assert.equal(r.stderr, 'Error: --serviceaccount "deployer" must be NAMESPACE:NAME\n');
  r = run(`--audit-log=${auditLog}`, '--user=nobody');
  assert.equal(r.stderr, `Error: no requests by nobody in ${auditLog}\n`);
  r = run(`--audit-log=${auditLog}`, '--user=x', '-o', 'wide');
  assert.equal(
    r.stderr,
    'Error: unable to match a printer suitable for the output format "wide", allowed formats are: json,yaml\n',
  );
  r = run('--user=x');
  assert.equal(r.stderr, 'Error: --audit-log is required\n');
});
