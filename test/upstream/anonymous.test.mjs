// Ports of test/integration/apiserver/anonymous/anonymous_test.go TestStructuredAuthenticationConfig
// (kubernetes/kubernetes; revision in ledger.json): the anonymous authenticator configured by an
// AuthenticationConfiguration (--authentication-config), with and without path conditions, under RBAC.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, call, create } from './lib.mjs';

const servers = [];
after(() => Promise.all(servers.map((s) => s.stop())));

async function serverWith(authConfig) {
  const file = join(mkdtempSync(join(tmpdir(), 'kubeauth-anonymous-')), 'auth-config.yaml');
  writeFileSync(file, authConfig);
  const s = await startServer([`--authentication-config=${file}`]);
  servers.push(s);
  return s;
}

/** upstream's configureRBAC: system:anonymous may list pods in default. */
async function configureRBAC(s) {
  await create(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'developer-role', namespace: 'default' },
    rules: [{ verbs: ['list'], resources: ['pods'], apiGroups: [''] }],
  });
  await create(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'developer-role-binding', namespace: 'default' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'developer-role' },
  });
}

const anonymousStatus = async (s, path) => (await call(s, path, { anonymous: true })).status;

test('[it.anonymous.TestStructuredAuthenticationConfig.valid-config-no-conditions] valid config no conditions', async () => {
  const s = await serverWith(`
apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
anonymous:
  enabled: true
`);
  await configureRBAC(s);
  assert.equal(await anonymousStatus(s, '/api/v1/namespaces/default/pods'), 200);
  assert.equal(await anonymousStatus(s, '/livez'), 200);
  assert.equal(await anonymousStatus(s, '/healthz'), 200);
});

test('[it.anonymous.TestStructuredAuthenticationConfig.valid-config-with-conditions] valid config with conditions', async () => {
  const s = await serverWith(`
apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
anonymous:
  enabled: true
  conditions:
  - path: "/livez"
`);
  assert.equal(await anonymousStatus(s, '/api/v1/namespaces/default/pods'), 401);
  assert.equal(await anonymousStatus(s, '/livez'), 200);
  assert.equal(await anonymousStatus(s, '/healthz'), 401);
});
