// Authorization as the server runs it: the --authorization-mode chain over an RBAC index kept current from
// the store's events. The bootstrap policy and ClusterRole aggregation are controllers (controllers/rbac.ts).
import { resourcePrefix, type Store } from '../storage/store.js';
import type { Attributes, AuthorizerResult } from './authorizer.js';
import { forbiddenError } from './forbidden.js';
import { RbacAuthorizer } from './rbac/authorizer.js';
import { RbacIndex } from './rbac/index.js';
import { buildAuthorizer, type AuthorizerChain } from './union.js';

const group = 'rbac.authorization.k8s.io';
/** Storage prefixes of the four RBAC kinds. */
export const rbacPrefixes = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].map((r) =>
  resourcePrefix(group, r),
);

export interface Authorization {
  authorizer: AuthorizerChain;
  index: RbacIndex;
  forbidden: (a: Attributes, reason: string) => ReturnType<typeof forbiddenError>;
  authorize(a: Attributes): AuthorizerResult;
  stop(): void;
}

export function createAuthorization(modes: string[], store: Store): Authorization {
  const index = new RbacIndex();
  // load() replaces the whole index: give it every RBAC object at once.
  index.load(rbacPrefixes.flatMap((p) => store.list(p).map((e) => e.object)));
  // Keep the index current on every committed write: a new binding counts on the next request.
  const unsubscribe = store.subscribe((ev) => {
    if (rbacPrefixes.some((p) => ev.key.startsWith(p))) index.apply(ev.type, ev.object);
  });
  const rbac = new RbacAuthorizer(index);
  const authorizer = buildAuthorizer(modes, rbac);
  return {
    authorizer,
    index,
    forbidden: forbiddenError,
    authorize: (a) => authorizer.authorize(a),
    stop: unsubscribe,
  };
}
