import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, loadCa } from './ca.js';
import { issueClientCert, issueServingCert } from './certs.js';
import { inspectCertificate } from './inspect.js';
import { loadPeculiar } from './peculiar.js';

const ca = await createCa();
const caCert = new X509Certificate(ca.certPem);

test('CA is self-signed, a CA, with the CA key usages and a subject key id', async () => {
  assert.equal(caCert.ca, true);
  assert.equal(caCert.subject, 'CN=kubeauth-ca');
  assert.equal(caCert.issuer, 'CN=kubeauth-ca');
  assert.ok(caCert.checkIssued(caCert));
  assert.ok(caCert.verify(caCert.publicKey));
  assert.ok(caCert.checkPrivateKey(createPrivateKey(ca.keyPem)));
  assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(caCert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const years = (Date.parse(caCert.validTo) - Date.now()) / (365.25 * 86400e3);
  assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);

  // Decode with an independent implementation.
  const x509 = await loadPeculiar();
  const cert = new x509.X509Certificate(ca.certPem);
  const bc = cert.getExtension(x509.BasicConstraintsExtension)!;
  assert.equal(bc.critical, true);
  assert.equal(bc.ca, true);
  const ku = cert.getExtension(x509.KeyUsagesExtension)!;
  assert.equal(ku.critical, true);
  assert.equal(
    ku.usages,
    x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
  );
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension)!;
  const expected = await x509.SubjectKeyIdentifierExtension.create(await cert.publicKey.export());
  assert.equal(ski.keyId, expected.keyId);
  assert.ok(await cert.verify({ signatureOnly: true }));
});

test('createCa takes a common name and a lifetime', async () => {
  const other = new X509Certificate((await createCa('my-ca', 30)).certPem);
  assert.equal(other.subject, 'CN=my-ca');
  const days = (Date.parse(other.validTo) - Date.now()) / 86400e3;
  assert.ok(days > 29.9 && days < 30.1);
});

test('serving certificate: SANs split into DNS and IP (v4 and v6), serverAuth, CN kubeauth', async () => {
  const pair = await issueServingCert(ca, {
    sans: ['localhost', '127.0.0.1', '::1', 'kubernetes.default.svc', '10.96.0.1', 'fd00::10'],
    days: 90,
  });
  const cert = new X509Certificate(pair.certPem);
  assert.equal(cert.subject, 'CN=kubeauth');
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.verify(caCert.publicKey));
  assert.equal(cert.ca, false);
  assert.ok(cert.checkPrivateKey(createPrivateKey(pair.keyPem)));
  assert.match(pair.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']); // node names the EKU list keyUsage
  assert.ok(cert.checkIP('127.0.0.1'));
  assert.ok(cert.checkIP('::1'));
  assert.ok(cert.checkIP('fd00::10'));
  assert.ok(cert.checkHost('localhost'));
  assert.ok(cert.checkHost('kubernetes.default.svc'));
  assert.equal(cert.checkHost('127.0.0.1'), undefined, 'an IP must not be a DNS SAN');
  const days = (Date.parse(cert.validTo) - Date.now()) / 86400e3;
  assert.ok(days > 89.9 && days < 90.1);

  const fields = inspectCertificate(cert.raw);
  assert.deepEqual(fields.dnsNames, ['localhost', 'kubernetes.default.svc']);
  assert.deepEqual(
    fields.ipAddresses.map((b) => b.toString('hex')),
    ['7f000001', '00000000000000000000000000000001', '0a600001', 'fd000000000000000000000000000010'],
  );

  const x509 = await loadPeculiar();
  const p = new x509.X509Certificate(pair.certPem);
  const san = p.getExtension(x509.SubjectAlternativeNameExtension)!;
  assert.deepEqual(
    san.names.toJSON().map((n) => `${n.type}:${n.value}`),
    ['dns:localhost', 'ip:127.0.0.1', 'ip:::1', 'dns:kubernetes.default.svc', 'ip:10.96.0.1', 'ip:fd00::10'],
  );
  const eku = p.getExtension(x509.ExtendedKeyUsageExtension)!;
  assert.deepEqual([...eku.usages], [x509.ExtendedKeyUsage.serverAuth]);
  assert.equal(p.getExtension(x509.BasicConstraintsExtension)!.ca, false);
  const aki = p.getExtension(x509.AuthorityKeyIdentifierExtension)!;
  const caSki = new x509.X509Certificate(ca.certPem).getExtension(x509.SubjectKeyIdentifierExtension)!;
  assert.equal(aki.keyId, caSki.keyId);
  assert.ok(await p.verify({ publicKey: new x509.X509Certificate(ca.certPem), signatureOnly: true }));
});

test('client certificate: CN, one O per organization in order, clientAuth', async () => {
  const pair = await issueClientCert(ca, {
    commonName: 'jane',
    organizations: ['system:masters', 'dev, ops', 'zeta', 'alpha'],
    days: 1,
  });
  const cert = new X509Certificate(pair.certPem);
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.verify(caCert.publicKey));
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  const subject = cert.toLegacyObject().subject as unknown as Record<string, string | string[]>;
  assert.equal(subject.CN, 'jane');
  assert.deepEqual(subject.O, ['system:masters', 'dev, ops', 'zeta', 'alpha']);
  assert.equal(cert.subjectAltName, undefined);
  const x509 = await loadPeculiar();
  const p = new x509.X509Certificate(pair.certPem);
  assert.deepEqual(p.subjectName.getField('O'), ['system:masters', 'dev, ops', 'zeta', 'alpha']);
  assert.deepEqual(p.subjectName.getField('CN'), ['jane']);
  // One RDN per attribute, O first (Go's order).
  assert.equal(p.subjectName.toJSON().length, 5);
  assert.deepEqual(Object.keys(p.subjectName.toJSON()[0]!), ['O']);
});

test('a client certificate without organizations has just a CN', async () => {
  const cert = new X509Certificate((await issueClientCert(ca, { commonName: 'system:kube-proxy' })).certPem);
  assert.equal(cert.subject, 'CN=system:kube-proxy');
  const days = (Date.parse(cert.validTo) - Date.now()) / 86400e3;
  assert.ok(days > 364.9 && days < 365.1, 'defaults to one year');
});

test('a leaf never outlives its CA', async () => {
  const shortCa = await createCa('short', 2);
  const cert = new X509Certificate((await issueClientCert(shortCa, { commonName: 'x', days: 365 })).certPem);
  assert.equal(cert.validTo, new X509Certificate(shortCa.certPem).validTo);
});

test('an RSA CA (e.g. one kubeadm made) signs ECDSA leaves with sha256WithRSA', async () => {
  const x509 = await loadPeculiar();
  // Build the RSA CA with the independent implementation, key as PKCS#1 like kubeadm writes it.
  const keys = await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const rsaCaCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=kubernetes',
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86400e3),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const pkcs1Pem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs1',
    format: 'pem',
  }) as string;
  const rsaCa = { certPem: rsaCaCert.toString('pem'), keyPem: pkcs1Pem };
  const leaf = new X509Certificate((await issueServingCert(rsaCa, { sans: ['127.0.0.1'] })).certPem);
  const rsaX509 = new X509Certificate(rsaCa.certPem);
  assert.ok(leaf.checkIssued(rsaX509));
  assert.ok(leaf.verify(rsaX509.publicKey));
  // No SKI on that CA: the AKI is computed the same way OpenSSL and Go compute SKIs.
  assert.equal(inspectCertificate(rsaX509.raw).subjectKeyIdentifier, undefined);
});

test('loadCa rejects a key that is not the CA key, and a leaf used as a CA', async () => {
  const other = await createCa();
  assert.throws(() => loadCa({ certPem: ca.certPem, keyPem: other.keyPem }), /does not match/);
  const leaf = await issueClientCert(ca, { commonName: 'x' });
  await assert.rejects(issueClientCert(leaf, { commonName: 'y' }), /not a CA/);
  assert.throws(() => loadCa({ certPem: ca.certPem, keyPem: 'garbage' }), /cannot parse the CA key/);
  await assert.rejects(issueServingCert(ca, { sans: [] }), /at least one SAN/);
});

test('openssl accepts the chain with the matching purposes (strict mode)', async (t) => {
  if (!existsSync('/usr/bin/openssl')) return t.skip('openssl not installed');
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-pki-'));
  try {
    const serving = await issueServingCert(ca, { sans: ['localhost', '::1'] });
    const client = await issueClientCert(ca, { commonName: 'a', organizations: ['b'] });
    writeFileSync(join(dir, 'ca.crt'), ca.certPem);
    writeFileSync(join(dir, 's.crt'), serving.certPem);
    writeFileSync(join(dir, 'c.crt'), client.certPem);
    const verify = (purpose: string, file: string) =>
      execFileSync('openssl', ['verify', '-x509_strict', '-purpose', purpose, '-CAfile', 'ca.crt', file], {
        cwd: dir,
        encoding: 'utf8',
      });
    assert.match(verify('sslserver', 's.crt'), /s\.crt: OK/);
    assert.match(verify('sslclient', 'c.crt'), /c\.crt: OK/);
    assert.throws(() => verify('sslserver', 'c.crt'));
    const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-in', 'c.crt'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(subject.trim(), 'subject=O = b, CN = a');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
