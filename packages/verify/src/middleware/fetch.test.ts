import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fetchKubeAuth, honoKubeAuth, checkRequest } from './fetch.js';
import { createKubeAuth, getKubeAuth } from './core.js';
import { TokenReviewer } from '../tokenreview.js';
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
    const handler = fetchKubeAuth({ authenticator: new TokenReviewer({ connection: conn }) }, () => new Response('ok'));
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
  it('sets user and kubeAuth on the context, or returns the error Response', async () => {
    const mw = honoKubeAuth({ authenticator: stubAuthenticator() });
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
  });
});
