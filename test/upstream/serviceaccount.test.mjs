// Ports of test/integration/serviceaccount/service_account_test.go (kubernetes/kubernetes; revision in
// ledger.json). Upstream runs the ServiceAccount and token controllers beside a test server with a stub authorizer
// ("ro" accounts may read in their own namespace, "rw" accounts may do anything there); kubeauth runs those
// controllers itself, and RBAC Roles give the two accounts the same rights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../e2e/harness.mjs';
import { startServer, call2, create, createNamespace, req, warnings } from './lib.mjs';

let s;
before(async () => {
  s = await startServer();
});
after(() => s?.stop());

const get = (path, token) => call2(s, path, { token });

/** A legacy token Secret for `sa` (annotated with its name and uid); resolves once the token controller filled it. */
async function serviceAccountToken(sa, name) {
  const ns = sa.metadata.namespace;
  await create(s, `/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      annotations: {
        'kubernetes.io/service-account.name': sa.metadata.name,
        'kubernetes.io/service-account.uid': sa.metadata.uid,
      },
    },
    type: 'kubernetes.io/service-account-token',
    data: {},
  });
  let token;
  await eventually(async () => {
    const r = await get(`/api/v1/namespaces/${ns}/secrets/${name}`);
    token = r.json?.data?.token;
    return !!token;
  }, 20_000);
  return { secret: name, token: Buffer.from(token, 'base64').toString('utf8') };
}

/**
 * upstream's doServiceAccountAPIRequests: list secrets, list pods, create and delete a secret, as `token`;
 * each answer must be 401 unless `authenticated`, else 403 exactly when the read or write is not allowed.
 */
async function doRequests(token, ns, authenticated, canRead, canWrite) {
  const answers = [];
  const op = async (kind, method, path, body) => {
    const r = await call2(s, path, { method, token, body: body && JSON.stringify(body) });
    answers.push(r);
    const what = `${method} ${path}: ${r.status} ${r.body.slice(0, 200)}`;
    if (!authenticated) return assert.equal(r.status, 401, what);
    assert.notEqual(r.status, 401, what);
    const allowed = kind === 'read' ? canRead : canWrite;
    if (allowed) assert.notEqual(r.status, 403, what);
    else assert.equal(r.status, 403, what);
  };
  await op('read', 'GET', `/api/v1/namespaces/${ns}/secrets`);
  await op('read', 'GET', `/api/v1/namespaces/${ns}/pods`);
  await op('write', 'POST', `/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'testsecret' },
    data: { test: Buffer.from('data').toString('base64') },
  });
  await op('write', 'DELETE', `/api/v1/namespaces/${ns}/secrets/testsecret`);
  return answers;
}

test('[it.serviceaccount.TestServiceAccountAutoCreate] a namespace gets a default ServiceAccount, recreated when deleted', async () => {
  const ns = 'test-service-account-creation';
  await createNamespace(s, ns);
  let first;
  await eventually(
    async () => (first = (await get(`/api/v1/namespaces/${ns}/serviceaccounts/default`)).json)?.metadata?.uid,
    10_000,
  );
  const del = await req(s, 'DELETE', `/api/v1/namespaces/${ns}/serviceaccounts/default`);
  assert.equal(del.status, 200, del.body);
  let second;
  await eventually(async () => {
    second = (await get(`/api/v1/namespaces/${ns}/serviceaccounts/default`)).json;
    return second?.metadata?.uid;
  }, 10_000);
  assert.notEqual(second.metadata.uid, first.metadata.uid, 'Expected different UID with recreated serviceaccount');
});

test('[it.serviceaccount.TestServiceAccountTokenAutoMount] a pod gets the default ServiceAccount and a projected token volume', async () => {
  const ns = 'auto-mount-ns';
  await createNamespace(s, ns);
  await eventually(async () => (await get(`/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200, 10_000);
  const pod = await create(s, `/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'protopod' },
    spec: { containers: [{ name: 'container', image: 'container-image' }] },
  });
  assert.equal(pod.spec.serviceAccountName, 'default');
  assert.ok(
    pod.spec.volumes?.length > 0 && pod.spec.volumes[0].projected,
    'Expected projected volume for service account token inserted',
  );
});

const rbac = '/apis/rbac.authorization.k8s.io/v1';
/** upstream's stub authorizer as RBAC: "ro" reads in its own namespace, "rw" does anything there. */
async function grant(ns) {
  for (const [name, rules] of [
    ['ro', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }]],
    ['rw', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]],
  ]) {
    await create(s, `${rbac}/namespaces/${ns}/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name },
      rules,
    });
    await create(s, `${rbac}/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });
  }
}
const serviceAccount = (ns, name) =>
  create(s, `/api/v1/namespaces/${ns}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name },
  });

test('[it.serviceaccount.TestServiceAccountTokenAuthentication] legacy tokens authenticate their account until their Secret goes', async () => {
  const myns = 'auth-ns';
  const otherns = 'other-ns';
  await createNamespace(s, myns);
  await createNamespace(s, otherns);
  await grant(myns);

  const ro = await serviceAccountToken(await serviceAccount(myns, 'ro'), 'ro-test-token');
  await doRequests(ro.token, myns, true, true, false);
  await doRequests(ro.token, otherns, true, false, false);
  assert.equal((await req(s, 'DELETE', `/api/v1/namespaces/${myns}/secrets/ro-test-token`)).status, 200);
  // wait for delete to be observed and reacted to
  await eventually(async () => (await get(`/api/v1/namespaces/${myns}/secrets`, ro.token)).status === 401, 30_000, 100);
  await doRequests(ro.token, myns, false, false, false);

  const rw = await serviceAccountToken(await serviceAccount(myns, 'rw'), 'rw-test-token');
  await doRequests(rw.token, myns, true, true, true);
  await doRequests(rw.token, otherns, true, false, false);
});

const legacyWarning =
  'Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.';
const today = () => new Date().toISOString().slice(0, 10);

let tracking;
async function trackingFixture() {
  if (tracking) return tracking;
  const ns = 'tracking-ns';
  await createNamespace(s, ns);
  await grant(ns);
  const sa = await serviceAccount(ns, 'ro');
  const manual = await serviceAccountToken(sa, 'manual-token');
  // manually craft an auto created token: a token Secret the ServiceAccount lists in .secrets
  const auto = await serviceAccountToken(sa, 'auto-token');
  const live = (await get(`/api/v1/namespaces/${ns}/serviceaccounts/ro`)).json;
  live.secrets = [...(live.secrets ?? []), { name: 'auto-token' }];
  const u = await req(s, 'PUT', `/api/v1/namespaces/${ns}/serviceaccounts/ro`, live);
  assert.equal(u.status, 200, u.body);
  return (tracking = { ns, manual, auto });
}

async function trackingCase(which, expectWarning) {
  const { ns, ...tokens } = await trackingFixture();
  const { token, secret } = tokens[which];
  const before = today();
  const concurrency = 5;
  const answers = (
    await Promise.all(Array.from({ length: concurrency }, () => doRequests(token, ns, true, true, false)))
  ).flat();
  const after = today();
  const warned = answers.flatMap((r) => warnings(r).filter((w) => w === legacyWarning));
  // doRequests makes 4 API requests
  assert.equal(warned.length, expectWarning ? 4 * concurrency : 0);
  // an authenticated legacy token has the last-used label, today's date
  const live = (await get(`/api/v1/namespaces/${ns}/secrets/${secret}`)).json;
  const date = live.metadata.labels?.['kubernetes.io/legacy-token-last-used'];
  assert.ok(date, 'Secret was labeled with "kubernetes.io/legacy-token-last-used"');
  assert.ok(date === before && date === after, `Secret was labeled with wrong date: ${date}`);
}

test('[it.serviceaccount.TestLegacyServiceAccountTokenTracking.manually-created-legacy-token] no warning, last-used label', () =>
  trackingCase('manual', false));

test('[it.serviceaccount.TestLegacyServiceAccountTokenTracking.auto-created-legacy-token] a warning on every request, last-used label', () =>
  trackingCase('auto', true));

test('[it.serviceaccount.TestLegacyServiceAccountTokenTracking] the tracking ConfigMap records since when', async () => {
  await eventually(async () => {
    const r = await get(
      '/api/v1/namespaces/kube-system/configmaps/kube-apiserver-legacy-service-account-token-tracking',
    );
    return r.status === 200 && r.json.data?.since === today();
  }, 10_000);
});
