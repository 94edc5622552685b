// A controller-style test: an informer from @kubernetes/client-node, running as a ServiceAccount that RBAC lets
// read ConfigMaps in its namespace and nothing else, against startKubeauth. The controller sees objects
// appear through its watch, and a write it should not make is refused with kube-apiserver's 403.
// Run: node --test examples/testing/informer.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startKubeauth } from 'kubeauth/testing';

let kube;
before(async () => {
  kube = await startKubeauth();
  await kube.createNamespace('shop');
  await kube.createServiceAccount('shop', 'controller');
  await kube.apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: configmap-reader, namespace: shop }
rules:
  - apiGroups: ['']
    resources: [configmaps]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: controller-reads-configmaps, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-reader }
subjects:
  - { kind: ServiceAccount, name: controller, namespace: shop }
`);
});
after(() => kube.close());

test('the informer sees a ConfigMap appear; RBAC refuses the write it should not make', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromString((await kube.kubeconfigFor({ serviceAccount: { namespace: 'shop', name: 'controller' } })).yaml);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/shop/configmaps', () =>
    core.listNamespacedConfigMap({ namespace: 'shop' }),
  );
  const seen = new Promise((resolve) =>
    informer.on('add', (cm) => {
      if (cm.metadata?.name === 'orders') resolve(cm);
    }),
  );
  await informer.start();
  try {
    await kube.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'orders', namespace: 'shop' },
      data: { size: '3' },
    });
    const cm = await seen;
    assert.equal(cm.data.size, '3');

    await assert.rejects(
      core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'stolen' } } }),
      (e) => {
        assert.equal(e.code, 403);
        assert.equal(
          JSON.parse(e.body).message,
          'secrets is forbidden: User "system:serviceaccount:shop:controller" cannot create resource "secrets" in API group "" in the namespace "shop"',
        );
        return true;
      },
    );
  } finally {
    await informer.stop();
  }
});
