/**
 * Kubernetes `Status` error bodies and headers for the middleware's 401/403/500/503 answers, in kube-apiserver's
 * format (field order as kube-apiserver writes them).
 *
 * @module
 */
import type { AccessAttributes } from '../accessreview.js';

/** A complete HTTP answer the middleware sends instead of calling the handler. */
export interface ErrorResponse {
  readonly status: 401 | 403 | 500 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** kube-apiserver's 401 body, byte for byte. */
export const UNAUTHORIZED_BODY =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}';

const JSON_HEADERS = { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' } as const;

/**
 * 401 with `WWW-Authenticate: Bearer realm="<realm>"`, plus `error="invalid_token"` when a token was presented
 * (RFC 6750 §3: no error code when the request had no credentials).
 */
export function unauthorizedResponse(realm: string, tokenPresented: boolean): ErrorResponse {
  const challenge = `Bearer realm="${quote(realm)}"${tokenPresented ? ', error="invalid_token"' : ''}`;
  return { status: 401, headers: { ...JSON_HEADERS, 'www-authenticate': challenge }, body: UNAUTHORIZED_BODY };
}

/** 403 `Forbidden` Status; `details` as kube-apiserver fills them (`{}` for non-resource requests). */
export function forbiddenResponse(message: string, attributes: AccessAttributes | undefined): ErrorResponse {
  const details: Record<string, string> = {};
  const r = attributes?.resourceAttributes;
  if (r) {
    if (r.name) details.name = r.name;
    if (r.group) details.group = r.group;
    details.kind = r.resource;
  }
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Forbidden',
    details,
    code: 403,
  });
  return { status: 403, headers: { ...JSON_HEADERS }, body };
}

/** 503 `ServiceUnavailable`: the reviewer could not get an answer (fail closed). */
export function unavailableResponse(): ErrorResponse {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server is currently unable to handle the request',
    reason: 'ServiceUnavailable',
    code: 503,
  });
  return { status: 503, headers: { ...JSON_HEADERS, 'retry-after': '1' }, body };
}

/** 500 `InternalError` for unexpected failures (a bug in a custom authenticator or authorize step). */
export function internalErrorResponse(): ErrorResponse {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Internal error occurred: authentication or authorization failed unexpectedly',
    reason: 'InternalError',
    code: 500,
  });
  return { status: 500, headers: { ...JSON_HEADERS }, body };
}

/**
 * kube-apiserver's Forbidden message, e.g.
 * `pods "web-0" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "default"`
 * or `forbidden: User "jane" cannot get path "/metrics"`, followed by `: <reason>` when there is one.
 */
export function forbiddenMessage(username: string, attributes: AccessAttributes, reason?: string): string {
  let prefix: string;
  let detail: string;
  const r = attributes.resourceAttributes;
  if (r) {
    const gr = r.group ? `${r.resource}.${r.group}` : r.resource;
    prefix = r.name ? `${gr} "${r.name}" is forbidden: ` : `${gr} is forbidden: `;
    const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    const scope = r.namespace ? `in the namespace "${r.namespace}"` : 'at the cluster scope';
    detail = `User "${username}" cannot ${r.verb} resource "${resource}" in API group "${r.group ?? ''}" ${scope}`;
  } else {
    const n = attributes.nonResourceAttributes!;
    prefix = 'forbidden: ';
    detail = `User "${username}" cannot ${n.verb} path "${n.path}"`;
  }
  // kube-apiserver HTML-escapes the detail part.
  detail = detail.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return prefix + detail + (reason ? `: ${reason}` : '');
}

function quote(s: string): string {
  return s.replace(/[\\"]/g, '\\$&');
}
