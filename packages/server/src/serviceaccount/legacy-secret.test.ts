import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceAccountTokenAuthenticator } from './authenticator.js';
import { KeySet, publicEntryOf } from './keys.js';
import { legacyTokenSecretData } from './legacy-secret.js';
import { FakeLookup, issuer, rsaSigner, secret, segmentJson, serviceAccount } from './testutil.js';

test('token secret data: base64 token, ca.crt and namespace, plus the SA annotations', () => {
  const sa = serviceAccount('default', 'build-robot', 'sa-uid');
  const sec = secret('default', 'build-robot-token', 'sec-uid');
  const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const r = legacyTokenSecretData({ serviceAccount: sa, secret: sec, caPem: ca, signer: rsaSigner() });
  assert.deepEqual(Object.keys(r.data), ['token', 'namespace', 'ca.crt']);
  assert.equal(Buffer.from(r.data.token, 'base64').toString(), r.token);
  assert.equal(Buffer.from(r.data.namespace, 'base64').toString(), 'default');
  assert.equal(Buffer.from(r.data['ca.crt']!, 'base64').toString(), ca);
  assert.deepEqual(r.annotations, {
    'kubernetes.io/service-account.name': 'build-robot',
    'kubernetes.io/service-account.uid': 'sa-uid',
  });
  assert.deepEqual(segmentJson(r.token, 1), {
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': 'default',
    'kubernetes.io/serviceaccount/secret.name': 'build-robot-token',
    'kubernetes.io/serviceaccount/service-account.name': 'build-robot',
    'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
    sub: 'system:serviceaccount:default:build-robot',
  });
  assert.equal(
    legacyTokenSecretData({ serviceAccount: sa, secret: sec, caPem: '', signer: rsaSigner() }).data['ca.crt'],
    undefined,
  );

  // Stored in the Secret, the token authenticates.
  const lookup = new FakeLookup();
  lookup.put('serviceaccounts', sa);
  lookup.put('secrets', { ...sec, data: r.data });
  const authn = new ServiceAccountTokenAuthenticator({
    issuers: [issuer],
    apiAudiences: [issuer],
    keys: new KeySet([publicEntryOf(rsaSigner())]),
    lookup,
    lookupLegacy: true,
  });
  const res = authn.authenticate(r.token);
  assert.ok(res && !('error' in res));
  assert.equal(res.user.username, 'system:serviceaccount:default:build-robot');
});
