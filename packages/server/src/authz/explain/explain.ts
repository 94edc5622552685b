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
import { firstApplyingSubject } from '../rbac/subjects.js';
import type { PolicyRule, Subject } from '../rbac/types.js';
import { systemMasters } from '../union.js';
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

  const visitScope = (namespace: string, otherNamespace: boolean) =>
    index.visit(a.user, namespace, (b, s) => {
      // The binding's own resolved role, as the authorizer reads it (not a lookup in the request's namespace).
      const rules = b.role?.rules;
      // visit() walks the cluster bindings for every namespace; count them once.
      if (otherNamespace && !b.namespace) return true;
      const subject = effectiveSubject(b.subjects[s]!, b.namespace);
      if (!rules) {
        if (otherNamespace) return true;
        unresolvedEntries.push(b);
        const err = index.bindingError(b)!;
        unresolved.push({ binding: bindingRef(b), role: roleRefName(b), subject, error: listerErrorMessage(err) });
        return true;
      }
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        const ref = (): RuleRef => ({ binding: bindingRef(b), role: roleRefName(b), ruleIndex: i, rule, subject });
        if (otherNamespace) {
          // A rule bound in another namespace that matches everything: it misses on the namespace only.
          if (preparedRuleAllows(req, rule)) nearMisses.push({ ...ref(), mismatch: 'namespace' });
          continue;
        }
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

  visitScope(a.namespace, false);
  const privileged = a.user.groups.includes(systemMasters);
  if (denied() && req.resourceRequest) {
    // Only the RoleBindings filed under the user or its groups in each other namespace: no cluster re-walk.
    for (const ns of index.bindingNamespaces().sort()) {
      if (ns === a.namespace) continue;
      const lists = index.candidateLists(a.user, ns);
      if (lists.length) visitScope(ns, true);
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
