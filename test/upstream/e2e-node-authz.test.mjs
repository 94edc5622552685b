// Ports of test/e2e/auth/node_authz.go (kubernetes/kubernetes; revision in ledger.json): a client impersonating a
// node (system:node:<name> in system:nodes) is refused Secrets, ConfigMaps and other Nodes with Forbidden — never
// NotFound, so a node cannot probe which objects exist. Upstream's cluster runs Node,RBAC; kubeauth serves RBAC
// only (no Node authorizer), where system:nodes has no binding, so the same requests are Forbidden by RBAC. The
// spec that needs the Node authorizer's grant (a secret used by a pod on the node) is not applicable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create, createNamespace } from './lib.mjs';

const nodeName = 'node-authz-node';
const asNode = { headers: { 'Impersonate-User': `system:node:${nodeName}`, 'Impersonate-Group': 'system:nodes' } };
let s;
let n = 0;
const freshNamespace = async () => (await createNamespace(s, `node-authz-${++n}`)).metadata.name;

before(async () => {
  s = await startServer();
});
after(() => s?.stop());

function assertForbidden(r) {
  assert.equal(r.status, 403, r.body);
  assert.equal(r.json.kind, 'Status');
  assert.equal(r.json.reason, 'Forbidden');
}

test('[e2e.node_authz.getting-a-non-existent-secret-should-exit-with-the-forbidden-error-not-a-notfound-error] Getting a non-existent secret should exit with the Forbidden error, not a NotFound error', async () => {
  const ns = await freshNamespace();
  assertForbidden(await req(s, 'GET', `/api/v1/namespaces/${ns}/secrets/foo`, undefined, asNode));
});

test('[e2e.node_authz.getting-an-existing-secret-should-exit-with-the-forbidden-error] Getting an existing secret should exit with the Forbidden error', async () => {
  const ns = await freshNamespace();
  await create(s, `/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'node-auth-secret' },
    stringData: {},
  });
  assertForbidden(await req(s, 'GET', `/api/v1/namespaces/${ns}/secrets/node-auth-secret`, undefined, asNode));
});

test('[e2e.node_authz.getting-a-non-existent-configmap-should-exit-with-the-forbidden-error-not-a-notfound-error] Getting a non-existent configmap should exit with the Forbidden error, not a NotFound error', async () => {
  const ns = await freshNamespace();
  assertForbidden(await req(s, 'GET', `/api/v1/namespaces/${ns}/configmaps/foo`, undefined, asNode));
});

test('[e2e.node_authz.getting-an-existing-configmap-should-exit-with-the-forbidden-error] Getting an existing configmap should exit with the Forbidden error', async () => {
  const ns = await freshNamespace();
  await create(s, `/api/v1/namespaces/${ns}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'node-auth-configmap' },
    data: { data: 'content' },
  });
  assertForbidden(await req(s, 'GET', `/api/v1/namespaces/${ns}/configmaps/node-auth-configmap`, undefined, asNode));
});

test("[e2e.node_authz.a-node-shouldn't-be-able-to-create-another-node] A node shouldn't be able to create another node", async () => {
  const r = await req(
    s,
    'POST',
    '/api/v1/nodes',
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'foo' } },
    asNode,
  );
  assertForbidden(r);
  // and nothing was created
  assert.equal((await req(s, 'GET', '/api/v1/nodes/foo')).status, 404);
});

test("[e2e.node_authz.a-node-shouldn't-be-able-to-delete-another-node] A node shouldn't be able to delete another node", async () => {
  assertForbidden(await req(s, 'DELETE', '/api/v1/nodes/foo', undefined, asNode));
});
