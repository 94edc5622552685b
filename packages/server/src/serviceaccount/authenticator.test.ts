import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ServiceAccountTokenAuthenticator, type AuthenticateResult, type AuthenticatedToken } from './authenticator.js';
import { b64urlEncode } from './base64url.js';
import { boundClaims, legacyClaims } from './claims.js';
import { signJwt } from './jwt.js';
import { KeySet, publicEntryOf, type SigningKey } from './keys.js';
import type { LastUsedPatch } from './legacy-validator.js';
import {
  FakeLookup,
  ecSigner,
  fastest,
  issuer,
  node,
  pod,
  rsaSigner,
  secret,
  serviceAccount,
  timed,
} from './testutil.js';

const nowMs = 1_735_689_600_000;
const now = nowMs / 1000;

function setup(opts: { lookupLegacy?: boolean; issuers?: string[]; apiAudiences?: string[] } = {}) {
  const signer = rsaSigner();
  const lookup = new FakeLookup();
  lookup.put('serviceaccounts', serviceAccount('default', 'sa', 'sa-uid'));
  lookup.put('pods', pod('default', 'web-0', 'pod-uid', 'sa', 'n1'));
  lookup.put('nodes', node('n1', 'node-uid'));
  const patches: LastUsedPatch[] = [];
  const authn = new ServiceAccountTokenAuthenticator({
    issuers: opts.issuers ?? [issuer, 'https://old.example'],
    apiAudiences: opts.apiAudiences ?? [issuer],
    keys: new KeySet([publicEntryOf(signer), publicEntryOf(ecSigner('P-256'))]),
    lookup,
    lookupLegacy: opts.lookupLegacy ?? true,
    now: () => nowMs,
    onLegacyUse: (p) => patches.push(p),
  });
  return { signer, lookup, authn, patches };
}

function bound(signer: SigningKey, extra: Partial<Parameters<typeof boundClaims>[0]> = {}): string {
  return signJwt(
    signer,
    boundClaims({
      issuer,
      serviceAccount: serviceAccount('default', 'sa', 'sa-uid'),
      audiences: [issuer],
      expirationSeconds: 3600,
      now,
      jti: 'jti-1',
      ...extra,
    }),
  );
}

function ok(r: AuthenticateResult): AuthenticatedToken {
  assert.ok(r && !('error' in r), `expected success, got ${JSON.stringify(r)}`);
  return r;
}

function err(r: AuthenticateResult): string {
  assert.ok(r && 'error' in r, `expected an error, got ${JSON.stringify(r)}`);
  return r.error;
}

test('bound token: user info as kube builds it', () => {
  const { signer, authn } = setup();
  const token = bound(signer, { pod: pod('default', 'web-0', 'pod-uid', 'sa'), node: { name: 'n1', uid: 'node-uid' } });
  const r = ok(authn.authenticate(token, undefined));
  assert.deepEqual(r, {
    user: {
      username: 'system:serviceaccount:default:sa',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default'],
      extra: {
        'authentication.kubernetes.io/credential-id': ['JTI=jti-1'],
        'authentication.kubernetes.io/node-name': ['n1'],
        'authentication.kubernetes.io/node-uid': ['node-uid'],
        'authentication.kubernetes.io/pod-name': ['web-0'],
        'authentication.kubernetes.io/pod-uid': ['pod-uid'],
      },
    },
    audiences: [issuer],
    warnings: [],
    annotations: {},
  });
  assert.deepEqual(authn.authenticateToken(token, [issuer]), r);
});

test('bound token: audiences intersect in the requested order; mismatch uses Go %q slices', () => {
  const { signer, authn } = setup({ apiAudiences: [issuer, 'api2'] });
  const token = bound(signer, { audiences: ['vault', issuer, 'api2'] });
  assert.deepEqual(ok(authn.authenticate(token, ['api2', 'x', issuer])).audiences, ['api2', issuer]);
  assert.deepEqual(ok(authn.authenticate(token, [])).audiences, [issuer, 'api2']);
  const vault = bound(signer, { audiences: ['vault'] });
  assert.equal(
    err(authn.authenticate(vault, undefined)),
    `token audiences ["vault"] is invalid for the target audiences ["${issuer}" "api2"]`,
  );
  assert.equal(
    err(authn.authenticate(token, ['b'])),
    `token audiences ["vault" "${issuer}" "api2"] is invalid for the target audiences ["b"]`,
  );
  assert.deepEqual(ok(authn.authenticate(vault, ['vault'])).audiences, ['vault']);
});

test('signature and key errors', () => {
  const { signer, authn } = setup();
  const token = bound(signer);
  const [h, p] = token.split('.');
  const other = bound(ecSigner('P-384')); // kid not in the set
  assert.equal(err(authn.authenticate(other, undefined)), 'invalid signature, no keys found');
  const wrongSig = `${h}.${p}.${bound(signer, { jti: 'other' }).split('.')[2]}`;
  assert.equal(err(authn.authenticate(wrongSig, undefined)), 'square/go-jose: error in cryptographic primitive');
  // No kid: every key is tried; all failures aggregate to one de-duplicated message.
  const noKid = `${b64urlEncode('{"alg":"RS256"}')}.${p}.${token.split('.')[2]}`;
  assert.equal(err(authn.authenticate(noKid, undefined)), 'square/go-jose: error in cryptographic primitive');
});

test('alg none and HS256 keyed with the public key are refused', () => {
  const { signer, authn } = setup();
  const p = bound(signer).split('.')[1]!;
  const none = `${b64urlEncode(`{"alg":"none","kid":"${signer.kid}"}`)}.${p}.`;
  assert.equal(err(authn.authenticate(none, undefined)), 'square/go-jose: error in cryptographic primitive');
  const h = b64urlEncode(`{"alg":"HS256","kid":"${signer.kid}"}`);
  const pem = signer.publicKey.export({ type: 'spki', format: 'pem' });
  const mac = createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url');
  assert.equal(
    err(authn.authenticate(`${h}.${p}.${mac}`, undefined)),
    'square/go-jose: error in cryptographic primitive',
  );
  const h2 = b64urlEncode('{"alg":"HS256"}');
  const mac2 = createHmac('sha256', pem).update(`${h2}.${p}`).digest('base64url');
  assert.equal(
    err(authn.authenticate(`${h2}.${p}.${mac2}`, undefined)),
    'square/go-jose: error in cryptographic primitive',
  );
});

test('issuer: unknown is not mine; the case-insensitive pre-check vs the exact verified claim', () => {
  const { signer, authn } = setup();
  assert.equal(authn.authenticate(bound(signer, { issuer: 'https://elsewhere' }), undefined), null);
  assert.ok(ok(authn.authenticate(bound(signer, { issuer: 'https://old.example' }), undefined)));
  // Go's pre-check reads `ISS` (encoding/json folds case); go-jose's claims decoding does not.
  const sneaky = signJwt(signer, { ISS: issuer, aud: [issuer], sub: 'x' });
  assert.equal(err(authn.authenticate(sneaky, undefined)), 'token issuer "" is invalid');
});

test('bound token: time and object errors, seen immediately despite the cache', () => {
  const { signer, lookup, authn } = setup();
  const podToken = bound(signer, { pod: pod('default', 'web-0', 'pod-uid', 'sa') });
  assert.ok(ok(authn.authenticate(podToken, undefined)));
  lookup.delete('pods', 'default', 'web-0');
  assert.equal(err(authn.authenticate(podToken, undefined)), 'service account token has been invalidated');
  lookup.put('pods', pod('default', 'web-0', 'new-uid', 'sa'));
  assert.equal(
    err(authn.authenticate(podToken, undefined)),
    'pod UID (new-uid) does not match service account pod ref claim (pod-uid)',
  );
  lookup.delete('serviceaccounts', 'default', 'sa');
  assert.equal(err(authn.authenticate(podToken, undefined)), 'serviceaccounts "sa" not found');
  lookup.put('serviceaccounts', serviceAccount('default', 'sa', 'sa-uid-2'));
  assert.equal(
    err(authn.authenticate(podToken, undefined)),
    'service account UID (sa-uid-2) does not match claim (sa-uid)',
  );
  assert.equal(
    err(authn.authenticate(bound(signer, { now: now - 3661 }), undefined)),
    'service account token has expired',
  );
  assert.equal(
    err(authn.authenticate(bound(signer, { now: now + 61 }), undefined)),
    'service account token is not valid yet',
  );
  const nodeToken = bound(signer, { node: { name: 'n1', uid: 'node-uid' } });
  lookup.put('serviceaccounts', serviceAccount('default', 'sa', 'sa-uid'));
  assert.deepEqual(ok(authn.authenticate(nodeToken, undefined)).user.extra, {
    'authentication.kubernetes.io/credential-id': ['JTI=jti-1'],
    'authentication.kubernetes.io/node-name': ['n1'],
    'authentication.kubernetes.io/node-uid': ['node-uid'],
  });
  lookup.delete('nodes', '', 'n1');
  assert.equal(err(authn.authenticate(nodeToken, undefined)), 'service account token has been invalidated');
});

test('stale projected token is accepted with an audit annotation', () => {
  const { signer, authn } = setup();
  const t = bound(signer, {
    now: now - 4000,
    expirationSeconds: 31_536_000,
    warnAfterSeconds: 3607,
    pod: pod('default', 'web-0', 'pod-uid', 'sa'),
  });
  assert.deepEqual(ok(authn.authenticate(t, undefined)).annotations, {
    'authentication.k8s.io/stale-token':
      'subject: system:serviceaccount:default:sa, seconds after warning threshold: 393',
  });
});

test('legacy token: accepted with implicit audiences, warning for auto-generated secrets, last-used callback', () => {
  const { signer, lookup, authn, patches } = setup();
  const sa = lookup.get('', 'serviceaccounts', 'default', 'sa')!;
  const sec = secret('default', 'sa-token', 'sec-uid');
  const token = signJwt(signer, legacyClaims(sa, sec));
  sec.data = { token: Buffer.from(token).toString('base64') };
  lookup.put('secrets', sec);
  const r = ok(authn.authenticate(token, undefined));
  assert.deepEqual(r.user, {
    username: 'system:serviceaccount:default:sa',
    uid: 'sa-uid',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default'],
  });
  assert.deepEqual(r.audiences, [issuer]);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.annotations, {
    'authentication.k8s.io/legacy-token': 'system:serviceaccount:default:sa',
    'authentication.k8s.io/legacy-token-manual-secret': 'sa-token',
  });
  assert.deepEqual(patches, [{ namespace: 'default', name: 'sa-token', uid: 'sec-uid', date: '2025-01-01' }]);
  sa.secrets = [{ name: 'sa-token' }];
  assert.deepEqual(ok(authn.authenticate(token, undefined)).warnings, [
    'Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.',
  ]);
  assert.equal(
    err(authn.authenticate(token, ['vault'])),
    `token audiences ["${issuer}"] is invalid for the target audiences ["vault"]`,
  );
  sec.data = { token: Buffer.from('x').toString('base64') };
  assert.equal(err(authn.authenticate(token, undefined)), "Token does not match server's copy");
  lookup.delete('secrets', 'default', 'sa-token');
  assert.equal(err(authn.authenticate(token, undefined)), 'Token has been invalidated');
  // --service-account-lookup=false: claims only.
  const noLookup = setup({ lookupLegacy: false });
  assert.ok(ok(noLookup.authn.authenticate(token, undefined)));
});

test('legacy issuer also configured as a bound issuer: both validators run, errors aggregate', () => {
  const { signer, authn } = setup({
    issuers: ['kubernetes/serviceaccount'],
    apiAudiences: ['kubernetes/serviceaccount'],
  });
  const token = signJwt(
    signer,
    legacyClaims(serviceAccount('default', 'sa', 'sa-uid'), secret('default', 'gone', 's')),
  );
  assert.equal(err(authn.authenticate(token, undefined)), '[Token has been invalidated, serviceaccounts "" not found]');
});

const bigAudiences = Array.from({ length: 10_000 }, (_, i) => `https://audience-${i}.example`);

test('bad input: not mine or an error, never an exception, each well under 200 ms of CPU', () => {
  const { signer, authn, lookup } = setup();
  const uncached = new ServiceAccountTokenAuthenticator({
    issuers: [issuer],
    apiAudiences: [issuer],
    keys: new KeySet([publicEntryOf(signer)]),
    lookup,
    lookupLegacy: true,
    now: () => nowMs,
    cacheSize: 0,
  });
  const token = bound(signer);
  const [h, p, s] = token.split('.') as [string, string, string];
  const withKid = (kid: string) => `${b64urlEncode(JSON.stringify({ alg: 'RS256', kid }))}.${p}.${s}`;
  const cases: Array<[string, unknown, readonly string[] | undefined, 'null' | 'error' | 'ok']> = [
    ['empty', '', undefined, 'null'],
    ['opaque', 'abcdef0123456789', undefined, 'null'],
    ['json serialization', `{"payload":"${p}"}`, undefined, 'null'],
    ['two parts', `${h}.${p}`, undefined, 'null'],
    ['four parts', `${token}.x`, undefined, 'null'],
    ['truncated in the payload', token.slice(0, h.length + 20), undefined, 'null'],
    ['truncated signature', token.slice(0, -10), undefined, 'error'],
    ['signature stripped', `${h}.${p}.`, undefined, 'error'],
    ['non-base64 header', `${h}*.${p}.${s}`, undefined, 'null'],
    ['non-base64 payload', `${h}.${p}%.${s}`, undefined, 'null'],
    ['payload not JSON', `${h}.${b64urlEncode('{nope')}.${s}`, undefined, 'null'],
    ['header not JSON', `${b64urlEncode('{nope')}.${p}.${s}`, undefined, 'null'],
    ['kid is a path', withKid('../../../etc/passwd'), undefined, 'error'],
    ['kid is 100 KB', withKid('k'.repeat(100_000)), undefined, 'error'],
    ['kid is a number', `${b64urlEncode('{"alg":"RS256","kid":7}')}.${p}.${s}`, undefined, 'null'],
    ['1 MB token', 'A'.repeat(1 << 20), undefined, 'null'],
    [
      '1 MB dotted token',
      `${h}.${b64urlEncode(JSON.stringify({ iss: issuer, pad: 'x'.repeat(700_000) }))}.${s}`,
      undefined,
      'error',
    ],
    ['1 MB whitespace', `${' '.repeat(1 << 19)}.${' '.repeat(1 << 19)}.x`, undefined, 'null'],
    ['wrong issuer', bound(signer, { issuer: 'https://evil.example' }), undefined, 'null'],
    ['expired', bound(signer, { now: now - 7200 }), undefined, 'error'],
    ['future nbf', bound(signer, { now: now + 7200 }), undefined, 'error'],
    ['10,000 requested audiences', token, bigAudiences, 'error'],
    ['10,000 token audiences', bound(signer, { audiences: bigAudiences }), undefined, 'error'],
    ['10,000 on both sides, one match', bound(signer, { audiences: bigAudiences }), [...bigAudiences].reverse(), 'ok'],
    ['not a string', 12 as unknown, undefined, 'null'],
    ['undefined', undefined, undefined, 'null'],
  ];
  for (const [name, input, auds, want] of cases) {
    // Best of three (the second and third may hit the decode cache, which is the point of it).
    const [r, ms] = fastest(() => authn.authenticate(input as string, auds));
    assert.ok(ms < 200, `${name}: ${ms.toFixed(1)} ms of CPU`);
    const got = r === null ? 'null' : 'error' in r ? 'error' : 'ok';
    assert.equal(got, want, `${name}: ${JSON.stringify(r)?.slice(0, 200)}`);
    // Uncached, every single call must be fast too.
    const [, cold] = fastest(() => uncached.authenticate(input as string, auds));
    assert.ok(cold < 200, `${name} (uncached): ${cold.toFixed(1)} ms of CPU`);
  }
});

/** An authenticator whose decode cache holds two entries. */
function smallCache() {
  const { signer, lookup } = setup();
  const authn = new ServiceAccountTokenAuthenticator({
    issuers: [issuer],
    apiAudiences: [issuer],
    keys: new KeySet([publicEntryOf(signer)]),
    lookup,
    lookupLegacy: true,
    now: () => nowMs,
    cacheSize: 2,
  });
  return { signer, authn };
}

test('decode cache: repeat calls skip signature work but stay bounded', () => {
  const { signer, authn } = smallCache();
  const tokens = ['a', 'b', 'c'].map((j) => bound(signer, { jti: j }));
  for (const t of tokens) ok(authn.authenticate(t, undefined));
  const [, warm] = timed(() => {
    for (let i = 0; i < 200; i++) authn.authenticate(tokens[2]!, undefined);
  });
  assert.ok(warm < 100, `${warm} ms of CPU for 200 cached calls`);
  assert.equal((authn as unknown as { cache: { size: number } }).cache.size, 2);
});

test('foreign tokens (another issuer) are remembered as not mine apart from verified entries', () => {
  const { signer, authn } = smallCache();
  const mine = bound(signer, { jti: 'mine' });
  ok(authn.authenticate(mine, undefined));
  const foreign = Array.from({ length: 10 }, (_, i) => bound(signer, { issuer: 'https://idp.example', jti: `f${i}` }));
  for (let round = 0; round < 2; round++) for (const t of foreign) assert.equal(authn.authenticate(t, undefined), null);
  const state = authn as unknown as { cache: { size: number }; foreign: { size: number } };
  assert.equal(state.cache.size, 1); // foreign tokens did not push the verified one out
  assert.equal(state.foreign.size, 2);
  ok(authn.authenticate(mine, undefined));
});
