import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeySet, publicEntryOf } from './keys.js';
import {
  discoveryContentType,
  discoveryDocument,
  discoveryProblem,
  isDiscoveryEnabled,
  jwksContentType,
  jwksDocument,
  openidCacheControl,
} from './openid.js';
import { ecSigner, issuer, rsaSigner } from './testutil.js';

test('discovery document: exact bytes, algorithms sorted and unique', () => {
  const keys = new KeySet([publicEntryOf(rsaSigner())]);
  assert.equal(
    discoveryDocument(issuer, 'https://172.18.0.2:6443/openid/v1/jwks', keys),
    '{"issuer":"https://kubernetes.default.svc.cluster.local","jwks_uri":"https://172.18.0.2:6443/openid/v1/jwks",' +
      '"response_types_supported":["id_token"],"subject_types_supported":["public"],' +
      '"id_token_signing_alg_values_supported":["RS256"]}',
  );
  const mixed = [ecSigner('P-521'), rsaSigner(), ecSigner('P-256'), rsaSigner()].map(publicEntryOf);
  assert.match(
    discoveryDocument(issuer, 'https://x/jwks', mixed),
    /"id_token_signing_alg_values_supported":\["ES256","ES512","RS256"\]\}$/,
  );
  // Go's encoder escapes & in URLs.
  assert.match(discoveryDocument('https://i/?', 'https://x/a&b', mixed), /"jwks_uri":"https:\/\/x\/a\\u0026b"/);
});

test('JWKS: one JWK per key, go-jose field order', () => {
  const rsa = publicEntryOf(rsaSigner());
  const ec = publicEntryOf(ecSigner('P-256'));
  const doc = jwksDocument(new KeySet([rsa, ec]));
  const rsaJwk = rsa.key.export({ format: 'jwk' });
  const ecJwk = ec.key.export({ format: 'jwk' });
  assert.equal(
    doc,
    `{"keys":[{"use":"sig","kty":"RSA","kid":"${rsa.kid}","alg":"RS256","n":"${rsaJwk.n}","e":"AQAB"},` +
      `{"use":"sig","kty":"EC","kid":"${ec.kid}","crv":"P-256","alg":"ES256","x":"${ecJwk.x}","y":"${ecJwk.y}"}]}`,
  );
  const p521 = JSON.parse(jwksDocument([publicEntryOf(ecSigner('P-521'))])).keys[0];
  assert.deepEqual(Object.keys(p521), ['use', 'kty', 'kid', 'crv', 'alg', 'x', 'y']);
  assert.equal(Buffer.from(p521.x, 'base64url').length, 66);
  assert.equal(jwksDocument([]), '{"keys":null}');
});

test('discovery is served only for https issuers without query or fragment', () => {
  assert.equal(isDiscoveryEnabled(issuer), true);
  assert.equal(isDiscoveryEnabled('https://issuer.example/path'), true);
  assert.equal(isDiscoveryEnabled('kubernetes/serviceaccount'), false);
  assert.equal(discoveryProblem('http://x'), 'issuer URL must use https scheme, got: http://x');
  assert.equal(discoveryProblem('https://x?a=b'), 'issuer URL may not include a query, got: https://x?a=b');
  assert.equal(discoveryProblem('https://x#f'), 'issuer URL may not include a fragment, got: https://x#f');
  assert.equal(discoveryProblem(''), 'empty issuer URL');
});

test('content types and cache control', () => {
  assert.equal(discoveryContentType, 'application/json');
  assert.equal(jwksContentType, 'application/jwk-set+json');
  assert.equal(openidCacheControl, 'public, max-age=3600');
});
