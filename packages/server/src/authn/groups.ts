// The authenticated-group adder (k8s.io/apiserver/pkg/authentication/group AuthenticatedGroupAdder).
import type { UserInfo } from '../api/types.js';

// Authenticators that keep one UserInfo per credential (the token file) get one extended copy per user.
const extended = new WeakMap<UserInfo, UserInfo>();

/** Appends `system:authenticated` unless the user already has it (or is anonymous). */
export function withAuthenticatedGroup(u: UserInfo): UserInfo {
  if (u.username === 'system:anonymous') return u;
  if (u.groups.includes('system:authenticated') || u.groups.includes('system:unauthenticated')) return u;
  if (Object.isFrozen(u)) {
    let x = extended.get(u);
    if (x === undefined) {
      x = Object.freeze({ ...u, groups: Object.freeze([...u.groups, 'system:authenticated']) as string[] });
      extended.set(u, x);
    }
    return x;
  }
  return { ...u, groups: [...u.groups, 'system:authenticated'] };
}
