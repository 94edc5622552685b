import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccessReviewer } from './accessreview.js';
import { ReviewError } from './errors.js';
import { FakeApiServer, saUser } from './test/fake-apiserver.js';
import { connectTo, fakeClock } from './test/helpers.js';
import type { KubeConnection } from './connection.js';
import type { UserInfo } from './types.js';

const SARS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

describe('AccessReviewer', () => {
  let api: FakeApiServer;
  let conn: KubeConnection;
  const user: UserInfo = {
    ...saUser('team-a', 'builder'),
    groups: saUser('team-a', 'builder').groups!,
    uid: 'sa-uid-1',
    extra: { 'z-key': ['1'], 'authentication.kubernetes.io/pod-name': ['web-0'] },
  };
  before(async () => {
    api = await FakeApiServer.start();
    conn = connectTo(api);
  });
  after(async () => {
    conn.close();
    await api.close();
  });
  beforeEach(() => {
    api.requests.length = 0;
    api.behaviour = { kind: 'normal' };
    api.subjectAccessReview = (spec) => {
      const r = spec.resourceAttributes as { verb?: string } | undefined;
      return r?.verb === 'get'
        ? {
            allowed: true,
            reason:
              'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "view" to Group "system:serviceaccounts"',
          }
        : {
            allowed: false,
            denied: r?.verb === 'delete',
            reason: r?.verb === 'delete' ? 'explicitly denied' : undefined,
          };
    };
  });

  it('sends the user exactly as given and returns the status', async () => {
    const access = new AccessReviewer({ connection: conn });
    const result = await access.check(user, {
      resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team-a', name: 'web-0' },
    });
    assert.deepEqual(result, {
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "view" to Group "system:serviceaccounts"',
    });
    assert.deepEqual(api.requests[0]!.body, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        resourceAttributes: { namespace: 'team-a', verb: 'get', resource: 'pods', name: 'web-0' },
        user: 'system:serviceaccount:team-a:builder',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/pod-name': ['web-0'], 'z-key': ['1'] },
        uid: 'sa-uid-1',
      },
    });
    const denied = await access.check(user, { resourceAttributes: { verb: 'delete', resource: 'pods' } });
    assert.deepEqual(denied, { allowed: false, denied: true, reason: 'explicitly denied' });
    await access.check({ username: 'jane' }, { nonResourceAttributes: { path: '/metrics', verb: 'get' } });
    assert.deepEqual((api.requests.at(-1)!.body as { spec: unknown }).spec, {
      nonResourceAttributes: { path: '/metrics', verb: 'get' },
      user: 'jane',
    });
  });

  it('caches allow for 5 minutes and deny for 30 seconds by default', async () => {
    const clock = fakeClock();
    const access = new AccessReviewer({ connection: conn, now: clock });
    const allow = { resourceAttributes: { verb: 'get', resource: 'pods' } } as const;
    const deny = { resourceAttributes: { verb: 'list', resource: 'secrets' } } as const;
    await access.check(user, allow);
    await access.check(user, deny);
    clock.advance(29_000);
    await access.check(user, allow);
    await access.check(user, deny);
    assert.equal(api.count(SARS), 2);
    clock.advance(2_000);
    await access.check(user, deny);
    assert.equal(api.count(SARS), 3, 'deny expired after 30 s');
    clock.advance(268_000);
    await access.check(user, allow);
    assert.equal(api.count(SARS), 3, 'allow still cached at 4:59');
    clock.advance(2_000);
    await access.check(user, allow);
    assert.equal(api.count(SARS), 4, 'allow expired after 5 min');
    // Same question with extra keys in another order: same cache entry.
    await access.check(
      { ...user, extra: { 'authentication.kubernetes.io/pod-name': ['web-0'], 'z-key': ['1'] } },
      allow,
    );
    assert.equal(api.count(SARS), 4);
    // Another user: another entry.
    await access.check({ ...user, username: 'someone-else' }, allow);
    assert.equal(api.count(SARS), 5);
  });

  it('answers a frozen subject (a TokenReviewer user) from the front, with the same TTLs', async () => {
    const clock = fakeClock();
    const access = new AccessReviewer({ connection: conn, now: clock, maxFrontCacheEntries: 2 });
    const frozen: UserInfo = Object.freeze({
      username: user.username,
      uid: user.uid,
      groups: Object.freeze([...user.groups]),
      extra: Object.freeze({ 'z-key': Object.freeze(['1']) }),
    });
    const allow = { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team-a' } } as const;
    const deny = { resourceAttributes: { verb: 'list', resource: 'secrets', namespace: 'team-a' } } as const;
    const first = await access.check(frozen, allow);
    assert.equal(first.allowed, true);
    assert.equal(await access.check(frozen, allow), first, 'same result object');
    assert.equal(
      await access.check(frozen, { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team-a' } }),
      first,
    );
    assert.equal(api.count(SARS), 1);
    // Other attributes are other questions, even when they only differ by where the text is split.
    const other = await access.check(frozen, {
      resourceAttributes: { verb: 'getp', resource: 'ods', namespace: 'team-a' },
    });
    assert.equal(other.allowed, false);
    await access.check(frozen, { nonResourceAttributes: { path: '/metricsg', verb: 'et' } });
    await access.check(frozen, { nonResourceAttributes: { path: '/metrics', verb: 'get' } });
    assert.equal(api.count(SARS), 4);
    // An equal but distinct subject object: the hashed cache answers (and indexes it in the front).
    const twin = Object.freeze({ ...frozen });
    assert.equal(await access.check(twin, allow), first);
    assert.equal(api.count(SARS), 4);
    // Deny 30 s, allow 5 min, also through the front.
    await access.check(frozen, deny);
    clock.advance(29_999);
    await access.check(frozen, deny);
    assert.equal(api.count(SARS), 5);
    clock.advance(1);
    await access.check(frozen, deny);
    assert.equal(api.count(SARS), 6, 'deny expired after 30 s');
    clock.advance(300_000 - 30_000 - 1);
    await access.check(frozen, allow);
    assert.equal(api.count(SARS), 6);
    clock.advance(1);
    assert.notEqual(await access.check(frozen, allow), first, 'allow expired after 5 min');
    assert.equal(api.count(SARS), 7);
    access.clearCache();
    await access.check(frozen, allow);
    assert.equal(api.count(SARS), 8);
  });

  it('cached(): the live answer of the front without a request, else undefined', async () => {
    const clock = fakeClock();
    const access = new AccessReviewer({ connection: conn, now: clock });
    const frozen: UserInfo = Object.freeze({
      username: 'u',
      uid: '',
      groups: Object.freeze(['g']) as string[],
      extra: Object.freeze({}),
    });
    const allow = { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team-a' } } as const;
    assert.equal(access.cached(frozen, allow), undefined);
    const first = await access.check(frozen, allow);
    assert.equal(access.cached(frozen, allow), first);
    assert.equal(access.cached({ ...frozen, groups: ['g'] }, allow), undefined, 'a mutable subject never');
    clock.advance(300_000);
    assert.equal(access.cached(frozen, allow), undefined, 'expired');
    assert.equal(api.count(SARS), 1);
  });

  it('never indexes a subject that can change by its identity', async () => {
    const access = new AccessReviewer({ connection: conn });
    const mutable = { username: 'mutable', groups: ['g'] };
    const attrs = { resourceAttributes: { verb: 'get', resource: 'pods' } } as const;
    await access.check(mutable, attrs);
    await access.check(mutable, attrs);
    assert.equal(api.count(SARS), 1, 'equal questions still share the hashed entry');
    mutable.username = 'changed';
    await access.check(mutable, attrs);
    assert.equal(api.count(SARS), 2, 'a changed subject is a new question');
    assert.equal((api.requests.at(-1)!.body as { spec: { user: string } }).spec.user, 'changed');
    // Frozen outside but with mutable groups: not indexed either.
    const shallow = Object.freeze({ username: 'shallow', groups: ['a'] });
    await access.check(shallow, attrs);
    shallow.groups.push('b');
    await access.check(shallow, attrs);
    assert.equal(api.count(SARS), 4);
  });

  it('honours configured TTLs, shares in-flight requests and never caches errors', async () => {
    const access = new AccessReviewer({ connection: conn, positiveTtlMs: 0, negativeTtlMs: 0 });
    const attrs = { resourceAttributes: { verb: 'get', resource: 'pods' } } as const;
    await Promise.all([access.check(user, attrs), access.check(user, attrs), access.check(user, attrs)]);
    assert.equal(api.count(SARS), 1);
    await access.check(user, attrs);
    assert.equal(api.count(SARS), 2, 'TTL 0 disables caching');

    const cached = new AccessReviewer({ connection: conn });
    api.behaviour = { kind: 'status', status: 500 };
    await assert.rejects(
      cached.check(user, attrs),
      (err: unknown) => err instanceof ReviewError && err.kind === 'unavailable',
    );
    api.behaviour = { kind: 'status', status: 403 };
    await assert.rejects(
      cached.check(user, attrs),
      (err: unknown) => err instanceof ReviewError && err.kind === 'forbidden',
    );
    api.behaviour = { kind: 'status', status: 201, body: '{"kind":"SubjectAccessReview"}' };
    await assert.rejects(
      cached.check(user, attrs),
      (err: unknown) => err instanceof ReviewError && err.kind === 'bad-response',
    );
    api.behaviour = { kind: 'normal' };
    assert.equal((await cached.check(user, attrs)).allowed, true);
  });

  it('reports evaluation errors and validates its input', async () => {
    api.subjectAccessReview = () => ({
      allowed: false,
      evaluationError: 'clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
    const access = new AccessReviewer({ connection: conn });
    assert.deepEqual(await access.check(user, { nonResourceAttributes: { path: '/x', verb: 'get' } }), {
      allowed: false,
      evaluationError: 'clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
    await assert.rejects(
      access.check(user, {
        resourceAttributes: { verb: 'get', resource: 'pods' },
        nonResourceAttributes: { path: '/', verb: 'get' },
      } as never),
      /exactly one of resourceAttributes or nonResourceAttributes/,
    );
    await assert.rejects(access.check(user, {} as never), /exactly one/);
    await assert.rejects(
      access.check({ username: '' }, { nonResourceAttributes: { path: '/', verb: 'get' } }),
      /at least one of user or group/,
    );
  });
});
