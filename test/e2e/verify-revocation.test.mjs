// @kubeauth/verify's revocation feed against a started kubeauth: a deleted ServiceAccount's token stops working in
// a TokenReviewer's cache and in offline (JWKS) verification as soon as the watch event arrives, not after a TTL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConnection, TokenReviewer, JwksVerifier, RevocationFeed, loadKubeconfig } from '@kubeauth/verify';
import { startKubeauth } from './harness.mjs';

let s;
let connection;
before(async () => {
  s = await startKubeauth();
  connection = KubeConnection.fromKubeconfig({ path: s.kubeconfig });
});
after(async () => {
  connection?.close();
  await s?.stop();
});

/** Resolves when the feed reports `uid` gone. */
function revoked(feed, uid) {
  return new Promise((resolve) => {
    const stop = feed.subscribe((gone) => {
      if (gone !== 'all' && gone.has(uid)) {
        stop();
        resolve();
      }
    });
  });
}

async function serviceAccount(ns, name) {
  await s.kubectl(['create', 'sa', name, '-n', ns]);
  const token = (await s.kubectl(['create', 'token', name, '-n', ns, '--audience', 'my-audience'])).stdout.trim();
  const uid = (await s.kubectl(['get', 'sa', name, '-n', ns, '-o', 'jsonpath={.metadata.uid}'])).stdout.trim();
  return { token, uid };
}

test('a deleted ServiceAccount evicts its cached TokenReview and is rejected offline', async () => {
  const feed = new RevocationFeed({ connection, kinds: ['serviceaccounts', 'pods', 'nodes'] });
  const reviewer = new TokenReviewer({ connection, audiences: 'my-audience', revocation: feed });
  const verifier = new JwksVerifier({ connection, audiences: 'my-audience', revocation: feed });
  try {
    await feed.ready();
    const { token, uid } = await serviceAccount('default', 'revoked-sa');
    const other = await serviceAccount('default', 'kept-sa');
    const ok = await reviewer.authenticate(token);
    assert.equal(ok.authenticated, true);
    assert.equal(ok.user.username, 'system:serviceaccount:default:revoked-sa');
    assert.equal((await verifier.verify(token)).serviceAccount.uid, uid);
    assert.equal((await reviewer.authenticate(other.token)).authenticated, true);
    assert.equal(reviewer.cached(token)?.authenticated, true, 'cached for the success TTL');

    const gone = revoked(feed, uid);
    await s.kubectl(['delete', 'sa', 'revoked-sa', '-n', 'default']);
    await gone;
    assert.equal(reviewer.cached(token), undefined, 'evicted from the cache');
    assert.ok(reviewer.cached(other.token)?.authenticated, 'other entries stay');
    const again = await reviewer.authenticate(token);
    assert.equal(again.authenticated, false);
    assert.equal(again.code, 'ERR_TOKEN_INVALID');
    await assert.rejects(verifier.verify(token), (err) => {
      assert.equal(err.name, 'TokenVerificationError');
      assert.equal(err.code, 'ERR_TOKEN_REVOKED');
      assert.equal(err.statusCode, 401);
      return true;
    });
    assert.equal((await verifier.authenticate(other.token)).authenticated, true);

    // Recreated under the same name: a new UID, and the old token stays revoked.
    await s.kubectl(['create', 'sa', 'revoked-sa', '-n', 'default']);
    assert.equal((await reviewer.authenticate(token)).authenticated, false);
    await assert.rejects(verifier.verify(token), (err) => err.code === 'ERR_TOKEN_REVOKED');
  } finally {
    reviewer.close();
    verifier.close();
    feed.close();
  }
});

test('audiences are required; a token for the API server is not for the service', async () => {
  assert.throws(
    () => new TokenReviewer({ connection }),
    (err) => err.code === 'ERR_INVALID_OPTIONS',
  );
  const reviewer = new TokenReviewer({ connection, audiences: 'my-audience' });
  await s.kubectl(['create', 'sa', 'caller', '-n', 'default']);
  const apiToken = (await s.kubectl(['create', 'token', 'caller', '-n', 'default'])).stdout.trim();
  const r = await reviewer.authenticate(apiToken);
  assert.equal(r.authenticated, false);
  assert.equal(r.code, 'ERR_TOKEN_INVALID');
  await assert.rejects(
    reviewer.verify(apiToken),
    (err) => err.name === 'AuthenticationError' && err.statusCode === 401,
  );
  const open = new TokenReviewer({ connection, skipAudienceCheck: true });
  assert.equal((await open.authenticate(apiToken)).authenticated, true);
});

test('a service without RBAC for TokenReview answers 503, not 403, and names neither server nor identity', async () => {
  await s.kubectl(['create', 'sa', 'no-rbac', '-n', 'default']);
  const own = (await s.kubectl(['create', 'token', 'no-rbac', '-n', 'default'])).stdout.trim();
  const { server, ca } = loadKubeconfig({ path: s.kubeconfig }).connection;
  const weak = new KubeConnection({ server, ca, token: own });
  const reviewer = new TokenReviewer({ connection: weak, audiences: 'my-audience' });
  try {
    await assert.rejects(reviewer.authenticate('whatever'), (err) => {
      assert.equal(err.name, 'ReviewError');
      assert.equal(err.statusCode, 503);
      assert.equal(err.upstreamStatusCode, 403);
      assert.equal(err.expose, false);
      assert.ok(!err.message.includes(s.url) && !err.message.includes('no-rbac'), err.message);
      assert.match(err.upstreamStatus.message, /system:serviceaccount:default:no-rbac/);
      return true;
    });
  } finally {
    weak.close();
  }
});
