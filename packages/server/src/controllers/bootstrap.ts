// Objects every cluster starts with: the system namespaces (their default ServiceAccounts and root CA
// ConfigMaps follow from the namespace controller) and the legacy token tracking ConfigMap.
import type { SystemClient } from './client.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapNamespaces(client: SystemClient, now: () => number = Date.now): Promise<void> {
  await Promise.all(
    systemNamespaces
      .filter((name) => !client.get('', 'namespaces', '', name))
      .map((name) => client.create('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
  await legacyTokenTracking(client, now);
}

export const legacyTokenTrackingConfigMap = 'kube-apiserver-legacy-service-account-token-tracking';

/**
 * kube-apiserver's legacytokentracking controller (pkg/controlplane/controller/legacytokentracking): the
 * kube-system ConfigMap whose `since` (a UTC date, 2006-01-02) says from when the use of legacy Secret-based tokens
 * has been tracked (the `kubernetes.io/legacy-token-last-used` label). Created once; a value that is not such a
 * date is reset to today.
 */
async function legacyTokenTracking(client: SystemClient, now: () => number): Promise<void> {
  const today = new Date(now()).toISOString().slice(0, 10);
  const cur = client.get('', 'configmaps', 'kube-system', legacyTokenTrackingConfigMap);
  if (!cur) {
    await client.create('', 'configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: legacyTokenTrackingConfigMap, namespace: 'kube-system' },
      data: { since: today },
    });
    return;
  }
  const since = (cur.object as { data?: Record<string, string> }).data?.since ?? '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(since) && !Number.isNaN(Date.parse(`${since}T00:00:00Z`))) return;
  await client.update('', 'configmaps', 'kube-system', legacyTokenTrackingConfigMap, (o) => ({
    ...o,
    data: { ...((o as { data?: Record<string, string> }).data ?? {}), since: today },
  }));
}
