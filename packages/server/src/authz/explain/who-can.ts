// Who may do something: every subject of every binding whose role allows the request, with the binding, the
// role, the rule and the scope it holds in; groups annotated with the users they stand for, and
// system:masters always listed (it is allowed before RBAC is asked).
import type { UserInfo } from '../../api/types.js';
import type { BindingEntry, RbacIndex, RoleEntry } from '../rbac/index.js';
import { prepareRequest, preparedRuleAllows, type PreparedRequest } from '../rbac/rules.js';
import { listerErrorMessage } from '../rbac/resolution.js';
import { appliesToUser } from '../rbac/subjects.js';
import type { Subject } from '../rbac/types.js';
import { systemMasters } from '../union.js';
import { type AccessQuery, toAttributes } from './query.js';
import { type BindingRef, type RoleRefName, bindingRef, effectiveSubject, roleRefName } from './refs.js';

export interface Grant {
  subject: Subject;
  /** Who the subject stands for when it is a well-known group (`every ServiceAccount in ns`). */
  implies?: string;
  binding: BindingRef;
  role: RoleRefName;
  ruleIndex: number;
  /** The namespace the grant holds in, or '*' for every namespace (and cluster-scoped objects). */
  scope: string;
}

export interface WhoCanResult {
  /** system:masters, allowed everything before RBAC; listed on its own so it is never mistaken for a binding. */
  privileged: Subject[];
  grants: Grant[];
  /** Bindings in scope whose role does not exist: they grant nothing now, but would once it does. */
  unresolved: Array<{ binding: BindingRef; role: RoleRefName; error: string }>;
}

export interface WhoCanOptions {
  /** Every namespace: RoleBindings of all namespaces count, each in its own scope. */
  allNamespaces?: boolean;
}

/** `system:serviceaccounts:<ns>` and friends: the users a group is given to by kube's authenticators. */
export function impliedBy(group: string): string | undefined {
  if (group === 'system:authenticated') return 'every authenticated user';
  if (group === 'system:unauthenticated') return 'anonymous requests';
  if (group === 'system:serviceaccounts') return 'every ServiceAccount';
  if (group.startsWith('system:serviceaccounts:'))
    return `every ServiceAccount in namespace ${group.slice('system:serviceaccounts:'.length)}`;
  if (group === systemMasters) return 'privileged: allowed everything, RBAC is not asked';
  return undefined;
}

export function whoCan(index: RbacIndex, q: AccessQuery, opts: WhoCanOptions = {}): WhoCanResult {
  const req = prepareRequest(toAttributes(nobody, q));
  const namespace = req.resourceRequest ? (q.namespace ?? '') : '';
  // Many bindings share a role: decide each role once.
  const memo = new Map<RoleEntry, number>();
  const grants: Grant[] = [];
  const unresolved: WhoCanResult['unresolved'] = [];
  const consider = (b: BindingEntry, scope: string) => {
    const role = b.role;
    if (!role) {
      unresolved.push({
        binding: bindingRef(b),
        role: roleRefName(b),
        error: listerErrorMessage(index.bindingError(b)!),
      });
      return;
    }
    let ruleIndex = memo.get(role);
    if (ruleIndex === undefined) memo.set(role, (ruleIndex = allowingRule(req, role)));
    if (ruleIndex < 0) return;
    for (const s of b.subjects) {
      // A ServiceAccount without a namespace in a ClusterRoleBinding never matches anyone.
      if (s.kind === 'ServiceAccount' && !(s.namespace || b.namespace)) continue;
      if (s.kind !== 'User' && s.kind !== 'Group' && s.kind !== 'ServiceAccount') continue;
      const g: Grant = {
        subject: effectiveSubject(s, b.namespace),
        binding: bindingRef(b),
        role: roleRefName(b),
        ruleIndex,
        scope,
      };
      const implies = s.kind === 'Group' ? impliedBy(s.name) : undefined;
      if (implies) g.implies = implies;
      grants.push(g);
    }
  };
  const lists = sortedBindings(index);
  for (const b of lists.cluster) consider(b, '*');
  if (req.resourceRequest && opts.allNamespaces) for (const b of lists.all) consider(b, b.namespace);
  else if (req.resourceRequest && namespace)
    for (const b of lists.byNamespace.get(namespace) ?? []) consider(b, namespace);
  return { privileged: [{ kind: 'Group', name: systemMasters }], grants, unresolved };
}

function allowingRule(req: PreparedRequest, role: RoleEntry): number {
  if (!role.anyVerb && !role.verbs.has(req.verb)) return -1;
  for (let i = 0; i < role.rules.length; i++) if (preparedRuleAllows(req, role.rules[i]!)) return i;
  return -1;
}

/**
 * Whether the answer lets this user through in a namespace: some grant of that scope names the user (or
 * system:masters does).
 */
export function grantsAllow(result: WhoCanResult, user: UserInfo, namespace = ''): boolean {
  if (user.groups.includes(systemMasters)) return true;
  for (const g of result.grants) {
    if (g.scope !== '*' && g.scope !== namespace) continue;
    const ns = g.scope === '*' ? '' : g.scope;
    if (appliesToUser(user, g.subject, ns)) return true;
  }
  return false;
}

const nobody: UserInfo = { username: '', groups: [] };

interface SortedBindings {
  generation: number;
  cluster: BindingEntry[];
  all: BindingEntry[];
  byNamespace: Map<string, BindingEntry[]>;
}

/** The bindings in LIST order, sorted once per index generation rather than once per question. */
const sortedCache = new WeakMap<RbacIndex, SortedBindings>();

function sortedBindings(index: RbacIndex): SortedBindings {
  const hit = sortedCache.get(index);
  if (hit && hit.generation === index.generation) return hit;
  const all = index.listRoleBindings();
  const byNamespace = new Map<string, BindingEntry[]>();
  for (const b of all) {
    let list = byNamespace.get(b.namespace);
    if (!list) byNamespace.set(b.namespace, (list = []));
    list.push(b);
  }
  const s = { generation: index.generation, cluster: index.listClusterRoleBindings(), all, byNamespace };
  sortedCache.set(index, s);
  return s;
}
