// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go): Allow with a reason naming the first allowing
// binding, otherwise NoOpinion — never Deny — with the role-resolution errors met on the way as the reason.
import { aggregate } from '../../api/errors.js';
import type { UserInfo } from '../../api/types.js';
import type {
  Attributes,
  Authorizer,
  AuthorizerResult,
  NonResourceRuleInfo,
  ResourceRuleInfo,
  RuleResolver,
  RulesResult,
} from '../authorizer.js';
import type { BindingEntry, RbacIndex } from './index.js';
import { listerErrorMessage } from './resolution.js';
import { type PreparedRequest, prepareRequest, preparedRuleAllows } from './rules.js';
import { describeSubject, firstApplyingSubject } from './subjects.js';
import type { PolicyRule } from './types.js';
import { goQuote } from '../../gocompat/quote.js';

/** `ClusterRoleBinding "crb" of ClusterRole "role" to User "u"` / `RoleBinding "rb/ns" of Role "r" to …`. */
export function describeBinding(b: BindingEntry, subjectIndex: number): string {
  const subject = describeSubject(b.subjects[subjectIndex]!, b.namespace);
  const name = b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
  return `${b.kind} ${goQuote(name)} of ${b.roleRef.kind} ${goQuote(b.roleRef.name)} to ${subject}`;
}

export class RbacAuthorizer implements Authorizer, RuleResolver {
  constructor(readonly index: RbacIndex) {}

  /**
   * Equivalent to walking the merged, name-ordered bindings and stopping at the first allowing rule, but done per
   * candidate list: the first allowing binding of each (name-sorted) list is that list's minimum, and the overall
   * minimum is the binding kube-apiserver would report. Lists stop early once past the best name found so far.
   */
  authorize(a: Attributes): AuthorizerResult {
    const req = prepareRequest(a);
    const unresolved: BindingEntry[] = [];
    let best = this.scan(this.index.candidateLists(a.user, ''), req, unresolved);
    if (!best && a.namespace) best = this.scan(this.index.candidateLists(a.user, a.namespace), req, unresolved);
    if (best) {
      const subjectIndex = firstApplyingSubject(a.user, best.subjects, best.namespace);
      return { decision: 'Allow', reason: `RBAC: allowed by ${describeBinding(best, subjectIndex)}` };
    }
    if (unresolved.length === 0) return { decision: 'NoOpinion', reason: '' };
    return { decision: 'NoOpinion', reason: `RBAC: ${aggregate(this.errorsInOrder(unresolved))}` };
  }

  private scan(lists: BindingEntry[][], req: PreparedRequest, unresolved: BindingEntry[]): BindingEntry | undefined {
    let best: BindingEntry | undefined;
    for (let l = 0; l < lists.length; l++) {
      const list = lists[l]!;
      for (let i = 0; i < list.length; i++) {
        const b = list[i]!;
        if (best && b.name >= best.name) break;
        const role = b.role;
        if (!role) {
          unresolved.push(b);
          continue;
        }
        // Cheap rejection first: a role that never names the verb (or resource) cannot allow the request.
        if (!role.anyVerb && !role.verbs.has(req.verb)) continue;
        if (
          req.resourceRequest &&
          !role.anyResource &&
          !role.resources.has(req.combined) &&
          !(req.starSubresource && role.resources.has(req.starSubresource))
        )
          continue;
        if (rulesAllowPrepared(req, role.rules)) {
          best = b;
          break;
        }
      }
    }
    return best;
  }

  /** The resolution errors in visit order: cluster bindings, then namespace bindings, each by name, once. */
  private errorsInOrder(unresolved: BindingEntry[]): string[] {
    const unique = [...new Set(unresolved)].sort((x, y) =>
      x.namespace !== y.namespace ? (x.namespace ? 1 : -1) : x.name < y.name ? -1 : x.name > y.name ? 1 : 0,
    );
    return unique.map((b) => listerErrorMessage(this.index.bindingError(b)!));
  }

  /** SelfSubjectRulesReview: the raw rules of every applicable binding, cluster bindings first. */
  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const { rules, errors } = this.index.rulesFor(user, namespace);
    const result: RulesResult = { ...splitRules(rules), incomplete: false };
    if (errors.length) result.evaluationError = aggregate(errors.map(listerErrorMessage));
    return result;
  }
}

function rulesAllowPrepared(req: PreparedRequest, rules: readonly PolicyRule[]): boolean {
  for (let i = 0; i < rules.length; i++) if (preparedRuleAllows(req, rules[i]!)) return true;
  return false;
}

/** Resource rules and non-resource rules, as RBACAuthorizer.RulesFor separates them. */
export function splitRules(rules: readonly PolicyRule[]): {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
} {
  const resourceRules: ResourceRuleInfo[] = [];
  const nonResourceRules: NonResourceRuleInfo[] = [];
  for (const r of rules) {
    if (r.resources?.length) {
      const info: ResourceRuleInfo = { verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources };
      if (r.resourceNames) info.resourceNames = r.resourceNames;
      resourceRules.push(info);
    }
    if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
  }
  return { resourceRules, nonResourceRules };
}
