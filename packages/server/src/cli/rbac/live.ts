// Live source: the four RBAC lists from any Kubernetes API server (kubeauth or a real cluster) over plain
// HTTPS with the kubeconfig's credentials, paged with limit/continue. Only `list` on the RBAC resources is
// needed; when it is missing we say so rather than answer from a partial policy.
import https from 'node:https';
import type { KObject } from '../../api/types.js';
import type { KubeconfigConnection } from '../../pki/kubeconfig.js';

const group = 'rbac.authorization.k8s.io';
export const rbacLists = [
  ['clusterroles', 'ClusterRole'],
  ['clusterrolebindings', 'ClusterRoleBinding'],
  ['roles', 'Role'],
  ['rolebindings', 'RoleBinding'],
] as const;

export class LiveSourceError extends Error {}

export async function readLive(conn: KubeconfigConnection): Promise<KObject[]> {
  // In parallel, but a failure is reported for the first list in a fixed order, so the message is stable.
  const lists = await Promise.allSettled(rbacLists.map(([resource, kind]) => listAll(conn, resource, kind)));
  const failed = lists.find((l) => l.status === 'rejected');
  if (failed) throw failed.reason;
  return lists.flatMap((l) => (l.status === 'fulfilled' ? l.value : []));
}

async function listAll(conn: KubeconfigConnection, resource: string, kind: string): Promise<KObject[]> {
  const out: KObject[] = [];
  let cont = '';
  do {
    const q = new URLSearchParams({ limit: '500' });
    if (cont) q.set('continue', cont);
    const { status, body } = await get(conn, `/apis/${group}/v1/${resource}?${q}`);
    if (status === 401 || status === 403) {
      const msg = statusMessage(body);
      throw new LiveSourceError(
        `cannot list ${resource}.${group} at the cluster scope (HTTP ${status}${msg ? `: ${msg}` : ''}); ` +
          `kubeauth rbac needs list on clusterroles, clusterrolebindings, roles and rolebindings (${group}) ` +
          `in all namespaces`,
      );
    }
    if (status !== 200)
      throw new LiveSourceError(
        `listing ${resource}.${group}: HTTP ${status}: ${statusMessage(body) || body.slice(0, 200)}`,
      );
    const list = JSON.parse(body) as { items?: KObject[]; metadata?: { continue?: string } };
    for (const item of list.items ?? []) {
      // List items come without kind and apiVersion.
      item.kind = kind;
      item.apiVersion = `${group}/v1`;
      out.push(item);
    }
    cont = list.metadata?.continue ?? '';
  } while (cont);
  return out;
}

export function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { message?: unknown };
    return typeof s.message === 'string' ? s.message : '';
  } catch {
    return '';
  }
}

function get(conn: KubeconfigConnection, path: string): Promise<{ status: number; body: string }> {
  return request(conn, 'GET', path);
}

/** One request to the kubeconfig's server with its credentials (also the web inspector's local mode). */
export function request(
  conn: KubeconfigConnection,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  // Appended, not resolved: a server URL with a path prefix (behind a proxy) keeps it.
  const url = new URL(conn.server.replace(/\/+$/, '') + path);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (conn.token) headers.Authorization = `Bearer ${conn.token}`;
  const data = body === undefined ? undefined : JSON.stringify(body);
  if (data !== undefined) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        headers,
        ca: conn.caPem,
        cert: conn.clientCertPem,
        key: conn.clientKeyPem,
        rejectUnauthorized: !conn.insecureSkipTlsVerify,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (e) => reject(new LiveSourceError(`cannot reach ${conn.server}: ${e.message}`)));
    req.end(data);
  });
}
