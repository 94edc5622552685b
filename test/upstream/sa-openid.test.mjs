// Ports of pkg/serviceaccount/openidmetadata_test.go and keyid_test.go (kubernetes/kubernetes; revisions in
// ledger.json). Upstream renders the discovery document and key set with NewOpenIDMetadata and serves them from a
// bare container; kube-apiserver feeds that function from --service-account-issuer, --service-account-jwks-uri,
// the external address (--external-hostname) and the public keys of --service-account-key-file, and serves the
// result at the same two paths. Here kubeauth is started with the case's flags and upstream's fixture keys
// (fixtures/jwt), and the served bytes and headers are compared with upstream's expectations. The paths are read
// as the admin: upstream's container has no authorization, and the default binding of
// system:service-account-issuer-discovery is only to service accounts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, req } from './lib.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'jwt');
const file = (name) => join(dir, name);
const exampleIssuer = 'https://issuer.example.com';
const jwksPath = '/openid/v1/jwks';

const wantKeyset =
  '{"keys":[{"use":"sig","kty":"RSA","kid":"JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU","alg":"RS256","n":"249XwEo9k4tM8fMxV7zxOhcrP-WvXn917koM5Qr2ZXs4vo26e4ytdlrV0bQ9SlcLpQVSYjIxNfhTZdDt-ecIzshKuv1gKIxbbLQMOuK1eA_4HALyEkFgmS_tleLJrhc65tKPMGD-pKQ_xhmzRuCG51RoiMgbQxaCyYxGfNLpLAZK9L0Tctv9a0mJmGIYnIOQM4kC1A1I1n3EsXMWmeJUj7OTh_AjjCnMnkgvKT2tpKxYQ59PgDgU8Ssc7RDSmSkLxnrv-OrN80j6xrw0OjEiB4Ycr0PqfzZcvy8efTtFQ_Jnc4Bp1zUtFXt7-QeevePtQ2EcyELXE0i63T1CujRMWw","e":"AQAB"},{"use":"sig","kty":"EC","kid":"SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc","crv":"P-256","alg":"ES256","x":"H6cuzP8XuD5wal6wf9M6xDljTOPLX2i8uIp_C_ASqiI","y":"BlHnikLV9PyEd6gl8k4T_3Wwoh6xd79XLoQTh2PAi1Y"}]}';
const wantConfig = (issuer, jwksUri) =>
  `{"issuer":"${issuer}","jwks_uri":"${jwksUri}","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}`;

const servers = [];
after(() => Promise.all(servers.map((s) => s.stop())));
/** kubeauth signing with upstream's RSA key and verifying with `keys` (key files, in order). */
async function server({
  issuer = exampleIssuer,
  jwksUri,
  externalHostname,
  keys = ['rsa-public.pem', 'ecdsa-public.pem'],
} = {}) {
  const s = await startServer([
    `--service-account-issuer=${issuer}`,
    '--service-account-signing-key-file=' + file('rsa-private.pem'),
    ...keys.map((k) => `--service-account-key-file=${file(k)}`),
    ...(jwksUri === undefined ? [] : [`--service-account-jwks-uri=${jwksUri}`]),
    ...(externalHostname === undefined ? [] : [`--external-hostname=${externalHostname}`]),
  ]);
  servers.push(s);
  return s;
}

let shared;
const sharedServer = async () => (shared ??= server({ jwksUri: exampleIssuer + jwksPath }));

test('[ut.serviceaccount.openidmetadata.TestServeConfiguration] serves the discovery document as JSON, cached for an hour', async () => {
  const s = await sharedServer();
  const r = await req(s, 'GET', '/.well-known/openid-configuration');
  assert.equal(r.status, 200, r.body);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['cache-control'], 'public, max-age=3600');
  assert.deepEqual(r.json, {
    issuer: exampleIssuer,
    jwks_uri: exampleIssuer + jwksPath,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256', 'RS256'],
  });
});

async function assertKeys(s) {
  const r = await req(s, 'GET', jwksPath);
  assert.equal(r.status, 200, r.body);
  assert.equal(r.headers['content-type'], 'application/jwk-set+json');
  assert.equal(r.headers['cache-control'], 'public, max-age=3600');
  assert.deepEqual(
    r.json.keys.map(({ alg, kid, use, kty }) => ({ alg, kid, use, kty })),
    [
      { alg: 'RS256', kid: 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU', use: 'sig', kty: 'RSA' },
      { alg: 'ES256', kid: 'SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc', use: 'sig', kty: 'EC' },
    ],
  );
  for (const k of r.json.keys) for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(k[priv], undefined);
  assert.equal(r.body, wantKeyset);
}

test('[ut.serviceaccount.openidmetadata.TestServeKeys.configured-public-keys] serves the configured public keys as a JWK set', async () => {
  await assertKeys(await sharedServer());
});

test('[ut.serviceaccount.openidmetadata.TestServeKeys.only-publishes-public-keys] publishes only the public half of private key files', async () => {
  await assertKeys(await server({ jwksUri: exampleIssuer + jwksPath, keys: ['rsa-private.pem', 'ecdsa-private.pem'] }));
});

/** GETs `path` as Go's http.Get would (never sending the fragment) and expects 200 or 404. */
async function urlBoundary(path, wantOK) {
  const s = await sharedServer();
  const u = new URL(path, 'https://x');
  const r = await req(s, 'GET', u.pathname + u.search);
  assert.equal(r.status, wantOK ? 200 : 404, r.body);
}

test('[ut.serviceaccount.openidmetadata.TestURLBoundaries.oidc-config-path] OIDC config path: /.well-known/openid-configuration is 200', () =>
  urlBoundary('/.well-known/openid-configuration', true));

test('[ut.serviceaccount.openidmetadata.TestURLBoundaries.jwks-path] JWKS path: /openid/v1/jwks is 200', () =>
  urlBoundary('/openid/v1/jwks', true));

test('[ut.serviceaccount.openidmetadata.TestURLBoundaries.well-known] well-known: /.well-known is 404', () =>
  urlBoundary('/.well-known', false));

test('[ut.serviceaccount.openidmetadata.TestURLBoundaries.subpath] subpath: /openid/v1/jwks/foo is 404', () =>
  urlBoundary('/openid/v1/jwks/foo', false));

test('[ut.serviceaccount.openidmetadata.TestURLBoundaries.query] query: /openid/v1/jwks?format=yaml is 200', () =>
  urlBoundary('/openid/v1/jwks?format=yaml', true));

test('[ut.serviceaccount.openidmetadata.TestURLBoundaries.fragment] fragment: /openid/v1/jwks#issuer is 200', () =>
  urlBoundary('/openid/v1/jwks#issuer', true));

async function assertRendered(s, config) {
  const c = await req(s, 'GET', '/.well-known/openid-configuration');
  assert.equal(c.status, 200, c.body);
  assert.equal(c.body, config);
  const k = await req(s, 'GET', jwksPath);
  assert.equal(k.body, wantKeyset);
}

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.valid-inputs] renders config and key set byte for byte', async () => {
  await assertRendered(await sharedServer(), wantConfig(exampleIssuer, exampleIssuer + jwksPath));
});

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.valid-inputs-default-jwksuri-to-external-address] without --service-account-jwks-uri, jwks_uri is https://<external address>/openid/v1/jwks', async () => {
  const s = await server({ externalHostname: '192.0.2.1:80' });
  await assertRendered(s, wantConfig(exampleIssuer, 'https://192.0.2.1:80/openid/v1/jwks'));
});

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.valid-inputs-ip-addresses-instead-of-domains] an IP-address issuer and jwks URI', async () => {
  const s = await server({ issuer: 'https://192.0.2.1:80', jwksUri: 'https://192.0.2.1:80' + jwksPath });
  await assertRendered(s, wantConfig('https://192.0.2.1:80', 'https://192.0.2.1:80/openid/v1/jwks'));
});

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.response-only-contains-public-keys-even-when-private-keys-are-provided] private key files render only public keys', async () => {
  const s = await server({ jwksUri: exampleIssuer + jwksPath, keys: ['rsa-private.pem', 'ecdsa-private.pem'] });
  await assertRendered(s, wantConfig(exampleIssuer, exampleIssuer + jwksPath));
});

// Issuers NewOpenIDMetadata rejects: kube-apiserver's flags accept them (a value without ':' or one that parses as
// a URL), tokens are issued with them, and the discovery endpoints are left out (404), the error only logged.
async function notServed(issuer) {
  const s = await server({ issuer, jwksUri: exampleIssuer + jwksPath });
  for (const p of ['/.well-known/openid-configuration', jwksPath]) {
    const r = await req(s, 'GET', p);
    assert.equal(r.status, 404, `${p}: ${r.body}`);
  }
}

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.issuer-missing-https] issuer missing https: discovery is not served', () =>
  notServed('http://issuer.example.com'));

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.issuer-missing-scheme] issuer missing scheme: discovery is not served', () =>
  notServed('issuer.example.com'));

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.issuer-includes-query] issuer includes query: discovery is not served', () =>
  notServed('https://issuer.example.com?foo=bar'));

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.issuer-includes-fragment] issuer includes fragment: discovery is not served', () =>
  notServed('https://issuer.example.com#baz'));

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.issuer-includes-query-and-fragment] issuer includes query and fragment: discovery is not served', () =>
  notServed('https://issuer.example.com?foo=bar#baz'));

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.issuer-is-not-a-valid-URL] issuer is not a valid URL: discovery is not served', () =>
  notServed('issuer'));

// JWKS URIs NewOpenIDMetadata rejects: kube-apiserver's flag validation refuses them first, and it does not start.
async function refusesToStart(jwksUri) {
  await assert.rejects(server({ jwksUri }), (e) => {
    assert.match(e.message, /exited/);
    assert.ok(e.message.includes(`service-account-jwks-uri requires https scheme, parsed as: ${jwksUri}`), e.message);
    return true;
  });
}

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.jwks-missing-https] jwks missing https: kubeauth refuses to start', () =>
  refusesToStart('http://issuer.example.com' + jwksPath));

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.jwks-missing-scheme] jwks missing scheme: kubeauth refuses to start', () =>
  refusesToStart('issuer.example.com' + jwksPath));

test('[ut.serviceaccount.openidmetadata.TestNewOpenIDMetadata.jwks-is-not-a-valid-URL] jwks is not a valid URL: kubeauth refuses to start', () =>
  refusesToStart('issuer' + jwksPath));

test('[ut.serviceaccount.keyid.TestKeyIDStability] the key id of upstream fixture RSA key is stable', async () => {
  const s = await sharedServer();
  const r = await req(s, 'GET', jwksPath);
  assert.equal(r.json.keys[0].kid, 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU');
  // and the tokens kubeauth signs with that key carry it
  const tr = await req(s, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {},
  });
  assert.equal(tr.status, 201, tr.body);
  const header = JSON.parse(Buffer.from(tr.json.status.token.split('.')[0], 'base64url'));
  assert.equal(header.kid, 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU');
});
