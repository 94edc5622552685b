import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { createCa } from './ca.js';
import { issueClientCert, issueServingCert } from './certs.js';
import { parseKubeconfig, parseKubeconfigFile, renderKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { peerIdentity } from './tls.js';

const run = promisify(execFile);
const kubectl = '/usr/bin/kubectl';
const ca = await createCa();
const admin = await issueClientCert(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const adminConfig = (server = 'https://127.0.0.1:6443') =>
  renderKubeconfig({
    server,
    caPem: ca.certPem,
    user: { name: 'kubernetes-admin', clientCertPem: admin.certPem, clientKeyPem: admin.keyPem },
  });

test("renders kubectl's layout", () => {
  const text = adminConfig();
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  assert.equal(
    text,
    [
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      `    certificate-authority-data: ${b64(ca.certPem)}`,
      '    server: https://127.0.0.1:6443',
      '  name: kubeauth',
      'contexts:',
      '- context:',
      '    cluster: kubeauth',
      '    user: kubernetes-admin',
      '  name: kubeauth',
      'current-context: kubeauth',
      'kind: Config',
      'preferences: {}',
      'users:',
      '- name: kubernetes-admin',
      '  user:',
      `    client-certificate-data: ${b64(admin.certPem)}`,
      `    client-key-data: ${b64(admin.keyPem)}`,
      '',
    ].join('\n'),
  );
  assert.deepEqual(Object.keys(parse(text) as object), [
    'apiVersion',
    'clusters',
    'contexts',
    'current-context',
    'kind',
    'preferences',
    'users',
  ]);
});

test('round trip through parseKubeconfig', () => {
  const c = parseKubeconfig(adminConfig());
  assert.equal(c.server, 'https://127.0.0.1:6443');
  assert.equal(c.caPem, ca.certPem);
  assert.equal(c.clientCertPem, admin.certPem);
  assert.equal(c.clientKeyPem, admin.keyPem);
  assert.equal(c.token, undefined);
  assert.equal(c.namespace, undefined);
  assert.equal(c.insecureSkipTlsVerify, false);
  assert.equal(c.contextName, 'kubeauth');
  assert.equal(c.clusterName, 'kubeauth');
  assert.equal(c.userName, 'kubernetes-admin');
});

test('token users, namespaces and awkward names survive the round trip', () => {
  const names = [
    'system:serviceaccount:default:ci',
    'with space',
    '6443',
    'true',
    'a: b',
    'x#y',
    '"q"',
    'tail:',
    '-dash',
  ];
  for (const name of names) {
    const text = renderKubeconfig({
      server: 'https://[::1]:6443',
      caPem: ca.certPem,
      user: { name, token: `tok-${name}` },
      clusterName: `c-${name}`,
      contextName: name,
      namespace: name === 'true' ? 'kube-system' : undefined,
    });
    const c = parseKubeconfig(text);
    assert.equal(c.userName, name);
    assert.equal(c.contextName, name);
    assert.equal(c.clusterName, `c-${name}`);
    assert.equal(c.token, `tok-${name}`);
    assert.equal(c.server, 'https://[::1]:6443');
    assert.equal(c.namespace, name === 'true' ? 'kube-system' : undefined);
    assert.equal(c.clientCertPem, undefined);
  }
});

test('parse errors are clear', () => {
  const doc = parse(adminConfig()) as Record<string, unknown>;
  const without = (patch: Record<string, unknown>) => JSON.stringify({ ...doc, ...patch });
  assert.throws(() => parseKubeconfig(without({ 'current-context': '' })), /no current-context/);
  assert.throws(() => parseKubeconfig(without({ 'current-context': 'nope' })), /context "nope" not found/);
  assert.throws(() => parseKubeconfig(without({ clusters: [] })), /cluster "kubeauth" .* not found/);
  assert.throws(() => parseKubeconfig(without({ users: [] })), /user "kubernetes-admin" .* not found/);
  assert.throws(() => parseKubeconfig(''), /empty or not a mapping/);
  assert.throws(() => parseKubeconfig('a: [b'), /not valid YAML/);
  assert.throws(() => parseKubeconfig(adminConfig(), { context: 'other' }), /context "other" not found/);
});

test('file references resolve against the kubeconfig folder; inline data wins', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'client.crt'), admin.certPem);
  writeFileSync(join(dir, 'client.key'), admin.keyPem);
  writeFileSync(join(dir, 'token'), 'abc\n');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'ctx',
    clusters: [{ name: 'c', cluster: { server: 'https://h:1', 'certificate-authority': 'ca.crt' } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'ns1' } }],
    users: [
      {
        name: 'u',
        user: {
          'client-certificate': join(dir, 'client.crt'),
          'client-key': 'client.key',
          'client-key-data': Buffer.from('INLINE').toString('base64'),
          tokenFile: 'token',
        },
      },
    ],
  };
  writeFileSync(join(dir, 'config'), JSON.stringify(config));
  const c = parseKubeconfigFile(join(dir, 'config'));
  assert.equal(c.caPem, ca.certPem);
  assert.equal(c.clientCertPem, admin.certPem);
  assert.equal(c.clientKeyPem, 'INLINE');
  assert.equal(c.token, 'abc');
  assert.equal(c.namespace, 'ns1');
});

test('writeKubeconfig writes mode 0600, replacing the file', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'admin.kubeconfig');
  writeFileSync(path, 'old', { mode: 0o644 });
  writeKubeconfig(path, adminConfig());
  assert.equal(readFileSync(path, 'utf8'), adminConfig());
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('kubectl reads the file (config view --minify)', async (t) => {
  if (!existsSync(kubectl)) return t.skip('kubectl not installed');
  const dir = tempDir(t);
  const path = join(dir, 'config');
  writeKubeconfig(
    path,
    renderKubeconfig({
      server: 'https://127.0.0.1:6443',
      caPem: ca.certPem,
      user: { name: 'kubernetes-admin', clientCertPem: admin.certPem, clientKeyPem: admin.keyPem },
      namespace: 'kube-system',
    }),
  );
  const { stdout } = await run(kubectl, ['--kubeconfig', path, 'config', 'view', '--minify', '--raw', '-o', 'json']);
  const view = JSON.parse(stdout) as {
    'current-context': string;
    clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
    contexts: Array<{ name: string; context: { cluster: string; user: string; namespace: string } }>;
    users: Array<{ name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }>;
  };
  assert.equal(view['current-context'], 'kubeauth');
  assert.equal(view.clusters[0]!.cluster.server, 'https://127.0.0.1:6443');
  assert.equal(Buffer.from(view.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString(), ca.certPem);
  assert.deepEqual(view.contexts[0], {
    name: 'kubeauth',
    context: { cluster: 'kubeauth', user: 'kubernetes-admin', namespace: 'kube-system' },
  });
  assert.equal(view.users[0]!.name, 'kubernetes-admin');
  assert.equal(Buffer.from(view.users[0]!.user['client-key-data'], 'base64').toString(), admin.keyPem);
});

test('kubectl connects with the kubeconfig: verifies the ECDSA serving cert and presents the client cert', async (t) => {
  if (!existsSync(kubectl)) return t.skip('kubectl not installed');
  const serving = await issueServingCert(ca, { sans: ['localhost', '127.0.0.1', '::1'] });
  const seen: Array<{ authorized: boolean; user: string; groups: string[] }> = [];
  const server = createServer(
    { cert: serving.certPem, key: serving.keyPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const id = peerIdentity(socket.getPeerCertificate());
      seen.push({ authorized: socket.authorized, user: id.commonName, groups: id.organizations });
      res.setHeader('content-type', 'text/plain');
      res.end('ok');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const dir = tempDir(t);
  const path = join(dir, 'config');
  writeKubeconfig(path, adminConfig(`https://127.0.0.1:${port}`));
  const { stdout } = await run(kubectl, ['--kubeconfig', path, 'get', '--raw', '/healthz']);
  assert.equal(stdout, 'ok');
  assert.deepEqual(seen.at(-1), { authorized: true, user: 'kubernetes-admin', groups: ['system:masters'] });
});
