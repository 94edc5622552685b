// Tokens end to end: forged tokens fail fast without harming the server, revocation is immediate, and
// @kubernetes/client-node drives TokenRequest + TokenReview.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { startKubeauth } from './harness.mjs';
import { call } from './http.mjs';

let s;
let kc;
before(async () => {
  s = await startKubeauth();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(s.kubeconfig);
});
after(async () => {
  await s?.stop();
});

const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');

async function review(token, audiences) {
  const r = await call(s, '/apis/authentication.k8s.io/v1/tokenreviews', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } }),
  });
  assert.equal(r.status, 201, r.body);
  return r.json.status;
}

test('client-node: TokenRequest then TokenReview', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const authn = kc.makeApiClient(k8s.AuthenticationV1Api);
  const tr = await core.createNamespacedServiceAccountToken({
    name: 'default',
    namespace: 'default',
    body: { spec: { audiences: ['vault'], expirationSeconds: 600 } },
  });
  assert.equal(tr.spec.expirationSeconds, 600);
  const rv = await authn.createTokenReview({ body: { spec: { token: tr.status.token, audiences: ['vault'] } } });
  assert.equal(rv.status.authenticated, true);
  assert.deepEqual(rv.status.audiences, ['vault']);
  assert.equal(rv.status.user.username, 'system:serviceaccount:default:default');
});

test('forged and malformed tokens fail, fast, and the server keeps serving', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const good = (
    await core.createNamespacedServiceAccountToken({ name: 'default', namespace: 'default', body: { spec: {} } })
  ).status.token;
  const [h, p] = good.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const jwks = (await call(s, '/openid/v1/jwks')).json;
  const pubPem = (await import('node:crypto'))
    .createPublicKey({ key: jwks.keys[0], format: 'jwk' })
    .export({ type: 'spki', format: 'pem' });
  const now = Math.floor(Date.now() / 1000);
  const hs = (hd, pl) => {
    const si = `${b64(hd)}.${b64(pl)}`;
    return `${si}.${createHmac('sha256', pubPem).update(si).digest('base64url')}`;
  };
  const cases = {
    'alg none': `${b64({ alg: 'none', kid: header.kid })}.${p}.`,
    'HS256 with the public key': hs({ alg: 'HS256', kid: header.kid }, payload),
    'unknown kid': `${b64({ alg: 'RS256', kid: 'nope' })}.${p}.${good.split('.')[2]}`,
    'kid is a path': `${b64({ alg: 'RS256', kid: '../../etc/passwd' })}.${p}.${good.split('.')[2]}`,
    'huge kid': `${b64({ alg: 'RS256', kid: 'k'.repeat(100_000) })}.${p}.${good.split('.')[2]}`,
    truncated: good.slice(0, good.length - 20),
    'non-base64 segment': `${h}.%%%%.${good.split('.')[2]}`,
    '1 MB token': 'a'.repeat(1024 * 1024),
    'wrong issuer': `${b64(header)}.${b64({ ...payload, iss: 'https://evil' })}.${good.split('.')[2]}`,
    expired: `${b64(header)}.${b64({ ...payload, exp: now - 3600 })}.${good.split('.')[2]}`,
    'future nbf': `${b64(header)}.${b64({ ...payload, nbf: now + 3600 })}.${good.split('.')[2]}`,
    '10,000 audiences': `${b64(header)}.${b64({ ...payload, aud: Array.from({ length: 10_000 }, (_, i) => `a${i}`) })}.${good.split('.')[2]}`,
  };
  for (const [name, token] of Object.entries(cases)) {
    const st = await review(token);
    assert.notEqual(st.authenticated, true, name);
    assert.deepEqual(st.user, {}, name);
    assert.match(st.error, /^(invalid bearer token|\[invalid bearer token, .+\])$/, name);
    // As a bearer credential: 401, never anonymous. Headers over 1 MiB are 431, as with Go's
    // DefaultMaxHeaderBytes.
    const r = await call(s, '/api/v1/namespaces', { token });
    assert.equal(r.status, token.length >= 1 << 20 ? 431 : 401, name);
  }
  assert.equal((await review(good)).authenticated, true);
});

test('revocation is immediate: deleting the Pod fails its token on the very next review', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (let i = 0; i < 20; i++) {
    const name = `rev-${i}`;
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    const tok = (
      await core.createNamespacedServiceAccountToken({
        name: 'default',
        namespace: 'default',
        body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name } } },
      })
    ).status.token;
    assert.equal((await review(tok)).authenticated, true);
    await core.deleteNamespacedPod({ name, namespace: 'default' });
    const st = await review(tok);
    assert.equal(st.error, '[invalid bearer token, service account token has been invalidated]', `iteration ${i}`);
  }
});
