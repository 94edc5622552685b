// Seeds ServiceAccounts straight into <dir>/kubeauth.db through Store.createMany (run with the server stopped).
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
