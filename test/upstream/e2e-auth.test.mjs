// Ports of test/e2e/auth/{service_accounts,subjectreviews,selfsubjectreviews}.go (kubernetes/kubernetes, revisions
// in ledger.json): the ginkgo specs that need no kubelet, driven over HTTPS against kubeauth with RBAC on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { eventually } from '../e2e/harness.mjs';
import { startServer, req, create, createNamespace, watch, payload } from './lib.mjs';

let s;
let n = 0;
/** A fresh namespace per spec, as the e2e framework gives each. */
const freshNamespace = async (prefix) => (await createNamespace(s, `${prefix}-${++n}`)).metadata.name;

before(async () => {
  s = await startServer();
});
after(() => s?.stop());

test('[e2e.service_accounts.no-secret-based-service-account-token-should-be-auto-generated] no secret-based service account token should be auto-generated', async () => {
  const ns = await freshNamespace('svcaccounts');
  const sa = await eventually(async () => {
    const r = await req(s, 'GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`);
    return r.status === 200 && r.json;
  });
  assert.equal(sa.secrets, undefined);
  const secrets = await req(s, 'GET', `/api/v1/namespaces/${ns}/secrets`);
  assert.deepEqual(secrets.json.items, []);
});

test('[e2e.service_accounts.should-allow-opting-out-of-api-token-automount] should allow opting out of API token automount', async () => {
  const ns = await freshNamespace('svcaccounts');
  await eventually(
    async () => (await req(s, 'GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200,
  );
  for (const [name, automount] of [
    ['mount', true],
    ['nomount', false],
  ])
    await create(s, `/api/v1/namespaces/${ns}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name },
      automountServiceAccountToken: automount,
    });
  const cases = [
    ['pod-service-account-defaultsa', 'default', undefined, true],
    ['pod-service-account-mountsa', 'mount', undefined, true],
    ['pod-service-account-nomountsa', 'nomount', undefined, false],
    ['pod-service-account-defaultsa-mountspec', 'default', true, true],
    ['pod-service-account-mountsa-mountspec', 'mount', true, true],
    ['pod-service-account-nomountsa-mountspec', 'nomount', true, true],
    ['pod-service-account-defaultsa-nomountspec', 'default', false, false],
    ['pod-service-account-mountsa-nomountspec', 'mount', false, false],
    ['pod-service-account-nomountsa-nomountspec', 'nomount', false, false],
  ];
  for (const [podName, saName, spec, expect] of cases) {
    const pod = await create(s, `/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName },
      spec: {
        containers: [{ name: 'token-test', image: 'agnhost' }],
        restartPolicy: 'Never',
        serviceAccountName: saName,
        ...(spec === undefined ? {} : { automountServiceAccountToken: spec }),
      },
    });
    const mounted = pod.spec.containers.some((c) =>
      (c.volumeMounts ?? []).some((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount'),
    );
    assert.equal(mounted, expect, podName);
  }
});

test('[e2e.service_accounts.serviceaccountissuerdiscovery-should-support-oidc-discovery-of-service-account-issuer] ServiceAccountIssuerDiscovery should support OIDC discovery of service account issuer', async () => {
  // What the upstream pod (agnhost test-service-account-issuer-discovery) does with its projected token: with
  // the bootstrap role bound, read discovery and JWKS as itself and verify its own token.
  const ns = await freshNamespace('svcaccounts');
  await eventually(
    async () => (await req(s, 'GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200,
  );
  const tr = await create(s, `/api/v1/namespaces/${ns}/serviceaccounts/default/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { audiences: ['oidc-discovery-test'], expirationSeconds: 600 },
  });
  const token = tr.status.token;
  // The pod's token is for the API too (the in-cluster client); ask for one with the API audience.
  const apiToken = (
    await create(s, `/api/v1/namespaces/${ns}/serviceaccounts/default/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {},
    })
  ).status.token;
  const crb = `${ns}-system:service-account-issuer-discovery`;
  await create(s, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: crb },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'system:service-account-issuer-discovery',
    },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }],
  });
  const d = await req(s, 'GET', '/.well-known/openid-configuration', undefined, { token: apiToken });
  assert.equal(d.status, 200, d.body);
  const claims = payload(token);
  assert.equal(d.json.issuer, claims.iss);
  assert.deepEqual(claims.aud, ['oidc-discovery-test']);
  const k = await req(s, 'GET', new URL(d.json.jwks_uri).pathname, undefined, { token: apiToken });
  assert.equal(k.status, 200, k.body);
  const [h, b, sig] = token.split('.');
  const kid = JSON.parse(Buffer.from(h, 'base64url')).kid;
  const jwk = k.json.keys.find((x) => x.kid === kid);
  assert.ok(jwk, 'the token key is published');
  assert.ok(
    verify(
      'sha256',
      Buffer.from(`${h}.${b}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(sig, 'base64url'),
    ),
  );
  assert.equal((await req(s, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${crb}`)).status, 200);
});

test('[e2e.service_accounts.should-run-through-the-lifecycle-of-a-serviceaccount] should run through the lifecycle of a ServiceAccount', async () => {
  const ns = await freshNamespace('svcaccounts');
  const base = `/api/v1/namespaces/${ns}/serviceaccounts`;
  const created = await create(s, base, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'testserviceaccount', labels: { 'test-serviceaccount-static': 'true' } },
  });
  const got = await req(s, 'GET', `${base}/testserviceaccount`);
  assert.equal(got.json.metadata.uid, created.metadata.uid);
  const w = watch(s, `${base}?watch=1&labelSelector=test-serviceaccount-static%3Dtrue&timeoutSeconds=180`);
  assert.equal((await w.ready).statusCode, 200);
  await w.next('ADDED');
  const p = await req(
    s,
    'PATCH',
    `${base}/testserviceaccount`,
    JSON.stringify({ automountServiceAccountToken: false }),
    {
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
    },
  );
  assert.equal(p.status, 200, p.body);
  await w.next('MODIFIED');
  const list = await req(s, 'GET', '/api/v1/serviceaccounts?labelSelector=test-serviceaccount-static%3Dtrue');
  assert.ok(
    list.json.items.some(
      (i) =>
        i.metadata.name === 'testserviceaccount' &&
        i.metadata.namespace === ns &&
        i.automountServiceAccountToken === false,
    ),
    'failed to find the created ServiceAccount',
  );
  const dc = await req(s, 'DELETE', base);
  assert.equal(dc.status, 200, dc.body);
  await w.next('DELETED');
  w.close();
});

test('[e2e.service_accounts.should-guarantee-kube-root-ca.crt-exist-in-any-namespace] should guarantee kube-root-ca.crt exist in any namespace', async () => {
  const ns = await freshNamespace('svcaccounts');
  const path = `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`;
  await eventually(async () => (await req(s, 'GET', path)).status === 200);
  assert.equal((await req(s, 'DELETE', `${path}?gracePeriodSeconds=0`)).status, 200);
  await eventually(async () => (await req(s, 'GET', path)).status === 200);
  const u = await req(s, 'PUT', path, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-root-ca.crt' },
    data: { 'ca.crt': '' },
  });
  assert.equal(u.status, 200, u.body);
  await eventually(async () => {
    const r = await req(s, 'GET', path);
    return r.status === 200 && r.json.data?.['ca.crt'];
  });
});

test('[e2e.service_accounts.should-update-a-serviceaccount] should update a ServiceAccount', async () => {
  const ns = await freshNamespace('svcaccounts');
  const base = `/api/v1/namespaces/${ns}/serviceaccounts`;
  const c = await create(s, base, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'e2e-sa-abcde' },
    automountServiceAccountToken: false,
  });
  assert.equal(c.automountServiceAccountToken, false);
  const cur = (await req(s, 'GET', `${base}/e2e-sa-abcde`)).json;
  const u = await req(s, 'PUT', `${base}/e2e-sa-abcde`, { ...cur, automountServiceAccountToken: true });
  assert.equal(u.status, 200, u.body);
  assert.equal(u.json.automountServiceAccountToken, true);
});

test('[e2e.subjectreviews.should-support-subjectreview-api-operations] should support SubjectReview API operations', async () => {
  const ns = await freshNamespace('subjectreview');
  const sa = await create(s, `/api/v1/namespaces/${ns}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'e2e' },
  });
  const user = `system:serviceaccount:${ns}:e2e`;
  const groups = ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${ns}`];
  const attrs = { verb: 'list', resource: 'configmaps', namespace: ns, version: 'v1' };
  const check = async (allowedBefore) => {
    const r = await req(s, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { resourceAttributes: attrs, user, groups, uid: sa.metadata.uid },
    });
    assert.equal(r.status, 201, r.body);
    const list = await req(s, 'GET', `/api/v1/namespaces/${ns}/configmaps`, undefined, {
      headers: { 'Impersonate-User': user, 'Impersonate-Uid': sa.metadata.uid, 'Impersonate-Group': groups },
    });
    assert.ok(list.status === 200 || list.status === 403, list.body);
    assert.equal(r.json.status.allowed, list.status === 200, 'SubjectAccessReview agrees with the request');
    assert.equal(r.json.status.allowed, allowedBefore);
    // Upstream's LocalSubjectAccessReview names the user by the bare ServiceAccount name.
    const l = await req(s, 'POST', `/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'LocalSubjectAccessReview',
      metadata: { namespace: ns },
      spec: { resourceAttributes: attrs, user: 'e2e', groups, uid: sa.metadata.uid },
    });
    assert.equal(l.status, 201, l.body);
    assert.equal(l.json.status.allowed, list.status === 200, 'LocalSubjectAccessReview agrees with the request');
  };
  // Both outcomes: denied with no binding, allowed once the group may list (so neither answer is a constant).
  await check(false);
  await create(s, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'view' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `system:serviceaccounts:${ns}` }],
  });
  await check(true);
});

async function ssrDiscovery(version) {
  const apis = await req(s, 'GET', '/apis');
  const group = apis.json.groups.find((g) => g.name === 'authentication.k8s.io');
  assert.ok(
    group.versions.some((v) => v.version === version),
    `/apis lists ${version}`,
  );
  const g = await req(s, 'GET', '/apis/authentication.k8s.io');
  assert.ok(
    g.json.versions.some((v) => v.version === version),
    `/apis/authentication.k8s.io lists ${version}`,
  );
  const rl = await req(s, 'GET', `/apis/authentication.k8s.io/${version}`);
  assert.ok(
    rl.json.resources.some((r) => r.name === 'selfsubjectreviews'),
    'selfsubjectreviews is served',
  );
}

test('[e2e.selfsubjectreviews.testing-ssr-in-different-api-groups.authentication/v1alpha1] testing SSR in different API groups authentication/v1alpha1', () =>
  ssrDiscovery('v1alpha1'));

test('[e2e.selfsubjectreviews.testing-ssr-in-different-api-groups.authentication/v1beta1] testing SSR in different API groups authentication/v1beta1', () =>
  ssrDiscovery('v1beta1'));

test('[e2e.selfsubjectreviews.testing-ssr-in-different-api-groups.authentication/v1] testing SSR in different API groups authentication/v1', () =>
  ssrDiscovery('v1'));

test('[e2e.selfsubjectreviews.should-support-selfsubjectreview-api-operations] should support SelfSubjectReview API operations', async () => {
  const headers = {
    'Impersonate-User': 'jane-doe',
    'Impersonate-Uid': 'uniq-id',
    'Impersonate-Group': ['system:authenticated', 'developers'],
    'Impersonate-Extra-known-languages': ['python', 'javascript'],
  };
  for (const version of ['v1alpha1', 'v1beta1', 'v1']) {
    const r = await req(
      s,
      'POST',
      `/apis/authentication.k8s.io/${version}/selfsubjectreviews`,
      { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' },
      { headers },
    );
    assert.equal(r.status, 201, r.body);
    const u = r.json.status.userInfo;
    assert.equal(u.username, 'jane-doe');
    assert.equal(u.uid, 'uniq-id');
    assert.deepEqual(u.groups, ['system:authenticated', 'developers']);
    assert.deepEqual(u.extra['known-languages'], ['python', 'javascript']);
  }
});
