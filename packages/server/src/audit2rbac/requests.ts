// The requests a subject made, read back from an audit.k8s.io/v1 log (JSON lines) as the authorizer saw them.
// Each request counts once (deduplicated by auditID) whatever stages the policy kept: RequestReceived,
// ResponseStarted, ResponseComplete or Panic all carry the same request attributes.
import type { AuditEvent } from '../audit/event.js';
import { nonResourceAttributes, type Attributes } from '../authz/authorizer.js';

/** Who the roles are for: a user name, or a service account (bound as a ServiceAccount subject). */
export type Subject = { kind: 'User'; name: string } | { kind: 'ServiceAccount'; namespace: string; name: string };

export function subjectUsername(s: Subject): string {
  return s.kind === 'User' ? s.name : `system:serviceaccount:${s.namespace}:${s.name}`;
}

/** One request, as authorization attributes: the authorizer's own, without the user (the log is one subject's). */
export type ObservedRequest = Omit<Attributes, 'user'>;

/** Verbs whose RBAC check carries the object's name, so a rule may narrow them by resourceNames. */
export const namedVerbs = new Set(['get', 'update', 'patch', 'delete']);

/**
 * The identity a request was authorized as: the impersonated user when there is one (the request ran as them),
 * otherwise the authenticated user.
 */
function effectiveUser(ev: AuditEvent): string | undefined {
  return ev.impersonatedUser?.username ?? ev.user?.username;
}

export function requestOf(ev: AuditEvent): ObservedRequest {
  const ref = ev.objectRef;
  if (!ref) {
    const uri = ev.requestURI ?? '/';
    const q = uri.indexOf('?');
    return nonResourceAttributes(ev.verb, q < 0 ? uri : uri.slice(0, q));
  }
  return {
    verb: ev.verb,
    isResourceRequest: true,
    path: '',
    apiGroup: ref.apiGroup ?? '',
    apiVersion: ref.apiVersion ?? '',
    resource: ref.resource ?? '',
    subresource: ref.subresource ?? '',
    namespace: ref.namespace ?? '',
    // kube's audit fills a created object's name (and namespace) from its body; the authorizer never saw that
    // name for a create of the resource itself, and RBAC rules for create never narrow by name.
    name: ev.verb === 'create' && !ref.subresource ? '' : (ref.name ?? ''),
  };
}

export interface ReadOptions {
  subject: Subject;
  /** Only requests in this namespace (cluster-scoped and non-resource requests are left out). */
  namespace?: string;
}

/** Parses the log's lines; lines that are not audit events (or are malformed) are skipped and counted. */
export function readAuditLog(text: string, o: ReadOptions): { requests: ObservedRequest[]; skipped: number } {
  const user = subjectUsername(o.subject);
  const seen = new Set<string>();
  const requests: ObservedRequest[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let ev: AuditEvent;
    try {
      ev = JSON.parse(line) as AuditEvent;
    } catch {
      skipped++;
      continue;
    }
    if (ev?.kind !== 'Event' || ev.apiVersion !== 'audit.k8s.io/v1' || typeof ev.verb !== 'string') {
      skipped++;
      continue;
    }
    if (effectiveUser(ev) !== user) continue;
    if (ev.auditID) {
      if (seen.has(ev.auditID)) continue;
      seen.add(ev.auditID);
    }
    const r = requestOf(ev);
    if (o.namespace !== undefined && r.namespace !== o.namespace) continue;
    requests.push(r);
  }
  return { requests, skipped };
}
