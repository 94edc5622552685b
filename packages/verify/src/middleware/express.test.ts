import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import express from 'express';
import { expressKubeAuth } from './express.js';
import { requireKubeAuth } from './core.js';
import { runScenarios, scenarioOptions, stubAuthenticator, ALICE } from '../test/middleware-scenarios.js';

describe('expressKubeAuth', () => {
  it('passes the shared middleware scenarios in a real Express app', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { user: unknown }).user = 'from-passport';
      next();
    });
    app.use(expressKubeAuth(scenarioOptions(errors)));
    app.use((req, res) => {
      assert.equal(req.kubeAuth.user, requireKubeAuth(req).user);
      assert.equal(req.kubeAuth.user, ALICE);
      // A `req.user` set by earlier middleware (passport) is left alone.
      assert.equal((req as unknown as { user: unknown }).user, 'from-passport');
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

  it('offers next(err), getToken, ignorePaths, credentialsRequired, route params, onReject and errorResponse', async () => {
    const rejections: string[] = [];
    const seen: unknown[] = [];
    const app = express();
    const common = {
      authenticator: stubAuthenticator(),
      onReject: (err: Error & { code?: string }) => rejections.push(`${err.name}:${String(err.code)}`),
      onError: () => {},
    };
    app.get(
      '/widgets/:name',
      expressKubeAuth({
        ...common,
        errors: 'next',
        getToken: (req) => (req.headers['x-token'] as string | undefined) ?? null,
        authorize: (_user, req) => {
          seen.push(req.params, (req.raw as { originalUrl: string }).originalUrl);
          return req.params.name !== 'secret';
        },
      }),
      (req, res) => {
        res.json({ user: req.kubeAuth.user.username });
      },
    );
    app.use(
      expressKubeAuth({
        ...common,
        ignorePaths: ['/healthz', '/static/*'],
        credentialsRequired: false,
        errorResponse: (err, response) => ({
          ...response,
          headers: { ...response.headers, 'content-type': 'application/problem+json' },
          body: JSON.stringify({ title: (err as { code?: string }).code }),
        }),
      }),
    );
    app.get('/*splat', (req, res) => {
      res.json({ user: (req as { kubeAuth?: { user: { username: string } } }).kubeAuth?.user.username ?? null });
    });
    // Express 5's default handler honours err.statusCode: 401/403/503, never the API server's own status.
    app.use(
      (err: Error & { statusCode: number; code: string }, _req: unknown, res: express.Response, _next: unknown) => {
        res.status(err.statusCode).json({ code: err.code, name: err.name });
      },
    );
    const server: Server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(base + path, { headers });
      return [res.status, await res.json(), res.headers.get('content-type')];
    };
    try {
      assert.deepEqual(await get('/widgets/w1', { 'x-token': 'good' }), [
        200,
        { user: 'system:serviceaccount:team-a:alice' },
        'application/json; charset=utf-8',
      ]);
      assert.deepEqual(JSON.parse(JSON.stringify(seen)), [{ name: 'w1' }, '/widgets/w1']);
      assert.deepEqual((await get('/widgets/w1', { authorization: 'Bearer good' })).slice(0, 2), [
        401,
        { code: 'ERR_CREDENTIALS_MISSING', name: 'AuthenticationError' },
      ]);
      assert.deepEqual((await get('/widgets/secret', { 'x-token': 'good' })).slice(0, 2), [
        403,
        { code: 'ERR_ACCESS_DENIED', name: 'AccessDeniedError' },
      ]);
      assert.deepEqual((await get('/widgets/w1', { 'x-token': 'nope' })).slice(0, 2), [
        401,
        { code: 'ERR_TOKEN_INVALID', name: 'AuthenticationError' },
      ]);
      assert.deepEqual((await get('/widgets/w1', { 'x-token': 'down' })).slice(0, 2), [
        503,
        { code: 'ERR_KUBE_UNAVAILABLE', name: 'ReviewError' },
      ]);
      // Ignored paths and optional credentials pass without a context; a bad token is still 401, custom body.
      assert.deepEqual(await get('/healthz', { authorization: 'Bearer nope' }), [
        200,
        { user: null },
        'application/json; charset=utf-8',
      ]);
      assert.deepEqual((await get('/static/app.js', { authorization: 'Bearer nope' })).slice(0, 2), [
        200,
        { user: null },
      ]);
      assert.deepEqual((await get('/static/a/b.js', { authorization: 'Bearer nope' })).slice(0, 3), [
        401,
        { title: 'ERR_TOKEN_INVALID' },
        'application/problem+json',
      ]);
      assert.deepEqual((await get('/other')).slice(0, 2), [200, { user: null }]);
      assert.deepEqual(rejections, [
        'AuthenticationError:ERR_CREDENTIALS_MISSING',
        'AccessDeniedError:ERR_ACCESS_DENIED',
        'AuthenticationError:ERR_TOKEN_INVALID',
        'ReviewError:ERR_KUBE_UNAVAILABLE',
        'AuthenticationError:ERR_TOKEN_INVALID',
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
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
