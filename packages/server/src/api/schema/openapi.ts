// /openapi/v3: the index of group-version documents and one OpenAPI 3.0 document per group version, shaped
// as kube-apiserver's. kubectl reads them to decide server-side field validation (a PATCH operation with
// the kind's x-kubernetes-group-version-kind and a `fieldValidation` parameter, query_param_verifier_v3.go),
// for `explain` (paths -> GVK -> the component carrying that GVK) and for client-side apply (patch
// strategies read from components).
import { createHash } from 'node:crypto';
import { schemaRefPrefix } from './dsl.js';
import { components, kindSchemaName } from './index.js';
import type { Schema } from './types.js';

export interface OpenAPISubresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}
export interface OpenAPIResource {
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  subresources?: OpenAPISubresource[];
}
type GVK = { group: string; version: string; kind: string };
type Json = Record<string, unknown>;

/** The document path of a group version: `api/v1`, `apis/rbac.authorization.k8s.io/v1`. */
export function openapiV3Path(gv: string): string {
  if (gv.startsWith('api/') || gv.startsWith('apis/')) return gv;
  return gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
}

/** kube-openapi's document hash: upper-case hex SHA-512 of the served bytes. */
export function openapiHash(body: string | Uint8Array): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

/** `GET /openapi/v3`: `{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"},…}}`. */
export function openapiV3Root(groupVersions: string[], hashOf: (gv: string) => string) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of [...groupVersions].sort((a, b) => (openapiV3Path(a) < openapiV3Path(b) ? -1 : 1))) {
    const p = openapiV3Path(gv);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(gv)}` };
  }
  return { paths };
}

const str = { type: 'string', uniqueItems: true };
const int = { type: 'integer', uniqueItems: true };
const bool = { type: 'boolean', uniqueItems: true };
const q = (name: string, schema: Json, description: string) => ({ name, in: 'query', description, schema });
const P = {
  pretty: q('pretty', str, "If 'true', the output is pretty printed."),
  dryRun: q('dryRun', str, 'When present (All), the request is processed but not persisted.'),
  fieldManager: q('fieldManager', str, 'Name of the actor making the change (at most 128 characters).'),
  fieldValidation: q(
    'fieldValidation',
    str,
    'How to treat unknown or duplicate fields in the body: Ignore, Warn (the default: warning headers) or Strict (a BadRequest error).',
  ),
  force: q('force', bool, 'Apply requests only: take over fields owned by other managers.'),
  allowWatchBookmarks: q('allowWatchBookmarks', bool, 'Ask for BOOKMARK watch events.'),
  continue: q('continue', str, 'The continue token of the previous page of a list.'),
  fieldSelector: q('fieldSelector', str, 'Restricts the objects by their fields.'),
  labelSelector: q('labelSelector', str, 'Restricts the objects by their labels.'),
  limit: q('limit', int, 'The most objects to return in one page.'),
  resourceVersion: q('resourceVersion', str, 'The resource version to serve from.'),
  resourceVersionMatch: q('resourceVersionMatch', str, 'How resourceVersion applies to a list (Exact, NotOlderThan).'),
  sendInitialEvents: q('sendInitialEvents', bool, 'Start a watch with synthetic ADDED events for existing objects.'),
  timeoutSeconds: q('timeoutSeconds', int, 'Ends the list or watch call after this many seconds.'),
  watch: q('watch', bool, 'Watch for changes instead of listing.'),
  gracePeriodSeconds: q('gracePeriodSeconds', int, 'Seconds before the object is deleted; 0 deletes at once.'),
  ignoreStore: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    bool,
    'Delete objects whose stored data cannot be read (unsafe).',
  ),
  orphanDependents: q('orphanDependents', bool, 'Deprecated: use propagationPolicy.'),
  propagationPolicy: q('propagationPolicy', str, 'Garbage collection of dependents: Orphan, Background or Foreground.'),
};
const writeParams = [P.dryRun, P.fieldManager, P.fieldValidation];
const listParams = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const deleteParams = [P.dryRun, P.gracePeriodSeconds, P.ignoreStore, P.orphanDependents, P.propagationPolicy];
const deleteCollectionParams = [
  P.continue,
  P.dryRun,
  P.fieldSelector,
  P.gracePeriodSeconds,
  P.ignoreStore,
  P.labelSelector,
  P.limit,
  P.orphanDependents,
  P.propagationPolicy,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
];
const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: str,
});

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string) => ({ $ref: schemaRefPrefix + name });
const media = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const content = (name: string, types = media) => Object.fromEntries(types.map((t) => [t, { schema: ref(name) }]));
const responses = (name: string, codes: [string, string][], types?: string[]) => {
  const r: Json = {};
  for (const [code, description] of codes) r[code] = { description, content: content(name, types) };
  r['401'] = { description: 'Unauthorized' };
  return r;
};
const patchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

const camel = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
function groupWords(group: string): string[] {
  return group ? group.replace(/\.k8s\.io$/, '').split('.') : ['core'];
}

/** The OpenAPI 3.0 document of one group version (`/openapi/v3/api/v1`). */
export function openapiV3Document(
  gv: { group: string; version: string },
  resources: OpenAPIResource[],
  opts: { serverVersion?: string } = {},
) {
  const { group, version } = gv;
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const words = groupWords(group);
  const opPrefix = words.map(camel).join('') + camel(version);
  const tag = words[0] + words.slice(1).map(camel).join('') + '_' + version;
  const paths: Record<string, Json> = {};
  const roots = new Set([`${meta}.Status`, `${meta}.DeleteOptions`, `${meta}.Patch`]);
  const schemaOf = (k: GVK) => {
    const name = kindSchemaName(k.group, k.version, k.kind) ?? `${meta}.Patch`; // unknown kinds: any object
    roots.add(name);
    return name;
  };
  const op = (action: string, verb: string, what: string, k: GVK, description: string, extra: Json) => ({
    description,
    operationId: `${verb}${opPrefix}${what}`,
    tags: [tag],
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': k,
  });
  const addPath = (p: string, params: Json[], ops: Json) => {
    if (Object.keys(ops).length) paths[p] = { ...(paths[p] ?? {}), parameters: [...params, P.pretty], ...ops };
  };

  for (const r of resources) {
    const k: GVK = { group, version, kind: r.kind };
    const name = schemaOf(k);
    const ns = r.namespaced ? 'Namespaced' : '';
    const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
    const nsParams = r.namespaced
      ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')]
      : [];
    const nameParam = pathParam('name', `name of the ${r.kind}`);
    const has = (v: string) => r.verbs.includes(v);
    const listKind = has('list') ? schemaOf({ ...k, kind: `${r.kind}List` }) : undefined;
    const listOp = (what: string) =>
      op('list', 'list', what, k, `list or watch objects of kind ${r.kind}`, {
        parameters: listParams,
        responses: responses(
          listKind!,
          [['200', 'OK']],
          [...media, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'],
        ),
      });

    const colOps: Json = {};
    if (has('list')) colOps.get = listOp(`${ns}${r.kind}`);
    if (has('create'))
      colOps.post = op('post', 'create', `${ns}${r.kind}`, k, `create a ${r.kind}`, {
        parameters: writeParams,
        requestBody: { content: { '*/*': { schema: ref(name) } }, required: true },
        responses: responses(name, [
          ['200', 'OK'],
          ['201', 'Created'],
          ['202', 'Accepted'],
        ]),
      });
    if (has('deletecollection'))
      colOps.delete = op(
        'deletecollection',
        'delete',
        `Collection${ns}${r.kind}`,
        k,
        `delete collection of ${r.kind}`,
        {
          parameters: deleteCollectionParams,
          requestBody: { content: { '*/*': { schema: ref(`${meta}.DeleteOptions`) } } },
          responses: responses(`${meta}.Status`, [['200', 'OK']]),
        },
      );
    addPath(collection, nsParams, colOps);
    if (r.namespaced && has('list'))
      addPath(`${prefix}/${r.resource}`, [], { get: listOp(`${r.kind}ForAllNamespaces`) });

    const itemOps = itemOperations(op, k, name, `${ns}${r.kind}`, r.kind, r.verbs, '');
    addPath(`${collection}/{name}`, [nameParam, ...nsParams], itemOps);

    for (const s of r.subresources ?? []) {
      const sk: GVK = { group: s.group ?? group, version: s.version ?? version, kind: s.kind };
      const ops = itemOperations(op, sk, schemaOf(sk), `${ns}${r.kind}${camel(s.name)}`, r.kind, s.verbs, s.name);
      addPath(`${collection}/{name}/${s.name}`, [pathParam('name', `name of the ${s.kind}`), ...nsParams], ops);
    }
  }

  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: opts.serverVersion ?? 'v1.33.0' },
    paths,
    components: {
      schemas: reachableSchemas(roots),
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

type OpFn = (action: string, verb: string, what: string, k: GVK, description: string, extra: Json) => Json;

// GET/PUT/PATCH/DELETE on an object, or on a subresource (POST too: serviceaccounts/token).
function itemOperations(op: OpFn, k: GVK, name: string, what: string, parent: string, verbs: string[], sub: string) {
  const of = sub ? `${sub} of ` : '';
  const the = sub && verbs.includes('create') && !verbs.includes('get') ? `a ${parent}` : `the specified ${parent}`;
  const ops: Json = {};
  const ok: [string, string][] = [['200', 'OK']];
  const created: [string, string][] = [...ok, ['201', 'Created']];
  if (verbs.includes('get'))
    ops.get = op('get', 'read', what, k, `read ${of}${the}`, { responses: responses(name, ok) });
  if (verbs.includes('update'))
    ops.put = op('put', 'replace', what, k, `replace ${of}${the}`, {
      parameters: writeParams,
      requestBody: { content: { '*/*': { schema: ref(name) } }, required: true },
      responses: responses(name, created),
    });
  if (verbs.includes('patch'))
    ops.patch = op('patch', 'patch', what, k, `partially update ${of}${the}`, {
      parameters: [...writeParams, P.force],
      requestBody: {
        content: Object.fromEntries(patchTypes.map((t) => [t, { schema: ref(`${meta}.Patch`) }])),
        required: true,
      },
      responses: responses(name, created),
    });
  if (verbs.includes('delete'))
    ops.delete = op('delete', 'delete', what, k, `delete ${of}${the}`, {
      parameters: deleteParams,
      requestBody: { content: { '*/*': { schema: ref(`${meta}.DeleteOptions`) } } },
      responses: responses(`${meta}.Status`, [
        ['200', 'OK'],
        ['202', 'Accepted'],
      ]),
    });
  if (verbs.includes('create') && sub)
    ops.post = op('post', 'create', what, k, `create ${of}${the}`, {
      parameters: writeParams,
      requestBody: { content: { '*/*': { schema: ref(name) } }, required: true },
      responses: responses(name, [
        ['200', 'OK'],
        ['201', 'Created'],
        ['202', 'Accepted'],
      ]),
    });
  return ops;
}

// kube-apiserver publishes these two as `oneOf`, which the Schema type does not carry.
const published: Record<string, Json> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
};

/** The named components and everything they reference, in name order. */
function reachableSchemas(roots: Iterable<string>): Record<string, unknown> {
  const seen = new Set<string>();
  const visit = (s: Schema | undefined): void => {
    if (!s) return;
    if (s.$ref) {
      const n = s.$ref.slice(schemaRefPrefix.length);
      if (!seen.has(n)) {
        seen.add(n);
        visit(components[n]);
      }
    }
    for (const p of Object.values(s.properties ?? {})) visit(p);
    if (s.items) visit(s.items);
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties);
    s.allOf?.forEach(visit);
  };
  for (const r of roots) visit({ $ref: schemaRefPrefix + r });
  const out: Record<string, unknown> = {};
  for (const n of [...seen].sort()) {
    const s = components[n];
    if (!s) continue;
    out[n] = published[n] ? { description: s.description, ...published[n] } : s;
  }
  return out;
}
