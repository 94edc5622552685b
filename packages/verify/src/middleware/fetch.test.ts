import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fetchKubeAuth, honoKubeAuth, checkRequest } from './fetch.js';
import { createKubeAuth, getKubeAuth } from './core.js';
import { TokenReviewer } from '../tokenreview.js';
import { AuthenticationError } from '../errors.js';
import { FakeApiServer } from '../test/fake-apiserver.js';
import { connectTo } from '../test/helpers.js';
import { ALICE, runScenarios, scenarioOptions, stubAuthenticator } from '../test/middleware-scenarios.js';

describe('fetchKubeAuth', () => {
  it('passes the shared middleware scenarios with Request/Response', async () => {
    const errors: unknown[] = [];
    const handler = fetchKubeAuth(
      scenarioOptions(errors),
      (request, { user, authentication }, ctx: { params: object }) => {
        assert.equal(getKubeAuth(request)?.user, user);
        assert.equal(authentication?.user, user);
        assert.deepEqual(ctx, { params: {} }); // Next.js' route context is passed through
        return Response.json({ user: user.username });
      },
    );
    await runScenarios(
      (path, headers) => handler(new Request(`http://svc.local${path}`, { headers }), { params: {} }),
      errors,
    );
  });

  it('rejects a 1 MB token without sending it to the API server', async () => {
    const api = await FakeApiServer.start();
    const conn = connectTo(api);
    const handler = fetchKubeAuth(
      { authenticator: new TokenReviewer({ connection: conn, audiences: 'my-audience' }) },
      () => new Response('ok'),
    );
    const res = await handler(
      new Request('http://svc.local/', { headers: { authorization: `Bearer ${'a'.repeat(1 << 20)}` } }),
    );
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="kubernetes", error="invalid_token"');
    assert.equal(api.requests.length, 0);
    conn.close();
    await api.close();
  });

  it('stops waiting when the request is aborted', async () => {
    let release!: () => void;
    const slow = {
      authenticate: () => new Promise<never>((_, reject) => (release = () => reject(new Error('late')))),
    };
    const ac = new AbortController();
    const auth = createKubeAuth({ authenticator: slow, onError: () => assert.fail('no error for an aborted request') });
    const p = checkRequest(
      auth,
      new Request('http://svc.local/', { headers: { authorization: 'Bearer x' }, signal: ac.signal }),
    );
    ac.abort();
    release();
    const result = await p;
    assert.equal(result.ok, false);
  });
});

describe('honoKubeAuth', () => {
  it('sets kubeAuth (and only with userProperty, user) on the context, or returns the error Response', async () => {
    const mw = honoKubeAuth({ authenticator: stubAuthenticator(), userProperty: 'user' });
    const vars = new Map<string, unknown>();
    class FakeContext {
      req: { raw: Request };
      #vars = vars; // like Hono, set relies on `this`
      constructor(authorization?: string) {
        this.req = { raw: new Request('http://svc.local/x', { headers: authorization ? { authorization } : {} }) };
      }
      set(key: string, value: unknown): void {
        this.#vars.set(key, value);
      }
    }
    let nextCalls = 0;
    const next = async (): Promise<void> => {
      nextCalls++;
    };
    const denied = await mw(new FakeContext('Bearer nope'), next);
    assert.equal(denied?.status, 401);
    assert.equal(nextCalls, 0);
    assert.equal(await mw(new FakeContext('Bearer good'), next), undefined);
    assert.equal(nextCalls, 1);
    assert.equal(vars.get('user'), ALICE);
    assert.deepEqual((vars.get('kubeAuth') as { user: unknown }).user, ALICE);

    // Default: the context variable only; `errors: 'next'` throws a typed error; authorize sees route params.
    vars.clear();
    const seen: unknown[] = [];
    const strict = honoKubeAuth({
      authenticator: stubAuthenticator(),
      errors: 'next',
      authorize: (_user, req) => {
        seen.push(req.params, req.raw instanceof Request, req.query.get('q'), req.header('X-Tenant'));
        return true;
      },
    });
    const ctx = new FakeContext('Bearer good');
    Object.assign(ctx.req, { param: () => ({ id: '42' }) });
    Object.assign(ctx.req, {
      raw: new Request('http://svc.local/x?q=1', { headers: { authorization: 'Bearer good', 'x-tenant': 't1' } }),
    });
    assert.equal(await strict(ctx, next), undefined);
    assert.deepEqual(seen, [{ id: '42' }, true, '1', 't1']);
    assert.equal(vars.has('user'), false);
    assert.equal((vars.get('kubeAuth') as { user: unknown }).user, ALICE);
    await assert.rejects(strict(new FakeContext('Bearer nope'), next), (err: unknown) => {
      const e = err as { statusCode: number; code: string; reason: string };
      return (
        err instanceof AuthenticationError &&
        e.statusCode === 401 &&
        e.code === 'ERR_TOKEN_INVALID' &&
        e.reason === 'invalid bearer token'
      );
    });
    await assert.rejects(
      strict(new FakeContext(), next),
      (err: unknown) => err instanceof AuthenticationError && err.code === 'ERR_CREDENTIALS_MISSING',
    );
  });
});
