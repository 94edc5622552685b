import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConfigError } from './errors.js';
import { loadKubeconfig, parseKubeconfig } from './kubeconfig.js';
import { KubeConnection } from './connection.js';
import { testPki } from './test/pki.js';
import { tempDir } from './test/helpers.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function kubeconfig(opts: { currentContext?: string | null; caData?: string; user?: string; extraUser?: string } = {}) {
  const pki = testPki();
  return `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${opts.caData ?? b64(pki.caCert)}
contexts:
- name: ctx1
  context:
    cluster: c1
    user: ${opts.user ?? 'u1'}
    namespace: team-a
- name: broken-cluster
  context:
    cluster: nope
    user: u1
${opts.currentContext === null ? '' : `current-context: ${opts.currentContext ?? 'ctx1'}\n`}users:
- name: u1
  user:
    token: secret-token
${opts.extraUser ?? ''}`;
}

function expectConfigError(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

describe('kubeconfig', () => {
  it('resolves the current context: server, CA data, token, namespace', () => {
    const r = parseKubeconfig(kubeconfig(), { path: '/tmp/x/config' });
    assert.equal(r.contextName, 'ctx1');
    assert.equal(r.clusterName, 'c1');
    assert.equal(r.userName, 'u1');
    assert.equal(r.namespace, 'team-a');
    assert.equal(r.connection.server, 'https://127.0.0.1:6443');
    assert.equal(r.connection.token, 'secret-token');
    assert.match(String(r.connection.ca), /BEGIN CERTIFICATE/);
  });

  it('reads JSON kubeconfigs', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1', 'insecure-skip-tls-verify': true } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      'current-context': 'x',
    });
    const r = parseKubeconfig(json);
    assert.equal(r.connection.insecureSkipTLSVerify, true);
    assert.equal(r.connection.token, 't');
  });

  it('errors clearly without a current context, listing the contexts', () => {
    expectConfigError(
      () => parseKubeconfig(kubeconfig({ currentContext: null }), { path: '/k/config' }),
      'ERR_KUBECONFIG_NO_CURRENT_CONTEXT',
      /kubeconfig "\/k\/config" has no current-context; .*use-context.*\(contexts: ctx1, broken-cluster\)/,
    );
    // An explicit context works without one.
    assert.equal(parseKubeconfig(kubeconfig({ currentContext: null }), { context: 'ctx1' }).contextName, 'ctx1');
  });

  it('errors clearly for a missing context, cluster or user', () => {
    expectConfigError(
      () => parseKubeconfig(kubeconfig({ currentContext: 'ghost' })),
      'ERR_KUBECONFIG_CONTEXT_NOT_FOUND',
      /context "ghost" not found/,
    );
    expectConfigError(
      () => parseKubeconfig(kubeconfig({ currentContext: 'broken-cluster' })),
      'ERR_KUBECONFIG_CLUSTER_NOT_FOUND',
      /cluster "nope" of context "broken-cluster" not found/,
    );
    expectConfigError(
      () => parseKubeconfig(kubeconfig({ user: 'nobody' })),
      'ERR_KUBECONFIG_USER_NOT_FOUND',
      /user "nobody" of context "ctx1" not found/,
    );
  });

  it('rejects a CA that is not PEM (inline data and file)', () => {
    expectConfigError(
      () => parseKubeconfig(kubeconfig({ caData: b64('definitely not a certificate') })),
      'ERR_INVALID_PEM',
      /certificate-authority-data of cluster "c1" is not a PEM certificate/,
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'ca.crt'), 'garbage');
    writeFileSync(
      join(dir, 'config'),
      kubeconfig().replace(/certificate-authority-data: .*/, 'certificate-authority: ca.crt'),
    );
    expectConfigError(
      () => loadKubeconfig({ path: join(dir, 'config') }),
      'ERR_INVALID_PEM',
      new RegExp(`certificate-authority "${join(dir, 'ca.crt')}" of cluster "c1" is not a PEM certificate`),
    );
    writeFileSync(
      join(dir, 'config'),
      kubeconfig().replace(/certificate-authority-data: .*/, 'certificate-authority: missing.crt'),
    );
    expectConfigError(
      () => loadKubeconfig({ path: join(dir, 'config') }),
      'ERR_FILE_UNREADABLE',
      /missing\.crt.*ENOENT/,
    );
  });

  it('resolves relative file paths against the kubeconfig and reads client certificates and tokenFile', () => {
    const pki = testPki();
    const dir = tempDir();
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'ca.crt'), pki.caCert);
    writeFileSync(join(dir, 'certs', 'client.crt'), pki.clientCert);
    writeFileSync(join(dir, 'certs', 'client.key'), pki.clientKey);
    writeFileSync(
      join(dir, 'config'),
      `clusters:
- name: c
  cluster:
    server: https://[::1]:6443
    certificate-authority: certs/ca.crt
    tls-server-name: kubernetes.default
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
users:
- name: u
  user:
    client-certificate: certs/client.crt
    client-key: certs/client.key
    tokenFile: certs/token
`,
    );
    const r = loadKubeconfig({ path: join(dir, 'config') });
    assert.match(String(r.connection.cert), /BEGIN CERTIFICATE/);
    assert.match(String(r.connection.key), /PRIVATE KEY/);
    assert.equal(r.connection.tokenFile, join(dir, 'certs', 'token'));
    assert.equal(r.connection.tlsServerName, 'kubernetes.default');
    const conn = KubeConnection.fromKubeconfig({ path: join(dir, 'config') });
    assert.equal(conn.server, 'https://[::1]:6443');
    conn.close();
  });

  it('merges a KUBECONFIG list: first definition and first current-context win, missing files skipped', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a'),
      'clusters:\n- name: c\n  cluster: {server: "https://first:1"}\ncontexts:\n- name: x\n  context: {cluster: c}\n',
    );
    writeFileSync(
      join(dir, 'b'),
      'current-context: x\nclusters:\n- name: c\n  cluster: {server: "https://second:2"}\n',
    );
    const env = { KUBECONFIG: [join(dir, 'missing'), join(dir, 'a'), join(dir, 'b')].join(delimiter) };
    const r = loadKubeconfig({ env });
    assert.equal(r.connection.server, 'https://first:1');
    assert.equal(r.userName, '');
    assert.deepEqual(r.paths, [join(dir, 'a'), join(dir, 'b')]);
    expectConfigError(
      () => loadKubeconfig({ env: { KUBECONFIG: join(dir, 'missing') } }),
      'ERR_KUBECONFIG_NOT_FOUND',
      /no kubeconfig found/,
    );
    expectConfigError(() => loadKubeconfig({ path: join(dir, 'missing') }), 'ERR_KUBECONFIG_NOT_FOUND', /ENOENT/);
  });

  it('rejects unsupported credentials and unparsable files', () => {
    const exec = kubeconfig().replace(
      '    token: secret-token\n',
      '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n',
    );
    expectConfigError(() => parseKubeconfig(exec), 'ERR_KUBECONFIG_UNSUPPORTED', /exec plugin/);
    const basic = kubeconfig().replace('    token: secret-token\n', '    username: admin\n    password: x\n');
    expectConfigError(() => parseKubeconfig(basic), 'ERR_KUBECONFIG_UNSUPPORTED', /"username" is not supported/);
    expectConfigError(
      () => parseKubeconfig('a: "unterminated\n'),
      'ERR_KUBECONFIG_PARSE',
      /does not parse: line 2: Missing closing "quote/,
    );
    expectConfigError(() => parseKubeconfig('- a\n- b\n'), 'ERR_KUBECONFIG_PARSE', /is not a mapping/);
    const noServer = kubeconfig().replace('    server: https://127.0.0.1:6443\n', '');
    expectConfigError(() => parseKubeconfig(noServer), 'ERR_KUBECONFIG_INVALID', /cluster "c1" .* has no server/);
  });
});
