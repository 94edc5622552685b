import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createSign, generateKeyPairSync, sign as cryptoSign, constants } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { b64urlDecode, b64urlEncode, isCanonical } from './base64url.js';
import { cryptoFailure, parseCompact, signJwt, signJwtAsync, verifyJws } from './jwt.js';
import { publicEntryOf, type SigningKey } from './keys.js';
import { jwksDocument } from './openid.js';
import { ecSigner, fastest, rsaSigner, segmentJson } from './testutil.js';
import { goJoseJson, goQuoteJson } from '../gocompat/json-encode.js';

const payload = {
  sub: 'x',
  aud: ['b', 'a'],
  'kubernetes.io': { serviceaccount: { uid: 'u', name: 'n' }, namespace: 'ns' },
  iss: 'i',
};

test('header is exactly {"alg":…,"kid":…} with no typ', () => {
  for (const s of [rsaSigner(), ecSigner('P-256'), ecSigner('P-384'), ecSigner('P-521')]) {
    const token = signJwt(s, payload);
    const header = Buffer.from(token.split('.')[0]!, 'base64url').toString();
    assert.equal(header, `{"alg":"${s.alg}","kid":"${s.kid}"}`);
  }
  assert.match(signJwt(rsaSigner(), payload), /^eyJhbGciOiJSUzI1NiIsImtpZCI6I/);
});

test('payload keys are sorted at every level and aud stays an array', () => {
  const token = signJwt(rsaSigner(), payload);
  const text = Buffer.from(token.split('.')[1]!, 'base64url').toString();
  assert.equal(
    text,
    '{"aud":["b","a"],"iss":"i","kubernetes.io":{"namespace":"ns","serviceaccount":{"name":"n","uid":"u"}},"sub":"x"}',
  );
  assert.deepEqual(segmentJson(signJwt(rsaSigner(), { aud: ['one'] }), 1), { aud: ['one'] });
});

test('Go JSON escaping: <>& and U+2028 as \\u escapes, lone surrogates replaced, \\b as \\u0008', () => {
  assert.equal(goQuoteJson('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goQuoteJson('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goQuoteJson('\b\f\n\r\t"\\'), '"\\u0008\\u000c\\n\\r\\t\\"\\\\"');
  assert.equal(goQuoteJson('x\ud800y'), '"x\ufffdy"');
  assert.equal(goQuoteJson('😀é\u007f'), '"😀é\u007f"');
  assert.equal(goJoseJson({ b: 1, a: [true, null, 1.5], c: undefined }), '{"a":[true,null,1.5],"b":1}');
  assert.equal(goJoseJson(1e21), '1e+21');
  assert.equal(goJoseJson(1e-7), '1e-07');
});

test('signJwtAsync (thread pool) signs the same bytes: identical for RS256, verifying raw r||s for ES*', async () => {
  const rs = rsaSigner();
  assert.equal(await signJwtAsync(rs, payload), signJwt(rs, payload));
  for (const s of [ecSigner('P-256'), ecSigner('P-384'), ecSigner('P-521')]) {
    const token = await signJwtAsync(s, payload);
    const sync = signJwt(s, payload);
    assert.equal(token.split('.').slice(0, 2).join('.'), sync.split('.').slice(0, 2).join('.'));
    assert.equal(verifyJws(parseCompact(token)!, publicEntryOf(s)), undefined);
  }
});

test('ES signatures are raw r||s of the curve size', () => {
  for (const [curve, size] of [
    ['P-256', 64],
    ['P-384', 96],
    ['P-521', 132],
  ] as const) {
    const token = signJwt(ecSigner(curve), payload);
    assert.equal(Buffer.from(token.split('.')[2]!, 'base64url').length, size);
  }
});

for (const name of ['RS256', 'ES256', 'ES384', 'ES512'] as const) {
  test(`interop: jose verifies our ${name} token against our JWKS`, async () => {
    const signer: SigningKey =
      name === 'RS256' ? rsaSigner() : ecSigner(name === 'ES256' ? 'P-256' : name === 'ES384' ? 'P-384' : 'P-521');
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(signer, {
      iss: 'https://issuer',
      aud: ['api'],
      sub: 's',
      iat: now,
      nbf: now,
      exp: now + 600,
    });
    const jwks = JSON.parse(jwksDocument([publicEntryOf(signer)])) as JSONWebKeySet;
    const { payload: p, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: 'https://issuer',
      audience: 'api',
      algorithms: [name],
    });
    assert.equal(protectedHeader.kid, signer.kid);
    assert.equal(p.sub, 's');
  });
}

test('parseCompact + verifyJws accept our tokens', () => {
  const s = rsaSigner();
  const jws = parseCompact(signJwt(s, payload))!;
  assert.equal(jws.alg, 'RS256');
  assert.equal(jws.kid, s.kid);
  assert.equal(jws.payload.sub, 'x');
  assert.equal(verifyJws(jws, publicEntryOf(s)), undefined);
  assert.equal(verifyJws(jws, publicEntryOf(ecSigner('P-256'))), cryptoFailure);
});

function forge(header: object, body: object, sig: Buffer | string = ''): string {
  const h = b64urlEncode(JSON.stringify(header));
  const p = b64urlEncode(JSON.stringify(body));
  return `${h}.${p}.${typeof sig === 'string' ? sig : sig.toString('base64url')}`;
}

test('alg none, HS256 keyed with the public key PEM and mismatched algorithms fail as crypto failures', () => {
  const s = rsaSigner();
  const entry = publicEntryOf(s);
  const none = parseCompact(forge({ alg: 'none', kid: s.kid }, payload))!;
  assert.equal(verifyJws(none, entry), cryptoFailure);

  const pem = s.publicKey.export({ type: 'spki', format: 'pem' });
  const h = b64urlEncode(JSON.stringify({ alg: 'HS256', kid: s.kid }));
  const p = b64urlEncode(JSON.stringify(payload));
  const mac = createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url');
  const hs = parseCompact(`${h}.${p}.${mac}`)!;
  assert.equal(verifyJws(hs, entry), cryptoFailure);

  // An ES256 token presented against a P-384 key, and an RS token against an EC key.
  const es = parseCompact(signJwt(ecSigner('P-256'), payload))!;
  assert.equal(verifyJws(es, publicEntryOf(ecSigner('P-384'))), cryptoFailure);
  assert.equal(verifyJws(parseCompact(signJwt(s, payload))!, publicEntryOf(ecSigner('P-256'))), cryptoFailure);
});

test('go-jose also accepts RS384/RS512/PS256 signed by the RSA key (kube does not filter algorithms)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const entry = { kid: 'k', alg: 'RS256' as const, key: publicKey };
  for (const [alg, hash, pss] of [
    ['RS512', 'sha512', false],
    ['PS256', 'sha256', true],
  ] as const) {
    const h = b64urlEncode(JSON.stringify({ alg, kid: 'k' }));
    const p = b64urlEncode('{"a":1}');
    const sig = pss
      ? cryptoSign(hash, Buffer.from(`${h}.${p}`), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING })
      : createSign(hash).update(`${h}.${p}`).sign(privateKey);
    assert.equal(verifyJws(parseCompact(`${h}.${p}.${sig.toString('base64url')}`)!, entry), undefined, alg);
  }
});

test('crit headers are refused; a malformed crit is a JSON error', () => {
  const s = rsaSigner();
  const entry = publicEntryOf(s);
  assert.equal(verifyJws(parseCompact(forge({ alg: 'RS256', crit: ['exp'] }, payload))!, entry), cryptoFailure);
  assert.equal(
    verifyJws(parseCompact(forge({ alg: 'RS256', crit: 5 }, payload))!, entry),
    'json: cannot unmarshal number into Go value of type []string',
  );
});

test('parseCompact returns undefined (never throws) for garbage, quickly', () => {
  const good = signJwt(rsaSigner(), payload);
  const [h, p, sig] = good.split('.') as [string, string, string];
  const cases: unknown[] = [
    '',
    '.',
    '..',
    'a.b',
    'a.b.c.d',
    `{"payload":"x"}`,
    `  {${good}`,
    `${h}.${p}`,
    `${h}.${p}.${sig}.`,
    `${h}.${p}=.${sig}`,
    `${h}.${p}.${sig}=`,
    `${h}!.${p}.${sig}`,
    `${h}.${p}+.${sig}`,
    `${h}.${b64urlEncode('[1,2]')}.${sig}`,
    `${h}.${b64urlEncode('"iss"')}.${sig}`,
    `${h}.${b64urlEncode('{"iss":')}.${sig}`,
    `${b64urlEncode('[]')}.${p}.${sig}`,
    `${b64urlEncode('{"alg":5}')}.${p}.${sig}`,
    `${b64urlEncode('{"kid":{}}')}.${p}.${sig}`,
    `${b64urlEncode('{"x5c":["!!"]}')}.${p}.${sig}`,
    `${b64urlEncode('{"jwk":{"kty":"oct","k":"AAAA"}}')}.${p}.${sig}`,
    `a${h}.${p}.${sig}`.slice(0, 5) + 'x'.repeat(5),
    'x'.repeat(1 << 20),
    `${h}.${'A'.repeat(1 << 20)}.${sig}`,
    `${h}.${' '.repeat(1 << 20)}x.${sig}`,
    `${' '.repeat(1 << 19)}x${' '.repeat(1 << 19)}`,
    '.'.repeat(1 << 20),
    null,
    42,
  ];
  for (const c of cases) {
    const [r, ms] = fastest(() => parseCompact(c as string));
    assert.equal(r, undefined, String(c).slice(0, 60));
    assert.ok(ms < 100, `took ${ms} ms`);
  }
  // Surrounding whitespace is trimmed like Go's TrimSpace; a null kid means no kid.
  assert.ok(parseCompact(` \t${good}\n`));
  assert.equal(parseCompact(forge({ alg: 'RS256', kid: null }, payload))!.kid, '');
  assert.equal(parseCompact(`.${p}.`)!.alg, '');
  assert.ok(parseCompact(`${b64urlEncode('{"x5t":5,"x5u":[],"alg":"RS256"}')}.${p}.${sig}`));
});

test('non-canonical base64 (unused bits set) still verifies: go-jose signs over the re-encoded bytes', () => {
  const s = rsaSigner();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // Find a payload whose segment has unused bits (length not a multiple of 4).
  const token = [{ a: 'b' }, { a: 'bc' }, { a: 'bcd' }]
    .map((c) => signJwt(s, c))
    .find((t) => t.split('.')[1]!.length % 4 !== 0)!;
  const [h, p, sig] = token.split('.') as [string, string, string];
  assert.equal(isCanonical(p), true);
  const bumped = p.slice(0, -1) + alphabet[alphabet.indexOf(p[p.length - 1]!) + 1];
  assert.equal(isCanonical(bumped), false);
  const jws = parseCompact(`${h}.${bumped}.${sig}`)!;
  assert.equal(jws.signingInput, `${h}.${p}`);
  assert.equal(verifyJws(jws, publicEntryOf(s)), undefined);
  assert.equal(b64urlDecode('abc='), undefined);
  assert.equal(b64urlDecode('a'), undefined);
  assert.deepEqual(b64urlDecode(''), Buffer.alloc(0));
});
