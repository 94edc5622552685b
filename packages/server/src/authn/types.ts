// The Authenticator seam. A token authenticator answers "mine, here is the user", "mine, but invalid"
// ({error}) or "not mine" (null), so a union can try the next one.
import type { UserInfo } from '../api/types.js';

export interface TokenResult {
  user: UserInfo;
  /** Audiences the token is valid for, intersected with the requested ones. */
  audiences: string[];
  warnings?: string[];
  /** Audit annotations (not yet written anywhere but kept for the audit seam). */
  annotations?: Record<string, string>;
}

export type TokenOutcome = TokenResult | { error: string } | null;

export interface TokenAuthenticator {
  /** `audiences`: the audiences the caller wants (TokenReview spec.audiences), else the API audiences. */
  authenticateToken(token: string, audiences: string[]): TokenOutcome;
}

export const invalidBearerToken = 'invalid bearer token';

/**
 * A deeply frozen copy of a user. Authenticators that cache one user per credential hand the same object to every
 * request, so nothing downstream may edit it in place; the chain then adds `system:authenticated` once per user.
 */
export function freezeUser(u: UserInfo): UserInfo {
  const extra = u.extra;
  return Object.freeze({
    ...u,
    groups: Object.freeze([...u.groups]) as string[],
    ...(extra
      ? {
          extra: Object.freeze(
            Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, Object.freeze([...v]) as string[]])),
          ),
        }
      : {}),
  });
}
