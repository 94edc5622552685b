import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allStored, storedResources, type StoredResourceDeps } from '../../registry/resources.js';
import { keyFor } from '../../registry/rest.js';
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
    ['/core/services/default/kubernetes', '/registry/services/specs/default/kubernetes'],
    ['/core/endpoints/default/kubernetes', '/registry/services/endpoints/default/kubernetes'],
    ['/core/nodes/n1', '/registry/minions/n1'],
    ['/discovery.k8s.io/endpointslices/default/kubernetes', '/registry/endpointslices/default/kubernetes'],
    ['/example.com/widgets/ns/w', '/registry/example.com/widgets/ns/w'],
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

test('every stored resource, namespaced or not, maps to an etcd key that maps back to it', () => {
  const k = new EtcdKeys('/registry');
  const defs = allStored(storedResources({} as StoredResourceDeps));
  assert.ok(defs.length > 12, String(defs.length));
  const seen = new Map<string, string>();
  for (const d of defs) {
    const store = keyFor(d, 'ns1', 'name1');
    const etcd = k.toEtcd(store);
    assert.equal(k.fromEtcd(etcd), store, `${d.group}/${d.resource}`);
    const other = seen.get(etcd);
    assert.ok(other === undefined || other === store, `${store} and ${other} share ${etcd}`);
    seen.set(etcd, store);
  }
});
