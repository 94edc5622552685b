import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { getHeapSnapshot } from 'node:v8';
import { ConfigError, ReviewError } from './errors.js';
import { TokenReviewer } from './tokenreview.js';
import { API_AUDIENCE, FakeApiServer, saUser } from './test/fake-apiserver.js';
import { connectTo, fakeClock, sleep, unhandledRejectionsDuring } from './test/helpers.js';
import { makeSigningKey, mintToken } from './test/tokens.js';
import type { KubeConnection } from './connection.js';

const REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';

describe('TokenReviewer', () => {
  let api: FakeApiServer;
  let conn: KubeConnection;
  before(async () => {
    api = await FakeApiServer.start({
      callerTokens: ['reviewer-token', 'weak-reviewer'],
      forbiddenTokens: ['weak-reviewer'],
    });
    conn = connectTo(api);
  });
  after(async () => {
    conn.close();
    await api.close();
  });
  beforeEach(() => {
    api.tokens.clear();
    api.behaviour = { kind: 'normal' };
    api.tokenReview = undefined;
    api.delayMs = 0;
    api.requests.length = 0;
  });

  it('cached(): the live cached result without a request, else undefined', async () => {
    api.tokens.set('tok-c', { user: saUser('team-a', 'builder'), audiences: ['aud-c'] });
    const clock = fakeClock();
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['aud-c'], now: clock });
    assert.equal(reviewer.cached('tok-c'), undefined);
    const result = await reviewer.review('tok-c');
    assert.equal(result.authenticated, true);
    assert.equal(reviewer.cached('tok-c'), result);
    assert.equal(reviewer.cached('tok-c', ['other']), undefined, 'other audiences');
    assert.equal(reviewer.cached('tok-d'), undefined);
    clock.advance(120_000);
    assert.equal(reviewer.cached('tok-c'), undefined, 'expired');
    assert.equal(api.count(REVIEWS), 1);
  });

  it('returns the status as the API answers it and sends spec.audiences', async () => {
    api.tokens.set('tok-a', {
      user: { ...saUser('team-a', 'builder'), extra: { 'authentication.kubernetes.io/pod-name': ['web-0'] } },
      audiences: ['my-audience', API_AUDIENCE],
    });
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['my-audience'] });
    const result = await reviewer.review('tok-a');
    assert.deepEqual(result, {
      authenticated: true,
      user: {
        username: 'system:serviceaccount:team-a:builder',
        uid: 'sa-uid-1',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/pod-name': ['web-0'] },
      },
      audiences: ['my-audience'],
    });
    assert.deepEqual(api.requests[0]!.body, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: 'tok-a', audiences: ['my-audience'] },
    });
    assert.equal(api.requests[0]!.authorization, 'Bearer reviewer-token');
    assert.ok(Object.isFrozen(result) && Object.isFrozen(result.user.groups), 'cached results are immutable');
  });

  it('keeps user extra keys named __proto__ and constructor as keys', async () => {
    // JSON.parse: a `__proto__` member of an object literal would set the prototype instead.
    const extra = JSON.parse('{"__proto__":["p"],"constructor":["c"]}') as Record<string, string[]>;
    api.tokens.set('tok-x', { user: { ...saUser('team-a', 'builder'), extra }, audiences: ['aud-x'] });
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['aud-x'] });
    const result = await reviewer.review('tok-x');
    assert.equal(result.authenticated, true);
    const got = result.user.extra;
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.deepEqual(
      Object.entries(got).sort(([a], [b]) => (a < b ? -1 : 1)),
      [
        ['__proto__', ['p']],
        ['constructor', ['c']],
      ],
    );
  });

  it('answers unauthenticated with the API error for a bad token', async () => {
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['my-audience'] });
    const result = await reviewer.review('nope');
    assert.equal(result.authenticated, false);
    assert.equal(result.error, 'invalid bearer token');
    assert.equal(result.user.username, '');
  });

  it('is unauthenticated unless status.audiences intersects the requested audiences', async () => {
    // An audience-unaware reviewer answers "authenticated" without audiences: not good enough.
    api.tokenReview = () => ({ authenticated: true, user: saUser('default', 'x') });
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['my-audience'] });
    const r1 = await reviewer.review('any');
    assert.equal(r1.authenticated, false);
    assert.match(r1.error!, /status\.audiences \[\] does not intersect the requested audiences \["my-audience"\]/);
    api.tokenReview = () => ({ authenticated: true, user: saUser('default', 'x'), audiences: ['other'] });
    assert.equal((await reviewer.review('any2')).authenticated, false);
    assert.equal((await reviewer.review('any2')).code, 'ERR_AUDIENCE_MISMATCH');
    // Audiences are required; the explicit opt-out sends none, so the API server's own audiences apply.
    assert.throws(
      () => new TokenReviewer({ connection: conn }),
      (err: unknown) => err instanceof ConfigError && err.code === 'ERR_INVALID_OPTIONS',
    );
    await assert.rejects(
      reviewer.review('any3', { audiences: [] }),
      (err: unknown) => err instanceof ConfigError && err.code === 'ERR_INVALID_OPTIONS',
    );
    const open = new TokenReviewer({ connection: conn, skipAudienceCheck: true });
    assert.equal((await open.review('any3')).authenticated, true);
    assert.equal(Object.hasOwn((api.requests.at(-1)!.body as { spec: object }).spec, 'audiences'), false);
    // Per-call audiences override the defaults.
    api.tokenReview = undefined;
    api.tokens.set('vault-token', { user: saUser('default', 'v'), audiences: ['vault'] });
    assert.equal((await reviewer.review('vault-token')).authenticated, false);
    assert.equal((await reviewer.review('vault-token', { audiences: ['vault'] })).authenticated, true);
  });

  it('caches successes for 2 minutes by default and failures for 10 seconds', async () => {
    const clock = fakeClock();
    api.tokens.set('good', { user: saUser('default', 'a'), audiences: ['my-audience'] });
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['my-audience'], now: clock });
    await reviewer.review('good');
    await reviewer.review('good');
    assert.equal(api.count(REVIEWS), 1, 'second review is a cache hit');
    clock.advance(119_000);
    await reviewer.review('good');
    assert.equal(api.count(REVIEWS), 1);
    clock.advance(2_000);
    await reviewer.review('good');
    assert.equal(api.count(REVIEWS), 2, 'expired after 120 s');

    await reviewer.review('bad');
    clock.advance(9_000);
    await reviewer.review('bad');
    assert.equal(api.count(REVIEWS), 3, 'failure cached');
    clock.advance(2_000);
    await reviewer.review('bad');
    assert.equal(api.count(REVIEWS), 4, 'failure expired after 10 s');

    // Audiences are part of the key.
    await reviewer.review('good', { audiences: ['my-audience', 'x'] });
    assert.equal(api.count(REVIEWS), 5);
    reviewer.clearCache();
    await reviewer.review('good');
    assert.equal(api.count(REVIEWS), 6);
  });

  it('never caches past the token exp', async () => {
    const clock = fakeClock();
    const key = makeSigningKey();
    const iat = Math.floor(clock() / 1000);
    const jwt = await mintToken(key, { iat, ttl: 30 });
    api.tokens.set(jwt, { user: saUser('default', 'short'), audiences: ['my-audience'] });
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['my-audience'], now: clock });
    await reviewer.review(jwt);
    clock.advance(29_000);
    await reviewer.review(jwt);
    assert.equal(api.count(REVIEWS), 1);
    clock.advance(2_000);
    await reviewer.review(jwt);
    assert.equal(api.count(REVIEWS), 2, 're-reviewed once exp passed although the TTL is 2 min');
  });

  it('answers hits from the token-keyed front with the same entry, TTLs and exp cap', async () => {
    const clock = fakeClock(Math.floor(Date.now() / 1000) * 1000); // whole seconds: exp is exactly 30 s away
    const key = makeSigningKey();
    const jwt = await mintToken(key, { iat: Math.floor(clock() / 1000), ttl: 30 });
    api.tokens.set(jwt, { user: saUser('default', 'front'), audiences: ['my-audience'] });
    const reviewer = new TokenReviewer({
      connection: conn,
      audiences: ['my-audience'],
      now: clock,
      maxFrontCacheEntries: 1,
    });
    const first = await reviewer.review(jwt);
    assert.equal(first.authenticated, true);
    assert.equal(await reviewer.review(jwt), first, 'same frozen result object');
    assert.equal(await reviewer.authenticate(jwt), first);
    // Per-call audiences are checked on every hit: another audience list is another entry.
    assert.equal((await reviewer.review(jwt, { audiences: ['vault'] })).authenticated, false);
    assert.equal(api.count(REVIEWS), 2);
    assert.equal(await reviewer.review(jwt, { audiences: ['my-audience'] }), first, 'equal audiences share it');
    // Front bound 1: another token pushes this one out of the front; the hashed LRU still answers.
    api.tokens.set('opaque', { user: saUser('default', 'o'), audiences: ['my-audience'] });
    await reviewer.review('opaque');
    assert.equal(await reviewer.review(jwt), first);
    assert.equal(await reviewer.review('opaque'), await reviewer.review('opaque'));
    assert.equal(api.count(REVIEWS), 3);
    // The token's exp (30 s) caps the entry wherever it is found.
    clock.advance(29_999);
    assert.equal(await reviewer.review(jwt), first);
    assert.equal(api.count(REVIEWS), 3);
    clock.advance(1);
    const again = await reviewer.review(jwt);
    assert.notEqual(again, first, 'not answered from the front at exp');
    assert.equal(api.count(REVIEWS), 4);
    // Failures: 10 s through the front too.
    await reviewer.review('bad-front');
    clock.advance(9_999);
    await reviewer.review('bad-front');
    assert.equal(api.count(REVIEWS), 5);
    clock.advance(1);
    await reviewer.review('bad-front');
    assert.equal(api.count(REVIEWS), 6);
    // clearCache empties the front as well.
    await reviewer.review('bad-front');
    reviewer.clearCache();
    await reviewer.review('bad-front');
    assert.equal(api.count(REVIEWS), 7);
  });

  it('works the same with the front disabled', async () => {
    api.tokens.set('nofront', { user: saUser('default', 'n'), audiences: ['my-audience'] });
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['my-audience'], maxFrontCacheEntries: 0 });
    const a = await reviewer.review('nofront');
    assert.equal(await reviewer.review('nofront'), a);
    assert.equal(api.count(REVIEWS), 1);
  });

  it('shares one in-flight request between concurrent reviews of the same token', async () => {
    api.delayMs = 50;
    api.tokens.set('shared', { user: saUser('default', 'a'), audiences: ['my-audience'] });
    const reviewer = new TokenReviewer({ connection: conn, audiences: ['my-audience'] });
    const results = await Promise.all(Array.from({ length: 20 }, () => reviewer.review('shared')));
    assert.equal(api.count(REVIEWS), 1);
    assert.ok(results.every((r) => r === results[0] && r.authenticated));
    // A caller that aborts stops waiting; the others still get the shared answer.
    const ac = new AbortController();
    const aborted = reviewer.review('shared-2', { signal: ac.signal });
    const waiting = reviewer.review('shared-2');
    ac.abort(new Error('gone'));
    await assert.rejects(aborted, /gone/);
    assert.equal((await waiting).authenticated, false);
    assert.equal(api.count(REVIEWS), 2);
  });

  it('throws typed ReviewErrors for API failures and never caches them', async () => {
    const reviewer = new TokenReviewer({ connection: conn, audiences: 'my-audience' });
    const kindOf = async (): Promise<[string, number | undefined]> => {
      try {
        await reviewer.review('whatever');
      } catch (err) {
        assert.ok(err instanceof ReviewError, String(err));
        assert.equal(err.statusCode, 503, 'the caller is answered 503, whatever the API server said to us');
        return [err.kind, err.upstreamStatusCode];
      }
      return ['no error', undefined];
    };
    api.behaviour = { kind: 'status', status: 500 };
    assert.deepEqual(await kindOf(), ['unavailable', 500]);
    api.behaviour = { kind: 'status', status: 401 };
    assert.deepEqual(await kindOf(), ['unauthorized', 401]);
    api.behaviour = { kind: 'status', status: 200, body: '{"kind":"TokenReview","status":"weird"}' };
    assert.deepEqual(await kindOf(), ['bad-response', undefined]);
    api.behaviour = { kind: 'normal' };
    assert.equal((await reviewer.review('whatever')).authenticated, false, 'errors were not cached');

    const weakConn = connectTo(api, { token: 'weak-reviewer' });
    const weak = new TokenReviewer({ connection: weakConn, audiences: 'my-audience' });
    await assert.rejects(weak.review('x'), (err: unknown) => {
      assert.ok(err instanceof ReviewError);
      assert.equal(err.kind, 'forbidden');
      assert.equal(err.statusCode, 503);
      assert.equal(err.upstreamStatusCode, 403);
      assert.equal(err.expose, false);
      // The message names neither the API server nor our ServiceAccount; both stay on the error for logs.
      assert.equal(
        err.message,
        'TokenReview: the API server answered 403 to this service; grant it the ClusterRole system:auth-delegator',
      );
      assert.equal(err.server, api.url);
      assert.match(err.upstreamStatus?.message ?? '', /cannot create resource "tokenreviews"/);
      assert.equal(err.status?.reason, 'Forbidden', 'deprecated alias of upstreamStatus');
      return true;
    });
    weakConn.close();
  });

  it('times out against a hung API server (ReviewError, no unhandled rejection)', async () => {
    const slow = connectTo(api, { timeoutMs: 100 });
    const reviewer = new TokenReviewer({ connection: slow, audiences: 'my-audience' });
    const unhandled = await unhandledRejectionsDuring(async () => {
      api.behaviour = { kind: 'hang' };
      const all = await Promise.allSettled([reviewer.review('t'), reviewer.review('t'), reviewer.review('u')]);
      for (const r of all) {
        assert.equal(r.status, 'rejected');
        assert.ok(r.reason instanceof ReviewError && r.reason.code === 'ERR_KUBE_TIMEOUT');
      }
      // Even when every caller stops waiting, the shared request's failure is handled.
      const ac = new AbortController();
      const p = reviewer.review('v', { signal: ac.signal });
      ac.abort();
      await assert.rejects(p);
      await sleep(150);
      api.behaviour = { kind: 'normal' };
    });
    assert.deepEqual(unhandled, []);
    slow.close();
  });

  it('rejects absurd tokens locally and sends other non-JWT tokens to the API', async () => {
    const reviewer = new TokenReviewer({ connection: conn, audiences: 'my-audience' });
    const huge = 'a'.repeat(1024 * 1024);
    const r = await reviewer.review(huge);
    assert.equal(r.authenticated, false);
    assert.match(r.error!, /longer than 65536 bytes/);
    assert.equal((await reviewer.review('')).authenticated, false);
    assert.equal((await reviewer.review('has space')).authenticated, false);
    assert.equal((await reviewer.review('ünïcode')).authenticated, false);
    assert.equal(api.count(REVIEWS), 0);
    // A static/bootstrap-style opaque token is only the API's to judge.
    api.tokens.set('abcdef.0123456789abcdef', {
      user: { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] },
      audiences: ['my-audience'],
    });
    assert.equal((await reviewer.review('abcdef.0123456789abcdef')).authenticated, true);
    assert.equal((await reviewer.review('garbled.jwt.{{{')).authenticated, false);
    assert.equal(api.count(REVIEWS), 2);
  });

  it('bounds the cache (LRU)', async () => {
    api.tokens.set('t1', { user: saUser('default', 'a') });
    api.tokens.set('t2', { user: saUser('default', 'b') });
    api.tokens.set('t3', { user: saUser('default', 'c') });
    const reviewer = new TokenReviewer({ connection: conn, audiences: 'my-audience', maxCacheEntries: 2 });
    await reviewer.review('t1');
    await reviewer.review('t2');
    await reviewer.review('t1'); // t1 most recent
    await reviewer.review('t3'); // evicts t2
    assert.equal(api.count(REVIEWS), 3);
    await reviewer.review('t1');
    assert.equal(api.count(REVIEWS), 3);
    await reviewer.review('t2');
    assert.equal(api.count(REVIEWS), 4);
  });

  it('keeps no bearer token in memory by default (the front keeps a JWT signing input and a digest)', async () => {
    // Answers any token without keeping it, so the only copies left are the reviewer's.
    api.tokenReview = () => ({ authenticated: true, user: saUser('team-a', 'builder'), audiences: ['aud-heap'] });
    // Which strings of each token survive in the heap (searched for reversed, so the search keeps no copy).
    const survivors = async (options: { hashTokens?: boolean }) => {
      const reviewer = new TokenReviewer({ connection: conn, audiences: ['aud-heap'], ...options });
      // Each token lives in a call of its own, so no frame of this test holds one.
      const reviewOne = async () => {
        const token = [randomBytes(24), randomBytes(300), randomBytes(256)]
          .map((b) => b.toString('base64url'))
          .join('.');
        for (let j = 0; j < 3; j++) assert.equal((await reviewer.review(`${token} `.slice(0, -1))).authenticated, true);
        assert.equal(reviewer.cached(token)?.authenticated, true);
        return [...token].reverse().join('');
      };
      const reversed = [await reviewOne(), await reviewOne(), await reviewOne()];
      assert.equal(api.count(REVIEWS), 3, 'one review per token, the rest from the cache');
      // Another request through the same connection and fake server (whose buffers may hold the last one's body).
      await new TokenReviewer({ connection: conn, audiences: ['aud-heap'] }).review('x'.repeat(1200));
      api.requests.length = 0; // the fake API server records request bodies
      const heap = await heapStrings();
      const found = { token: 0, signature: 0, signingInput: 0 };
      for (const r of reversed) {
        const token = [...r].reverse().join('');
        const dot = token.lastIndexOf('.');
        if (heap.some((s) => s.includes(token))) found.token++;
        if (heap.some((s) => s.includes(token.slice(dot + 1)))) found.signature++;
        if (heap.some((s) => s === token.slice(0, dot + 1))) found.signingInput++;
      }
      reviewer.clearCache();
      return found;
    };
    assert.deepEqual(await survivors({}), { token: 0, signature: 0, signingInput: 3 });
    // The check can fail: with hashing off the front keeps every token.
    assert.deepEqual(await survivors({ hashTokens: false }), { token: 3, signature: 3, signingInput: 0 });
  });
});

/** Every string in a heap snapshot of this process (taking one collects garbage first). */
async function heapStrings(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  return (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { strings: string[] }).strings;
}
