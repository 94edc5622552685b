// RBAC's controllers: the bootstrap policy reconciled at start (kube-apiserver's rbac/bootstrap-roles post-start
// hook, pkg/registry/rbac/rest/storage_rbac.go) and ClusterRole aggregation (kube-controller-manager's
// clusterrole-aggregation controller), both writing through the system client.
import type { KObject } from '../api/types.js';
import { aggregationUpdate } from '../authz/rbac/aggregation.js';
import { kubeauthBootstrapPolicy } from '../authz/explain/bootstrap.js';
import { bootstrapPolicy, reconcile } from '../authz/rbac/bootstrap.js';
import { resourcePrefix, type Store } from '../storage/store.js';
import type { SystemClient } from './client.js';
import { WorkQueue } from './queue.js';

const group = 'rbac.authorization.k8s.io';
const kinds: Record<string, string> = {
  Role: 'roles',
  ClusterRole: 'clusterroles',
  RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings',
};
const clusterRoles = resourcePrefix(group, 'clusterroles');
/** clusterRoleBindingsToSplit (storage_rbac.go): the source binding whose grants a newer bootstrap binding took over. */
const splitClusterRoleBindings: [string, string][] = [['system:discovery', 'system:public-info-viewer']];

export class RbacController {
  private done = false;
  private unsubscribe: (() => void) | undefined;
  private queue: WorkQueue | undefined;

  constructor(
    private readonly store: Store,
    private readonly client: SystemClient,
  ) {}

  /** Whether the bootstrap policy is in place (the readiness check of the post-start hook). */
  bootstrapped(): boolean {
    return this.done;
  }

  /** Reconciles the bootstrap policy and starts aggregation; resolves when the policy is in place. */
  async start(): Promise<void> {
    // A retried start (replicas racing on etcd) must not leave the first attempt's subscription behind.
    this.stop();
    const { store, client } = this;
    const isClusterRole = (o: KObject) => o.kind === 'ClusterRole';
    this.unsubscribe = store.subscribe((ev) => {
      // Any ClusterRole change may change an aggregated role's rules.
      if (!ev.key.startsWith(clusterRoles) || !isClusterRole(ev.object)) return;
      for (const e of store.list(clusterRoles))
        if ((e.object as { aggregationRule?: unknown }).aggregationRule) this.queue?.add(e.object.metadata.name!);
    });
    const queue = (this.queue = new WorkQueue(async (name) => {
      const all = store.list(clusterRoles).map((e) => e.object);
      const target = all.find((r) => r.metadata.name === name);
      if (!target) return;
      const rules = aggregationUpdate(target, all);
      if (!rules) return;
      await client.update(group, 'clusterroles', '', name, (o) => {
        o.rules = rules;
        return o;
      });
    }));
    // All reconcile writes go out together: the store commits them as one durable batch.
    const policy = [...bootstrapPolicy(), ...kubeauthBootstrapPolicy()];
    const namespaces = [...new Set(policy.map((d) => d.metadata.namespace ?? '').filter(Boolean))];
    await Promise.all(
      namespaces
        .filter((ns) => !client.get('', 'namespaces', '', ns))
        .map((ns) => client.create('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })),
    );
    await this.primeSplitClusterRoleBindings(policy);
    await Promise.all(
      policy.map(async (desired) => {
        const resource = kinds[desired.kind!]!;
        const ns = desired.metadata.namespace ?? '';
        const existing = client.get(group, resource, ns, desired.metadata.name!)?.object;
        const next = reconcile(existing, desired);
        if (!next) return;
        if (!existing) await client.create(group, resource, next);
        else await client.update(group, resource, ns, desired.metadata.name!, () => next);
      }),
    );
    for (const e of store.list(clusterRoles))
      if ((e.object as { aggregationRule?: unknown }).aggregationRule) queue.add(e.object.metadata.name!);
    await queue.idle();
    this.done = true;
  }

  /**
   * primeSplitClusterRoleBindings (storage_rbac.go): a bootstrap binding split out of an older one (the
   * system:public-info-viewer grants once given through system:discovery) is, when missing while its source exists,
   * created from the bootstrap template with the source's subjects, labels and annotations, before reconciliation,
   * so that a cluster whose discovery binding was narrowed (or marked autoupdate=false) keeps that on the new one.
   */
  private async primeSplitClusterRoleBindings(policy: KObject[]): Promise<void> {
    const { client } = this;
    for (const [source, target] of splitClusterRoleBindings) {
      const existing = client.get(group, 'clusterrolebindings', '', source)?.object;
      if (!existing || client.get(group, 'clusterrolebindings', '', target)) continue;
      const template = policy.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === target);
      if (!template) continue;
      const created = structuredClone(template) as KObject & { subjects?: unknown };
      created.subjects = structuredClone((existing as { subjects?: unknown }).subjects);
      created.metadata = {
        ...created.metadata,
        labels: existing.metadata.labels,
        annotations: existing.metadata.annotations,
      };
      if (created.metadata.labels === undefined) delete created.metadata.labels;
      if (created.metadata.annotations === undefined) delete created.metadata.annotations;
      if (created.subjects === undefined) delete created.subjects;
      await client.create(group, 'clusterrolebindings', created);
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue?.stop();
  }
}
