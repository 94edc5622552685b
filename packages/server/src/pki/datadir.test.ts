import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa } from './ca.js';
import { issueServingCert } from './certs.js';
import { defaultServingSans, ensurePki, missingSans, pkiPaths, type Pki } from './datadir.js';

const files = ['admin.crt', 'admin.key', 'apiserver.crt', 'apiserver.key', 'ca.crt', 'ca.key', 'sa.key', 'sa.pub'];

function tempDataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-data-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A first start returns before the new sa.key is written; the tests look at the files once it is. */
async function settled(p: Promise<Pki>): Promise<Pki> {
  const pki = await p;
  await pki.saKeyWritten;
  return pki;
}

const snapshot = (dir: string) => Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, 'pki', f), 'utf8')]));

test('first start creates the PKI with private modes', async (t) => {
  const dataDir = tempDataDir(t);
  const started = performance.now();
  const pki = await settled(ensurePki(dataDir, { extraSans: ['kubeauth.example.com', '10.0.0.7'] }));
  t.diagnostic(`first-time generation took ${(performance.now() - started).toFixed(1)} ms`);
  const paths = pkiPaths(dataDir);
  assert.deepEqual(readdirSync(paths.dir).sort(), files);
  assert.deepEqual([...pki.written].sort(), files);
  assert.equal(statSync(paths.dir).mode & 0o777, 0o700);
  for (const f of files.filter((f) => f.endsWith('.key')))
    assert.equal(statSync(join(paths.dir, f)).mode & 0o777, 0o600, f);
  assert.equal(pki.saKeyPath, join(dataDir, 'pki', 'sa.key'));
  assert.equal(pki.caCertPem, readFileSync(paths.caCert, 'utf8'));
  assert.equal(pki.servingKeyPem, readFileSync(paths.servingKey, 'utf8'));

  const ca = new X509Certificate(pki.caCertPem);
  assert.ok(ca.ca);
  const serving = new X509Certificate(pki.servingCertPem);
  assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  assert.deepEqual(missingSans(serving, [...defaultServingSans, 'kubeauth.example.com', '10.0.0.7']), []);
  for (const ip of ['127.0.0.1', '::1', '10.0.0.7']) assert.ok(serving.checkIP(ip), ip);
  const admin = new X509Certificate(pki.adminCertPem);
  assert.ok(admin.checkIssued(ca) && admin.verify(ca.publicKey));
  assert.equal(admin.subject, 'O=system:masters\nCN=kubernetes-admin');

  const saKey = createPrivateKey(readFileSync(pki.saKeyPath));
  assert.equal(saKey.asymmetricKeyType, 'rsa');
  assert.equal(saKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.match(readFileSync(pki.saKeyPath, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  const pub = readFileSync(paths.saPub, 'utf8');
  assert.match(pub, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(createPublicKey(saKey).export({ type: 'spki', format: 'pem' }), pub);
});

test('a restart reuses every file byte for byte and generates nothing', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await settled(ensurePki(dataDir, { extraSans: ['a.example'] }));
  const before = snapshot(dataDir);
  const mtimes = files.map((f) => statSync(join(dataDir, 'pki', f)).mtimeMs);
  const started = performance.now();
  const second = await ensurePki(dataDir, { extraSans: ['a.example'] });
  t.diagnostic(`restart took ${(performance.now() - started).toFixed(1)} ms`);
  assert.deepEqual(second.written, []);
  assert.deepEqual(snapshot(dataDir), before);
  assert.deepEqual(
    files.map((f) => statSync(join(dataDir, 'pki', f)).mtimeMs),
    mtimes,
  );
  const { written: _w1, saKeyWritten: _s1, ...a } = first;
  const { written: _w2, saKeyWritten: _s2, ...b } = second;
  assert.deepEqual(b, a);
  // Fewer SANs than the certificate has is fine too: nothing is reissued.
  assert.deepEqual((await ensurePki(dataDir)).written, []);
});

test('a new SAN reissues only the serving certificate, with the same CA', async (t) => {
  const dataDir = tempDataDir(t);
  await settled(ensurePki(dataDir, { extraSans: [] }));
  const before = snapshot(dataDir);
  const pki = await ensurePki(dataDir, { extraSans: ['api.example.com', 'fd00::1', ' ', 'API.example.com'] });
  assert.deepEqual([...pki.written].sort(), ['apiserver.crt', 'apiserver.key']);
  const after = snapshot(dataDir);
  for (const f of files.filter((f) => !f.startsWith('apiserver'))) assert.equal(after[f], before[f], f);
  assert.notEqual(after['apiserver.crt'], before['apiserver.crt']);
  const serving = new X509Certificate(pki.servingCertPem);
  assert.ok(serving.checkIssued(new X509Certificate(pki.caCertPem)));
  assert.deepEqual(missingSans(serving, ['api.example.com', 'fd00::1', '::1', 'LOCALHOST']), []);
  // The same SAN spelled differently is already there.
  assert.deepEqual((await ensurePki(dataDir, { extraSans: ['fd00:0:0::1', 'Api.Example.Com'] })).written, []);
});

test('a missing or foreign leaf is reissued; a lone CA certificate is an error', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await settled(ensurePki(dataDir));
  const paths = pkiPaths(dataDir);

  unlinkSync(paths.adminCert);
  assert.deepEqual([...(await ensurePki(dataDir)).written].sort(), ['admin.crt', 'admin.key']);

  // A serving certificate from another CA (say, copied from elsewhere) does not verify: reissue it.
  const foreign = await issueServingCert(await createCa(), { sans: [...defaultServingSans] });
  writeFileSync(paths.servingCert, foreign.certPem);
  writeFileSync(paths.servingKey, foreign.keyPem);
  assert.deepEqual([...(await ensurePki(dataDir)).written].sort(), ['apiserver.crt', 'apiserver.key']);

  // A key that does not match its certificate (an interrupted write): reissue.
  writeFileSync(paths.adminKey, readFileSync(paths.servingKey));
  assert.deepEqual([...(await ensurePki(dataDir)).written].sort(), ['admin.crt', 'admin.key']);

  // sa.pub is derived from sa.key.
  unlinkSync(paths.saPub);
  assert.deepEqual((await ensurePki(dataDir)).written, ['sa.pub']);

  const caKey = readFileSync(paths.caKey, 'utf8');
  unlinkSync(paths.caKey);
  await assert.rejects(ensurePki(dataDir), /ca\.key does not/);
  writeFileSync(paths.caKey, caKey);
  assert.equal((await ensurePki(dataDir)).caCertPem, first.caCertPem);
});

test('a new CA (files removed) reissues the leaves but keeps the service-account key', async (t) => {
  const dataDir = tempDataDir(t);
  const before = await settled(ensurePki(dataDir));
  const paths = pkiPaths(dataDir);
  unlinkSync(paths.caCert);
  unlinkSync(paths.caKey);
  const after = await ensurePki(dataDir);
  assert.deepEqual([...after.written].sort(), [
    'admin.crt',
    'admin.key',
    'apiserver.crt',
    'apiserver.key',
    'ca.crt',
    'ca.key',
  ]);
  assert.notEqual(after.caCertPem, before.caCertPem);
  assert.ok(new X509Certificate(after.adminCertPem).checkIssued(new X509Certificate(after.caCertPem)));
});

test('unusable PKI files are reported with their path', async (t) => {
  const dataDir = tempDataDir(t);
  await settled(ensurePki(dataDir));
  const paths = pkiPaths(dataDir);
  const other = await createCa();
  writeFileSync(paths.caKey, other.keyPem);
  await assert.rejects(ensurePki(dataDir), (err: Error) => {
    assert.equal(err.message, `${paths.dir}: the CA key does not match the CA certificate`);
    return true;
  });
  writeFileSync(paths.caKey, other.keyPem);
  writeFileSync(paths.caCert, other.certPem);
  writeFileSync(paths.saKey, 'not a key');
  await assert.rejects(ensurePki(dataDir), (err: Error) => err.message.startsWith(`${paths.saKey}: `));
});
