// Ports of pkg/serviceaccount/claims_test.go TestValidatePrivateClaims (kubernetes/kubernetes; revision in
// ledger.json). Upstream calls the bound-token validator with hand-made claims and a stub object getter; here the
// same claims are signed with the server's own signing key (given to kubeauth as --service-account-signing-key-file)
// and reviewed with a TokenReview against real objects, on a kubeauth whose clock the test moves (kubeauth/testing,
// manual clock), so deletion times can be set exactly. Each case asserts upstream's validator error, which kube
// reports as (part of) the TokenReview's status.error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHash, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeauth } from '../../packages/server/dist/embed/index.js';

const issuer = 'https://kubernetes.default.svc.cluster.local';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
// kube's key id: base64url(sha256(DER of the public key)).
const kid = createHash('sha256')
  .update(publicKey.export({ format: 'der', type: 'spki' }))
  .digest('base64url');

let kube;
const t0 = Date.UTC(2018, 0, 1); // upstream's fixed "now": 1514764800
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-sa-claims-'));
  const keyFile = join(dir, 'sa.key');
  writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  kube = await startKubeauth({
    clock: 'manual',
    startTime: t0,
    flags: [`--service-account-signing-key-file=${keyFile}`, `--service-account-key-file=${keyFile}`],
  });
  live = await fixture();
});
after(() => kube?.close());

const nowS = async () => Math.floor((await kube.clock.now()) / 1000);

function forge(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid })}.${b64(claims)}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** A bound token's claims for ServiceAccount `ns/name` (uid `uid`) with `refs` (pod/secret/node: {name, uid}). */
async function token(ns, name, uid, refs = {}, times = {}) {
  const now = await nowS();
  return forge({
    iss: issuer,
    aud: [issuer],
    sub: `system:serviceaccount:${ns}:${name}`,
    iat: times.iat ?? now,
    nbf: times.nbf ?? now,
    exp: times.exp ?? now + 3600 * 24 * 365,
    jti: `jti-${Math.random()}`,
    'kubernetes.io': { namespace: ns, serviceaccount: { name, uid }, ...refs },
  });
}

async function review(tok) {
  const r = await kube.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: tok },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.status;
}

/** upstream's expectErr: "" accepted, else refused with that validator error. */
async function expect(tok, expectErr) {
  const st = await review(tok);
  if (!expectErr) {
    assert.equal(st.error, undefined, JSON.stringify(st));
    assert.equal(st.authenticated, true, JSON.stringify(st));
    return;
  }
  assert.notEqual(st.authenticated, true, JSON.stringify(st));
  // kube-apiserver's loopback token authenticator answers first for every token (see authn/chain.ts), so the
  // validator's error reaches the review aggregated after its "invalid bearer token".
  assert.equal(st.error, `[invalid bearer token, ${expectErr}]`);
}

async function create(path, body) {
  const r = await kube.request('POST', path, body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
const ref = (o) => ({ name: o.metadata.name, uid: o.metadata.uid });
let seq = 0;
/** A namespace with ServiceAccount "saname" (and optionally a Secret "secretname" and a Pod "podname"). */
async function fixture({ finalizers } = {}) {
  const ns = `claims-${++seq}`;
  await kube.createNamespace(ns);
  const meta = (name) => ({ name, ...(finalizers ? { finalizers: ['example.com/hold'] } : {}) });
  const sa = await create(`/api/v1/namespaces/${ns}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta('saname'),
  });
  const secret = await create(`/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta('secretname'),
  });
  const pod = await create(`/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('podname'),
    spec: { serviceAccountName: 'saname', containers: [{ name: 'c', image: 'i' }] },
  });
  const node = await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: meta(`nodename-${seq}`) });
  return { ns, sa, secret, pod, node };
}

let live;

const hours = 3600;

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.good] good', async () => {
  await expect(await token(live.ns, 'saname', live.sa.metadata.uid), '');
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.expired] expired', async () => {
  const now = await nowS();
  const tok = await token(
    live.ns,
    'saname',
    live.sa.metadata.uid,
    {},
    { iat: now - 2000 * hours, nbf: now - 2000 * hours, exp: now - 1000 * hours },
  );
  await expect(tok, 'service account token has expired');
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.not-yet-valid] not yet valid', async () => {
  const now = await nowS();
  const tok = await token(
    live.ns,
    'saname',
    live.sa.metadata.uid,
    {},
    { iat: now, nbf: now + 1000 * hours, exp: now + 2000 * hours },
  );
  await expect(tok, 'service account token is not valid yet');
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.missing-serviceaccount] missing serviceaccount', async () => {
  await expect(await token(live.ns, 'nosuchsa', 'sauid'), 'serviceaccounts "nosuchsa" not found');
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.missing-secret] missing secret', async () => {
  const tok = await token(live.ns, 'saname', live.sa.metadata.uid, {
    secret: { name: 'nosuchsecret', uid: 'secretuid' },
  });
  await expect(tok, 'service account token has been invalidated');
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.missing-pod] missing pod', async () => {
  const tok = await token(live.ns, 'saname', live.sa.metadata.uid, { pod: { name: 'nosuchpod', uid: 'poduid' } });
  await expect(tok, 'service account token has been invalidated');
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.missing-node] missing node', async () => {
  const tok = await token(live.ns, 'saname', live.sa.metadata.uid, { node: { name: 'nosuchnode', uid: 'nodeuid' } });
  await expect(tok, 'service account token has been invalidated');
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.different-uid-serviceaccount] different uid serviceaccount', async () => {
  const uid = live.sa.metadata.uid;
  await expect(
    await token(live.ns, 'saname', 'sauidold'),
    `service account UID (${uid}) does not match claim (sauidold)`,
  );
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.different-uid-secret] different uid secret', async () => {
  const tok = await token(live.ns, 'saname', live.sa.metadata.uid, {
    secret: { name: 'secretname', uid: 'secretuidold' },
  });
  const uid = live.secret.metadata.uid;
  await expect(tok, `secret UID (${uid}) does not match service account secret ref claim (secretuidold)`);
});

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.different-uid-pod] different uid pod', async () => {
  const tok = await token(live.ns, 'saname', live.sa.metadata.uid, { pod: { name: 'podname', uid: 'poduidold' } });
  const uid = live.pod.metadata.uid;
  await expect(tok, `pod UID (${uid}) does not match service account pod ref claim (poduidold)`);
});

/**
 * upstream's deletion cases: the object was deleted `ago` seconds before now (negative: in the future). Objects
 * carry a finalizer, so a DELETE leaves them in place with a deletionTimestamp of the server's "now"; the clock is
 * then moved so that the deletion lies `ago` seconds back. 60 s is kube's leeway: within it the token still works.
 * One namespace has its ServiceAccount deleted; in another the ServiceAccount lives and its Secret and Pod (and a
 * Node) are deleted, as upstream's getter returns a live ServiceAccount for those cases.
 */
async function deletedFixtures(ago) {
  const a = await fixture({ finalizers: true });
  const b = await fixture({ finalizers: true });
  if (ago === null) return { a, b };
  const del = async (path) => {
    const r = await kube.request('DELETE', path);
    assert.ok(r.status === 200 || r.status === 202, JSON.stringify(r.body));
    assert.ok(r.body.metadata?.deletionTimestamp, `${path} has a deletionTimestamp: ${JSON.stringify(r.body)}`);
  };
  await del(`/api/v1/namespaces/${a.ns}/serviceaccounts/saname`);
  await del(`/api/v1/namespaces/${b.ns}/secrets/secretname`);
  await del(`/api/v1/namespaces/${b.ns}/pods/podname`);
  await del(`/api/v1/nodes/${b.node.metadata.name}`);
  const deletedAt = await kube.clock.now();
  await kube.clock.set(deletedAt + ago * 1000);
  return { a, b };
}

const fixtures = new Map();
/** One deletion case of upstream's table: `kind`'s object deleted `ago` seconds back (null: not deleted). */
async function deletionCase(ago, kind) {
  if (!fixtures.has(ago)) fixtures.set(ago, deletedFixtures(ago));
  const { a, b } = await fixtures.get(ago);
  const gone = ago !== null && ago > 60;
  if (kind === 'serviceaccount')
    return expect(
      await token(a.ns, 'saname', a.sa.metadata.uid),
      gone ? `service account ${a.ns}/saname has been deleted` : '',
    );
  const tok = await token(b.ns, 'saname', b.sa.metadata.uid, { [kind]: ref(b[kind]) });
  return expect(tok, gone ? 'service account token has been invalidated' : '');
}

test('[ut.serviceaccount.claims.TestValidatePrivateClaims.valid-serviceaccount] valid serviceaccount', () =>
  deletionCase(null, 'serviceaccount'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.valid-secret] valid secret', () =>
  deletionCase(null, 'secret'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.valid-pod] valid pod', () => deletionCase(null, 'pod'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.valid-node] valid node', () => deletionCase(null, 'node'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-serviceaccount] deleted now serviceaccount', () =>
  deletionCase(0, 'serviceaccount'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-secret] deleted now secret', () =>
  deletionCase(0, 'secret'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-pod] deleted now pod', () =>
  deletionCase(0, 'pod'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-node] deleted now node', () =>
  deletionCase(0, 'node'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-near-past-serviceaccount] deleted near past serviceaccount', () =>
  deletionCase(1, 'serviceaccount'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-near-past-secret] deleted near past secret', () =>
  deletionCase(1, 'secret'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-near-past-pod] deleted near past pod', () =>
  deletionCase(1, 'pod'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-near-past-node] deleted near past node', () =>
  deletionCase(1, 'node'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-near-future-serviceaccount] deleted near future serviceaccount', () =>
  deletionCase(-1, 'serviceaccount'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-near-future-secret] deleted near future secret', () =>
  deletionCase(-1, 'secret'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-near-future-pod] deleted near future pod', () =>
  deletionCase(-1, 'pod'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-near-future-node] deleted near future node', () =>
  deletionCase(-1, 'node'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-leeway-serviceaccount] deleted now-leeway serviceaccount', () =>
  deletionCase(60, 'serviceaccount'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-leeway-secret] deleted now-leeway secret', () =>
  deletionCase(60, 'secret'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-leeway-pod] deleted now-leeway pod', () =>
  deletionCase(60, 'pod'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-leeway-node] deleted now-leeway node', () =>
  deletionCase(60, 'node'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-leeway-1-serviceaccount] deleted now-leeway-1 serviceaccount', () =>
  deletionCase(61, 'serviceaccount'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-leeway-1-secret] deleted now-leeway-1 secret', () =>
  deletionCase(61, 'secret'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-leeway-1-pod] deleted now-leeway-1 pod', () =>
  deletionCase(61, 'pod'));
test('[ut.serviceaccount.claims.TestValidatePrivateClaims.deleted-now-leeway-1-node] deleted now-leeway-1 node', () =>
  deletionCase(61, 'node'));

// Ports of pkg/serviceaccount/metrics_test.go (revision in ledger.json). Upstream resets the counter, validates one
// token and compares the gathered family (HELP, TYPE, value 1); here the family is read from /metrics before and after
// one TokenReview, so the value must have grown by exactly 1. Upstream's revision asserts `[BETA]`, the level these
// counters have after 1.33; kubeauth reports 1.33, where pkg/serviceaccount/metrics.go declares them ALPHA.
async function family(name) {
  const r = await kube.request('GET', '/metrics');
  assert.equal(r.status, 200);
  const text = typeof r.body === 'string' ? r.body : String(r.body);
  const lines = text.split('\n').filter((l) => l === name || l.startsWith(`${name} `) || l.includes(` ${name} `));
  const value = Number(lines.find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? 'NaN');
  return { help: lines.find((l) => l.startsWith('# HELP ')), type: lines.find((l) => l.startsWith('# TYPE ')), value };
}

async function expectCounted(name, help, tok) {
  const before = await family(name);
  await expect(tok, '');
  const after = await family(name);
  assert.equal(after.help, `# HELP ${name} ${help}`);
  assert.equal(after.type, `# TYPE ${name} counter`);
  assert.equal(after.value, before.value + 1, `${name}: ${before.value} → ${after.value}`);
}

test('[ut.serviceaccount.metrics.TestLegacyTokensMetric] legacy token counted', async () => {
  const { ns, sa } = live;
  const claims = {
    iss: 'kubernetes/serviceaccount',
    sub: `system:serviceaccount:${ns}:saname`,
    'kubernetes.io/serviceaccount/namespace': ns,
    'kubernetes.io/serviceaccount/secret.name': 'legacy-secret',
    'kubernetes.io/serviceaccount/service-account.name': 'saname',
    'kubernetes.io/serviceaccount/service-account.uid': sa.metadata.uid,
  };
  const tok = forge(claims);
  await create(`/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: {
      name: 'legacy-secret',
      annotations: {
        'kubernetes.io/service-account.name': 'saname',
        'kubernetes.io/service-account.uid': sa.metadata.uid,
      },
    },
    data: { token: Buffer.from(tok).toString('base64') },
  });
  await expectCounted(
    'serviceaccount_legacy_tokens_total',
    '[ALPHA] Cumulative legacy service account tokens used',
    tok,
  );
});

test('[ut.serviceaccount.metrics.TestWarnAfterTokensMetric.stale-when-now-is-after-warnAfter] stale when now is after warnAfter', async () => {
  const now = await nowS();
  const tok = forge({
    iss: issuer,
    aud: [issuer],
    sub: `system:serviceaccount:${live.ns}:saname`,
    iat: now - 7200,
    nbf: now - 7200,
    exp: now + 100000,
    'kubernetes.io': {
      namespace: live.ns,
      serviceaccount: { name: 'saname', uid: live.sa.metadata.uid },
      warnafter: now - 1,
    },
  });
  await expectCounted(
    'serviceaccount_stale_tokens_total',
    '[ALPHA] Cumulative stale projected service account tokens used',
    tok,
  );
});

test('[ut.serviceaccount.metrics.TestWarnAfterTokensMetric.valid-when-now-is-before-warnAfter] valid when now is before warnAfter', async () => {
  const now = await nowS();
  const tok = forge({
    iss: issuer,
    aud: [issuer],
    sub: `system:serviceaccount:${live.ns}:saname`,
    iat: now,
    nbf: now,
    exp: now + 100000,
    'kubernetes.io': {
      namespace: live.ns,
      serviceaccount: { name: 'saname', uid: live.sa.metadata.uid },
      warnafter: now + 1,
    },
  });
  await expectCounted(
    'serviceaccount_valid_tokens_total',
    '[ALPHA] Cumulative valid projected service account tokens used',
    tok,
  );
});
