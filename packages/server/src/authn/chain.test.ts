import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator, bearerToken, extraSpaceBeforeTokenWarning } from './chain.js';
import type { TokenAuthenticator } from './types.js';

test('bearerToken: reads the header as kube bearertoken does (trim, split on single spaces)', () => {
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer abc'), 'abc');
  assert.equal(bearerToken('BEARER abc'), 'abc');
  assert.equal(bearerToken('  Bearer abc  '), 'abc');
  // A second space ends the token; two spaces after the scheme leave it empty, which is no credential.
  assert.equal(bearerToken('Bearer abc def'), 'abc');
  assert.equal(bearerToken('Bearer  abc'), undefined);
  assert.equal(bearerToken('Bearer'), undefined);
  assert.equal(bearerToken('Bearer '), undefined);
  assert.equal(bearerToken('Basic YWxhZGRpbjpvcGVu'), undefined);
  assert.equal(bearerToken('Bearerx abc'), undefined);
  assert.equal(bearerToken('Bearer\tabc'), undefined);
});

test('authenticateRequest: a bearer header the parser rejects is no credential (anonymous when enabled)', () => {
  const seen: string[] = [];
  const tokens: TokenAuthenticator = {
    authenticateToken(token) {
      seen.push(token);
      return token === 'good' ? { user: { username: 'u', groups: [] }, audiences: [] } : null;
    },
  };
  const chain = new Authenticator({
    tokenAuthenticators: [tokens],
    apiAudiences: ['https://kubernetes.default.svc'],
    anonymous: true,
    clientCertificates: false,
  });
  const ok = chain.authenticateRequest({ authorization: 'Bearer good' }, undefined);
  assert.ok('user' in ok && ok.user.username === 'u' && ok.user.groups.includes('system:authenticated'));
  // kube-apiserver warns about the extra space (and the request goes on without a credential).
  const anon = chain.authenticateRequest({ authorization: 'Bearer  good' }, undefined);
  assert.ok('user' in anon && anon.anonymous === true);
  assert.deepEqual(anon.warnings, [extraSpaceBeforeTokenWarning]);
  const bad = chain.authenticateRequest({ authorization: 'Bearer nope' }, undefined);
  assert.deepEqual(bad, { error: 'invalid bearer token', warnings: [] });
  assert.deepEqual(seen, ['good', 'nope']);
  const closed = new Authenticator({
    tokenAuthenticators: [tokens],
    apiAudiences: [],
    anonymous: false,
    clientCertificates: false,
  });
  assert.deepEqual(closed.authenticateRequest({ authorization: ' bearer  good ' }, undefined), {
    none: true,
    warnings: [extraSpaceBeforeTokenWarning],
  });
  assert.deepEqual(closed.authenticateRequest({ authorization: 'Basic  x' }, undefined), { none: true, warnings: [] });
});
