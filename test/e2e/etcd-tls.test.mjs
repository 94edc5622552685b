// kubeauth on an etcd that requires client TLS (https, --client-cert-auth): --etcd-cafile, --etcd-certfile and
// --etcd-keyfile as kube-apiserver takes them; a CA that does not sign etcd's certificate is a clear message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeauth, mainJs } from './harness.mjs';
import { call } from './http.mjs';
import { startEtcd } from '../etcd/etcd.mjs';

const { createCa } = await import(new URL('../../packages/server/dist/pki/ca.js', import.meta.url));
const { issueServingCert, issueClientCert } = await import(
  new URL('../../packages/server/dist/pki/certs.js', import.meta.url)
);

let etcd, dir, files;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeauth-etcd-tls-'));
  const ca = await createCa('etcd-ca');
  const server = await issueServingCert(ca, { sans: ['127.0.0.1', 'localhost'], commonName: 'etcd' });
  const client = await issueClientCert(ca, { commonName: 'kube-apiserver-etcd-client' });
  const other = await createCa('not-etcds-ca');
  const otherClient = await issueClientCert(other, { commonName: 'stranger' });
  const file = (name, pem) => {
    const p = join(dir, name);
    writeFileSync(p, pem, { mode: 0o600 });
    return p;
  };
  files = {
    ca: file('ca.crt', ca.certPem),
    cert: file('client.crt', client.certPem),
    key: file('client.key', client.keyPem),
    otherCa: file('other-ca.crt', other.certPem),
    otherCert: file('other-client.crt', otherClient.certPem),
    otherKey: file('other-client.key', otherClient.keyPem),
  };
  etcd = await startEtcd({
    tls: {
      ca: ca.certPem,
      serverCert: server.certPem,
      serverKey: server.keyPem,
      clientCert: client.certPem,
      clientKey: client.keyPem,
    },
  });
});
after(async () => {
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('with --etcd-cafile/--etcd-certfile/--etcd-keyfile kubeauth serves from a TLS etcd', async () => {
  assert.match(etcd.endpoints, /^https:\/\//);
  const s = await startKubeauth([
    '--storage-backend=etcd3',
    `--etcd-servers=${etcd.endpoints}`,
    `--etcd-cafile=${files.ca}`,
    `--etcd-certfile=${files.cert}`,
    `--etcd-keyfile=${files.key}`,
  ]);
  try {
    const w = await call(s, '/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'over-tls' }, data: { k: 'v' } }),
    });
    assert.equal(w.status, 201);
    const r = await call(s, '/api/v1/namespaces/default/configmaps/over-tls');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.data, { k: 'v' });
    const ready = await call(s, '/readyz?verbose');
    assert.equal(ready.status, 200);
    assert.match(ready.body, /\[\+\]etcd ok/);
  } finally {
    await s.stop();
  }
});

/** Starts kubeauth expecting it to wait for etcd; resolves with the first "waiting for etcd" log line. */
async function firstWait(flags) {
  const d = mkdtempSync(join(tmpdir(), 'kubeauth-e2e-'));
  const child = spawn(
    process.execPath,
    [mainJs, 'serve', '--secure-port=0', `--data-dir=${d}`, '--log-level=warn', ...flags],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (x) => (stdout += x));
  try {
    return await new Promise((resolve, reject) => {
      child.stderr.on('data', (x) => {
        stderr += x;
        const line = stderr.split('\n').find((l) => l.includes('waiting for etcd'));
        if (line) resolve({ entry: JSON.parse(line), stdout });
      });
      child.once('exit', (c) => reject(new Error(`kubeauth exited ${c}: ${stderr}`)));
    });
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(d, { recursive: true, force: true });
  }
}

test("a --etcd-cafile that did not sign etcd's certificate: kubeauth waits, saying the certificate is not trusted", async () => {
  const { entry, stdout } = await firstWait([
    '--storage-backend=etcd3',
    `--etcd-servers=${etcd.endpoints}`,
    `--etcd-cafile=${files.otherCa}`,
    `--etcd-certfile=${files.cert}`,
    `--etcd-keyfile=${files.key}`,
  ]);
  assert.equal(stdout, '');
  assert.equal(entry.msg, `waiting for etcd at ${etcd.endpoints}`);
  assert.equal(
    entry.err,
    `etcd's serving certificate is not signed by --etcd-cafile ${files.otherCa}: x509: certificate signed by unknown authority (unable to verify the first certificate)`,
  );
});

test('a client certificate etcd does not trust: kubeauth waits, saying etcd refused it', async () => {
  const { entry } = await firstWait([
    '--storage-backend=etcd3',
    `--etcd-servers=${etcd.endpoints}`,
    `--etcd-cafile=${files.ca}`,
    `--etcd-certfile=${files.otherCert}`,
    `--etcd-keyfile=${files.otherKey}`,
  ]);
  assert.match(
    entry.err,
    new RegExp(
      `^etcd refused the client certificate --etcd-certfile ${files.otherCert.replace(/[.]/g, '\\.')} \\(is it signed by the CA etcd trusts for clients\\?\\): .*bad certificate`,
    ),
  );
});

test('no client certificate for an etcd that requires one: kubeauth waits, naming the flags to set', async () => {
  const { entry } = await firstWait([
    '--storage-backend=etcd3',
    `--etcd-servers=${etcd.endpoints}`,
    `--etcd-cafile=${files.ca}`,
  ]);
  assert.equal(entry.err, 'etcd requires a client certificate: set --etcd-certfile and --etcd-keyfile');
});
