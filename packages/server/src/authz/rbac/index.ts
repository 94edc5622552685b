// An in-memory copy of the four RBAC kinds, fed from watch events, with bindings indexed by subject so a
// decision looks only at the bindings that can possibly name the user.
//
// Evaluation order: kube-apiserver walks every ClusterRoleBinding, then (for a namespaced request) the
// RoleBindings of that namespace, and stops at the first allowing rule; the allow reason names that binding.
// Its informer listers hand the bindings back in map order, which is not specified. We make the order
// deterministic: within each scope bindings are visited sorted by name (byte order), i.e. the order a LIST
// returns them (sorted by storage key). Each index key (a user — service accounts by their username — or a
// group) keeps its bindings sorted by name. A decision scans only the few lists that apply and takes the
// smallest-named allowing binding across them (see RbacAuthorizer.authorize); full enumerations (rules
// reviews, escalation checks) merge the lists. Each binding also holds a live pointer to its role, refreshed as
// roles change, so no lookup happens per decision.
import type { KObject, UserInfo } from '../../api/types.js';
import { firstApplyingSubject, serviceAccountUsername } from './subjects.js';
import { type PolicyRule, type RoleRef, type Subject, isRbacKind, roleRefOf, rulesOf, subjectsOf } from './types.js';

export interface RoleEntry {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace: string;
  rules: PolicyRule[];
  object: KObject;
  /** Some rule has verb `*`. */
  anyVerb: boolean;
  /** Every verb named by some rule: a request with another verb cannot be allowed by this role. */
  verbs: Set<string>;
  /** Some rule has resource `*`. */
  anyResource: boolean;
  /** Every resource named by some rule (including `x/sub` and `*\/sub` forms). */
  resources: Set<string>;
}

function roleEntry(kind: RoleEntry['kind'], name: string, namespace: string, obj: KObject): RoleEntry {
  const rules = rulesOf(obj);
  const verbs = new Set<string>();
  const resources = new Set<string>();
  for (const r of rules) {
    for (const v of r.verbs) verbs.add(v);
    for (const res of r.resources ?? []) resources.add(res);
  }
  return {
    kind,
    name,
    namespace,
    rules,
    object: obj,
    anyVerb: verbs.has('*'),
    verbs,
    anyResource: resources.has('*'),
    resources,
  };
}

export interface BindingEntry {
  /** Unique in the process: bindings are filed by it where a Set would hash the object (slower to build). */
  id: number;
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** '' for ClusterRoleBindings. */
  namespace: string;
  roleRef: RoleRef;
  subjects: Subject[];
  object: KObject;
  /** `ClusterRole/<name>` or `Role/<namespace>/<name>`: the role this binding references. */
  roleKey: string;
  /**
   * The referenced role, kept current as roles come and go (undefined while it does not resolve), so a decision
   * reads it without a lookup.
   */
  role: RoleEntry | undefined;
}

/** Why a binding's role could not be resolved; callers render it (lister and storage errors differ). */
export type RoleRefError =
  | { reason: 'NotFound'; kind: 'Role' | 'ClusterRole'; namespace: string; name: string }
  | { reason: 'UnsupportedKind'; kind: string; namespace: string; name: string };

export type RoleRefResult = { rules: PolicyRule[]; error?: undefined } | { rules?: undefined; error: RoleRefError };

/**
 * Called for each binding that applies to the user, in evaluation order, with the index of its first matching
 * subject and either the bound role's rules or why they could not be resolved. Return false to stop.
 */
export type BindingVisitor = (
  binding: BindingEntry,
  subjectIndex: number,
  rules: readonly PolicyRule[] | undefined,
  error: RoleRefError | undefined,
) => boolean;

/** Bindings of one scope (the cluster, or one namespace) filed under every user and group they name. */
class SubjectIndex {
  readonly users = new Map<string, BindingEntry[]>();
  readonly groups = new Map<string, BindingEntry[]>();
  size = 0;

  add(b: BindingEntry, sorted: boolean): void {
    for (const [map, key] of keysOf(b)) {
      let list = map === 'users' ? this.users.get(key) : this.groups.get(key);
      if (!list) {
        list = [];
        (map === 'users' ? this.users : this.groups).set(key, list);
      }
      if (sorted) list.splice(insertionPoint(list, b.name), 0, b);
      else list.push(b);
    }
    this.size++;
  }

  remove(b: BindingEntry): void {
    for (const [map, key] of keysOf(b)) {
      const m = map === 'users' ? this.users : this.groups;
      const list = m.get(key);
      if (!list) continue;
      const i = list.indexOf(b);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) m.delete(key);
    }
    this.size--;
  }

  sortAll(): void {
    for (const list of this.users.values()) list.sort(byName);
    for (const list of this.groups.values()) list.sort(byName);
  }

  /** The name-sorted lists filing the user or one of the groups; a binding may be in several. */
  lists(user: UserInfo): BindingEntry[][] {
    const lists: BindingEntry[][] = [];
    const byUser = this.users.get(user.username);
    if (byUser) lists.push(byUser);
    for (const g of user.groups) {
      const byGroup = this.groups.get(g);
      if (byGroup) lists.push(byGroup);
    }
    return lists;
  }

  /** The bindings that may name the user, sorted by name, each once. */
  candidates(user: UserInfo): BindingEntry[] {
    const lists = this.lists(user);
    if (lists.length === 0) return empty;
    if (lists.length === 1) return lists[0]!;
    return mergeByName(lists);
  }
}

const empty: BindingEntry[] = [];

function byName(a: BindingEntry, b: BindingEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function byNamespaceThenName(a: BindingEntry, b: BindingEntry): number {
  return a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : byName(a, b);
}

function insertionPoint(list: BindingEntry[], name: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.name < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** k-way merge of name-sorted lists; a binding filed under several keys appears once. */
function mergeByName(lists: BindingEntry[][]): BindingEntry[] {
  const heads = new Array<number>(lists.length).fill(0);
  const out: BindingEntry[] = [];
  for (;;) {
    let min: BindingEntry | undefined;
    for (let i = 0; i < lists.length; i++) {
      const list = lists[i]!;
      if (heads[i]! >= list.length) continue;
      const e = list[heads[i]!]!;
      if (!min || e.name < min.name) min = e;
    }
    if (!min) return out;
    out.push(min);
    for (let i = 0; i < lists.length; i++) {
      const list = lists[i]!;
      if (heads[i]! < list.length && list[heads[i]!]!.name === min.name) heads[i]!++;
    }
  }
}

/** Index keys: users (and service accounts, by the username they authenticate as) and groups. */
function keysOf(b: BindingEntry): Array<['users' | 'groups', string]> {
  const users: string[] = [];
  const groups: string[] = [];
  for (const s of b.subjects) {
    if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
    else if (s.kind === 'ServiceAccount') {
      // In a ClusterRoleBinding a service account without a namespace never matches: not filed.
      const ns = s.namespace || b.namespace;
      if (ns) users.push(serviceAccountUsername(ns, s.name));
    }
  }
  // Each key once, even when a subject is repeated or a User subject spells a service account's username.
  return [
    ...unique(users).map((u): ['users', string] => ['users', u]),
    ...unique(groups).map((g): ['groups', string] => ['groups', g]),
  ];
}

/** Without repeats, in first-seen order; no Set for the usual handful of subjects. */
function unique(xs: string[]): string[] {
  return xs.length <= 16 ? xs.filter((x, i) => xs.indexOf(x) === i) : [...new Set(xs)];
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

export class RbacIndex {
  private readonly clusterRoles = new Map<string, RoleEntry>();
  private readonly roles = new Map<string, RoleEntry>();
  private readonly clusterBindings = new Map<string, BindingEntry>();
  private readonly roleBindings = new Map<string, BindingEntry>();
  private clusterIndex = new SubjectIndex();
  private readonly namespaceIndex = new Map<string, SubjectIndex>();
  /** roleKey → the bindings referencing that role (by id), to refresh their cached rules. */
  private readonly referencedBy = new Map<string, Map<number, BindingEntry>>();
  /** Bumped on every change, for callers that cache derived data. */
  generation = 0;

  /** Replaces the whole content (initial LIST, or a relist after a watch gap). */
  load(objects: readonly KObject[]): void {
    this.clusterRoles.clear();
    this.roles.clear();
    this.clusterBindings.clear();
    this.roleBindings.clear();
    this.namespaceIndex.clear();
    this.referencedBy.clear();
    this.clusterIndex = new SubjectIndex();
    for (const o of objects) this.put(o, false);
    // Filed unsorted above, sorted once here: cheaper than 20k sorted insertions.
    this.clusterIndex.sortAll();
    for (const idx of this.namespaceIndex.values()) idx.sortAll();
    this.generation++;
  }

  /** Applies one watch event. Objects of other kinds are ignored. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KObject): void {
    if (!isRbacKind(obj.kind)) return;
    if (type === 'DELETED') this.delete(obj);
    else this.put(obj, true);
    this.generation++;
  }

  getClusterRole(name: string): RoleEntry | undefined {
    return this.clusterRoles.get(name);
  }

  getRole(namespace: string, name: string): RoleEntry | undefined {
    return this.roles.get(key(namespace, name));
  }

  listClusterRoles(): RoleEntry[] {
    return [...this.clusterRoles.values()];
  }

  listRoles(namespace?: string): RoleEntry[] {
    const all = [...this.roles.values()];
    return namespace === undefined ? all : all.filter((r) => r.namespace === namespace);
  }

  listClusterRoleBindings(): BindingEntry[] {
    return [...this.clusterBindings.values()].sort(byName);
  }

  /** In LIST order (by storage key): by namespace, then by name. */
  listRoleBindings(namespace?: string): BindingEntry[] {
    const all = [...this.roleBindings.values()];
    return (namespace === undefined ? all : all.filter((b) => b.namespace === namespace)).sort(byNamespaceThenName);
  }

  /** The namespaces that hold at least one RoleBinding. */
  bindingNamespaces(): string[] {
    return [...this.namespaceIndex.keys()];
  }

  get counts(): { clusterRoles: number; roles: number; clusterRoleBindings: number; roleBindings: number } {
    return {
      clusterRoles: this.clusterRoles.size,
      roles: this.roles.size,
      clusterRoleBindings: this.clusterBindings.size,
      roleBindings: this.roleBindings.size,
    };
  }

  /** GetRoleReferenceRules: a Role is looked up in the binding's namespace, a ClusterRole cluster-wide. */
  roleReferenceRules(roleRef: RoleRef, bindingNamespace: string): RoleRefResult {
    switch (roleRef.kind) {
      case 'Role': {
        const r = this.roles.get(key(bindingNamespace, roleRef.name));
        if (r) return { rules: r.rules };
        return { error: { reason: 'NotFound', kind: 'Role', namespace: bindingNamespace, name: roleRef.name } };
      }
      case 'ClusterRole': {
        const r = this.clusterRoles.get(roleRef.name);
        if (r) return { rules: r.rules };
        return { error: { reason: 'NotFound', kind: 'ClusterRole', namespace: '', name: roleRef.name } };
      }
      default:
        return {
          error: { reason: 'UnsupportedKind', kind: roleRef.kind, namespace: bindingNamespace, name: roleRef.name },
        };
    }
  }

  /** The rules of the role a binding references, or undefined when it cannot be resolved. */
  bindingRules(b: BindingEntry): PolicyRule[] | undefined {
    return b.role?.rules;
  }

  /** Why bindingRules came back empty-handed. */
  bindingError(b: BindingEntry): RoleRefError | undefined {
    return this.roleReferenceRules(b.roleRef, b.namespace).error;
  }

  /**
   * The candidate lists of a scope: the ClusterRoleBindings (namespace '') or the RoleBindings of a namespace
   * filed under the user or one of the groups. For the hot path: no merging, no allocation beyond the array.
   */
  candidateLists(user: UserInfo, namespace: string): BindingEntry[][] {
    if (!namespace) return this.clusterIndex.lists(user);
    return this.namespaceIndex.get(namespace)?.lists(user) ?? [];
  }

  /**
   * VisitRulesFor: the ClusterRoleBindings, then (when `namespace` is set) the RoleBindings of that namespace,
   * that apply to the user, in evaluation order.
   */
  visit(user: UserInfo, namespace: string, visitor: BindingVisitor): void {
    if (!this.visitScope(this.clusterIndex, user, '', visitor)) return;
    if (!namespace) return;
    const idx = this.namespaceIndex.get(namespace);
    if (idx) this.visitScope(idx, user, namespace, visitor);
  }

  /** RulesFor: every rule that applies, cluster bindings first, plus the resolution errors in visit order. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: RoleRefError[] } {
    const rules: PolicyRule[] = [];
    const errors: RoleRefError[] = [];
    this.visit(user, namespace, (_b, _s, r, err) => {
      if (r) rules.push(...r);
      if (err) errors.push(err);
      return true;
    });
    return { rules, errors };
  }

  private visitScope(idx: SubjectIndex, user: UserInfo, namespace: string, visitor: BindingVisitor): boolean {
    const candidates = idx.candidates(user);
    for (let i = 0; i < candidates.length; i++) {
      const b = candidates[i]!;
      const subjectIndex = firstApplyingSubject(user, b.subjects, namespace);
      if (subjectIndex < 0) continue;
      const ref = this.roleReferenceRules(b.roleRef, namespace);
      if (!visitor(b, subjectIndex, ref.rules, ref.error)) return false;
    }
    return true;
  }

  /** Resolves a new binding's role and registers it for refreshes. */
  private track(b: BindingEntry): BindingEntry {
    b.role =
      b.roleRef.kind === 'ClusterRole'
        ? this.clusterRoles.get(b.roleRef.name)
        : b.roleRef.kind === 'Role'
          ? this.roles.get(key(b.namespace, b.roleRef.name))
          : undefined;
    let refs = this.referencedBy.get(b.roleKey);
    if (!refs) this.referencedBy.set(b.roleKey, (refs = new Map()));
    refs.set(b.id, b);
    return b;
  }

  private untrack(b: BindingEntry): void {
    const refs = this.referencedBy.get(b.roleKey);
    if (!refs) return;
    refs.delete(b.id);
    if (refs.size === 0) this.referencedBy.delete(b.roleKey);
  }

  private refresh(roleKey: string, role: RoleEntry | undefined): void {
    const refs = this.referencedBy.get(roleKey);
    if (refs) for (const b of refs.values()) b.role = role;
  }

  private put(obj: KObject, sorted: boolean): void {
    this.delete(obj);
    const name = obj.metadata?.name ?? '';
    const namespace = obj.metadata?.namespace ?? '';
    switch (obj.kind) {
      case 'ClusterRole': {
        const r = roleEntry('ClusterRole', name, '', obj);
        this.clusterRoles.set(name, r);
        this.refresh(`ClusterRole/${name}`, r);
        return;
      }
      case 'Role': {
        const r = roleEntry('Role', name, namespace, obj);
        this.roles.set(key(namespace, name), r);
        this.refresh(`Role/${key(namespace, name)}`, r);
        return;
      }
      case 'ClusterRoleBinding': {
        const b = this.track(binding('ClusterRoleBinding', obj, ''));
        this.clusterBindings.set(name, b);
        this.clusterIndex.add(b, sorted);
        return;
      }
      case 'RoleBinding': {
        const b = this.track(binding('RoleBinding', obj, namespace));
        this.roleBindings.set(key(namespace, name), b);
        let idx = this.namespaceIndex.get(namespace);
        if (!idx) this.namespaceIndex.set(namespace, (idx = new SubjectIndex()));
        idx.add(b, sorted);
        return;
      }
    }
  }

  private delete(obj: KObject): void {
    const name = obj.metadata?.name ?? '';
    const namespace = obj.metadata?.namespace ?? '';
    switch (obj.kind) {
      case 'ClusterRole':
        if (this.clusterRoles.delete(name)) this.refresh(`ClusterRole/${name}`, undefined);
        return;
      case 'Role':
        if (this.roles.delete(key(namespace, name))) this.refresh(`Role/${key(namespace, name)}`, undefined);
        return;
      case 'ClusterRoleBinding': {
        const old = this.clusterBindings.get(name);
        if (!old) return;
        this.untrack(old);
        this.clusterBindings.delete(name);
        this.clusterIndex.remove(old);
        return;
      }
      case 'RoleBinding': {
        const k = key(namespace, name);
        const old = this.roleBindings.get(k);
        if (!old) return;
        this.untrack(old);
        this.roleBindings.delete(k);
        const idx = this.namespaceIndex.get(namespace);
        if (!idx) return;
        idx.remove(old);
        if (idx.size === 0) this.namespaceIndex.delete(namespace);
        return;
      }
    }
  }
}

let bindingIds = 0;

function binding(kind: BindingEntry['kind'], obj: KObject, namespace: string): BindingEntry {
  const roleRef = roleRefOf(obj);
  return {
    id: ++bindingIds,
    kind,
    name: obj.metadata?.name ?? '',
    namespace,
    roleRef,
    subjects: subjectsOf(obj),
    object: obj,
    roleKey: roleRef.kind === 'Role' ? `Role/${key(namespace, roleRef.name)}` : `${roleRef.kind}/${roleRef.name}`,
    role: undefined,
  };
}
