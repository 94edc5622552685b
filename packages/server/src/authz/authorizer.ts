// The Authorizer seam (k8s.io/apiserver/pkg/authorization/authorizer): attributes in, decision out.
import type { UserInfo } from '../api/types.js';

export interface Attributes {
  user: UserInfo;
  /** Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection, impersonate...) or the
   * lowercased HTTP method for non-resource requests. */
  verb: string;
  isResourceRequest: boolean;
  /** URL path, for non-resource requests. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

/** A non-resource request's attributes without the user: its verb and path, every resource member empty. */
export function nonResourceAttributes(verb: string, path: string): Omit<Attributes, 'user'> {
  return {
    verb,
    isResourceRequest: false,
    path,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
  };
}

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

export interface AuthorizerResult {
  decision: Decision;
  /** Human-readable reason (RBAC: `RBAC: allowed by ...`); empty when none. */
  reason: string;
  /** Evaluation error text (for SubjectAccessReview.status.evaluationError), empty when none. */
  error?: string;
}

export interface Authorizer {
  authorize(a: Attributes): AuthorizerResult;
}

export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}
export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs: string[];
}
export interface RulesResult {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  evaluationError?: string;
}

/** Lists the rules a user has in a namespace (SelfSubjectRulesReview). */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): RulesResult;
}
