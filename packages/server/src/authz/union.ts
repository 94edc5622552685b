// The authorizer chain of --authorization-mode (apiserver/pkg/authorization/union and authorizerfactory):
// first Allow or Deny wins; otherwise NoOpinion with the reasons of every authorizer joined by "\n". A
// system:masters short-circuit always runs first.
import { aggregate } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';
import type {
  Attributes,
  Authorizer,
  AuthorizerResult,
  NonResourceRuleInfo,
  ResourceRuleInfo,
  RuleResolver,
  RulesResult,
} from './authorizer.js';
import { goQuoteList } from '../gocompat/quote.js';

/** An authorizer that may also list rules (for SelfSubjectRulesReview). */
export type ChainMember = Authorizer & Partial<RuleResolver>;

/** Authorizer and RuleResolver of a whole chain. */
export interface AuthorizerChain extends Authorizer, RuleResolver {
  readonly members: readonly ChainMember[];
}

export const systemMasters = 'system:masters';

export function unionAuthorizer(list: readonly ChainMember[]): AuthorizerChain {
  return {
    members: list,
    authorize(a: Attributes): AuthorizerResult {
      const reasons: string[] = [];
      const errs: string[] = [];
      for (const authz of list) {
        const r = authz.authorize(a);
        if (r.error) errs.push(r.error);
        if (r.reason) reasons.push(r.reason);
        // The deciding authorizer's own reason and error, not the accumulated ones.
        if (r.decision !== 'NoOpinion') return r;
      }
      const result: AuthorizerResult = { decision: 'NoOpinion', reason: reasons.join('\n') };
      if (errs.length) result.error = aggregate(errs);
      return result;
    },
    rulesFor(user: UserInfo, namespace: string): RulesResult {
      const resourceRules: ResourceRuleInfo[] = [];
      const nonResourceRules: NonResourceRuleInfo[] = [];
      const errs: string[] = [];
      let incomplete = false;
      for (const authz of list) {
        if (!authz.rulesFor) continue;
        const r = authz.rulesFor(user, namespace);
        if (r.incomplete) incomplete = true;
        if (r.evaluationError) errs.push(r.evaluationError);
        resourceRules.push(...r.resourceRules);
        nonResourceRules.push(...r.nonResourceRules);
      }
      const result: RulesResult = { resourceRules, nonResourceRules, incomplete };
      if (errs.length) result.evaluationError = aggregate(errs);
      return result;
    },
  };
}

/** AlwaysAllow: allows everything; lists `*` rules. */
export const alwaysAllow: ChainMember = {
  authorize: () => ({ decision: 'Allow', reason: '' }),
  rulesFor: () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  }),
};

/** AlwaysDeny: NoOpinion (not Deny) with a fixed reason; lists nothing. */
export const alwaysDeny: ChainMember = {
  authorize: () => ({ decision: 'NoOpinion', reason: 'Everything is forbidden.' }),
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};

/** The privileged-group authorizer: members of system:masters may do anything, with an empty reason. */
export const mastersAuthorizer: ChainMember = {
  authorize: (a) =>
    a.user.groups.includes(systemMasters) ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' },
};

/** Every mode kube-apiserver knows (pkg/kubeapiserver/authorizer/modes). */
export const authorizationModeChoices = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'] as const;
/** The modes kubeauth implements. */
export const supportedAuthorizationModes = ['AlwaysAllow', 'AlwaysDeny', 'RBAC'] as const;

/**
 * BuiltInAuthorizationOptions.Validate with kube-apiserver's messages, plus a clear refusal of the known modes
 * kubeauth does not implement (Node, ABAC, Webhook need kubelets, a policy file or a webhook).
 */
export function validateAuthorizationModes(modes: readonly string[]): string[] {
  const errs: string[] = [];
  if (modes.length === 0) errs.push('at least one authorization-mode must be passed');
  for (const mode of modes) {
    if (!(authorizationModeChoices as readonly string[]).includes(mode))
      errs.push(`authorization-mode ${JSON.stringify(mode)} is not a valid mode`);
    else if (!(supportedAuthorizationModes as readonly string[]).includes(mode))
      errs.push(
        `authorization-mode ${JSON.stringify(mode)} is not supported by kubeauth (supported: ${supportedAuthorizationModes.join(', ')})`,
      );
  }
  if (new Set(modes).size !== modes.length)
    errs.push(`authorization-mode ${goQuoteList(modes)} has mode specified more than once`);
  return errs;
}

export class AuthorizationModeError extends Error {
  constructor(readonly errors: string[]) {
    super(aggregate(errors));
  }
}

/**
 * The chain for an --authorization-mode list, in order, behind the system:masters short-circuit. Throws
 * AuthorizationModeError (message = Go's aggregate of the validation errors) for a bad list.
 */
export function buildAuthorizer(modes: readonly string[], rbac: ChainMember): AuthorizerChain {
  const errs = validateAuthorizationModes(modes);
  if (errs.length) throw new AuthorizationModeError(errs);
  const members: ChainMember[] = [mastersAuthorizer];
  for (const mode of modes) {
    if (mode === 'AlwaysAllow') members.push(alwaysAllow);
    else if (mode === 'AlwaysDeny') members.push(alwaysDeny);
    else members.push(rbac);
  }
  return unionAuthorizer(members);
}
