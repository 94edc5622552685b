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
import { PerGeneration } from './derived.js';
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
  const w = whoCanIndex.get(index);
  // Per role: unknown until asked, then the index of its first allowing rule or -1. Only the roles that name the
  // verb (or `*`) can allow, so every other role starts decided.
  const decided = w.scratch;
  decided.fill(-1);
  for (const list of [w.byVerb.get(req.verb), w.anyVerb]) if (list) for (const r of list) decided[r] = unknown;
  const grants: Grant[] = [];
  const unresolved: WhoCanResult['unresolved'] = [];
  const consider = (slots: readonly Slot[]) => {
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const r = slot.role;
      if (r < 0) {
        unresolved.push({ binding: slot.binding, role: slot.roleName, error: slot.error });
        continue;
      }
      let ruleIndex = decided[r]!;
      if (ruleIndex === -1) continue;
      if (ruleIndex === unknown) decided[r] = ruleIndex = allowingRule(req, w.roles[r]!);
      if (ruleIndex < 0) continue;
      for (const s of slot.subjects) {
        const g: Grant = {
          subject: s.subject,
          binding: slot.binding,
          role: slot.roleName,
          ruleIndex,
          scope: slot.scope,
        };
        if (s.implies) g.implies = s.implies;
        grants.push(g);
      }
    }
  };
  consider(w.cluster);
  if (req.resourceRequest && opts.allNamespaces) consider(w.all);
  else if (req.resourceRequest && namespace) consider(w.byNamespace.get(namespace) ?? []);
  return { privileged: [{ kind: 'Group', name: systemMasters }], grants, unresolved };
}

const unknown = -2;

/** The first rule of the role that allows the request, or -1; cheap rejection on the resource first. */
function allowingRule(req: PreparedRequest, role: RoleEntry): number {
  if (!role.anyVerb && !role.verbs.has(req.verb)) return -1;
  if (
    req.resourceRequest &&
    !role.anyResource &&
    !role.resources.has(req.combined) &&
    !(req.starSubresource && role.resources.has(req.starSubresource))
  )
    return -1;
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

/** A binding as who-can reports it, with everything that does not depend on the question worked out once. */
interface Slot {
  binding: BindingRef;
  roleName: RoleRefName;
  /** Index into WhoCanIndex.roles, or -1 when the binding's role does not resolve. */
  role: number;
  /** Why the role does not resolve (role -1). */
  error: string;
  /** The namespace the binding's grants hold in, '*' for a ClusterRoleBinding. */
  scope: string;
  /** The subjects that can match someone, as reported. */
  subjects: Array<{ subject: Subject; implies?: string }>;
}

interface WhoCanIndex {
  /** Every role some binding references, once. */
  roles: RoleEntry[];
  /** verb → the roles naming it; roles with verb `*` are in anyVerb. */
  byVerb: Map<string, Int32Array>;
  anyVerb: Int32Array;
  /** Bindings in LIST order (by name): ClusterRoleBindings, all RoleBindings, RoleBindings per namespace. */
  cluster: Slot[];
  all: Slot[];
  byNamespace: Map<string, Slot[]>;
  /** Per-question decisions per role (questions run one at a time). */
  scratch: Int32Array;
}

/**
 * Built once per index generation: every binding's reportable parts, and the inverted index from verbs to the
 * roles that name them, so a question decides only the roles that could allow it, each once, and passes over
 * every other binding with one array read.
 */
const whoCanIndex = new PerGeneration<WhoCanIndex>((index) => {
  const roleIds = new Map<RoleEntry, number>();
  const roles: RoleEntry[] = [];
  const slot = (b: BindingEntry): Slot => {
    let role = -1;
    if (b.role) {
      role = roleIds.get(b.role) ?? -1;
      if (role < 0) {
        roleIds.set(b.role, (role = roles.length));
        roles.push(b.role);
      }
    }
    const subjects: Slot['subjects'] = [];
    for (const s of b.subjects) {
      // A ServiceAccount without a namespace in a ClusterRoleBinding never matches anyone.
      if (s.kind === 'ServiceAccount' && !(s.namespace || b.namespace)) continue;
      if (s.kind !== 'User' && s.kind !== 'Group' && s.kind !== 'ServiceAccount') continue;
      const implies = s.kind === 'Group' ? impliedBy(s.name) : undefined;
      const subject = Object.freeze(effectiveSubject(s, b.namespace));
      subjects.push(implies ? { subject, implies } : { subject });
    }
    return {
      binding: Object.freeze(bindingRef(b)),
      roleName: Object.freeze(roleRefName(b)),
      role,
      error: role < 0 ? listerErrorMessage(index.bindingError(b)!) : '',
      scope: b.namespace || '*',
      subjects,
    };
  };
  const cluster = index.listClusterRoleBindings().map(slot);
  const roleBindings = index.listRoleBindings();
  const all = roleBindings.map(slot);
  const byNamespace = new Map<string, Slot[]>();
  roleBindings.forEach((b, i) => {
    let list = byNamespace.get(b.namespace);
    if (!list) byNamespace.set(b.namespace, (list = []));
    list.push(all[i]!);
  });
  const verbs = new Map<string, number[]>();
  const anyVerb: number[] = [];
  roles.forEach((r, i) => {
    if (r.anyVerb) return void anyVerb.push(i);
    for (const v of r.verbs) {
      let list = verbs.get(v);
      if (!list) verbs.set(v, (list = []));
      list.push(i);
    }
  });
  return {
    roles,
    byVerb: new Map([...verbs].map(([v, ids]) => [v, Int32Array.from(ids)])),
    anyVerb: Int32Array.from(anyVerb),
    cluster,
    all,
    byNamespace,
    scratch: new Int32Array(roles.length),
  };
});
