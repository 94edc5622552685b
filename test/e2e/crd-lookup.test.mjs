// kubectl validates a kind with no PATCH operation (the reviews) through /openapi/v2 and, seeing
// fieldValidation there, lists CustomResourceDefinitions first: kubeauth answers as a cluster with no CRDs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeauth, kubectlPath } from './harness.mjs';
import { call } from './http.mjs';

let s;
before(async () => {
  s = await startKubeauth();
});
after(async () => {
  await s?.stop();
});

const versions = ['1.27', '1.33'].filter((v) => kubectlPath(v));
const ok = (r) => assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const gr = 'customresourcedefinitions.apiextensions.k8s.io';

const reviews = {
  TokenReview: 'apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: not-a-token\n',
  SubjectAccessReview:
    'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: alice\n' +
    '  resourceAttributes:\n    verb: get\n    resource: pods\n',
  SelfSubjectAccessReview:
    'apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectAccessReview\nspec:\n' +
    '  resourceAttributes:\n    verb: list\n    resource: pods\n',
};

for (const v of versions) {
  const tag = v.replace('.', '-');
  const k = (argv, o = {}) => s.kubectl(argv, { version: v, ...o });

  for (const [kind, yaml] of Object.entries(reviews))
    test(`kubectl ${v}: create -f - of a ${kind} with validation on`, async () => {
      const r = await k(['create', '-f', '-', '-o', 'json'], { input: yaml });
      ok(r);
      const o = JSON.parse(r.stdout);
      assert.equal(o.kind, kind);
      if (kind === 'TokenReview') assert.deepEqual(o.status, { user: {}, error: 'invalid bearer token' });
      if (kind === 'SelfSubjectAccessReview') assert.equal(o.status.allowed, true);
      if (kind === 'SubjectAccessReview') assert.equal(o.status.allowed, false);
    });

  test(`kubectl ${v}: get crd prints No resources found`, async () => {
    const r = await k(['get', 'crd']);
    ok(r);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'No resources found\n');
  });

  test(`kubectl ${v}: explain pod.spec.containers --api-version=v1`, async () => {
    const r = await k(['explain', 'pod.spec.containers', '--api-version=v1']);
    ok(r);
    assert.match(r.stdout, /KIND: +Pod/);
    assert.match(r.stdout, /FIELD: +containers <\[\]Container>/);
  });

  test(`kubectl ${v}: create --dry-run=server -f and diff -f`, async () => {
    const f = join(s.dir, `${tag}-cm.yaml`);
    const cm = (value) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: crd-lookup-${tag}\n  namespace: default\ndata:\n  a: "${value}"\n`;
    writeFileSync(f, cm('1'));
    let r = await k(['create', '--dry-run=server', '-f', f]);
    ok(r);
    assert.equal(r.stdout.trim(), `configmap/crd-lookup-${tag} created (server dry run)`);
    ok(await k(['create', '-f', f]));
    r = await k(['diff', '-f', f]);
    assert.equal(r.code, 0, r.stderr); // no differences
    writeFileSync(f, cm('2'));
    r = await k(['diff', '-f', f]);
    assert.equal(r.code, 1, r.stderr); // differences found
    assert.match(r.stdout, /^- {2}a: "1"$/m);
    assert.match(r.stdout, /^\+ {2}a: "2"$/m);
  });

  test(`kubectl ${v}: get --raw /openapi/v2 is JSON with definitions`, async () => {
    const r = await k(['get', '--raw', '/openapi/v2']);
    ok(r);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.swagger, '2.0');
    assert.ok(doc.definitions['io.k8s.api.core.v1.Pod']);
    assert.ok(doc.definitions['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition']);
    assert.ok(doc.paths[crds].get);
  });
}

test('list: an empty CustomResourceDefinitionList with a resourceVersion', async () => {
  const r = await call(s, crds);
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json), ['kind', 'apiVersion', 'metadata', 'items']);
  assert.equal(r.json.kind, 'CustomResourceDefinitionList');
  assert.equal(r.json.apiVersion, 'apiextensions.k8s.io/v1');
  assert.match(r.json.metadata.resourceVersion, /^[1-9][0-9]*$/);
  assert.deepEqual(r.json.items, []);
});

test('get of any name: 404 NotFound with kube-apiserver message', async () => {
  for (const path of [`${crds}/widgets.example.com`, `${crds}/widgets.example.com/status`]) {
    const r = await call(s, path);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `${gr} "widgets.example.com" not found`,
      reason: 'NotFound',
      details: { name: 'widgets.example.com', group: 'apiextensions.k8s.io', kind: 'customresourcedefinitions' },
      code: 404,
    });
  }
});

test('watch: stays open with no CRD events until its timeout', async () => {
  const r = await call(s, `${crds}?watch=true&timeoutSeconds=1&allowWatchBookmarks=true`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/json');
  // No CRD is ever listed: at most the end-of-initial-events bookmark of a streaming list.
  for (const line of r.body.split('\n').filter(Boolean)) assert.equal(JSON.parse(line).type, 'BOOKMARK');
});

const crd = JSON.stringify({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'widgets', kind: 'Widget' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
  },
});
const forbidden = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `${gr} "widgets.example.com" is forbidden: kubeauth does not serve custom resources`,
  reason: 'Forbidden',
  details: { name: 'widgets.example.com', group: 'apiextensions.k8s.io', kind: 'customresourcedefinitions' },
  code: 403,
};
const json = { 'Content-Type': 'application/json' };

test('writes that would store a CRD: 403 Forbidden (create, dry run, server-side apply)', async () => {
  for (const [path, method, headers] of [
    [crds, 'POST', json],
    [`${crds}?dryRun=All`, 'POST', json],
    [`${crds}/widgets.example.com?fieldManager=t`, 'PATCH', { 'Content-Type': 'application/apply-patch+yaml' }],
  ]) {
    const r = await call(s, path, { method, body: crd, headers });
    assert.equal(r.status, 403, `${method} ${path}: ${r.body}`);
    assert.deepEqual(r.json, forbidden);
  }
  assert.deepEqual((await call(s, crds)).json.items, []);
});

test('writes to a named CRD: 404 NotFound, as for any missing object', async () => {
  for (const [method, headers] of [
    ['PUT', json],
    ['PATCH', { 'Content-Type': 'application/merge-patch+json' }],
    ['DELETE', json],
  ]) {
    const r = await call(s, `${crds}/widgets.example.com`, {
      method,
      body: method === 'DELETE' ? undefined : crd,
      headers,
    });
    assert.equal(r.status, 404, `${method}: ${r.body}`);
    assert.equal(r.json.message, `${gr} "widgets.example.com" not found`);
  }
});

test('RBAC: cluster-admin may list; the view/edit/admin roles do not include CRDs', async () => {
  const r = await call(s, crds, { headers: { 'Impersonate-User': 'bob', 'Impersonate-Group': 'system:masters' } });
  assert.equal(r.status, 200);
  for (const role of ['view', 'edit', 'admin']) {
    const b = await call(s, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        metadata: { name: `crd-${role}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `crd-${role}` }],
      }),
    });
    assert.equal(b.status, 201, b.body);
    const d = await call(s, crds, { headers: { 'Impersonate-User': `crd-${role}` } });
    assert.equal(d.status, 403);
    assert.equal(
      d.json.message,
      `${gr} is forbidden: User "crd-${role}" cannot list resource "customresourcedefinitions" in API group "apiextensions.k8s.io" at the cluster scope`,
    );
  }
});

test('discovery: legacy group lists and aggregated documents name the group', async () => {
  const groups = (await call(s, '/apis')).json.groups.map((g) => g.name);
  // kube-apiserver's group priorities: apiextensions.k8s.io, then coordination.k8s.io, then discovery.k8s.io
  assert.deepEqual(groups.slice(-3), ['apiextensions.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io']);
  assert.deepEqual((await call(s, '/apis/apiextensions.k8s.io')).json, {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: 'apiextensions.k8s.io',
    versions: [{ groupVersion: 'apiextensions.k8s.io/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'apiextensions.k8s.io/v1', version: 'v1' },
  });
  const agg = await call(s, '/apis', {
    headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' },
  });
  const item = agg.json.items.find((i) => i.metadata.name === 'apiextensions.k8s.io');
  assert.deepEqual(item.versions[0].resources[0].shortNames, ['crd', 'crds']);
  assert.equal(item.versions[0].resources[0].scope, 'Cluster');
});
