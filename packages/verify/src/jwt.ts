/**
 * Helpers to look inside a compact JWT without verifying it (for cache lifetimes only, never for decisions).
 *
 * @module
 */

/** Decodes the payload of a compact JWS, or `undefined` if `token` is not one. Does NOT verify anything. */
export function peekJwtPayload(token: string): Record<string, unknown> | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second < 0 || token.indexOf('.', second + 1) !== -1) return undefined;
  try {
    const value = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `exp` claim of an (unverified) JWT in milliseconds since the epoch, or `undefined`. */
export function peekJwtExpiry(token: string): number | undefined {
  const exp = peekJwtPayload(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}
