// kubeauth/testing with Vitest: one server per test file (Vitest runs files in parallel workers, each with its
// own server), snapshot() once the fixtures exist, restore() before each test. Run: npx vitest run --root examples/testing/vitest
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startKubeauth } from 'kubeauth/testing';

let kube;
let fixtures;
beforeAll(async () => {
  kube = await startKubeauth({ clock: 'manual' });
  await kube.createNamespace('payments');
  await kube.createServiceAccount('payments', 'api');
  fixtures = await kube.snapshot();
});
afterAll(() => kube?.close());
beforeEach(() => kube.restore(fixtures));

test('warnafter and exp follow the manual clock', async () => {
  const start = await kube.clock.now();
  const { token, expirationTimestamp } = await kube.token('payments', 'api', { expiration: '10m' });
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  expect(claims.iat).toBe(Math.floor(start / 1000));
  expect(claims.exp).toBe(Math.floor(start / 1000) + 600);
  expect(expirationTimestamp).toBe(
    new Date(Math.floor(start / 1000) * 1000 + 600_000).toISOString().replace('.000', ''),
  );
});

test('a ServiceAccount created in one test is gone in the next', async () => {
  await kube.createServiceAccount('payments', 'temporary');
  const r = await kube.request('GET', '/api/v1/namespaces/payments/serviceaccounts/temporary');
  expect(r.status).toBe(200);
});

test('…because restore() brought back the fixtures', async () => {
  const r = await kube.request('GET', '/api/v1/namespaces/payments/serviceaccounts/temporary');
  expect(r.status).toBe(404);
  expect((await kube.request('GET', '/api/v1/namespaces/payments/serviceaccounts/api')).status).toBe(200);
});
