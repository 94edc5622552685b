import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ConfigError, ReviewError, TokenVerificationError } from './errors.js';
import { JwksVerifier } from './jwks.js';
import { serviceAccountUser } from './claims.js';
import { FakeApiServer } from './test/fake-apiserver.js';
import { connectTo, fakeClock } from './test/helpers.js';
import { testPki } from './test/pki.js';
import { TEST_ISSUER, makeSigningKey, mintToken, type SigningKey } from './test/tokens.js';
import type { KubeConnection } from './connection.js';

const JWKS = '/openid/v1/jwks';
const DISCOVERY = '/.well-known/openid-configuration';

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TokenVerificationError, `expected TokenVerificationError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('JwksVerifier', () => {
  let api: FakeApiServer;
  let conn: KubeConnection;
  let rsa: SigningKey;
  let ec: SigningKey;
  before(async () => {
    api = await FakeApiServer.start();
    conn = connectTo(api);
    rsa = makeSigningKey('RS256');
    ec = makeSigningKey('ES256');
  });
  after(async () => {
    conn.close();
    await api.close();
  });
  beforeEach(() => {
    api.jwks = { keys: [rsa.jwk, ec.jwk] };
    api.behaviour = { kind: 'normal' };
    api.requests.length = 0;
  });

  it('discovers through the connection (CA + bearer token) and returns typed claims', async () => {
    const verifier = new JwksVerifier({ connection: conn, audiences: ['my-audience'] });
    const iat = Math.floor(Date.now() / 1000);
    const token = await mintToken(rsa, {
      iat,
      namespace: 'team-a',
      name: 'builder',
      uid: 'sa-uid-9',
      pod: { name: 'web-0', uid: 'pod-uid-1' },
      node: { name: 'kind-worker', uid: 'node-uid-1' },
      jti: '6f0c5a0e-1111-4222-8333-944445555666',
      warnafter: iat + 3607,
      audiences: ['my-audience', 'other'],
    });
    const claims = await verifier.verify(token);
    assert.equal(claims.subject, 'system:serviceaccount:team-a:builder');
    assert.equal(claims.issuer, TEST_ISSUER);
    assert.equal(claims.namespace, 'team-a');
    assert.deepEqual(claims.serviceAccount, { name: 'builder', uid: 'sa-uid-9' });
    assert.deepEqual(claims.pod, { name: 'web-0', uid: 'pod-uid-1' });
    assert.deepEqual(claims.node, { name: 'kind-worker', uid: 'node-uid-1' });
    assert.equal(claims.secret, undefined);
    assert.equal(claims.jti, '6f0c5a0e-1111-4222-8333-944445555666');
    assert.deepEqual(claims.audiences, ['my-audience']);
    assert.deepEqual(claims.tokenAudiences, ['my-audience', 'other']);
    assert.equal(claims.expiresAt.getTime(), (iat + 3600) * 1000);
    assert.equal(claims.warnafter?.getTime(), (iat + 3607) * 1000);
    // Discovery and JWKS were fetched from the API server with our credentials.
    assert.deepEqual(
      api.requests.map((r) => [r.path, r.authorization]),
      [
        [DISCOVERY, 'Bearer reviewer-token'],
        [JWKS, 'Bearer reviewer-token'],
      ],
    );
    // The user is what kube-apiserver's TokenReview reports for this token.
    assert.deepEqual(serviceAccountUser(claims), {
      username: 'system:serviceaccount:team-a:builder',
      uid: 'sa-uid-9',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/credential-id': ['JTI=6f0c5a0e-1111-4222-8333-944445555666'],
        'authentication.kubernetes.io/node-name': ['kind-worker'],
        'authentication.kubernetes.io/node-uid': ['node-uid-1'],
        'authentication.kubernetes.io/pod-name': ['web-0'],
        'authentication.kubernetes.io/pod-uid': ['pod-uid-1'],
      },
    });
    // ES256 (P1363 signatures) too; keys are fetched once.
    const claims2 = await verifier.verify(await mintToken(ec, { secret: { name: 's', uid: 'secret-uid' } }));
    assert.deepEqual(claims2.secret, { name: 's', uid: 'secret-uid' });
    assert.equal(api.count(JWKS), 1);
  });

  it('authenticate() answers like a TokenReview', async () => {
    const verifier = new JwksVerifier({ connection: conn, audiences: ['my-audience'] });
    const ok = await verifier.authenticate(await mintToken(rsa, { namespace: 'ns', name: 'sa', jti: null }));
    assert.equal(ok.authenticated, true);
    assert.equal(ok.user.username, 'system:serviceaccount:ns:sa');
    assert.deepEqual(ok.user.extra, {});
    assert.deepEqual(ok.audiences, ['my-audience']);
    const bad = await verifier.authenticate(await mintToken(rsa, { audiences: ['vault'] }));
    assert.deepEqual(bad, {
      authenticated: false,
      user: { username: '', uid: '', groups: [], extra: {} },
      audiences: [],
      error: 'token audiences ["vault"] is invalid for the target audiences ["my-audience"]',
      code: 'ERR_JWT_AUDIENCE_INVALID',
    });
  });

  it('checks issuer, audience, exp/nbf/iat with a 60 s leeway, and the kubernetes.io claims', async () => {
    const clock = fakeClock();
    const now = Math.floor(clock() / 1000);
    const verifier = new JwksVerifier({ connection: conn, audiences: 'my-audience', now: clock });
    await rejectsWith(
      verifier.verify(await mintToken(rsa, { issuer: 'https://evil' })),
      'ERR_JWT_ISSUER_INVALID',
      /token issuer "https:\/\/evil" is invalid/,
    );
    await rejectsWith(verifier.verify(await mintToken(rsa, { audiences: [] })), 'ERR_JWT_AUDIENCE_INVALID');
    // Expired 30 s ago: inside the leeway. 90 s ago: expired.
    await verifier.verify(await mintToken(rsa, { iat: now - 3630 }));
    await rejectsWith(
      verifier.verify(await mintToken(rsa, { iat: now - 3690 })),
      'ERR_JWT_EXPIRED',
      /service account token has expired/,
    );
    await verifier.verify(await mintToken(rsa, { iat: now, nbf: now + 30 }));
    await rejectsWith(
      verifier.verify(await mintToken(rsa, { iat: now, nbf: now + 90 })),
      'ERR_JWT_NOT_YET_VALID',
      /not valid yet/,
    );
    await rejectsWith(verifier.verify(await mintToken(rsa, { iat: now + 90, nbf: now })), 'ERR_JWT_ISSUED_IN_FUTURE');
    const base = { iss: TEST_ISSUER, aud: ['my-audience'], exp: now + 600, iat: now };
    await rejectsWith(
      verifier.verify(await mintToken(rsa, { payload: { ...base, sub: 'x' } })),
      'ERR_JWT_CLAIMS_INVALID',
      /no "kubernetes.io" claim/,
    );
    await rejectsWith(
      verifier.verify(
        await mintToken(rsa, {
          payload: {
            ...base,
            sub: 'system:serviceaccount:a:b',
            'kubernetes.io': { namespace: 'a', serviceaccount: { name: 'c', uid: 'u' } },
          },
        }),
      ),
      'ERR_JWT_CLAIMS_INVALID',
      /sub claim does not match/,
    );
    const { exp: _exp, ...noExp } = base;
    await rejectsWith(
      verifier.verify(
        await mintToken(rsa, {
          payload: {
            ...noExp,
            sub: 'system:serviceaccount:a:b',
            'kubernetes.io': { namespace: 'a', serviceaccount: { name: 'b', uid: 'u' } },
          },
        }),
      ),
      'ERR_JWT_CLAIMS_INVALID',
      /exp claim is missing/,
    );
    // Legacy secret-based tokens are rejected (issuer kubernetes/serviceaccount).
    await rejectsWith(
      verifier.verify(
        await mintToken(rsa, { payload: { iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:a:b' } }),
      ),
      'ERR_JWT_ISSUER_INVALID',
    );
  });

  it('rejects forged, malformed and oversized tokens', async () => {
    const verifier = new JwksVerifier({ connection: conn, audiences: ['my-audience'] });
    const good = await mintToken(rsa);
    const [h, p, s] = good.split('.') as [string, string, string];
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(p, 'base64url').toString()),
        sub: 'system:serviceaccount:kube-system:admin',
      }),
    ).toString('base64url');
    await rejectsWith(verifier.verify(`${h}.${forgedPayload}.${s}`), 'ERR_JWS_SIGNATURE_INVALID');
    await rejectsWith(verifier.verify(`${h}.${p}.${s.slice(0, -4)}AAAA`), 'ERR_JWS_SIGNATURE_INVALID');
    // Signed by a key that is not in the JWKS but claims its kid.
    const stranger = makeSigningKey('RS256');
    await rejectsWith(verifier.verify(await mintToken(stranger, { kid: rsa.kid })), 'ERR_JWS_SIGNATURE_INVALID');
    // alg "none" and HS256 signed with the public key (algorithm confusion).
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: rsa.kid })).toString('base64url');
    await rejectsWith(verifier.verify(`${none}.${p}.`), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifier.verify(`${none}.${p}.AAAA`), 'ERR_JWS_ALG_NOT_ALLOWED');
    const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid: rsa.kid })).toString('base64url');
    const hsSig = createHmac('sha256', rsa.publicKey.export({ type: 'spki', format: 'pem' }))
      .update(`${hsHeader}.${p}`)
      .digest('base64url');
    await rejectsWith(verifier.verify(`${hsHeader}.${p}.${hsSig}`), 'ERR_JWS_ALG_NOT_ALLOWED');
    // An RS256 header pointing at the EC key: the key type does not match, so there is no candidate.
    const mixed = Buffer.from(JSON.stringify({ alg: 'RS256', kid: ec.kid })).toString('base64url');
    await rejectsWith(verifier.verify(`${mixed}.${p}.${s}`), 'ERR_JWKS_NO_MATCHING_KEY');
    await rejectsWith(verifier.verify('not-a-jwt'), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifier.verify('a.b.c.d'), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifier.verify(`${h}.${p}.${s}=`), 'ERR_JWT_MALFORMED');
    // One signature, one spelling: characters outside the base64url alphabet, including the ones Node's decoder would
    // take (`+`, `/`) or skip, make the token malformed rather than reaching the signature check.
    for (const c of ['+', '/', '=', '!', ' ', '*', '~', '\t']) {
      await rejectsWith(verifier.verify(`${h}.${p}.${s.slice(0, 10)}${c}${s.slice(11)}`), 'ERR_JWT_MALFORMED');
      await rejectsWith(verifier.verify(`${h}.${p}.${s.slice(0, 10)}${c}${s.slice(10)}`), 'ERR_JWT_MALFORMED');
    }
    await rejectsWith(verifier.verify(`${h}.${p}.${s}AAA`), 'ERR_JWT_MALFORMED'); // length ≡ 1 (mod 4)
    assert.equal((await verifier.verify(good)).subject, 'system:serviceaccount:default:default');
    await rejectsWith(verifier.verify('x'.repeat(1024 * 1024)), 'ERR_JWT_TOO_LARGE');
    const notJson = Buffer.from('{nope').toString('base64url');
    await rejectsWith(verifier.verify(`${notJson}.${p}.${s}`), 'ERR_JWT_MALFORMED', /header is not JSON/);
    const crit = Buffer.from(JSON.stringify({ alg: 'RS256', kid: rsa.kid, crit: ['exp'] })).toString('base64url');
    await rejectsWith(verifier.verify(`${crit}.${p}.${s}`), 'ERR_JWT_MALFORMED', /crit/);
  });

  it('refetches the JWKS for an unknown kid, at most once per cooldown', async () => {
    const clock = fakeClock();
    const verifier = new JwksVerifier({ connection: conn, audiences: ['my-audience'], now: clock });
    await verifier.verify(await mintToken(rsa));
    assert.equal(api.count(JWKS), 1);
    // Key rotation: a new key appears in the JWKS; its first token triggers a refetch.
    clock.advance(11_000);
    const rotated = makeSigningKey('RS256');
    api.jwks = { keys: [rsa.jwk, rotated.jwk] };
    await verifier.verify(await mintToken(rotated));
    assert.equal(api.count(JWKS), 2);
    // Random kids within the cooldown do not cause fetches.
    for (let i = 0; i < 5; i++) {
      await rejectsWith(
        verifier.verify(await mintToken(rsa, { kid: `random-${i}` })),
        'ERR_JWKS_NO_MATCHING_KEY',
        /kid "random-0"|kid "random-\d"/,
      );
    }
    assert.equal(api.count(JWKS), 2);
    clock.advance(10_000);
    await rejectsWith(verifier.verify(await mintToken(rsa, { kid: 'random-x' })), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(api.count(JWKS), 3);
  });

  it('refreshes stale keys in the background (Cache-Control max-age) and drops removed keys', async () => {
    const clock = fakeClock();
    api.jwksCacheControl = 'public, max-age=60';
    const verifier = new JwksVerifier({ connection: conn, audiences: ['my-audience'], now: clock });
    const token = await mintToken(rsa);
    await verifier.verify(token);
    api.jwks = { keys: [ec.jwk] }; // rsa key removed by the issuer
    clock.advance(61_000);
    await verifier.verify(token); // stale keys still serve this call; a refresh starts
    await verifier.refresh();
    assert.ok(api.count(JWKS) >= 2);
    await rejectsWith(verifier.verify(token), 'ERR_JWKS_NO_MATCHING_KEY');
    api.jwksCacheControl = 'public, max-age=3600';
  });

  it('throws ReviewError (503) when keys cannot be fetched, and recovers', async () => {
    const verifier = new JwksVerifier({ connection: conn, audiences: ['my-audience'] });
    api.behaviour = { kind: 'status', status: 503 };
    const token = await mintToken(rsa);
    await assert.rejects(
      verifier.verify(token),
      (err: unknown) => err instanceof ReviewError && err.kind === 'unavailable',
    );
    await assert.rejects(verifier.authenticate(token), (err: unknown) => err instanceof ReviewError);
    api.behaviour = { kind: 'normal' };
    await new Promise((r) => setTimeout(r, 1_050)); // failed loads are retried after 1 s
    assert.equal((await verifier.authenticate(token)).authenticated, true);

    api.jwks = { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] };
    const empty = new JwksVerifier({ connection: conn, audiences: ['my-audience'] });
    await assert.rejects(
      empty.verify(token),
      (err: unknown) => err instanceof ReviewError && err.kind === 'bad-response' && /no usable/.test(err.message),
    );
  });

  it('supports fixed keys, an explicit jwksUri, and discovery from the issuer URL', async () => {
    const token = await mintToken(rsa);
    const fixed = new JwksVerifier({ jwks: { keys: [rsa.jwk] }, issuer: TEST_ISSUER, audiences: ['my-audience'] });
    assert.equal((await fixed.verify(token)).namespace, 'default');
    assert.equal(api.requests.length, 0);

    const byUri = new JwksVerifier({
      jwksUri: `${api.url}${JWKS}`,
      connection: conn,
      issuer: TEST_ISSUER,
      audiences: ['my-audience'],
    });
    await byUri.verify(token);
    assert.deepEqual(
      api.requests.map((r) => r.path),
      [JWKS],
    );

    // go-oidc style: discovery at <issuer>/.well-known/..., fetched without credentials (not the connection's origin).
    api.issuer = api.url;
    api.anonymousDiscovery = true;
    const tokenForUrl = await mintToken(rsa, { issuer: api.url });
    const byIssuer = new JwksVerifier({ issuer: api.url, ca: testPki().caCert, audiences: ['my-audience'] });
    await byIssuer.ready();
    assert.equal((await byIssuer.verify(tokenForUrl)).issuer, api.url);
    assert.deepEqual(
      api.requests.slice(1).map((r) => [r.path, r.authorization]),
      [
        [DISCOVERY, undefined],
        [JWKS, undefined],
      ],
    );
    byIssuer.close();
    api.anonymousDiscovery = false;

    // The discovery document's issuer must be one we accept.
    const mismatch = new JwksVerifier({ connection: conn, issuer: 'https://someone-else', audiences: ['my-audience'] });
    await assert.rejects(
      mismatch.ready(),
      (err: unknown) => err instanceof ReviewError && /names issuer/.test(err.message),
    );
    api.issuer = TEST_ISSUER;
  });

  it('fetches keys from the API server when discovery advertises a jwks_uri on another origin', async () => {
    const other = await FakeApiServer.start({ jwksUri: 'https://oidc.example.invalid/keys.json' });
    other.jwks = { keys: [rsa.jwk] };
    const c = connectTo(other);
    const verifier = new JwksVerifier({ connection: c, audiences: ['my-audience'] });
    await verifier.verify(await mintToken(rsa));
    assert.deepEqual(
      other.requests.map((r) => r.path),
      [DISCOVERY, JWKS],
    );
    c.close();
    await other.close();
  });

  it('validates its options', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
        return 'no error';
      } catch (err) {
        return err instanceof ConfigError ? err.code : String(err);
      }
    };
    assert.equal(
      code(() => new JwksVerifier({ connection: conn })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new JwksVerifier({ audiences: ['a'] })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new JwksVerifier({ audiences: ['a'], jwksUri: 'https://x/keys' })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new JwksVerifier({ audiences: ['a'], issuer: 'not a url' })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new JwksVerifier({ audiences: ['a'], issuer: 'i', jwks: { keys: [] } })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new JwksVerifier({ audiences: ['a'], connection: conn, algorithms: ['HS256' as never] })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new JwksVerifier({ skipAudienceCheck: true, connection: conn })),
      'no error',
    );
  });

  it('remembers verified tokens but re-checks their time claims on every call', async () => {
    const clock = fakeClock();
    const verifier = new JwksVerifier({
      jwks: { keys: [rsa.jwk] },
      issuer: TEST_ISSUER,
      audiences: ['my-audience'],
      now: clock,
    });
    const token = await mintToken(rsa, { iat: Math.floor(clock() / 1000), ttl: 600 });
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    assert.notEqual(first, second);
    assert.equal(first.payload, second.payload, 'the remembered payload is reused');
    assert.ok(Object.isFrozen(first.payload) && Object.isFrozen(first.payload['kubernetes.io']));
    clock.advance(661_000); // past exp + 60 s leeway
    await rejectsWith(verifier.verify(token), 'ERR_JWT_EXPIRED');
    const uncached = new JwksVerifier({
      jwks: { keys: [rsa.jwk] },
      issuer: TEST_ISSUER,
      audiences: ['my-audience'],
      verifiedCacheSize: 0,
    });
    const fresh = await mintToken(rsa);
    assert.notEqual((await uncached.verify(fresh)).payload, (await uncached.verify(fresh)).payload);
  });

  it('accepts any audience only with skipAudienceCheck', async () => {
    const verifier = new JwksVerifier({ jwks: { keys: [rsa.jwk] }, issuer: TEST_ISSUER, skipAudienceCheck: true });
    const claims = await verifier.verify(await mintToken(rsa, { audiences: ['https://kubernetes.default.svc'] }));
    assert.deepEqual(claims.audiences, ['https://kubernetes.default.svc']);
  });
});
