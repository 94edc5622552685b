import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ECDH, createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  KeySet,
  generateRsaKeyPem,
  keyId,
  loadKeysFromPem,
  loadSigningKey,
  publicEntryOf,
  type PublicKeyEntry,
} from './keys.js';
import { ecCertKeyPem, ecCertPem, ecSigner, rsaSigner } from './testutil.js';

function spkiKid(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

test('kid is base64url(SHA-256(PKIX DER)), 43 characters', () => {
  const s = rsaSigner();
  assert.equal(s.kid.length, 43);
  assert.match(s.kid, /^[A-Za-z0-9_-]{43}$/);
  const der = s.publicKey.export({ type: 'spki', format: 'der' });
  assert.equal(s.kid, createHash('sha256').update(der).digest('base64url'));
  assert.equal(keyId(s.publicKey), s.kid);
});

test('an EC key read with a compressed point gets the same kid as Go (uncompressed DER)', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const y = Buffer.from(publicKey.export({ format: 'jwk' }).y!, 'base64url');
  const compressed = ECDH.convertKey(
    Buffer.concat([Buffer.from([4]), raw, y]),
    'prime256v1',
    undefined,
    undefined,
    'compressed',
  ) as Buffer;
  const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
  const compressedKey = createPublicKey({ key: Buffer.concat([prefix, compressed]), format: 'der', type: 'spki' });
  assert.equal(keyId(compressedKey), keyId(publicKey));
});

test('loadKeysFromPem reads every kind of block, private keys contributing their public half', () => {
  const rsaPriv = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const ecPriv = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
  const rsaPub = createPublicKey(rsaPriv);
  const ecPub = createPublicKey(ecPriv);
  const blocks = [
    rsaPub.export({ type: 'pkcs1', format: 'pem' }), // RSA PUBLIC KEY
    rsaPub.export({ type: 'spki', format: 'pem' }), // PUBLIC KEY
    ecPub.export({ type: 'spki', format: 'pem' }),
    ecCertPem, // CERTIFICATE
    rsaPriv.export({ type: 'pkcs1', format: 'pem' }), // RSA PRIVATE KEY
    '-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n',
    ecPriv.export({ type: 'sec1', format: 'pem' }), // EC PRIVATE KEY
    ecPriv.export({ type: 'pkcs8', format: 'pem' }), // PRIVATE KEY
    ecCertKeyPem,
  ].join('');
  const keys = loadKeysFromPem(blocks, 'keys.pem');
  const rsaKid = spkiKid(rsaPub.export({ type: 'spki', format: 'pem' }) as string);
  const ecKid = spkiKid(ecPub.export({ type: 'spki', format: 'pem' }) as string);
  const certKid = spkiKid(ecCertKeyPem);
  assert.deepEqual(
    keys.map((k) => [k.kid, k.alg]),
    [
      [rsaKid, 'RS256'],
      [rsaKid, 'RS256'],
      [ecKid, 'ES384'],
      [certKid, 'ES256'],
      [rsaKid, 'RS256'],
      [ecKid, 'ES384'],
      [ecKid, 'ES384'],
      [certKid, 'ES256'],
    ],
  );
});

test('loadKeysFromPem tolerates foreign blocks but needs at least one key', () => {
  const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const junk = '-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n';
  assert.equal(loadKeysFromPem(junk + ed + ecCertPem + 'trailing text', 'f').length, 1);
  assert.throws(() => loadKeysFromPem(junk + ed, '/etc/sa.pub'), {
    message: 'error reading public key file /etc/sa.pub: data does not contain any valid RSA or ECDSA public keys',
  });
  assert.throws(() => loadKeysFromPem('', 'x'), /does not contain any valid RSA or ECDSA public keys/);
  // Encrypted keys (PEM headers) are skipped like Go's parser skips what it cannot read.
  const enc =
    '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n';
  assert.throws(() => loadKeysFromPem(enc, 'x'), /does not contain/);
});

test('loadSigningKey picks the algorithm from the key', () => {
  assert.equal(rsaSigner().alg, 'RS256');
  assert.equal(ecSigner('P-256').alg, 'ES256');
  assert.equal(ecSigner('P-384').alg, 'ES384');
  assert.equal(ecSigner('P-521').alg, 'ES512');
  const pkcs8 = loadSigningKey(generateRsaKeyPem('pkcs8'));
  assert.equal(pkcs8.alg, 'RS256');
  assert.equal(pkcs8.kid, keyId(pkcs8.publicKey));
  assert.equal(pkcs8.privateKey.type, 'private');
  // EC PARAMETERS before the key is how `openssl ecparam -genkey` writes it.
  const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' });
  assert.equal(
    loadSigningKey(`-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${sec1}`).alg,
    'ES256',
  );
  assert.equal(loadSigningKey(ecCertPem + ecCertKeyPem).kid, spkiKid(ecCertPem));
});

test('loadSigningKey rejects other curves and key types with kube-apiserver messages', () => {
  const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  assert.throws(() => loadSigningKey(k1 as string), {
    message: 'could not generate signer for ECDSA keypair: unknown private key curve, must be 256, 384, or 521',
  });
  const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  assert.throws(() => loadSigningKey(ed as string), /^Error: unknown private key type ed25519.PrivateKey, must be/);
  assert.throws(() => loadSigningKey(ecCertPem), { message: 'data does not contain a valid RSA or ECDSA private key' });
  assert.throws(() => loadSigningKey('garbage'), { message: 'data does not contain a valid RSA or ECDSA private key' });
});

test('KeySet looks keys up by kid; an empty kid means all keys; odd kids find nothing', () => {
  const a = publicEntryOf(rsaSigner());
  const b = publicEntryOf(ecSigner('P-256'));
  const dup: PublicKeyEntry = { ...a };
  const set = new KeySet([a, b, dup]);
  assert.equal(set.size, 3);
  assert.deepEqual(set.get(a.kid), [a, dup]);
  assert.deepEqual(set.get(b.kid), [b]);
  assert.deepEqual(set.get(''), [a, b, dup]);
  assert.deepEqual(set.get('../../etc/passwd'), []);
  assert.deepEqual(set.get('x'.repeat(100_000)), []);
  assert.deepEqual(set.get('__proto__'), []);
  assert.deepEqual(set.get('constructor'), []);
});

test('generateRsaKeyPem writes PKCS#1 or PKCS#8 2048-bit keys', () => {
  const p1 = generateRsaKeyPem('pkcs1');
  const p8 = generateRsaKeyPem();
  assert.match(p1, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  assert.match(p8, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(createPrivateKey(p1).asymmetricKeyDetails?.modulusLength, 2048);
  assert.equal(createPrivateKey(p8).asymmetricKeyDetails?.modulusLength, 2048);
});
