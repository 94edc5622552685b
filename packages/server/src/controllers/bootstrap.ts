// Objects every cluster starts with: the system namespaces (their default ServiceAccounts and root CA
// ConfigMaps follow from the namespace controller).
import type { SystemClient } from './client.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapNamespaces(client: SystemClient): Promise<void> {
  await Promise.all(
    systemNamespaces
      .filter((name) => !client.get('', 'namespaces', '', name))
      .map((name) => client.create('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
}
