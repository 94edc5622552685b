// Binding subjects: which users they match and how the authorizer names them in its reasons
// (pkg/registry/rbac/validation/rule.go appliesToUser / describeSubject).
import type { UserInfo } from '../../api/types.js';
import type { Subject } from './types.js';
import { goQuote } from '../../gocompat/quote.js';

export const serviceAccountUsernamePrefix = 'system:serviceaccount:';

/** The username a service account authenticates as. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${serviceAccountUsernamePrefix}${namespace}:${name}`;
}

/**
 * Whether a subject matches the user. `namespace` is the binding's namespace ('' for ClusterRoleBindings): a
 * ServiceAccount subject without a namespace takes it, and never matches in a ClusterRoleBinding.
 */
export function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || namespace;
      if (!ns) return false;
      return user.username === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}

/** Index of the first subject that matches, or -1: the reason string names that subject. */
export function firstApplyingSubject(user: UserInfo, subjects: readonly Subject[], namespace: string): number {
  for (let i = 0; i < subjects.length; i++) if (appliesToUser(user, subjects[i]!, namespace)) return i;
  return -1;
}

/** `User "jane"`, `Group "g"`, `ServiceAccount "name/namespace"` (name first). */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount')
    return `${subject.kind} ${goQuote(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  return `${subject.kind} ${goQuote(subject.name)}`;
}
