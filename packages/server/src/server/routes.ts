// Which requests to a create-only resource (the reviews) have a route at all. kube-apiserver's installer
// (staging/src/k8s.io/apiserver/pkg/endpoints/installer.go) registers go-restful routes per verb the storage
// implements; for a storage that only creates, that is one route: POST on the collection path (under
// namespaces/{namespace} for a namespaced kind, with no all-namespaces path, which only listers get). go-restful
// answers a path with routes but none for the method with 405, and a path without routes with 404, both through
// the container's service error handler (staging/src/k8s.io/apiserver/pkg/server/handler.go).
import { errors, type StatusError } from '../api/errors.js';
import type { RequestInfo } from '../request/info.js';
import type { ResourceDef } from '../registry/resource.js';

/** Whether the path carries the deprecated `/watch/` or `/proxy/` segment after the version. */
function verbSegment(info: Readonly<RequestInfo>): boolean {
  // The segment after the version of the path with its outer slashes trimmed (`split('/')`'s numbering: every inner
  // slash starts a segment), found by a scan: every review request asks, and a regex and a split allocate.
  const p = info.path;
  let from = 0;
  let to = p.length;
  while (from < to && p.charCodeAt(from) === 47) from++;
  while (to > from && p.charCodeAt(to - 1) === 47) to--;
  const want = info.apiGroup ? 3 : 2;
  let seg = 0;
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i < to && p.charCodeAt(i) !== 47) continue;
    if (seg === want) return i - start === 5 && (p.startsWith('watch', start) || p.startsWith('proxy', start));
    seg++;
    start = i + 1;
  }
  return false;
}

/** The go-restful error for a request to a create-only resource, or undefined for its one route. */
export function createOnlyRouteError(
  def: ResourceDef,
  info: Readonly<RequestInfo>,
  method: string,
): StatusError | undefined {
  // info.parts starts at the resource: a second part is an item path (a name only a field selector gave is not).
  if (verbSegment(info) || info.parts.length !== 1) return errors.pathNotFound();
  if (def.namespaced ? !info.namespace : !!info.namespace) return errors.pathNotFound();
  return method === 'POST' ? undefined : errors.restfulMethodNotAllowed();
}
