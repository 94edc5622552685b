// RequestInfo from the URL, as k8s.io/apiserver/pkg/endpoints/request/requestinfo.go computes it. The one
// parser routing, RBAC and audit all use.

export interface RequestInfo {
  isResourceRequest: boolean;
  /** The decoded URL path. */
  path: string;
  /** Kubernetes verb for resource requests, lowercased HTTP method otherwise. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Remaining path parts after resource (resource, name, subresource, ...). */
  parts: string[];
}

const namespaceSubresources = new Set(['status', 'finalize']);

/** Go's strconv.ParseBool. */
export function parseGoBool(v: string): boolean | undefined {
  switch (v) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
  }
  return undefined;
}

/** Kubernetes' IsValidPathSegmentName messages. */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const out: string[] = [];
  if (name.includes('/')) out.push(`may not contain '/'`);
  if (name.includes('%')) out.push(`may not contain '%'`);
  return out;
}

/** Exact-match `metadata.name=<n>` (or `==`) in a field selector, as RequiresExactMatch. */
function fieldSelectorName(sel: string): string | undefined {
  for (const term of sel.split(',')) {
    const m = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(term);
    if (m) return m[2];
  }
  return undefined;
}

// RequestInfo of query-less requests by method and path: the review endpoints and a client's repeated GETs hit the
// same few paths, and parsing them anew was a measurable share of a small request's cost. Frozen, because shared.
// Only ordinary-length paths are kept: a request line may be up to 1 MiB, and the memo must not pin megabytes.
// One memo per method, keyed by the path itself (no key is built per request); the usual methods only.
const memos = new Map<string, Map<string, Readonly<RequestInfo>>>(
  ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => [m, new Map()]),
);
const memoLimit = 1024;
const memoPathLimit = 512;
const noQuery = new URLSearchParams();

/** requestInfo for a URL without a query string, memoized. */
export function requestInfoNoQuery(method: string, path: string): Readonly<RequestInfo> {
  const memo = memos.get(method);
  if (memo === undefined || path.length > memoPathLimit) return requestInfo(method, path, noQuery);
  let info = memo.get(path);
  if (info === undefined) {
    const fresh = requestInfo(method, path, noQuery);
    Object.freeze(fresh.parts);
    info = Object.freeze(fresh);
    if (memo.size >= memoLimit) memo.clear();
    memo.set(path, info);
  }
  return info;
}

export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  };
  let parts = path.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return info;
  info.apiPrefix = parts[0]!;
  parts = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (parts.length < 3) return info;
    info.apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0]!;
  parts = parts.slice(1);

  if (parts[0] === 'watch' || parts[0] === 'proxy') {
    // Deprecated /watch/ and /proxy/ path verbs.
    if (parts.length < 2) {
      info.isResourceRequest = false;
      return info;
    }
    info.verb = parts[0];
    parts = parts.slice(1);
  } else {
    info.verb =
      { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? '';
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      if (parts.length > 2 && !namespaceSubresources.has(parts[2]!)) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && info.verb !== 'proxy') info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;

  if (!info.name && info.verb === 'get') {
    const w = query.get('watch');
    let watch = false;
    if (w !== null) {
      const b = parseGoBool(w);
      watch = b === undefined ? !(w.toLowerCase() === 'false' || w === '0') : b;
    }
    info.verb = watch ? 'watch' : 'list';
    const fs = query.get('fieldSelector');
    if (fs) {
      const n = fieldSelectorName(fs);
      if (n !== undefined && pathSegmentNameErrors(n).length === 0) info.name = n;
    }
  }
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}
