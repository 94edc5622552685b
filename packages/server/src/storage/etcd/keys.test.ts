import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdKeys } from './keys.js';

test("store keys map to kube-apiserver's etcd layout and back", () => {
  const k = new EtcdKeys('/registry');
  const cases: Array<[string, string]> = [
    ['/core/serviceaccounts/default/sa', '/registry/serviceaccounts/default/sa'],
    ['/core/namespaces/kube-system', '/registry/namespaces/kube-system'],
    ['/rbac.authorization.k8s.io/clusterroles/admin', '/registry/clusterroles/admin'],
    [
      '/coordination.k8s.io/leases/kube-system/kube-controller-manager',
      '/registry/leases/kube-system/kube-controller-manager',
    ],
    [
      '/apiextensions.k8s.io/customresourcedefinitions/a.b',
      '/registry/apiextensions.k8s.io/customresourcedefinitions/a.b',
    ],
  ];
  for (const [store, etcd] of cases) {
    assert.equal(k.toEtcd(store), etcd);
    assert.equal(k.fromEtcd(etcd), store);
  }
});

test('keys outside the prefix are not the store’s; prefixes are normalised', () => {
  const k = new EtcdKeys('registry/');
  assert.equal(k.prefix, '/registry');
  assert.equal(k.fromEtcd('compact_rev_key'), undefined);
  assert.equal(k.fromEtcd('/registryx/pods/a'), undefined);
  assert.equal(k.fromEtcd('/registry/pods'), undefined);
  assert.equal(new EtcdKeys('/a/b').toEtcd('/core/pods/ns/p'), '/a/b/pods/ns/p');
});
