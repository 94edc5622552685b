// Ports of pkg/registry/core/serviceaccount/storage/token_test.go TestCreate_Token_WithExpiryCap
// (kubernetes/kubernetes; revision in ledger.json). Upstream sets the token storage's extendExpiration and
// maxExpirationSeconds directly; kube-apiserver takes them from --service-account-extend-token-expiration and
// --service-account-max-token-expiration. Each case starts kubeauth with those flags, requests a Pod-bound token
// for 3607 seconds with two audiences, and reads the lifetime from the token itself (exp - iat) instead of
// upstream's ±10 s window around the wall clock. The extension applies only to a token for the API audiences, which
// upstream's storage is given as aud-1,aud-2 (--api-audiences here).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create, createNamespace, payload } from './lib.mjs';

const servers = [];
after(() => Promise.all(servers.map((s) => s.stop())));
const oneYear = 365 * 24 * 60 * 60;

async function tokenLifetime({ extend, max }) {
  const s = await startServer([
    `--service-account-extend-token-expiration=${extend}`,
    `--service-account-max-token-expiration=${max}`,
    // upstream's storage is built with audiences aud-1,aud-2 (the API audiences) and requests the same
    '--api-audiences=aud-1,aud-2',
  ]);
  servers.push(s);
  const ns = (await createNamespace(s, 'token-expiry')).metadata.name;
  await create(s, `/api/v1/namespaces/${ns}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'foo' },
  });
  await create(s, `/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'test' },
    spec: { serviceAccountName: 'foo', containers: [{ name: 'c', image: 'pause' }] },
  });
  const r = await req(s, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/foo/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {
      audiences: ['aud-1', 'aud-2'],
      expirationSeconds: 3607,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'test' },
    },
  });
  assert.equal(r.status, 201, r.body);
  const c = payload(r.json.status.token);
  assert.deepEqual(c.aud, ['aud-1', 'aud-2']);
  return c.exp - c.iat;
}

test('[ut.registry.serviceaccount.token.TestCreate_Token_WithExpiryCap.passed-expiration-respected-if-less-than-max] passed expiration respected if less than max', async () => {
  assert.equal(await tokenLifetime({ extend: false, max: '5h' }), 3607);
});

test('[ut.registry.serviceaccount.token.TestCreate_Token_WithExpiryCap.expirationextensionseconds-used-for-exp] ExpirationExtensionSeconds used for exp (max 2y)', async () => {
  assert.equal(await tokenLifetime({ extend: true, max: `${2 * 365 * 24}h` }), oneYear);
});

test('[ut.registry.serviceaccount.token.TestCreate_Token_WithExpiryCap.expirationseconds-used-for-exp] ExpirationSeconds used for exp (max 5h)', async () => {
  assert.equal(await tokenLifetime({ extend: true, max: '5h' }), oneYear);
});

test('[ut.registry.serviceaccount.token.TestCreate_Token_WithExpiryCap.requested-time-use-with-extension-disabled] requested time use with extension disabled', async () => {
  assert.equal(await tokenLifetime({ extend: false, max: '5h' }), 3607);
});
