// The label values kube-apiserver gives a request (endpoints/metrics/metrics.go: CleanScope, CanonicalVerb,
// CleanVerb, cleanDryRun), computed once per request from its RequestInfo.
import type { RequestInfo } from '../request/info.js';

export interface RequestLabels {
  verb: string;
  dry_run: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
}

const validVerbs = new Set([
  'APPLY',
  'CONNECT',
  'CREATE',
  'DELETE',
  'DELETECOLLECTION',
  'GET',
  'LIST',
  'PATCH',
  'POST',
  'PROXY',
  'PUT',
  'UPDATE',
  'WATCH',
]);

export function cleanScope(info: RequestInfo): string {
  if (info.name !== '' || info.verb === 'create') return 'resource';
  if (info.namespace !== '') return 'namespace';
  return info.isResourceRequest ? 'cluster' : '';
}

/** GET of a collection is LIST, `?watch=true` (or a /watch/ path) WATCH, an apply PATCH APPLY; others `other`. */
export function reportedVerb(method: string, info: RequestInfo, scope: string, contentType?: string): string {
  if (info.verb === 'watch') return 'WATCH';
  let verb = method.toUpperCase();
  if (verb === 'HEAD') verb = 'GET';
  if (verb === 'GET' && scope !== 'resource' && scope !== '') verb = 'LIST';
  if (verb === 'PATCH' && contentType === 'application/apply-patch+yaml') verb = 'APPLY';
  return validVerbs.has(verb) ? verb : 'other';
}

/** `dryRun=All` (sorted, deduplicated, joined) or `invalid`; empty without the parameter. */
export function cleanDryRun(rawQuery: string, query: URLSearchParams): string {
  if (!rawQuery.includes('dryRun')) return '';
  const values = query.getAll('dryRun');
  if (values.some((v) => v !== 'All')) return 'invalid';
  return [...new Set(values)].sort().join(',');
}

export function requestLabels(
  method: string,
  info: RequestInfo,
  rawQuery: string,
  query: URLSearchParams,
  contentType: string | undefined,
): RequestLabels {
  const scope = cleanScope(info);
  const verb = reportedVerb(method, info, scope, contentType?.split(';')[0]?.trim());
  if (!info.isResourceRequest)
    // Non-resource handlers (healthz, version, discovery) are instrumented with the path as the subresource.
    return { verb, dry_run: '', group: '', version: '', resource: '', subresource: info.path, scope, component: '' };
  return {
    verb,
    dry_run: cleanDryRun(rawQuery, query),
    group: info.apiGroup,
    version: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    scope,
    component: 'apiserver',
  };
}
