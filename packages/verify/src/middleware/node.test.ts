import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { withKubeAuth } from './node.js';
import { getKubeAuth } from './core.js';
import { TokenReviewer } from '../tokenreview.js';
import { AccessReviewer } from '../accessreview.js';
import { accessReviewAuthorizer } from './core.js';
import { FakeApiServer, saUser } from '../test/fake-apiserver.js';
import { connectTo } from '../test/helpers.js';
import { runScenarios, scenarioOptions } from '../test/middleware-scenarios.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('withKubeAuth (node:http)', () => {
  const errors: unknown[] = [];
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer(
      withKubeAuth(scenarioOptions(errors), (req, res) => {
        assert.equal(getKubeAuth(req)?.user, req.kubeAuth.user);
        assert.equal(req.kubeAuth.user, req.kubeAuth.user);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ user: req.kubeAuth.user.username }));
      }),
    );
    base = await listen(server);
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('passes the shared middleware scenarios', async () => {
    await runScenarios((path, headers) => fetch(base + path, { headers }), errors);
  });

  it('answers 500 when the handler throws, and lets anonymous requests through when asked', async () => {
    const seen: unknown[] = [];
    const s = createServer(
      withKubeAuth({ ...scenarioOptions(seen), anonymous: true }, async (req, res) => {
        if (req.url === '/throw') throw new Error('handler bug');
        res.end(
          `${req.kubeAuth.user.username} ${req.kubeAuth.user.groups.join(',')} ${String(req.kubeAuth.authentication)}`,
        );
      }),
    );
    const url = await listen(s);
    const res = await fetch(`${url}/throw`);
    assert.equal(res.status, 500);
    assert.match((seen[0] as Error).message, /handler bug/);
    assert.equal(await (await fetch(`${url}/x`)).text(), 'system:anonymous system:unauthenticated undefined');
    // Anonymous users still go through authorize; a bad token is never anonymous.
    assert.equal((await fetch(`${url}/private`)).status, 403);
    assert.equal((await fetch(`${url}/x`, { headers: { authorization: 'Bearer nope' } })).status, 401);
    await new Promise<void>((r) => s.close(() => r()));
  });

  it('works end to end with TokenReview and SubjectAccessReview against the API server', async () => {
    const api = await FakeApiServer.start();
    api.tokens.set('pod-token', { user: saUser('team-a', 'web'), audiences: ['my-audience'] });
    api.subjectAccessReview = (spec) => ({
      allowed: (spec.nonResourceAttributes as { path: string }).path === '/metrics',
    });
    const conn = connectTo(api);
    const s = createServer(
      withKubeAuth(
        {
          authenticator: new TokenReviewer({ connection: conn, audiences: ['my-audience'] }),
          authorize: accessReviewAuthorizer(new AccessReviewer({ connection: conn })),
          onError: () => {},
        },
        (req, res) => res.end(req.kubeAuth.user.username),
      ),
    );
    const url = await listen(s);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer pod-token' } });
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'system:serviceaccount:team-a:web');
    const sar = api.requests.find((r) => r.path.endsWith('subjectaccessreviews'))!.body as { spec: unknown };
    assert.deepEqual(sar.spec, {
      nonResourceAttributes: { path: '/metrics', verb: 'get' },
      user: 'system:serviceaccount:team-a:web',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
      uid: 'sa-uid-1',
    });
    const denied = await fetch(`${url}/secret`, { headers: { authorization: 'Bearer pod-token' } });
    assert.equal(denied.status, 403);
    assert.equal(
      ((await denied.json()) as { message: string }).message,
      'forbidden: User "system:serviceaccount:team-a:web" cannot get path "/secret"',
    );
    assert.equal((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer other' } })).status, 401);
    api.behaviour = { kind: 'status', status: 503 };
    assert.equal((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer new-token' } })).status, 503);
    api.behaviour = { kind: 'normal' };

    // A 1 MB Authorization header never reaches the middleware: node answers 431 itself.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${url}/metrics`,
        { headers: { authorization: `Bearer ${'a'.repeat(1024 * 1024)}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 431);
    await new Promise<void>((r) => s.close(() => r()));
    conn.close();
    await api.close();
  });
});
