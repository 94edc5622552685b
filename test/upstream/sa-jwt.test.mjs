// Ports of pkg/serviceaccount/jwt_test.go TestTokenGenerateAndValidate (kubernetes/kubernetes; revision in
// ledger.json). Upstream builds the legacy token authenticator over a key list, with or without object lookup, and
// authenticates legacy-claims tokens made with its fixture keys (copied into fixtures/jwt, see fixtures/README.md).
// Here kubeauth is started with the case's key list (--service-account-key-file, in the case's order) and
// --service-account-lookup, the same tokens are made with the same keys, and each is sent in a TokenReview.
// upstream's outcomes map to the review: ok → authenticated as the expected user; an error → not authenticated,
// the validator's error aggregated after the loopback authenticator's "invalid bearer token"; neither → not
// authenticated with "invalid bearer token" alone (no authenticator owned the token). Upstream's key-id checks on
// the tokens its generator signs are asserted on the tokens kubeauth signs with the same private keys.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { startServer, req, create, createNamespace, payload } from './lib.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'jwt');
const file = (name) => join(dir, name);
const rsaPrivate = createPrivateKey(readFileSync(file('rsa-private.pem')));
const ecdsaPrivate = createPrivateKey(readFileSync(file('ecdsa-private.pem')));
// upstream's rsaKeyID and ecdsaKeyID: base64url(sha256(DER of the public key)).
const rsaKeyID = 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU';
const ecdsaKeyID = 'SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc';
const keyFile = { other: file('other-public.pem'), rsa: file('rsa-public.pem'), ecdsa: file('ecdsa-public.pem') };

const servers = [];
after(() => Promise.all(servers.map((s) => s.stop())));
async function server(keys, { lookup = false, signing } = {}) {
  const s = await startServer([
    ...keys.map((k) => `--service-account-key-file=${keyFile[k]}`),
    `--service-account-lookup=${lookup}`,
    ...(signing ? [`--service-account-signing-key-file=${file(signing)}`] : []),
  ]);
  servers.push(s);
  return s;
}

/** serviceaccount.LegacyClaims for test/my-service-account and `secret`, signed as upstream's generator does. */
function legacyToken(alg, { iss = 'kubernetes/serviceaccount', ns = 'test', uid = '12345', secret } = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = {
    iss,
    sub: `system:serviceaccount:${ns}:my-service-account`,
    'kubernetes.io/serviceaccount/namespace': ns,
    'kubernetes.io/serviceaccount/secret.name': secret ?? (alg === 'RS256' ? 'my-rsa-secret' : 'my-ecdsa-secret'),
    'kubernetes.io/serviceaccount/service-account.name': 'my-service-account',
    'kubernetes.io/serviceaccount/service-account.uid': uid,
  };
  const input = `${b64({ alg, kid: alg === 'RS256' ? rsaKeyID : ecdsaKeyID })}.${b64(claims)}`;
  const sig =
    alg === 'RS256'
      ? cryptoSign('sha256', Buffer.from(input), rsaPrivate)
      : cryptoSign('sha256', Buffer.from(input), { key: ecdsaPrivate, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

async function review(s, token) {
  const r = await req(s, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token },
  });
  assert.equal(r.status, 201, r.body);
  return r.json.status;
}

/** Upstream's first check in every case: a non-JWT token is neither accepted nor an error. */
async function invalidTokenNeverOK(s) {
  const st = await review(s, 'invalid token');
  assert.notEqual(st.authenticated, true, JSON.stringify(st));
  assert.equal(st.error, 'invalid bearer token', JSON.stringify(st));
}

async function expectOK(s, token, uid = '12345', ns = 'test') {
  await invalidTokenNeverOK(s);
  const st = await review(s, token);
  assert.equal(st.authenticated, true, JSON.stringify(st));
  assert.equal(st.user.username, `system:serviceaccount:${ns}:my-service-account`);
  assert.equal(st.user.uid, uid);
  // upstream's ExpectedGroups, then the group every authenticated review carries.
  assert.deepEqual(st.user.groups, ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated']);
}

async function expectErr(s, token) {
  await invalidTokenNeverOK(s);
  const st = await review(s, token);
  assert.notEqual(st.authenticated, true, JSON.stringify(st));
  assert.match(st.error ?? '', /^\[invalid bearer token, .+\]$/, JSON.stringify(st));
}

async function expectNotOK(s, token) {
  await invalidTokenNeverOK(s);
  const st = await review(s, token);
  assert.notEqual(st.authenticated, true, JSON.stringify(st));
  assert.equal(st.error, 'invalid bearer token', JSON.stringify(st));
}

/** The key id kubeauth puts on the tokens it signs with `signing` (upstream's checkJSONWebSignatureHasKeyID). */
async function signedKeyID(s) {
  await createNamespace(s, 'kid');
  await create(s, '/api/v1/namespaces/kid/serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'signer' },
  });
  const r = await req(s, 'POST', '/api/v1/namespaces/kid/serviceaccounts/signer/token', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {},
  });
  assert.equal(r.status, 201, r.body);
  const token = r.json.status.token;
  assert.ok(payload(token).sub);
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).kid;
}

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.invalid-keys-rsa] invalid keys (rsa)', async () =>
  expectErr(await server(['other', 'ecdsa']), legacyToken('RS256')));

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.invalid-keys-ecdsa] invalid keys (ecdsa)', async () =>
  expectErr(await server(['other', 'rsa']), legacyToken('ES256')));

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.valid-key-rsa] valid key (rsa)', async () => {
  const s = await server(['rsa'], { signing: 'rsa-private.pem' });
  assert.equal(await signedKeyID(s), rsaKeyID);
  await expectOK(s, legacyToken('RS256'));
});

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.valid-key-invalid-issuer-rsa] valid key, invalid issuer (rsa)', async () =>
  expectNotOK(await server(['rsa']), legacyToken('RS256', { iss: 'foo' })));

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.valid-key-ecdsa] valid key (ecdsa)', async () => {
  const s = await server(['ecdsa'], { signing: 'ecdsa-private.pem' });
  assert.equal(await signedKeyID(s), ecdsaKeyID);
  await expectOK(s, legacyToken('ES256'));
});

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.rotated-keys-rsa] rotated keys (rsa)', async () =>
  expectOK(await server(['other', 'ecdsa', 'rsa']), legacyToken('RS256')));

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.rotated-keys-ecdsa] rotated keys (ecdsa)', async () =>
  expectOK(await server(['other', 'rsa', 'ecdsa']), legacyToken('ES256')));

// The lookup cases share one server; each has its own namespace holding what upstream's fake client holds.
let lookupServer;
const lookup = async () => (lookupServer ??= await server(['rsa'], { lookup: true }));
const serviceAccount = async (s, ns) =>
  create(s, `/api/v1/namespaces/${ns}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'my-service-account' },
  });
const secret = (s, ns, token, labels) =>
  create(s, `/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'my-rsa-secret', ...(labels ? { labels } : {}) },
    data: { token: Buffer.from(token).toString('base64') },
  });

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.valid-lookup] valid lookup', async () => {
  const s = await lookup();
  await createNamespace(s, 'test');
  const sa = await serviceAccount(s, 'test');
  const token = legacyToken('RS256', { uid: sa.metadata.uid });
  await secret(s, 'test', token);
  await expectOK(s, token, sa.metadata.uid);
});

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.invalid-secret-lookup] invalid secret lookup', async () => {
  const s = await lookup();
  await createNamespace(s, 'no-secret');
  const sa = await serviceAccount(s, 'no-secret');
  await expectErr(s, legacyToken('RS256', { ns: 'no-secret', uid: sa.metadata.uid }));
});

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.invalid-serviceaccount-lookup] invalid serviceaccount lookup', async () => {
  const s = await lookup();
  await createNamespace(s, 'no-sa');
  const token = legacyToken('RS256', { ns: 'no-sa' });
  await secret(s, 'no-sa', token);
  await expectErr(s, token);
});

test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.secret-is-marked-as-invalid] secret is marked as invalid', async () => {
  const s = await lookup();
  await createNamespace(s, 'invalid-since');
  const sa = await serviceAccount(s, 'invalid-since');
  const token = legacyToken('RS256', { ns: 'invalid-since', uid: sa.metadata.uid });
  await secret(s, 'invalid-since', token, { 'kubernetes.io/legacy-token-invalid-since': '2022-12-20' });
  await expectErr(s, token);
});

// upstream's generateECDSATokenWithMalformedIss: the token (issuer "panda") in JWS JSON serialization with an extra
// "malformed_iss" member holding a compact-looking part whose payload names the recognized issuer "bar".
test('[ut.serviceaccount.jwt.TestTokenGenerateAndValidate.malformed-iss] malformed iss', async () => {
  const [protectedHeader, claims, signature] = legacyToken('ES256', { iss: 'panda' }).split('.');
  const token = JSON.stringify({
    payload: claims,
    protected: protectedHeader,
    signature,
    malformed_iss: `.${Buffer.from('{"iss":"bar"}').toString('base64url')}.`,
  });
  await expectNotOK(await server(['ecdsa']), token);
});
