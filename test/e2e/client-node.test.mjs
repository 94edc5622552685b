// @kubernetes/client-node against kubeauth: create/list/watch/patch/delete for every foundation resource.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startKubeauth, eventually } from './harness.mjs';

let s;
let kc;
before(async () => {
  s = await startKubeauth();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(s.kubeconfig);
});
after(async () => {
  await s?.stop();
});

const ns = 'client-node';
const objects = [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1', namespace: ns } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec1', namespace: ns }, stringData: { a: 'b' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: ns }, data: { a: 'b' } },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pod1', namespace: ns },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } },
  {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'ev1', namespace: ns },
    involvedObject: { kind: 'Pod', name: 'pod1', namespace: ns },
    reason: 'Test',
    message: 'hello',
    type: 'Normal',
  },
];

test('namespace lifecycle with the typed CoreV1Api', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const created = await core.createNamespace({ body: { metadata: { name: ns } } });
  assert.equal(created.status.phase, 'Active');
  assert.equal(created.metadata.labels['kubernetes.io/metadata.name'], ns);
  const list = await core.listNamespace();
  assert.ok(list.items.some((n) => n.metadata.name === ns));
  await eventually(
    async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace: ns })).metadata.name,
  );
  const cm = await core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: ns });
  assert.match(cm.data['ca.crt'], /BEGIN CERTIFICATE/);
});

for (const obj of objects) {
  test(`${obj.kind}: create, read, list, watch, patch, delete`, async () => {
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const events = [];
    const watch = new k8s.Watch(kc);
    const path = `/api/v1${obj.metadata.namespace ? `/namespaces/${ns}` : ''}/${obj.kind.toLowerCase()}s`;
    const ctl = await watch.watch(
      path,
      {},
      (type, o) => {
        if (o.metadata?.name === obj.metadata.name) events.push(type);
      },
      () => undefined,
    );
    try {
      const c = await api.create(obj);
      assert.ok(c.metadata.uid);
      assert.ok(c.metadata.resourceVersion);
      const r = await api.read({ apiVersion: 'v1', kind: obj.kind, metadata: obj.metadata });
      assert.equal(r.metadata.uid, c.metadata.uid);
      const l = await api.list('v1', obj.kind, obj.metadata.namespace);
      assert.ok(l.items.some((i) => i.metadata.name === obj.metadata.name));
      const p = await api.patch(
        { apiVersion: 'v1', kind: obj.kind, metadata: { ...obj.metadata, labels: { patched: 'yes' } } },
        undefined,
        undefined,
        undefined,
        undefined,
        k8s.PatchStrategy.MergePatch,
      );
      assert.equal(p.metadata.labels.patched, 'yes');
      await api.delete({ apiVersion: 'v1', kind: obj.kind, metadata: obj.metadata });
      await eventually(() => events.includes('DELETED'));
      assert.deepEqual(events.slice(0, 2), ['ADDED', 'MODIFIED']);
    } finally {
      ctl.abort();
    }
  });
}
