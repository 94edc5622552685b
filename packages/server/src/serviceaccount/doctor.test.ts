import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundClaims } from './claims.js';
import { diagnoseToken, type DoctorOptions } from './doctor.js';
import { signJwt } from './jwt.js';
import { generateRsaKeyPem, KeySet, loadSigningKey, publicEntryOf } from './keys.js';
import { FakeLookup, issuer, pod, rsaSigner, serviceAccount } from './testutil.js';

const signer = rsaSigner();
const other = loadSigningKey(generateRsaKeyPem());
const now = 1_800_000_000;
const lookup = new FakeLookup();
const sa = lookup.put('serviceaccounts', serviceAccount('team', 'builder', 'sa-uid-1'));
const p = lookup.put('pods', pod('team', 'web', 'pod-uid-1', 'builder'));

function opts(token: string, extra: Partial<DoctorOptions> = {}): DoctorOptions {
  return {
    token,
    audiences: [],
    keys: new KeySet([publicEntryOf(signer)]),
    issuers: [issuer],
    apiAudiences: [issuer],
    lookup,
    now: () => now * 1000,
    review: () => ({ authenticated: false, error: 'stub' }),
    ...extra,
  };
}
const mint = (o: { audiences?: string[]; at?: number; lifetime?: number; pod?: boolean } = {}, key = signer) =>
  signJwt(
    key,
    boundClaims({
      issuer,
      serviceAccount: sa,
      pod: o.pod ? p : undefined,
      audiences: o.audiences ?? [issuer],
      expirationSeconds: o.lifetime ?? 3600,
      now: o.at ?? now - 10,
      jti: 'j',
    }),
  );
const check = (d: { checks: Array<{ id: string; status: string; message: string }> }, id: string) =>
  d.checks.find((c) => c.id === id);

test('a good token: the verifying key, every check passing, the command that mints one like it', async () => {
  const d = await diagnoseToken(opts(mint({ pod: true, lifetime: 7200 })));
  assert.equal(d.kind, 'bound');
  assert.deepEqual(d.verifiedBy, { kid: signer.kid, alg: 'RS256' });
  assert.deepEqual(
    d.checks.filter((c) => c.status !== 'pass'),
    [],
  );
  assert.equal(
    d.kubectl,
    'kubectl create token builder -n team --duration=2h --bound-object-kind=Pod --bound-object-name=web',
  );
});

test('unknown kid, a key that does not verify, wrong issuer', async () => {
  const foreign = await diagnoseToken(opts(mint({}, other)));
  assert.equal(check(foreign, 'signature')!.status, 'fail');
  assert.match(check(foreign, 'signature')!.message, /^unknown kid "/);
  const sameKid = await diagnoseToken(
    opts(mint({}, other), { keys: new KeySet([{ ...publicEntryOf(signer), kid: other.kid }]) }),
  );
  assert.match(check(sameKid, 'signature')!.message, /^the signature does not verify with key /);
  const wrongIss = await diagnoseToken(opts(mint(), { issuers: ['https://elsewhere'] }));
  assert.equal(wrongIss.kind, 'foreign');
  assert.match(check(wrongIss, 'issuer')!.message, /^wrong issuer: the token's iss is "https:\/\/kubernetes/);
});

test('audience mismatch, expired, not yet valid (with kube leeway of 60 s)', async () => {
  const aud = await diagnoseToken(opts(mint({ audiences: ['vault'] })));
  assert.match(check(aud, 'audience')!.message, /^audience mismatch: the token is for \["vault"\]/);
  const asked = await diagnoseToken(opts(mint({ audiences: ['vault'] }), { audiences: ['vault'] }));
  assert.equal(check(asked, 'audience')!.status, 'pass');
  assert.equal(asked.kubectl, 'kubectl create token builder -n team --audience=vault');
  const expired = await diagnoseToken(opts(mint({ at: now - 3600 - 61 })));
  assert.match(check(expired, 'expiry')!.message, /^expired at /);
  const inLeeway = await diagnoseToken(opts(mint({ at: now - 3600 - 30 })));
  assert.equal(check(inLeeway, 'expiry')!.status, 'pass');
  const future = await diagnoseToken(opts(mint({ at: now + 120 })));
  assert.match(check(future, 'notBefore')!.message, /^not yet valid: nbf is /);
});

test('ServiceAccount and bound Pod deleted or recreated', async () => {
  const token = mint({ pod: true });
  const l = new FakeLookup();
  l.put('serviceaccounts', serviceAccount('team', 'builder', 'sa-uid-2'));
  l.put('pods', pod('team', 'web', 'pod-uid-2', 'builder'));
  const d = await diagnoseToken(opts(token, { lookup: l }));
  assert.match(check(d, 'serviceAccount')!.message, /was recreated: uid now sa-uid-2, the token names sa-uid-1$/);
  assert.match(check(d, 'boundObject')!.message, /^bound Pod team\/web was deleted and recreated: uid now pod-uid-2/);
  // A recreated pod is not bound again by name: the command leaves the bound object out.
  assert.equal(d.kubectl, 'kubectl create token builder -n team');
  const gone = await diagnoseToken(opts(token, { lookup: new FakeLookup() }));
  assert.equal(check(gone, 'serviceAccount')!.message, 'ServiceAccount team/builder was deleted');
  assert.equal(check(gone, 'boundObject')!.message, 'bound Pod team/web was deleted: the token died with it');
});

test('not a JWT; TokenReview answer passed through', async () => {
  const d = await diagnoseToken(
    opts('hello', { review: () => ({ authenticated: false, error: 'invalid bearer token' }) }),
  );
  assert.equal(d.jwt, false);
  assert.equal(d.tokenReview.error, 'invalid bearer token');
  assert.equal(check(d, 'format')!.status, 'fail');
});
