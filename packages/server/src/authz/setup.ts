// Authorization as the server runs it: the --authorization-mode chain over an RBAC index kept current from
// the store's events, the bootstrap policy reconciled at start, and ClusterRole aggregation.
import type { KObject } from '../api/types.js';
import type { SystemClient } from '../controllers/client.js';
import { WorkQueue } from '../controllers/queue.js';
import { resourcePrefix, type Store, type WatchEvent } from '../storage/store.js';
import type { Attributes, AuthorizerResult } from './authorizer.js';
import { forbiddenError } from './forbidden.js';
import { aggregationUpdate } from './rbac/aggregation.js';
import { RbacAuthorizer } from './rbac/authorizer.js';
import { bootstrapPolicy, reconcile } from './rbac/bootstrap.js';
import { RbacIndex } from './rbac/index.js';
import { kubeauthBootstrapPolicy } from './explain/bootstrap.js';
import { buildAuthorizer, type AuthorizerChain } from './union.js';

const group = 'rbac.authorization.k8s.io';
const kinds: Record<string, string> = {
  Role: 'roles',
  ClusterRole: 'clusterroles',
  RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings',
};
const prefixes = Object.values(kinds).map((r) => resourcePrefix(group, r));

export interface Authorization {
  authorizer: AuthorizerChain;
  index: RbacIndex;
  forbidden: (a: Attributes, reason: string) => ReturnType<typeof forbiddenError>;
  authorize(a: Attributes): AuthorizerResult;
  /** Reconciles the bootstrap policy and starts aggregation; resolves when the policy is in place. */
  start(client: SystemClient): Promise<void>;
  stop(): void;
  bootstrapped(): boolean;
}

export function createAuthorization(modes: string[], store: Store): Authorization {
  const index = new RbacIndex();
  // load() replaces the whole index: give it every RBAC object at once.
  index.load(prefixes.flatMap((p) => store.list(p).map((e) => e.object)));
  const rbac = new RbacAuthorizer(index);
  const authorizer = buildAuthorizer(modes, rbac);
  let done = false;
  let unsubscribe: (() => void) | undefined;
  let queue: WorkQueue | undefined;

  const isRbac = (ev: WatchEvent) => prefixes.some((p) => ev.key.startsWith(p));
  const isClusterRole = (o: KObject) => o.kind === 'ClusterRole';

  return {
    authorizer,
    index,
    forbidden: forbiddenError,
    authorize: (a) => authorizer.authorize(a),
    bootstrapped: () => done,
    async start(client) {
      // Keep the index current on every committed write: a new binding counts on the next request.
      unsubscribe = store.subscribe((ev) => {
        if (!isRbac(ev)) return;
        index.apply(ev.type, ev.object);
        if (isClusterRole(ev.object)) {
          // Any ClusterRole change may change an aggregated role's rules.
          for (const e of store.list(resourcePrefix(group, 'clusterroles')))
            if ((e.object as { aggregationRule?: unknown }).aggregationRule) queue?.add(e.object.metadata.name!);
        }
      });
      queue = new WorkQueue(async (name) => {
        const all = store.list(resourcePrefix(group, 'clusterroles')).map((e) => e.object);
        const target = all.find((r) => r.metadata.name === name);
        if (!target) return;
        const rules = aggregationUpdate(target, all);
        if (!rules) return;
        await client.update(group, 'clusterroles', '', name, (o) => {
          o.rules = rules;
          return o;
        });
      });
      // All reconcile writes go out together: the store commits them as one durable batch.
      const policy = [...bootstrapPolicy(), ...kubeauthBootstrapPolicy()];
      const namespaces = [...new Set(policy.map((d) => d.metadata.namespace ?? '').filter(Boolean))];
      await Promise.all(
        namespaces
          .filter((ns) => !client.get('', 'namespaces', '', ns))
          .map((ns) =>
            client.create('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
          ),
      );
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
      for (const e of store.list(resourcePrefix(group, 'clusterroles')))
        if ((e.object as { aggregationRule?: unknown }).aggregationRule) queue.add(e.object.metadata.name!);
      await queue.idle();
      done = true;
    },
    stop() {
      unsubscribe?.();
      queue?.stop();
    },
  };
}
