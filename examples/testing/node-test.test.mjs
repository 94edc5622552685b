// kubeauth/testing with node's own test runner: one server for the file, a manual clock, and reset() so every
// test starts from the state right after start. Run: node --test examples/testing/node-test.test.mjs
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startKubeauth } from 'kubeauth/testing';

let kube;
before(async () => {
  kube = await startKubeauth({ clock: 'manual' });
});
after(() => kube.close());
beforeEach(() => kube.reset());

const review = (token) =>
  kube.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token, audiences: ['vault'] },
  });

test('a token is accepted until it expires, without waiting an hour', async () => {
  await kube.createNamespace('team-a');
  await kube.createServiceAccount('team-a', 'builder');
  const { token } = await kube.token('team-a', 'builder', { audiences: ['vault'], expiration: '1h' });

  const before = await review(token);
  assert.equal(before.body.status.authenticated, true);
  assert.equal(before.body.status.user.username, 'system:serviceaccount:team-a:builder');

  await kube.clock.advance('2h');
  const after = await review(token);
  assert.equal(after.body.status.authenticated, undefined);
  assert.match(after.body.status.error, /service account token has expired/);
});

test('reset() brought back the state right after start', async () => {
  const r = await kube.request('GET', '/api/v1/namespaces/team-a');
  assert.equal(r.status, 404);
  assert.equal(r.body.message, 'namespaces "team-a" not found');
});

test('a user from a client certificate is what RBAC says it is', async () => {
  const jane = await kube.kubeconfigFor({ user: 'jane', groups: ['developers'] });
  const r = await kube.request('GET', '/api/v1/namespaces/default/pods', undefined, jane.credentials);
  assert.equal(r.status, 403);
  assert.equal(
    r.body.message,
    'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
  );
});

// In-process, execFileSync would block the very event loop that must answer kubectl: use a child process.
test("process: 'child' lets a test call kubectl synchronously", async () => {
  const child = await startKubeauth({ process: 'child' });
  try {
    const out = execFileSync('kubectl', ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], {
      env: { ...process.env, KUBECONFIG: child.kubeconfigPath },
      encoding: 'utf8',
    });
    assert.equal(out, 'kubernetes-admin');
  } finally {
    await child.close();
  }
});
