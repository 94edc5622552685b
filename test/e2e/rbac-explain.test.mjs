// `kubeauth rbac` against a started kubeauth: the live source (plain list calls with the kubeconfig) gives the
// same answers as the same policy read offline from its manifests plus the bootstrap policy, and a user
// without list on RBAC objects is told so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { mainJs, startKubeauth, kubectlPath } from './harness.mjs';

const fixtures = new URL('./fixtures/rbac/', import.meta.url).pathname;
const risky = join(fixtures, 'risky');
let s;
let aliceKubeconfig;

before(async () => {
  s = await startKubeauth([], { tokens: 'alice-token,alice,alice-uid\n' });
  aliceKubeconfig = s.tokenKubeconfig('alice', 'alice-token');
});
after(async () => {
  await s?.stop();
});

const v = ['1.33', '1.27'].find((x) => kubectlPath(x));
const rbac = (argv) =>
  new Promise((res) =>
    execFile(process.execPath, [mainJs, 'rbac', ...argv], { maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      res({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
    ),
  );
const json = async (argv) => {
  const r = await rbac([...argv, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

test('setup: the risky fixture applied with kubectl', async () => {
  for (const ns of ['apps', 'ops'])
    assert.equal((await s.kubectl(['create', 'namespace', ns], { version: v })).code, 0);
  // The RBAC objects only: the token Secret is for offline lint, and needs its ServiceAccount first.
  const r = await s.kubectl(['apply', '-f', join(risky, 'roles.yaml'), '-f', join(risky, 'workloads-role.json')], {
    version: v,
  });
  assert.equal(r.code, 0, r.stderr);
  const docs = readFileSync(join(risky, 'bindings.yaml'), 'utf8')
    .split(/^---$/m)
    .filter((d) => !/kind: Secret/.test(d))
    .join('\n---\n');
  const b = await s.kubectl(['apply', '-f', '-'], { version: v, input: docs });
  assert.equal(b.code, 0, b.stderr);
});

const queries = [
  ['who-can', 'create', 'deployments.apps', '-n', 'apps'],
  ['who-can', 'create', 'deployments.apps', '-A'],
  ['who-can', 'get', 'pods', '-n', 'kube-system'],
  ['who-can', 'list', 'secrets'],
  ['who-can', 'get', '--non-resource-url', '/healthz'],
  ['who-can', 'update', 'clusterroles', 'admin'],
  ['explain', '--as', 'dev', 'create', 'deployments.apps', '-n', 'apps'],
  ['explain', '--as', 'dev', 'delete', 'deployments.apps', '-n', 'apps'],
  ['explain', '--as', 'sam', 'get', 'pods', '-n', 'apps'],
  ['explain', '--serviceaccount', 'kube-system:namespace-controller', 'delete', 'pods', '-n', 'apps'],
  ['explain', '--as', 'nobody', 'get', '--non-resource-url', '/version'],
  ['matrix', '--as', 'dev', '-A'],
  ['matrix', '--serviceaccount', 'apps:builder', '-n', 'ops'],
  ['matrix', '--as', 'someone', '--as-group', 'system:monitoring'],
];

test('live and offline (manifests + bootstrap policy) give identical answers', async () => {
  for (const q of queries) {
    const live = await json([...q, '--kubeconfig', s.kubeconfig]);
    const offline = await json([...q, '-f', risky, '--with-bootstrap-policy']);
    // Matrices differ only in the incompleteness note a live source adds (other authorizers may exist).
    if (q[0] === 'matrix') {
      assert.ok(live.incomplete.some((w) => /authorizers besides RBAC/.test(w)));
      delete live.incomplete;
      delete offline.incomplete;
    }
    assert.deepEqual(live, offline, q.join(' '));
  }
  // The answers compared are not vacuous: the seeded grant and a bootstrap controller's grant both show.
  const dev = await json([
    'explain',
    '--as',
    'dev',
    'create',
    'deployments.apps',
    '-n',
    'apps',
    '--kubeconfig',
    s.kubeconfig,
  ]);
  assert.equal(dev.reason, 'RBAC: allowed by RoleBinding "dev-deploys/apps" of Role "deployer" to User "dev"');
  const nsc = await json([
    'explain',
    '--serviceaccount',
    'kube-system:namespace-controller',
    'delete',
    'pods',
    '-n',
    'apps',
    '--kubeconfig',
    s.kubeconfig,
  ]);
  assert.equal(nsc.allowed, true);
});

test('a user without list on RBAC objects is told what is missing', async () => {
  const r = await rbac(['who-can', 'get', 'pods', '--kubeconfig', aliceKubeconfig]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'Error: cannot list clusterroles.rbac.authorization.k8s.io at the cluster scope (HTTP 403: ' +
      'clusterroles.rbac.authorization.k8s.io is forbidden: User "alice" cannot list resource "clusterroles" in API ' +
      'group "rbac.authorization.k8s.io" at the cluster scope); kubeauth rbac needs list on clusterroles, ' +
      'clusterrolebindings, roles and rolebindings (rbac.authorization.k8s.io) in all namespaces\n',
  );
  assert.equal(r.stdout, '');
});

test('--with-bootstrap-policy is refused for a live source', async () => {
  const r = await rbac(['who-can', 'get', 'pods', '--kubeconfig', s.kubeconfig, '--with-bootstrap-policy']);
  assert.deepEqual(
    [r.code, r.stderr],
    [1, 'Error: --with-bootstrap-policy is for offline sources (-f): a live server has its own\n'],
  );
});

const review = `apiVersion: rbac.kubeauth.dev/v1alpha1
kind: SubjectsAccessReview
spec:
  resourceAttributes: {verb: create, group: apps, resource: deployments, namespace: apps}
`;
const explanation = `apiVersion: rbac.kubeauth.dev/v1alpha1
kind: AccessExplanation
spec:
  user: dev
  resourceAttributes: {verb: delete, group: apps, resource: deployments, namespace: apps}
`;

test('rbac.kubeauth.dev in discovery, with create-only review resources', async () => {
  const r = await s.kubectl(['api-resources', '--api-group=rbac.kubeauth.dev', '-o', 'wide'], { version: v });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').slice(1);
  assert.equal(lines.length, 2, r.stdout);
  assert.match(lines[0], /^accessexplanations +rbac\.kubeauth\.dev\/v1alpha1 +false +AccessExplanation +create/);
  assert.match(lines[1], /^subjectsaccessreviews +rbac\.kubeauth\.dev\/v1alpha1 +false +SubjectsAccessReview +create/);
});

test('kubectl create -f SubjectsAccessReview / AccessExplanation -o yaml answers like the CLI', async () => {
  let r = await s.kubectl(['create', '-f', '-', '-o', 'json'], { version: v, input: review });
  assert.equal(r.code, 0, r.stderr);
  const who = JSON.parse(r.stdout);
  assert.equal(who.kind, 'SubjectsAccessReview');
  const cli = await json(['who-can', 'create', 'deployments.apps', '-n', 'apps', '--kubeconfig', s.kubeconfig]);
  assert.deepEqual(who.status.subjects, cli.grants);
  assert.deepEqual(who.status.privileged, cli.privileged);
  r = await s.kubectl(['create', '-f', '-', '-o', 'yaml'], { version: v, input: explanation });
  assert.equal(r.code, 0, r.stderr);
  const e = parse(r.stdout);
  assert.equal(e.status.allowed, false);
  assert.deepEqual(
    e.status.nearMisses.map((m) => [m.binding.name, m.role.name, m.ruleIndex, m.mismatch]),
    [['dev-deploys', 'deployer', 0, 'verb']],
  );
});

test('the reviews are guarded by RBAC and validate their spec', async () => {
  const asAlice = { kubeconfig: aliceKubeconfig, version: v };
  // kubectl's client-side validation of a kind without PATCH lists CRDs, which alice may not: as with
  // SubjectAccessReview on a real cluster, she turns it off.
  const create = ['create', '--validate=false', '-f', '-', '-o', 'json'];
  let r = await s.kubectl(create, { ...asAlice, input: review });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /subjectsaccessreviews\.rbac\.kubeauth\.dev is forbidden: User "alice" cannot create resource "subjectsaccessreviews" in API group "rbac\.kubeauth\.dev" at the cluster scope/,
  );
  const bind = await s.kubectl(
    ['create', 'clusterrolebinding', 'alice-explains', '--clusterrole=kubeauth:rbac-explainer', '--user=alice'],
    { version: v },
  );
  assert.equal(bind.code, 0, bind.stderr);
  r = await s.kubectl(create, { ...asAlice, input: review });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(
    JSON.parse(r.stdout).status.subjects.some((g) => g.subject.name === 'dev' && g.binding.name === 'dev-deploys'),
  );
  r = await s.kubectl(['create', '-f', '-'], {
    version: v,
    input:
      'apiVersion: rbac.kubeauth.dev/v1alpha1\nkind: AccessExplanation\nspec:\n  resourceAttributes: {verb: get, resource: pods}\n',
  });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'The AccessExplanation "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified\n',
  );
});
