// Ports of test/integration/auth/svcaccttoken_test.go (kubernetes/kubernetes, revision in ledger.json): TokenRequest
// for bound service-account tokens and their TokenReview, run against kubeauth started with the same options the
// upstream server gets (issuer, API audience "api", a 2 h cap, extended expiration) and with RBAC on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import {
  startServer,
  req,
  create,
  del,
  createNamespace,
  payload,
  tokenReview,
  expectAccepted,
  expectRejected,
  warnings,
} from './lib.mjs';

const iss = 'https://foo.bar.example.com';
const maxExpirationSeconds = 2 * 60 * 60;
const ns = 'myns';
const saName = 'test-svcacct';
let s;

before(async () => {
  s = await startServer([
    `--service-account-issuer=${iss}`,
    '--api-audiences=api',
    '--service-account-max-token-expiration=2h',
    '--service-account-extend-token-expiration=true',
  ]);
  await createNamespace(s, ns);
});
after(() => s?.stop());

const saPath = `/api/v1/namespaces/${ns}/serviceaccounts`;
const tokenPath = (name = saName) => `${saPath}/${name}/token`;
const requestToken = (spec, metadata) =>
  req(s, 'POST', tokenPath(), {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    ...(metadata ? { metadata } : {}),
    spec,
  });
async function mustToken(spec) {
  const r = await requestToken(spec);
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(warnings(r), []);
  return r.json;
}

/** Creates the ServiceAccount, runs fn, deletes what is left (the ServiceAccount may already be gone). */
async function withSA(fn) {
  const sa = await create(s, saPath, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: saName } });
  try {
    await fn(sa);
  } finally {
    await req(s, 'DELETE', `${saPath}/${saName}`);
  }
}
const podBody = (name, sa, nodeName) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    serviceAccountName: sa,
    ...(nodeName ? { nodeName } : {}),
    containers: [{ name: 'test-container', image: 'nginx' }],
  },
});
const createPod = (name = 'test-pod', sa = saName, nodeName) =>
  create(s, `/api/v1/namespaces/${ns}/pods`, podBody(name, sa, nodeName));
const deletePod = (name = 'test-pod') => del(s, `/api/v1/namespaces/${ns}/pods/${name}?gracePeriodSeconds=0`);
const createSecret = () =>
  create(s, `/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'test-secret' },
  });
const deleteSecret = () => del(s, `/api/v1/namespaces/${ns}/secrets/test-secret`);
const createNode = () =>
  create(s, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'test-node' } });
const deleteNode = () => del(s, '/api/v1/nodes/test-node');

/** The claims every token of test-svcacct carries, whatever it is bound to. */
function checkCommonClaims(token, aud = ['api']) {
  const p = payload(token);
  assert.equal(p.sub, 'system:serviceaccount:myns:test-svcacct');
  assert.deepEqual(p.aud, aud);
  assert.equal(p.iss, iss);
  assert.equal(p['kubernetes.io'].namespace, 'myns');
  assert.equal(p['kubernetes.io'].serviceaccount.name, 'test-svcacct');
  return p;
}

/** Binding to a missing object, then the right uid, a wrong uid, and no uid; resolves the last token. */
async function bindingSequence(ref, createObject) {
  const missing = await requestToken({ audiences: ['api'], boundObjectRef: ref });
  assert.equal(missing.status, 404, `bound to a missing ${ref.kind}: ${missing.body}`);
  const obj = await createObject();
  const right = await requestToken({ audiences: ['api'], boundObjectRef: { ...ref, uid: obj.metadata.uid } });
  assert.equal(right.status, 201, right.body);
  const wrong = await requestToken({ audiences: ['api'], boundObjectRef: { ...ref, uid: 'wrong' } });
  assert.equal(wrong.status, 409, wrong.body);
  assert.match(wrong.json.message, /the UID in the bound object reference \(wrong\) does not match the UID in record/);
  const none = await mustToken({ audiences: ['api'], boundObjectRef: ref });
  return { obj, token: none.status.token, response: none };
}

test('[it.svcaccttoken.TestServiceAccountAnnotationDeprecation.service-account-with-deprecated-annotation] warns on the annotation, not on pods using it', async () => {
  const r = await req(s, 'POST', saPath, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'annotated', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } },
  });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(warnings(r), [
    'metadata.annotations[kubernetes.io/enforce-mountable-secrets]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets',
  ]);
  const p = await req(s, 'POST', `/api/v1/namespaces/${ns}/pods`, podBody('annotated-pod', 'annotated'));
  assert.equal(p.status, 201, p.body);
  assert.deepEqual(warnings(p), []);
  await deletePod('annotated-pod');
  await del(s, `${saPath}/annotated`);
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.bound-to-service-account] bound to service account', async () => {
  const missing = await requestToken({ audiences: ['api'] });
  assert.equal(missing.status, 404, missing.body);
  assert.equal(missing.json.message, 'serviceaccounts "test-svcacct" not found');
  await withSA(async () => {
    const badName = await requestToken({ audiences: ['api'] }, { name: 'invalid-name' });
    assert.equal(badName.status, 422);
    assert.match(badName.json.message, /must match the service account name/);
    const badNs = await requestToken({ audiences: ['api'] }, { namespace: 'invalid-namespace' });
    assert.equal(badNs.status, 400, badNs.body);
    assert.match(badNs.json.message, /does not match the namespace/);

    const tr = await mustToken({ audiences: ['api'] });
    assert.equal(tr.metadata.name, saName);
    assert.equal(tr.metadata.namespace, ns);
    assert.ok(tr.metadata.creationTimestamp, 'expected a creation timestamp');
    const p = checkCommonClaims(tr.status.token);
    assert.equal(p['kubernetes.io'].pod, undefined);
    assert.equal(p['kubernetes.io'].secret, undefined);

    const user = await expectAccepted(s, tr.status.token, ['api']);
    const extra = { ...(user.extra ?? {}) };
    delete extra['authentication.kubernetes.io/credential-id'];
    assert.deepEqual(extra, {});
    await del(s, `${saPath}/${saName}`);
    await expectRejected(s, tr.status.token, ['api']);
  });
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.bound-to-service-account-and-pod] bound to service account and pod', async () => {
  const ref = { kind: 'Pod', apiVersion: 'v1', name: 'test-pod' };
  const first = await requestToken({ audiences: ['api'], boundObjectRef: ref });
  assert.equal(first.status, 404, 'no service account yet');
  await withSA(async () => {
    const { obj: pod, token } = await bindingSequence(ref, () => createPod());
    const p = checkCommonClaims(token);
    assert.equal(p['kubernetes.io'].pod.name, 'test-pod');
    assert.equal(p['kubernetes.io'].secret, undefined);
    assert.equal(p['kubernetes.io'].node, undefined);
    const user = await expectAccepted(s, token, ['api']);
    const extra = { ...user.extra };
    delete extra['authentication.kubernetes.io/credential-id'];
    assert.deepEqual(extra, {
      'authentication.kubernetes.io/pod-name': ['test-pod'],
      'authentication.kubernetes.io/pod-uid': [pod.metadata.uid],
    });
    await deletePod();
    await expectRejected(s, token, ['api']);
  });
});

async function assignedNodeCase(withNode) {
  const ref = { kind: 'Pod', apiVersion: 'v1', name: 'test-pod' };
  await withSA(async () => {
    let node;
    const { obj: pod, token } = await bindingSequence(ref, async () => {
      const p = await createPod('test-pod', saName, 'test-node');
      if (withNode) node = await createNode();
      return p;
    });
    try {
      const p = checkCommonClaims(token);
      assert.equal(p['kubernetes.io'].pod.name, 'test-pod');
      assert.equal(p['kubernetes.io'].node.name, 'test-node');
      const expected = {
        'authentication.kubernetes.io/pod-name': ['test-pod'],
        'authentication.kubernetes.io/pod-uid': [pod.metadata.uid],
        'authentication.kubernetes.io/node-name': ['test-node'],
      };
      if (withNode) {
        assert.equal(p['kubernetes.io'].node.uid, node.metadata.uid);
        expected['authentication.kubernetes.io/node-uid'] = [node.metadata.uid];
      } else assert.equal(p['kubernetes.io'].node.uid, undefined);
      const user = await expectAccepted(s, token, ['api']);
      const extra = { ...user.extra };
      delete extra['authentication.kubernetes.io/credential-id'];
      assert.deepEqual(extra, expected);
      await deletePod();
      await expectRejected(s, token, ['api']);
    } finally {
      if (withNode) await deleteNode();
    }
  });
}

test('[it.svcaccttoken.TestServiceAccountTokenCreate.bound-to-service-account-and-a-pod-with-an-assigned-nodename-that-does-not-exist] bound to service account and a pod with an assigned nodeName that does not exist', () =>
  assignedNodeCase(false));

test('[it.svcaccttoken.TestServiceAccountTokenCreate.bound-to-service-account-and-a-pod-with-an-assigned-nodename] bound to service account and a pod with an assigned nodeName', () =>
  assignedNodeCase(true));

test('[it.svcaccttoken.TestServiceAccountTokenCreate.bound-to-service-account-and-node] bound to service account and node', async () => {
  const ref = { kind: 'Node', apiVersion: 'v1', name: 'test-node' };
  await withSA(async () => {
    const { token } = await bindingSequence(ref, createNode);
    const p = checkCommonClaims(token);
    assert.equal(p['kubernetes.io'].pod, undefined);
    assert.equal(p['kubernetes.io'].node.name, 'test-node');
    await expectAccepted(s, token, ['api']);
    await deleteNode();
    await expectRejected(s, token, ['api']);
  });
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.bound-to-service-account-and-secret] bound to service account and secret', async () => {
  const ref = { kind: 'Secret', apiVersion: 'v1', name: 'test-secret' };
  await withSA(async () => {
    const { token } = await bindingSequence(ref, createSecret);
    const p = checkCommonClaims(token);
    assert.equal(p['kubernetes.io'].pod, undefined);
    assert.equal(p['kubernetes.io'].secret.name, 'test-secret');
    await expectAccepted(s, token, ['api']);
    await deleteSecret();
    await expectRejected(s, token, ['api']);
  });
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.bound-to-service-account-and-pod-running-as-different-service-account] bound to service account and pod running as different service account', async () => {
  await withSA(async () => {
    // Upstream turns the ServiceAccount admission plugin off; kubeauth always runs it, so the pod's own account
    // must exist before the pod can.
    await create(s, saPath, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'other-test-svcacct' } });
    await createPod('other-test-pod', 'other-test-svcacct');
    try {
      const r = await requestToken({
        audiences: ['api'],
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'other-test-pod' },
      });
      assert.equal(r.status, 400, r.body);
      assert.equal(
        r.json.message,
        'cannot bind token for serviceaccount "test-svcacct" to pod running with different serviceaccount name.',
      );
    } finally {
      await deletePod('other-test-pod');
      await del(s, `${saPath}/other-test-svcacct`);
    }
  });
});

/** Signs claims with the server's own service-account key, as upstream signs its backdated token. */
function signWithServerKey(kid, claims) {
  const key = createPrivateKey(readFileSync(join(s.dir, 'pki', 'sa.key')));
  const head = Buffer.from(JSON.stringify({ alg: 'RS256', kid })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}

test('[it.svcaccttoken.TestServiceAccountTokenCreate.expired-token] expired token', async () => {
  await withSA(async (sa) => {
    const tr = await mustToken({ audiences: ['api'] });
    await expectAccepted(s, tr.status.token, ['api']);
    const kid = JSON.parse(Buffer.from(tr.status.token.split('.')[0], 'base64url')).kid;
    const claimsAt = (t) => ({
      iss,
      sub: 'system:serviceaccount:myns:test-svcacct',
      aud: ['api'],
      iat: t,
      nbf: t,
      exp: t + 60 * 60,
      'kubernetes.io': { namespace: ns, serviceaccount: { name: saName, uid: sa.metadata.uid } },
    });
    const now = Math.floor(Date.now() / 1000);
    // The same signing is accepted when current, so the rejection below is the expiry's doing.
    await expectAccepted(s, signWithServerKey(kid, claimsAt(now)), ['api']);
    const st = await expectRejected(s, signWithServerKey(kid, claimsAt(now - 2 * 60 * 60)), ['api']);
    assert.equal(st.error, '[invalid bearer token, service account token has expired]');
  });
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.expiration-extended-token] expiration extended token', async () => {
  await withSA(async () => {
    const pod = await createPod();
    try {
      const tr = await mustToken({
        audiences: ['api'],
        expirationSeconds: 3607,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'test-pod', uid: pod.metadata.uid },
      });
      await expectAccepted(s, tr.status.token, ['api']);
      const p = payload(tr.status.token);
      assert.ok(Math.abs(p.iat - Date.now() / 1000) < 60, 'iat is now');
      assert.equal(p.exp - p.iat, 24 * 365 * 60 * 60, 'exp is extended to a year');
      assert.equal(p['kubernetes.io'].warnafter - p.iat, 3607, 'warnafter is the requested expiry');
      assert.equal(tr.spec.expirationSeconds, 3607);
      assert.equal(
        Date.parse(tr.status.expirationTimestamp) / 1000,
        p.iat + 3607,
        'status reports the requested expiry',
      );
    } finally {
      await deletePod();
    }
  });
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.extended-expiration-extended-does-not-apply-for-other-audiences] extended expiration extended does not apply for other audiences', async () => {
  await withSA(async () => {
    const pod = await createPod();
    try {
      const tr = await mustToken({
        audiences: ['not-the-api', 'api'],
        expirationSeconds: 3607,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'test-pod', uid: pod.metadata.uid },
      });
      const p = payload(tr.status.token);
      assert.equal(p['kubernetes.io'].warnafter, undefined, 'no warnafter');
      assert.equal(p.exp - p.iat, 3607, 'not extended');
      assert.equal(tr.spec.expirationSeconds, 3607);
      assert.equal(Date.parse(tr.status.expirationTimestamp) / 1000, p.exp);
    } finally {
      await deletePod();
    }
  });
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.a-token-without-an-api-audience-is-invalid] a token without an api audience is invalid', async () => {
  await withSA(async () => {
    const tr = await mustToken({ audiences: ['not-the-api'] });
    // Reviewed against the API audiences (upstream's review carries no audiences of its own).
    const st = await tokenReview(s, tr.status.token);
    assert.notEqual(st.authenticated, true);
    assert.equal(
      st.error,
      '[invalid bearer token, token audiences ["not-the-api"] is invalid for the target audiences ["api"]]',
    );
  });
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.a-tokenrequest-without-an-audience-is-valid-against-the-api] a tokenrequest without an audience is valid against the api', async () => {
  await withSA(async () => {
    const tr = await mustToken({});
    assert.deepEqual(payload(tr.status.token).aud, ['api']);
    await expectAccepted(s, tr.status.token);
  });
});

test('[it.svcaccttoken.TestServiceAccountTokenCreate.a-token-should-be-invalid-after-recreating-same-name-pod] a token should be invalid after recreating same name pod', async () => {
  await withSA(async () => {
    const pod = await createPod();
    const tr = await mustToken({
      audiences: ['api'],
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'test-pod', uid: pod.metadata.uid },
    });
    const p = checkCommonClaims(tr.status.token);
    assert.equal(p['kubernetes.io'].pod.name, 'test-pod');
    await expectAccepted(s, tr.status.token, ['api']);
    await deletePod();
    await expectRejected(s, tr.status.token, ['api']);
    await createPod();
    try {
      await expectRejected(s, tr.status.token, ['api']);
    } finally {
      await deletePod();
    }
  });
});

async function secretBoundSequence(expirationSeconds, expectWarning, expectSeconds) {
  await withSA(async () => {
    const secret = await createSecret();
    const r = await requestToken({
      audiences: ['api'],
      ...(expirationSeconds ? { expirationSeconds } : {}),
      boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'test-secret', uid: secret.metadata.uid },
    });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(warnings(r), expectWarning);
    const p = checkCommonClaims(r.json.status.token);
    assert.equal(p['kubernetes.io'].pod, undefined);
    assert.equal(p['kubernetes.io'].secret.name, 'test-secret');
    if (expectSeconds) assert.equal(r.json.spec.expirationSeconds, expectSeconds);
    await expectAccepted(s, r.json.status.token, ['api']);
    await deleteSecret();
    await expectRejected(s, r.json.status.token, ['api']);
    await createSecret();
    try {
      await expectRejected(s, r.json.status.token, ['api']);
    } finally {
      await deleteSecret();
    }
  });
}

test('[it.svcaccttoken.TestServiceAccountTokenCreate.a-token-should-be-invalid-after-recreating-same-name-secret] a token should be invalid after recreating same name secret', () =>
  secretBoundSequence(undefined, [], undefined));

test('[it.svcaccttoken.TestServiceAccountTokenCreate.a-token-request-within-expiration-time] a token request within expiration time', () =>
  secretBoundSequence(maxExpirationSeconds - 10 * 60, [], maxExpirationSeconds - 10 * 60));

test('[it.svcaccttoken.TestServiceAccountTokenCreate.a-token-request-with-out-of-range-expiration] a token request with out-of-range expiration', () =>
  secretBoundSequence(
    maxExpirationSeconds + 10 * 60,
    [`requested expiration of ${maxExpirationSeconds + 10 * 60} seconds shortened to ${maxExpirationSeconds} seconds`],
    maxExpirationSeconds,
  ));

test('[it.svcaccttoken.TestServiceAccountTokenCreate.a-token-is-valid-against-the-http-provided-service-account-issuer-metadata] a token is valid against the HTTP-provided service account issuer metadata', async () => {
  await withSA(async () => {
    const tr = await mustToken({ audiences: ['api'] });
    const d = await req(s, 'GET', '/.well-known/openid-configuration');
    assert.equal(d.status, 200);
    assert.equal(d.headers['content-type'], 'application/json');
    assert.equal(d.headers['cache-control'], 'public, max-age=3600');
    assert.equal(d.json.issuer, iss);
    assert.equal(d.json.jwks_uri, `${s.url}/openid/v1/jwks`);
    const k = await req(s, 'GET', '/openid/v1/jwks');
    assert.equal(k.status, 200);
    assert.equal(k.headers['content-type'], 'application/jwk-set+json');
    assert.equal(k.headers['cache-control'], 'public, max-age=3600');
    assert.equal(k.json.keys.length, 1);
    const [h, b, sig] = tr.status.token.split('.');
    const pub = createPublicKey({ key: k.json.keys[0], format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from(`${h}.${b}`), pub, Buffer.from(sig, 'base64url')), 'signature verifies');
    assert.equal(payload(tr.status.token).iss, d.json.issuer);
  });
});
