// Why a user may or may not do something: the exact rules that allow it (in the order the authorizer walks
// them, so the first is the one its reason names), or, for a denial, the nearest misses — rules bound to the
// user that fail on exactly one attribute — and the bindings that would apply but reference a missing role.
import type { UserInfo } from '../../api/types.js';
import { aggregate } from '../../api/errors.js';
import type { Attributes } from '../authorizer.js';
import { describeBinding } from '../rbac/authorizer.js';
import type { BindingEntry, RbacIndex } from '../rbac/index.js';
import { listerErrorMessage } from '../rbac/resolution.js';
import { prepareRequest, preparedRuleAllows } from '../rbac/rules.js';
import { firstApplyingSubject, serviceAccountUsername } from '../rbac/subjects.js';
import type { PolicyRule, Subject } from '../rbac/types.js';
import { systemMasters } from '../union.js';
import { PerGeneration } from './derived.js';
import { type Attribute, mismatches } from './mismatch.js';
import { type BindingRef, type RoleRefName, bindingRef, effectiveSubject, roleRefName } from './refs.js';

export interface RuleRef {
  binding: BindingRef;
  role: RoleRefName;
  /** Index of the rule in the role's `rules`. */
  ruleIndex: number;
  rule: PolicyRule;
  /** The binding's subject that names the user. */
  subject: Subject;
}

export interface NearMiss extends RuleRef {
  /** The one attribute the rule does not match. */
  mismatch: Attribute;
}

export interface UnresolvedBinding {
  binding: BindingRef;
  role: RoleRefName;
  subject: Subject;
  error: string;
}

export interface Explanation {
  allowed: boolean;
  /** The RBAC authorizer's reason, word for word. */
  reason: string;
  /** Allowed because the user is in system:masters (before RBAC is asked). */
  privileged: boolean;
  /** Every allowing rule, the authorizer's own first. */
  allowedBy: RuleRef[];
  nearMisses: NearMiss[];
  unresolved: UnresolvedBinding[];
}

export function explain(index: RbacIndex, a: Attributes): Explanation {
  const req = prepareRequest(a);
  const allowedBy: RuleRef[] = [];
  const nearMisses: NearMiss[] = [];
  const unresolvedEntries: BindingEntry[] = [];
  const unresolved: UnresolvedBinding[] = [];
  let first: { b: BindingEntry; s: number } | undefined;
  const denied = () => allowedBy.length === 0;

  index.visit(a.user, a.namespace, (b, s) => {
    // The binding's own resolved role, as the authorizer reads it (not a lookup in the request's namespace).
    const rules = b.role?.rules;
    const subject = effectiveSubject(b.subjects[s]!, b.namespace);
    if (!rules) {
      unresolvedEntries.push(b);
      const err = index.bindingError(b)!;
      unresolved.push({ binding: bindingRef(b), role: roleRefName(b), subject, error: listerErrorMessage(err) });
      return true;
    }
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const ref = (): RuleRef => ({ binding: bindingRef(b), role: roleRefName(b), ruleIndex: i, rule, subject });
      if (preparedRuleAllows(req, rule)) {
        if (!first) first = { b, s };
        allowedBy.push(ref());
        continue;
      }
      const m = mismatches(req, rule);
      if (m.length === 1) nearMisses.push({ ...ref(), mismatch: m[0]! });
    }
    return true;
  });

  const privileged = a.user.groups.includes(systemMasters);
  if (denied() && req.resourceRequest) {
    // Rules bound to the user in another namespace that match everything: they miss on the namespace only.
    // Only the RoleBindings filed under the user or its groups, by namespace then name.
    for (const b of otherNamespaceBindings(index, a.user, a.namespace)) {
      const rules = b.role?.rules;
      if (!rules) continue;
      const s = firstApplyingSubject(a.user, b.subjects, b.namespace);
      if (s < 0) continue;
      const subject = effectiveSubject(b.subjects[s]!, b.namespace);
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (preparedRuleAllows(req, rule))
          nearMisses.push({
            binding: bindingRef(b),
            role: roleRefName(b),
            ruleIndex: i,
            rule,
            subject,
            mismatch: 'namespace',
          });
      }
    }
  }
  let reason = '';
  if (first)
    reason = `RBAC: allowed by ${describeBinding(first.b, firstApplyingSubject(a.user, first.b.subjects, first.b.namespace))}`;
  else if (unresolvedEntries.length) reason = `RBAC: ${aggregate(errorsInOrder(index, unresolvedEntries))}`;
  return {
    allowed: privileged || !denied(),
    reason,
    privileged,
    allowedBy,
    nearMisses: denied() ? nearMisses : [],
    unresolved,
  };
}

/** As the authorizer orders them: cluster bindings, then namespace bindings, each by name. */
function errorsInOrder(index: RbacIndex, entries: BindingEntry[]): string[] {
  return [...entries]
    .sort((x, y) =>
      x.namespace !== y.namespace ? (x.namespace ? 1 : -1) : x.name < y.name ? -1 : x.name > y.name ? 1 : 0,
    )
    .map((b) => listerErrorMessage(index.bindingError(b)!));
}

/** Convenience for callers holding a user and a request apart. */
export function explainFor(index: RbacIndex, user: UserInfo, a: Omit<Attributes, 'user'>): Explanation {
  return explain(index, { ...a, user });
}

/** RoleBindings across every namespace, filed under each user (service accounts by username) and group they name. */
interface RoleBindingsBySubject {
  users: Map<string, BindingEntry[]>;
  groups: Map<string, BindingEntry[]>;
}

const byNamespaceThenName = (x: BindingEntry, y: BindingEntry) =>
  x.namespace !== y.namespace ? (x.namespace < y.namespace ? -1 : 1) : x.name < y.name ? -1 : x.name > y.name ? 1 : 0;

/** Built once per index generation, and only when a denial asks for it. */
const roleBindingsBySubject = new PerGeneration<RoleBindingsBySubject>((index) => {
  const users = new Map<string, BindingEntry[]>();
  const groups = new Map<string, BindingEntry[]>();
  const file = (m: Map<string, BindingEntry[]>, k: string, b: BindingEntry) => {
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    // Each binding once per key, even when it names the subject twice.
    if (list[list.length - 1] !== b) list.push(b);
  };
  for (const b of index.listRoleBindings())
    for (const s of b.subjects) {
      if (s.kind === 'User') file(users, s.name, b);
      else if (s.kind === 'Group') file(groups, s.name, b);
      else if (s.kind === 'ServiceAccount') file(users, serviceAccountUsername(s.namespace || b.namespace, s.name), b);
    }
  for (const list of users.values()) list.sort(byNamespaceThenName);
  for (const list of groups.values()) list.sort(byNamespaceThenName);
  return { users, groups };
});

/** The RoleBindings outside `namespace` that may name the user, by namespace then name, each once. */
function otherNamespaceBindings(index: RbacIndex, user: UserInfo, namespace: string): BindingEntry[] {
  const by = roleBindingsBySubject.get(index);
  const lists: BindingEntry[][] = [];
  const u = by.users.get(user.username);
  if (u) lists.push(u);
  for (const g of user.groups) {
    const l = by.groups.get(g);
    if (l) lists.push(l);
  }
  const merged = lists.length === 1 ? lists[0]! : lists.flat().sort(byNamespaceThenName);
  const out: BindingEntry[] = [];
  for (const b of merged) if (b.namespace !== namespace && out[out.length - 1] !== b) out.push(b);
  return out;
}
