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
  // Per role: -1 (cannot allow), or unknown until a binding asks, then the index of its first allowing rule or
  // -1. Only roles naming the verb (or `*`) and the resource (or `*`, or `*\/sub`) — or, for a URL, holding
  // URL rules — can allow: the inverted indexes mark them, and every other role starts decided.
  const decided = w.decided;
  const verbMatch = w.verbMatch;
  decided.fill(-1);
  verbMatch.fill(0);
  markAll(verbMatch, w.byVerb.get(req.verb), 1);
  markAll(verbMatch, w.anyVerb, 1);
  if (req.resourceRequest) {
    markIf(decided, verbMatch, w.byResource.get(req.combined));
    if (req.starSubresource) markIf(decided, verbMatch, w.byResource.get(req.starSubresource));
    markIf(decided, verbMatch, w.anyResource);
  } else markIf(decided, verbMatch, w.withURLs);
  const grants: Grant[] = [];
  const unresolved: WhoCanResult['unresolved'] = [];
  const consider = ({ slots, roles }: Slots) => {
    for (let i = 0; i < roles.length; i++) {
      const r = roles[i]!;
      if (r < 0) {
        const slot = slots[i]!;
        unresolved.push({ binding: slot.binding, role: slot.roleName, error: slot.error });
        continue;
      }
      let ruleIndex = decided[r]!;
      if (ruleIndex === -1) continue;
      if (ruleIndex === unknown) decided[r] = ruleIndex = allowingRule(req, w.roles[r]!);
      if (ruleIndex < 0) continue;
      const slot = slots[i]!;
      const made = (slot.grants[ruleIndex] ??= grantsOf(slot, ruleIndex));
      for (let j = 0; j < made.length; j++) grants.push(made[j]!);
    }
  };
  consider(w.cluster);
  if (req.resourceRequest && opts.allNamespaces) consider(w.all);
  else if (req.resourceRequest && namespace) consider(w.byNamespace.get(namespace) ?? noSlots);
  return { privileged: [{ kind: 'Group', name: systemMasters }], grants, unresolved };
}

const unknown = -2;

function markAll(marks: Int32Array, roles: Int32Array | undefined, value: number): void {
  if (roles) for (let i = 0; i < roles.length; i++) marks[roles[i]!] = value;
}

/** The roles of the list that passed the verb filter become candidates. */
function markIf(decided: Int32Array, verbMatch: Int32Array, roles: Int32Array | undefined): void {
  if (roles) for (let i = 0; i < roles.length; i++) if (verbMatch[roles[i]!] === 1) decided[roles[i]!] = unknown;
}

/** A slot's grants through one rule: made once per generation, frozen because every answer shares them. */
function grantsOf(slot: Slot, ruleIndex: number): readonly Grant[] {
  return slot.subjects.map((s) => {
    const g: Grant = { subject: s.subject, binding: slot.binding, role: slot.roleName, ruleIndex, scope: slot.scope };
    if (s.implies) g.implies = s.implies;
    return Object.freeze(g);
  });
}

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
  /** The grants answered so far, by the index of the allowing rule. */
  grants: Array<readonly Grant[] | undefined>;
}

/** Bindings with their role indexes alongside, so a question scans one flat array until a role allows. */
interface Slots {
  slots: Slot[];
  roles: Int32Array;
}

const slotsOf = (slots: Slot[]): Slots => ({ slots, roles: Int32Array.from(slots, (s) => s.role) });
const noSlots = slotsOf([]);

interface WhoCanIndex {
  /** Every role some binding references, once. */
  roles: RoleEntry[];
  /** verb → the roles naming it; roles with verb `*` are in anyVerb. */
  byVerb: Map<string, Int32Array>;
  anyVerb: Int32Array;
  /** resource (`pods`, `pods/log`, `*\/status`) → the roles naming it; roles with resource `*` in anyResource. */
  byResource: Map<string, Int32Array>;
  anyResource: Int32Array;
  /** Roles with a non-resource URL rule. */
  withURLs: Int32Array;
  /** Bindings in LIST order: ClusterRoleBindings, all RoleBindings, RoleBindings per namespace. */
  cluster: Slots;
  all: Slots;
  byNamespace: Map<string, Slots>;
  /** Per-question scratch space per role (questions run one at a time): decisions, verb filter. */
  decided: Int32Array;
  verbMatch: Int32Array;
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
      grants: [],
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
  const file = (m: Map<string, number[]>, k: string, i: number) => {
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(i);
  };
  const verbs = new Map<string, number[]>();
  const resources = new Map<string, number[]>();
  const anyVerb: number[] = [];
  const anyResource: number[] = [];
  const withURLs: number[] = [];
  roles.forEach((r, i) => {
    if (r.anyVerb) anyVerb.push(i);
    else for (const v of r.verbs) file(verbs, v, i);
    if (r.anyResource) anyResource.push(i);
    else for (const res of r.resources) file(resources, res, i);
    if (r.rules.some((rule) => rule.nonResourceURLs?.length)) withURLs.push(i);
  });
  const ids = (m: Map<string, number[]>) => new Map([...m].map(([k, list]) => [k, Int32Array.from(list)]));
  return {
    roles,
    byVerb: ids(verbs),
    anyVerb: Int32Array.from(anyVerb),
    byResource: ids(resources),
    anyResource: Int32Array.from(anyResource),
    withURLs: Int32Array.from(withURLs),
    cluster: slotsOf(cluster),
    all: slotsOf(all),
    byNamespace: new Map([...byNamespace].map(([ns, list]) => [ns, slotsOf(list)])),
    decided: new Int32Array(roles.length),
    verbMatch: new Int32Array(roles.length),
  };
});
