// External OIDC ID tokens end to end: a real OpenID provider (oidc-provider on loopback with its own CA),
// kubeauth started with kube-apiserver's --oidc-* flags, and kubectl/TokenReview using the ID token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeauth } from './harness.mjs';
import { call } from './http.mjs';
import { startTestProvider } from '../../packages/server/dist/authn/oidc/testutil.js';

let provider;
let s;
before(async () => {
  provider = await startTestProvider();
  s = await startKubeauth([]);
  const caFile = join(s.dir, 'oidc-ca.crt');
  writeFileSync(caFile, provider.caPem);
  await s.stop({ keepDir: true });
  s = await startKubeauth(
    [
      `--oidc-issuer-url=${provider.issuer}`,
      '--oidc-client-id=kube',
      `--oidc-ca-file=${caFile}`,
      '--oidc-username-claim=email',
      '--oidc-groups-claim=groups',
      '--oidc-groups-prefix=oidc:',
    ],
    { dataDir: s.dir },
  );
});
after(async () => {
  await s?.stop();
  await provider?.close();
});

async function review(token) {
  const r = await call(s, '/apis/authentication.k8s.io/v1/tokenreviews', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
  });
  return r.json;
}

test('seed 000: a TokenReview of an ID token answers the email as username', async () => {
  const idToken = await provider.mintIdToken('alice', 'kube');
  let rv;
  for (let i = 0; i < 50; i++) {
    rv = await review(idToken);
    if (rv.status.authenticated) break;
    await new Promise((r) => setTimeout(r, 100)); // discovery happens in the background after start
  }
  assert.deepEqual(rv.status, {
    authenticated: true,
    user: { username: 'foo@example.org', groups: ['oidc:dev', 'oidc:ops', 'system:authenticated'] },
    audiences: ['https://kubernetes.default.svc.cluster.local'],
  });
});

test('kubectl with the ID token as its bearer token: whoami, and RBAC on the user name', async () => {
  const idToken = await provider.mintIdToken('alice', 'kube');
  // A kubeconfig user with only the ID token (the admin user's client certificate would win otherwise).
  await s.kubectl(['config', 'set-credentials', 'oidc-user', `--token=${idToken}`]);
  let r = await s.kubectl(['auth', 'whoami', '--user=oidc-user']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Username\s+foo@example.org$/m);
  r = await s.kubectl(['get', 'pods', '--user=oidc-user']);
  assert.match(r.stderr, /User "foo@example.org" cannot list resource "pods"/);
  await s.kubectl(['create', 'clusterrolebinding', 'alice-view', '--clusterrole=view', '--user=foo@example.org']);
  r = await s.kubectl(['get', 'pods', '--user=oidc-user']);
  assert.equal(r.code, 0, r.stderr);
});

test('wrong audience and unverified email fail with the oidc errors', async () => {
  let rv = await review(await provider.mintIdToken('alice', 'other'));
  assert.equal(
    rv.status.error,
    '[invalid bearer token, oidc: verify token: oidc: expected audience "kube" got ["other"]]',
  );
  rv = await review(await provider.mintIdToken('bob', 'kube'));
  assert.equal(rv.status.error, '[invalid bearer token, oidc: email not verified]');
});
