// What the web inspector answers from inside `kubeauth serve --ui`: the authorizer's own RBAC index (so who-can
// and explain see exactly what the next request would), the live objects and keys for the token doctor, and the
// ring of recent decisions the request observer keeps.
import type { UserInfo } from '../api/types.js';
import type { DecisionRing } from '../audit/decisions.js';
import type { InspectorSource } from '../authz/explain/inspect.js';
import type { RbacIndex } from '../authz/rbac/index.js';
import { diagnoseToken } from '../serviceaccount/doctor.js';
import type { KeySet } from '../serviceaccount/keys.js';
import type { ObjectLookup } from '../storage/lookup.js';
import type { UiBackend } from './ui.js';

export interface ServerUiDeps {
  cluster: () => string;
  index: RbacIndex;
  lookup: ObjectLookup;
  keys: KeySet;
  issuers: readonly string[];
  apiAudiences: readonly string[];
  now: () => number;
  review: (token: string, audiences: string[]) => { user: UserInfo; audiences: string[] } | { error: string };
  decisions: DecisionRing;
}

export function serverUiBackend(d: ServerUiDeps): UiBackend {
  const source: InspectorSource = {
    index: d.index,
    objects: () => [
      ...[...d.index.listClusterRoles(), ...d.index.listRoles()].map((r) => r.object),
      ...[...d.index.listClusterRoleBindings(), ...d.index.listRoleBindings()].map((b) => b.object),
      ...d.lookup.list('', 'serviceaccounts'),
    ],
  };
  return {
    mode: 'server',
    get cluster() {
      return d.cluster();
    },
    source: () => source,
    diagnose: (token, audiences) =>
      diagnoseToken({
        token,
        audiences,
        keys: d.keys,
        issuers: d.issuers,
        apiAudiences: d.apiAudiences,
        lookup: d.lookup,
        now: d.now,
        review: (t, a) => {
          const r = d.review(t, a);
          return 'error' in r
            ? { authenticated: false, error: r.error }
            : { authenticated: true, user: r.user, audiences: r.audiences };
        },
      }),
    trace: (since, limit) => ({ available: true, items: d.decisions.list(since, limit), last: d.decisions.last }),
  };
}
