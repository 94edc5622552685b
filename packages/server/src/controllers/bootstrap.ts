// Objects every cluster starts with: the system namespaces (their default ServiceAccounts and root CA
// ConfigMaps follow from the namespace controller).
import type { SystemClient } from './client.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapNamespaces(client: SystemClient): Promise<void> {
  for (const name of systemNamespaces) {
    if (client.get('', 'namespaces', '', name)) continue;
    await client.create('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
}
