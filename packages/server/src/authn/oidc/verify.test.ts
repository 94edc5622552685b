// go-oidc's checks on locally signed tokens (no network): algorithms and key types, time checks with a fixed
// clock, claim typing; then the claim mapping (username/groups/uid/extra/CEL rules) with kube's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { KeySet } from './remote.js';
import { verifyIdToken, type VerifierConfig } from './verify.js';
import { mapClaims } from './mapping.js';
import { validateJwtAuthenticator } from './validation.js';
import type { JwtAuthenticatorConfig } from './types.js';
import { goTimeString } from '../../gocompat/time.js';

const iss = 'https://issuer.example';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keys = new KeySet([rsa.publicKey, ec.publicKey], ['r1', 'e1']);
const now = Date.UTC(2025, 0, 2, 3, 4, 5);
const nowSec = now / 1000;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function jwt(claims: Record<string, unknown>, alg = 'RS256', kid = 'r1', key: KeyObject = rsa.privateKey): string {
  const input = `${b64({ alg, kid })}.${b64(claims)}`;
  let sig: Buffer;
  if (alg.startsWith('ES')) sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  else if (alg.startsWith('PS'))
    sig = sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  else sig = sign('sha256', Buffer.from(input), key);
  return `${input}.${sig.toString('base64url')}`;
}

const cfg = (o: Partial<VerifierConfig> = {}): VerifierConfig => ({
  issuer: iss,
  audiences: ['kube'],
  signingAlgs: ['RS256', 'ES256', 'PS256'],
  now: () => now,
  realClock: false,
  ...o,
});
const base = { iss, aud: 'kube', sub: 'alice', exp: nowSec + 60, iat: nowSec };
const err = (token: string, message: string, o: Partial<VerifierConfig> = {}) =>
  assert.equal((verifyIdToken(token, keys, cfg(o)) as { error: string }).error, message);

test('RS256, ES256 and PS256 verify with keys of the right type only', () => {
  assert.ok('claims' in verifyIdToken(jwt(base), keys, cfg()));
  assert.ok('claims' in verifyIdToken(jwt(base, 'ES256', 'e1', ec.privateKey), keys, cfg()));
  assert.ok('claims' in verifyIdToken(jwt(base, 'PS256'), keys, cfg()));
  // An ES256 header over the RSA key's kid, an RS256 header with no kid signed by the EC key: both fail.
  err(jwt(base, 'ES256', 'r1', ec.privateKey), 'failed to verify signature: failed to verify id token signature');
  const unknown = verifyIdToken(jwt(base, 'RS256', 'nope'), keys, cfg()) as { error: string; unknownKey: boolean };
  assert.deepEqual(unknown, {
    error: 'failed to verify signature: failed to verify id token signature',
    unknownKey: true,
  });
  const known = verifyIdToken(
    jwt(base, 'RS256', 'r1', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    keys,
    cfg(),
  );
  assert.equal((known as { unknownKey: boolean }).unknownKey, false);
  err(jwt(base, 'PS256'), 'oidc: id token signed with unsupported algorithm, expected ["RS256"] got "PS256"', {
    signingAlgs: ['RS256'],
  });
});

test('issuer, audiences and times', () => {
  err(
    jwt({ ...base, iss: 'https://other' }),
    'oidc: id token issued by a different provider, expected "https://issuer.example" got "https://other"',
  );
  assert.ok(
    'claims' in
      verifyIdToken(jwt({ ...base, iss: 'accounts.google.com' }), keys, cfg({ issuer: 'https://accounts.google.com' })),
  );
  err(jwt({ ...base, aud: ['a', 'b'] }), 'oidc: expected audience "kube" got ["a" "b"]');
  err(jwt({ ...base, aud: 'c' }), 'oidc: expected audience in ["a" "b"] got ["c"]', { audiences: ['b', 'a'] });
  assert.ok('claims' in verifyIdToken(jwt({ ...base, aud: ['x', 'b'] }), keys, cfg({ audiences: ['a', 'b'] })));
  err(jwt({ ...base, exp: nowSec - 1 }), 'oidc: token is expired (Token Expiry: 2025-01-02 03:04:04 +0000 UTC)');
  const { exp: _exp, ...noExp } = base;
  err(jwt(noExp), 'oidc: token is expired (Token Expiry: 0001-01-01 00:00:00 +0000 UTC)');
  assert.ok('claims' in verifyIdToken(jwt({ ...base, exp: nowSec }), keys, cfg()));
  assert.ok('claims' in verifyIdToken(jwt({ ...base, nbf: nowSec + 60 }), keys, cfg()), 'one minute of nbf leeway');
  err(
    jwt({ ...base, nbf: nowSec + 61 }),
    'oidc: current time 2025-01-02 03:04:05 +0000 UTC before the nbf (not before) time: 2025-01-02 03:05:06 +0000 UTC',
  );
  assert.ok('claims' in verifyIdToken(jwt({ ...base, exp: `${nowSec + 5}` }), keys, cfg()), 'numeric string exp');
  assert.equal(goTimeString(now + 120), '2025-01-02 03:04:05.12 +0000 UTC');
});

test('claim typing and distributed claims', () => {
  err(
    jwt({ ...base, sub: 5 }),
    'oidc: failed to unmarshal claims: json: cannot unmarshal number into Go struct field idToken.sub of type string',
  );
  err(
    jwt({ ...base, aud: 5 }),
    'oidc: failed to unmarshal claims: json: cannot unmarshal number into Go struct field idToken.aud of type []string',
  );
  err(
    jwt({ ...base, exp: true }),
    'oidc: failed to unmarshal claims: json: cannot unmarshal bool into Go struct field idToken.exp of type json.Number',
  );
  err(
    jwt({ ...base, exp: 'soon' }),
    'oidc: failed to unmarshal claims: json: invalid number literal, trying to unmarshal "\\"soon\\"" into Number',
  );
  err(jwt({ ...base, _claim_names: { groups: 'src1' } }), 'oidc: source does not exist');
  err(jwt({ ...base, _claim_names: { groups: '' } }), 'oidc: failed to obtain source from claim name');
  err('a.b.c', 'oidc: malformed jwt: square/go-jose: compact JWS format must have three parts');
});

function mapper(partial: Partial<JwtAuthenticatorConfig>) {
  const c: JwtAuthenticatorConfig = {
    issuer: { url: iss, audiences: ['kube'] },
    claimValidationRules: [],
    claimMappings: { username: { claim: 'email', prefix: '' }, groups: {}, uid: {}, extra: [] },
    userValidationRules: [],
    signingAlgs: ['RS256'],
    ...partial,
  };
  const v = validateJwtAuthenticator(c, null);
  assert.deepEqual(v.errors, []);
  return (claims: Record<string, unknown>) => mapClaims(c, v.mapper, claims);
}

test('claim mapping errors', () => {
  const byEmail = mapper({});
  assert.deepEqual(byEmail({ sub: 'a' }), { error: 'oidc: parse username claims "email": claim not present' });
  assert.deepEqual(byEmail({ email: 5 }), {
    error: 'oidc: parse username claims "email": json: cannot unmarshal number into Go value of type string',
  });
  assert.deepEqual(byEmail({ email: 'a@b', email_verified: 'yes' }), {
    error: "oidc: parse 'email_verified' claim: json: cannot unmarshal string into Go value of type bool",
  });
  assert.deepEqual(byEmail({ email: 'a@b', email_verified: false }), { error: 'oidc: email not verified' });
  assert.deepEqual(byEmail({ email: 'a@b', jti: 'abc' }), {
    value: { username: 'a@b', groups: [], extra: { 'authentication.kubernetes.io/credential-id': ['JTI=abc'] } },
  });

  const groups = mapper({
    claimMappings: {
      username: { claim: 'sub', prefix: 'p:' },
      groups: { claim: 'groups', prefix: 'g:' },
      uid: { claim: 'uid' },
      extra: [],
    },
    claimValidationRules: [{ claim: 'hd', requiredValue: 'example.org' }],
  });
  assert.deepEqual(groups({ sub: 'a', groups: 5, uid: 'u' }), {
    error: 'oidc: parse groups claim "groups": json: cannot unmarshal number into Go value of type string',
  });
  assert.deepEqual(groups({ sub: 'a', groups: ['x', 1] }), {
    error: 'oidc: parse groups claim "groups": json: cannot unmarshal array into Go value of type string',
  });
  assert.deepEqual(groups({ sub: 'a', groups: ['x'] }), { error: 'oidc: parse uid claim "uid": claim not present' });
  assert.deepEqual(groups({ sub: 'a', groups: 'x', uid: 'u', hd: 7 }), {
    error: 'oidc: parse claim hd: json: cannot unmarshal number into Go value of type string',
  });
  assert.deepEqual(groups({ sub: 'a', groups: 'x', uid: 'u', hd: 'example.org' }), {
    value: { username: 'p:a', uid: 'u', groups: ['g:x'] },
  });
  assert.deepEqual(
    groups({
      sub: 'a',
      _claim_names: { groups: 'src1' },
      _claim_sources: { src1: { endpoint: 'https://issuer.example/groups' } },
    }),
    {
      error:
        'oidc: could not expand distributed claims: while getting distributed claim "groups": distributed claims are not supported',
    },
  );
});

test('CEL mappings and validation rules', () => {
  const m = mapper({
    claimMappings: {
      username: { expression: 'claims.?name.orValue("")' },
      groups: { expression: 'claims.?roles.orValue([])' },
      uid: { expression: 'claims.?uid.orValue(1)' },
      extra: [{ key: 'example.org/team', valueExpression: 'claims.?team.orValue(null)' }],
    },
    claimValidationRules: [{ expression: "claims.?hd.orValue('') == 'example.org'", message: 'wrong domain' }],
    userValidationRules: [{ expression: "!('blocked' in user.groups)", message: 'blocked user' }],
  });
  assert.deepEqual(m({}), { error: 'oidc: empty username via CEL expression is not allowed' });
  assert.deepEqual(m({ name: 5 }), {
    error: 'oidc: error evaluating username claim expression: username claim expression must return a string',
  });
  assert.deepEqual(m({ name: 'n', roles: [1] }), {
    error: 'oidc: error evaluating group claim expression: expression must return a string or a list of strings',
  });
  assert.deepEqual(m({ name: 'n', roles: ['a', ''] }), {
    error: 'oidc: error evaluating uid claim expression: uid claim expression must return a string',
  });
  assert.deepEqual(m({ name: 'n', uid: 'u', team: 3 }), {
    error:
      'oidc: error evaluating extra claim expression: claims.?team.orValue(null): expression must return a string or a list of strings',
  });
  assert.deepEqual(m({ name: 'n', uid: 'u', hd: 'other.org' }), {
    error:
      "oidc: error evaluating claim validation expression: validation expression 'claims.?hd.orValue('') == 'example.org'' failed: wrong domain",
  });
  assert.deepEqual(m({ name: 'n', uid: 'u', hd: 'example.org', roles: 'blocked' }), {
    error:
      "oidc: error evaluating user info validation rule: validation expression '!('blocked' in user.groups)' failed: blocked user",
  });
  assert.deepEqual(m({ name: 'n', uid: 'u', hd: 'example.org', roles: ['a', ''], team: ['t'] }), {
    value: { username: 'n', uid: 'u', groups: ['a'], extra: { 'example.org/team': ['t'] } },
  });
  const strict = mapper({ claimMappings: { username: { expression: 'claims.name' }, groups: {}, uid: {}, extra: [] } });
  assert.deepEqual(strict({}), {
    error:
      "oidc: error evaluating username claim expression: expression 'claims.name' resulted in error: no such key: name",
  });
});
