// Seeds objects straight into <dir>/kubeauth.db through Store.createMany (run with the server stopped).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ROOT } from './lib.mjs';

export async function seedServiceAccounts(dir, { listNs, listCount, total }) {
  const { Store } = await import(path.join(ROOT, 'packages/server/dist/storage/store.js'));
  const { SqliteBackend } = await import(path.join(ROOT, 'packages/server/dist/storage/sqlite.js'));
  const store = await Store.open(new SqliteBackend(path.join(dir, 'kubeauth.db')));
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const mk = (ns, name) => ({
    key: `/core/serviceaccounts/${ns}/${name}`,
    object: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: ns, uid: randomUUID(), creationTimestamp: ts },
    },
  });
  const items = [];
  for (let i = 0; i < listCount; i++) items.push(mk(listNs, `sa-${String(i).padStart(5, '0')}`));
  for (let i = listCount; i < total; i++) items.push(mk(`ns-${i % 40}`, `sa-${i}`));
  for (let i = 0; i < items.length; i += 5000) await store.createMany(items.slice(i, i + 5000));
  await store.close();
}

/** RBAC objects (Roles, ClusterRoles and their bindings, e.g. bench/rbac.mjs syntheticPolicy) into `dir`'s store. */
export async function seedRbacObjects(dir, objects) {
  const { Store } = await import(path.join(ROOT, 'packages/server/dist/storage/store.js'));
  const { SqliteBackend } = await import(path.join(ROOT, 'packages/server/dist/storage/sqlite.js'));
  const store = await Store.open(new SqliteBackend(path.join(dir, 'kubeauth.db')));
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const plural = {
    Role: 'roles',
    ClusterRole: 'clusterroles',
    RoleBinding: 'rolebindings',
    ClusterRoleBinding: 'clusterrolebindings',
  };
  const items = objects.map((o) => {
    const ns = o.metadata.namespace;
    const key = `/rbac.authorization.k8s.io/${plural[o.kind]}/${ns ? `${ns}/` : ''}${o.metadata.name}`;
    return { key, object: { ...o, metadata: { ...o.metadata, uid: randomUUID(), creationTimestamp: ts } } };
  });
  for (let i = 0; i < items.length; i += 5000) await store.createMany(items.slice(i, i + 5000));
  await store.close();
}
