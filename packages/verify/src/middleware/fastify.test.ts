import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { fastifyKubeAuth, fastifyKubeAuthHook, fastifyUser, type FastifyLikeReply } from './fastify.js';
import { requireKubeAuth } from './core.js';
import { runScenarios, scenarioOptions } from '../test/middleware-scenarios.js';

async function start(app: ReturnType<typeof Fastify>): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}

describe('fastifyKubeAuth', () => {
  it('passes the shared middleware scenarios as a plugin on a real Fastify app', async () => {
    const errors: unknown[] = [];
    const app = Fastify();
    await app.register(fastifyKubeAuth, scenarioOptions(errors));
    app.all('/*', async (request) => {
      assert.equal(fastifyUser(request), requireKubeAuth(request).user);
      return { user: requireKubeAuth(request).user.username };
    });
    const base = await start(app);
    try {
      await runScenarios((path, headers) => fetch(base + path, { headers }), errors);
    } finally {
      await app.close();
    }
  });

  it('works as a per-route onRequest hook, leaving other routes open', async () => {
    const app = Fastify();
    const hook = fastifyKubeAuthHook(scenarioOptions([]));
    app.get('/open', async () => 'open');
    app.get('/guarded', { onRequest: hook }, async (request) => ({ user: fastifyUser(request)?.username }));
    const base = await start(app);
    assert.equal(await (await fetch(`${base}/open`)).text(), 'open');
    assert.equal((await fetch(`${base}/guarded`)).status, 401);
    const ok = await fetch(`${base}/guarded`, { headers: { authorization: 'Bearer good' } });
    assert.deepEqual(await ok.json(), { user: 'system:serviceaccount:team-a:alice' });
    await app.close();
  });

  it('works with minimal structural request/reply fakes (no Fastify)', async () => {
    const hook = fastifyKubeAuthHook(scenarioOptions([]));
    const sent: { code?: number; headers: Record<string, string>; payload?: unknown } = { headers: {} };
    const reply: FastifyLikeReply = {
      code: (c) => ((sent.code = c), reply),
      header: (n, v) => ((sent.headers[n] = v), reply),
      send: (p) => ((sent.payload = p), reply),
    };
    assert.equal(await hook({ headers: { authorization: 'Bearer nope' }, method: 'GET', url: '/' }, reply), reply);
    assert.equal(sent.code, 401);
    assert.equal(sent.headers['www-authenticate'], 'Bearer realm="kubernetes", error="invalid_token"');
    const request = { headers: { authorization: 'Bearer good' }, method: 'GET', url: '/' };
    assert.equal(await hook(request, reply), undefined);
    assert.equal(fastifyUser(request)?.username, 'system:serviceaccount:team-a:alice');
  });
});
