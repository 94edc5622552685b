import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { generateRsaKeyPem, keyId, loadSigningKey } from './keys.js';
import { loadServiceAccountKeys } from './setup.js';

test('default keys: the signing key plus retired keys verify', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sa-setup-'));
  try {
    mkdirSync(join(dir, 'pki', 'sa-old'), { recursive: true });
    const current = generateRsaKeyPem();
    writeFileSync(join(dir, 'pki', 'sa.key'), current);
    const retired = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    writeFileSync(join(dir, 'pki', 'sa-old', 'sa-1.key'), retired.export({ type: 'pkcs8', format: 'pem' }));
    const keys = loadServiceAccountKeys({ serviceAccountKeyFiles: [] }, join(dir, 'pki', 'sa.key'), dir);
    assert.equal((await keys.signer).kid, loadSigningKey(current).kid);
    assert.equal(keys.legacySigner, keys.signer);
    assert.deepEqual(
      keys.verify.all().map((k) => k.alg),
      ['RS256', 'ES256'],
    );
    assert.equal(keys.verify.get(keyId(retired)).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('explicit key files verify, and so does the signing key they lack; a bad signing key fails with kube wording', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sa-setup-'));
  try {
    const signing = join(dir, 'signing.key');
    const pub = join(dir, 'other.pub');
    writeFileSync(signing, generateRsaKeyPem('pkcs1'));
    const other = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    writeFileSync(pub, other.export({ type: 'spki', format: 'pem' }));
    const keys = loadServiceAccountKeys(
      { serviceAccountKeyFiles: [pub], serviceAccountSigningKeyFile: signing },
      join(dir, 'unused'),
      dir,
    );
    assert.deepEqual(
      keys.verify.all().map((k) => k.kid),
      [keyId(other), loadSigningKey(readFileSync(signing, 'utf8')).kid],
    );
    writeFileSync(signing, 'nope');
    assert.throws(
      () => loadServiceAccountKeys({ serviceAccountKeyFiles: [], serviceAccountSigningKeyFile: signing }, '', dir),
      {
        message:
          'failed to parse service-account-issuer-key-file: data does not contain a valid RSA or ECDSA private key',
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a first start: the key being generated signs once written and joins the verification set then', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sa-setup-'));
  try {
    mkdirSync(join(dir, 'pki', 'sa-old'), { recursive: true });
    const retired = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    writeFileSync(join(dir, 'pki', 'sa-old', 'sa-1.key'), retired.export({ type: 'pkcs8', format: 'pem' }));
    let written!: () => void;
    const keyWritten = new Promise<void>((r) => (written = r));
    const keys = loadServiceAccountKeys({ serviceAccountKeyFiles: [] }, join(dir, 'pki', 'sa.key'), dir, keyWritten);
    assert.deepEqual(
      keys.verify.all().map((k) => k.kid),
      [keyId(retired)],
    );
    const pem = generateRsaKeyPem();
    writeFileSync(join(dir, 'pki', 'sa.key'), pem);
    written();
    const signer = await keys.signer;
    assert.equal(signer.kid, loadSigningKey(pem).kid);
    assert.equal(await keys.legacySigner, signer);
    assert.deepEqual(
      keys.verify.all().map((k) => k.kid),
      [keyId(retired), signer.kid],
    );
    // A failed generation fails the signer, not the process.
    const failed = loadServiceAccountKeys(
      { serviceAccountKeyFiles: [] },
      join(dir, 'missing.key'),
      dir,
      Promise.reject(new Error('no entropy')),
    );
    await assert.rejects(failed.signer, /no entropy/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('key files without a signing key file: the generated key still verifies, once, after the files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sa-setup-'));
  try {
    const pub = join(dir, 'other.pub');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    writeFileSync(pub, other.export({ type: 'spki', format: 'pem' }));
    const generated = join(dir, 'sa.key');
    writeFileSync(generated, generateRsaKeyPem());
    const keys = loadServiceAccountKeys({ serviceAccountKeyFiles: [pub] }, generated, dir);
    const kid = (await keys.signer).kid;
    assert.deepEqual(
      keys.verify.all().map((k) => k.kid),
      [keyId(other), kid],
    );
    // Listed among the key files too: not added twice.
    const both = loadServiceAccountKeys({ serviceAccountKeyFiles: [pub, generated] }, generated, dir);
    assert.deepEqual(
      both.verify.all().map((k) => k.kid),
      [keyId(other), kid],
    );
    // A first start: the key joins the set when it is written.
    const fresh = join(dir, 'fresh.key');
    let written!: () => void;
    const keyWritten = new Promise<void>((r) => (written = r));
    const first = loadServiceAccountKeys({ serviceAccountKeyFiles: [pub] }, fresh, dir, keyWritten);
    assert.deepEqual(
      first.verify.all().map((k) => k.kid),
      [keyId(other)],
    );
    writeFileSync(fresh, generateRsaKeyPem());
    written();
    const signer = await first.signer;
    assert.deepEqual(
      first.verify.all().map((k) => k.kid),
      [keyId(other), signer.kid],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
