import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import express from 'express';
import { expressKubeAuth } from './express.js';
import { requireKubeAuth } from './core.js';
import { runScenarios, scenarioOptions, ALICE } from '../test/middleware-scenarios.js';

describe('expressKubeAuth', () => {
  it('passes the shared middleware scenarios in a real Express app', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use(expressKubeAuth(scenarioOptions(errors)));
    app.use((req, res) => {
      assert.equal(req.kubeAuth?.user, requireKubeAuth(req).user);
      assert.equal((req as unknown as { user: unknown }).user, ALICE);
      res.json({ user: requireKubeAuth(req).user.username });
    });
    const server: Server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await runScenarios((path, headers) => fetch(base + path, { headers }), errors);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('authorizes on the full path when mounted under a prefix', async () => {
    const seen: string[] = [];
    const app = express();
    const router = express.Router();
    router.use(
      expressKubeAuth({
        ...scenarioOptions([]),
        authorize: (_user, req) => {
          seen.push(req.path);
          return true;
        },
      }),
    );
    router.get('/x', (_req, res) => {
      res.send('ok');
    });
    app.use('/api', router);
    const server: Server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const res = await fetch(`${base}/api/x?q=1`, { headers: { authorization: 'Bearer good' } });
    assert.equal(await res.text(), 'ok');
    assert.deepEqual(seen, ['/api/x']);
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('works with a minimal structural request/response (no Express)', async () => {
    const mw = expressKubeAuth(scenarioOptions([]));
    const headers: Record<string, string> = {};
    let body = '';
    const res = {
      statusCode: 200,
      headersSent: false,
      setHeader: (n: string, v: string) => (headers[n] = v),
      end: (b?: string) => (body = b ?? ''),
    };
    await new Promise<void>((resolve) => {
      mw({ headers: {}, method: 'GET', url: '/' }, res, () => assert.fail('next must not run'));
      setTimeout(resolve, 10);
    });
    assert.equal(res.statusCode, 401);
    assert.equal(headers['www-authenticate'], 'Bearer realm="kubernetes"');
    assert.match(body, /"reason":"Unauthorized"/);
  });
});
