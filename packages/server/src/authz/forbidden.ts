// The 403 for a request the authorizer chain did not allow (apiserver/pkg/endpoints/handlers/responsewriters
// errors.go ForbiddenStatusError + apimachinery NewForbidden).
import { type StatusError, errors } from '../api/errors.js';
import type { Attributes } from './authorizer.js';
import { goQuote } from '../gocompat/quote.js';

/** What the user may not do, e.g. `User "jane" cannot list resource "pods" in API group "" at the cluster scope`. */
export function forbiddenMessage(a: Attributes): string {
  const user = goQuote(a.user?.username ?? '');
  if (!a.isResourceRequest) return `User ${user} cannot ${a.verb} path ${goQuote(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const what = `User ${user} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(a.apiGroup)}`;
  return a.namespace ? `${what} in the namespace ${goQuote(a.namespace)}` : `${what} at the cluster scope`;
}

/** HTML-escapes `&`, `<`, `>` (the reason is appended unescaped). */
export function sanitize(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/**
 * The Status error: `<gr>[ "<name>"] is forbidden: <detail>[: <reason>]`, or `forbidden: …` for non-resource
 * requests; details carry the plural resource as kind, the group when not core, the name when named.
 */
export function forbiddenError(a: Attributes, reason: string): StatusError {
  let msg = sanitize(forbiddenMessage(a));
  if (reason) msg += `: ${reason}`;
  if (!a.isResourceRequest) return errors.forbidden(null, '', msg);
  return errors.forbidden({ group: a.apiGroup, resource: a.resource }, a.name, msg);
}
