// kubeauth/testing with Jest (native ESM: run with NODE_OPTIONS=--experimental-vm-modules). The server runs in a
// child process (`process: 'child'`): Jest's module sandbox then never loads the server's native SQLite
// binding, and the API is the same. Run: NODE_OPTIONS=--experimental-vm-modules npx jest --config examples/testing/jest/jest.config.mjs
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { startKubeauth } from 'kubeauth/testing';

let kube;
beforeAll(async () => {
  kube = await startKubeauth({ process: 'child', clock: 'manual' });
});
afterAll(() => kube?.close());
beforeEach(() => kube.reset());

test('a bound token stops working when its Pod is deleted', async () => {
  await kube.apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { containers: [{ name: 'web', image: 'nginx' }] },
  });
  const { token } = await kube.token('default', 'default', { boundPod: 'web' });
  const review = async () =>
    (
      await kube.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token },
      })
    ).body.status;
  expect((await review()).authenticated).toBe(true);
  expect((await kube.request('DELETE', '/api/v1/namespaces/default/pods/web')).status).toBe(200);
  const after = await review();
  expect(after.authenticated).toBeUndefined();
  expect(after.error).toBe('[invalid bearer token, service account token has been invalidated]');
});

test('the clock is back at its start after reset()', async () => {
  const t0 = await kube.clock.now();
  await kube.clock.advance('3h');
  expect(await kube.clock.now()).toBe(t0 + 3 * 3600_000);
  await kube.reset();
  expect(await kube.clock.now()).toBe(t0);
});
