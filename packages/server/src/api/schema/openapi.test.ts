import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openapiHash, openapiV3Document, openapiV3Path, openapiV3Root, type OpenAPIResource } from './openapi.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const status = { name: 'status', verbs: ['get', 'patch', 'update'] };
const coreResources: OpenAPIResource[] = [
  { resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: crud },
  { resource: 'events', kind: 'Event', namespaced: true, verbs: crud },
  {
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [
      { name: 'finalize', kind: 'Namespace', verbs: ['update'] },
      { ...status, kind: 'Namespace' },
    ],
  },
  { resource: 'nodes', kind: 'Node', namespaced: false, verbs: crud, subresources: [{ ...status, kind: 'Node' }] },
  { resource: 'pods', kind: 'Pod', namespaced: true, verbs: crud, subresources: [{ ...status, kind: 'Pod' }] },
  { resource: 'secrets', kind: 'Secret', namespaced: true, verbs: crud },
  {
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    verbs: crud,
    subresources: [
      { name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
    ],
  },
];
const rbac = 'rbac.authorization.k8s.io';
const rbacResources: OpenAPIResource[] = [
  { resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, verbs: crud },
  { resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, verbs: crud },
  { resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, verbs: crud },
  { resource: 'roles', kind: 'Role', namespaced: true, verbs: crud },
];
const coreDoc = JSON.parse(JSON.stringify(openapiV3Document({ group: '', version: 'v1' }, coreResources))) as Obj;
const rbacDoc = JSON.parse(JSON.stringify(openapiV3Document({ group: rbac, version: 'v1' }, rbacResources))) as Obj;

// cli-runtime query_param_verifier_v3.go: the first PATCH operation (in Go's random map order) whose
// x-kubernetes-group-version-kind is the kind decides, so every such operation must declare the parameter.
function supportsFieldValidation(doc: Obj, gvk: Obj): boolean {
  const patches = Object.values(doc.paths as Obj)
    .map((p) => p.patch)
    .filter((op) => op && JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(gvk));
  return patches.length > 0 && patches.every((op) => op.parameters.some((p: Obj) => p.name === 'fieldValidation'));
}

test('every kind has a PATCH operation declaring fieldValidation (kubectl server-side validation)', () => {
  for (const r of coreResources)
    assert.ok(supportsFieldValidation(coreDoc, { group: '', version: 'v1', kind: r.kind }), r.kind);
  for (const r of rbacResources)
    assert.ok(supportsFieldValidation(rbacDoc, { group: rbac, version: 'v1', kind: r.kind }), r.kind);
  const patch = coreDoc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
  assert.deepEqual(
    patch.parameters.map((p: Obj) => p.name),
    ['dryRun', 'fieldManager', 'fieldValidation', 'force'],
  );
  assert.deepEqual(Object.keys(patch.requestBody.content), [
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
    'application/apply-patch+yaml',
  ]);
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.equal(patch.operationId, 'patchCoreV1NamespacedPod');
  for (const [path, ops] of Object.entries(coreDoc.paths as Obj))
    for (const m of ['post', 'put', 'patch'])
      if (ops[m])
        assert.ok(
          ops[m].parameters.some((p: Obj) => p.name === 'fieldValidation'),
          `${m} ${path}`,
        );
});

test('operations, actions and parameters follow kube-apiserver', () => {
  const p = coreDoc.paths;
  const ops = (path: string) => Object.keys(p[path]).filter((k) => k !== 'parameters');
  assert.deepEqual(ops('/api/v1/namespaces/{namespace}/pods'), ['get', 'post', 'delete']);
  assert.deepEqual(ops('/api/v1/namespaces/{namespace}/pods/{name}'), ['get', 'put', 'patch', 'delete']);
  assert.deepEqual(ops('/api/v1/pods'), ['get']);
  assert.deepEqual(ops('/api/v1/namespaces/{namespace}/pods/{name}/status'), ['get', 'put', 'patch']);
  assert.deepEqual(ops('/api/v1/namespaces/{name}/finalize'), ['put']);
  assert.equal(p['/api/v1/namespaces'].delete, undefined); // no deletecollection verb
  const token = p['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token'].post;
  assert.deepEqual(token['x-kubernetes-group-version-kind'], {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'TokenRequest',
  });
  assert.equal(token['x-kubernetes-action'], 'post');
  assert.equal(token.operationId, 'createCoreV1NamespacedServiceAccountToken');
  assert.equal(
    token.requestBody.content['*/*'].schema.$ref,
    '#/components/schemas/io.k8s.api.authentication.v1.TokenRequest',
  );
  const list = p['/api/v1/namespaces/{namespace}/pods'].get;
  assert.equal(list['x-kubernetes-action'], 'list');
  assert.ok(list.parameters.some((x: Obj) => x.name === 'watch'));
  assert.equal(
    list.responses['200'].content['application/json'].schema.$ref,
    '#/components/schemas/io.k8s.api.core.v1.PodList',
  );
  assert.equal(p['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(p['/api/v1/namespaces/{namespace}/pods'].delete.operationId, 'deleteCoreV1CollectionNamespacedPod');
  assert.deepEqual(
    p['/api/v1/namespaces/{namespace}/pods/{name}'].parameters.map((x: Obj) => [x.name, x.in]),
    [
      ['name', 'path'],
      ['namespace', 'path'],
      ['pretty', 'query'],
    ],
  );
  assert.equal(
    rbacDoc.paths['/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}'].patch.operationId,
    'patchRbacAuthorizationV1ClusterRole',
  );
  assert.deepEqual(rbacDoc.paths['/apis/rbac.authorization.k8s.io/v1/roles/{name}'], undefined);
  assert.ok(rbacDoc.paths['/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles/{name}']);
  assert.equal(coreDoc.openapi, '3.0.0');
  assert.equal(coreDoc.info.title, 'Kubernetes');
});

// kubectl explain (explain/v2/templates/plaintext.tmpl): find the GVK on one of the resource's paths, then
// the component whose x-kubernetes-group-version-kind list contains it, then follow the field path.
function explain(doc: Obj, prefix: string, resource: string, fieldPath: string[]): Obj | undefined {
  let gvk: Obj | undefined;
  for (const p of [
    `${prefix}/${resource}`,
    `${prefix}/${resource}/{name}`,
    `${prefix}/namespaces/{namespace}/${resource}`,
    `${prefix}/namespaces/{namespace}/${resource}/{name}`,
  ])
    for (const m of ['get', 'post', 'put', 'patch', 'delete'])
      gvk ??= doc.paths[p]?.[m]?.['x-kubernetes-group-version-kind'];
  if (!gvk) return undefined;
  const same = (a: Obj, b: Obj) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  let s: Obj | undefined = Object.values(doc.components.schemas as Obj).find((c) =>
    (c['x-kubernetes-group-version-kind'] ?? []).some((g: Obj) => same(g, gvk!)),
  );
  const deref = (x: Obj): Obj => {
    while (x.$ref || x.allOf?.length === 1)
      x = x.$ref ? doc.components.schemas[x.$ref.slice('#/components/schemas/'.length)] : x.allOf[0];
    return x;
  };
  for (const f of fieldPath) {
    s = deref(s!);
    if (s.items) s = deref(s.items);
    s = s.properties?.[f];
    if (!s) return undefined;
  }
  return s && deref(s);
}

test('kubectl explain finds every kind and walks into fields', () => {
  for (const r of coreResources) assert.ok(explain(coreDoc, '/api/v1', r.resource, []), r.resource);
  for (const r of rbacResources) assert.ok(explain(rbacDoc, `/apis/${rbac}/v1`, r.resource, []), r.resource);
  assert.equal(explain(coreDoc, '/api/v1', 'pods', ['spec', 'containers', 'ports', 'containerPort'])!.type, 'integer');
  assert.ok(explain(coreDoc, '/api/v1', 'pods', ['spec', 'volumes', 'projected', 'sources', 'serviceAccountToken']));
  assert.equal(explain(coreDoc, '/api/v1', 'pods', ['spec', 'nope']), undefined);
  const authn = JSON.parse(
    JSON.stringify(
      openapiV3Document({ group: 'authentication.k8s.io', version: 'v1' }, [
        { resource: 'tokenreviews', kind: 'TokenReview', namespaced: false, verbs: ['create'] },
        { resource: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false, verbs: ['create'] },
      ]),
    ),
  ) as Obj;
  assert.ok(explain(authn, '/apis/authentication.k8s.io/v1', 'tokenreviews', ['status', 'user', 'username']));
  assert.ok(explain(authn, '/apis/authentication.k8s.io/v1', 'selfsubjectreviews', ['status', 'userInfo']));
});

// strategicpatch.PatchMetaFromOpenAPIV3 (client-side kubectl apply): properties, allOf[0], $ref, items.
test('client-side apply finds patch metadata through the document', () => {
  const schemas = coreDoc.components.schemas as Obj;
  const resolve = (s: Obj): Obj => {
    if (s.allOf?.length) s = s.allOf[0];
    return s.$ref ? schemas[s.$ref.slice('#/components/schemas/'.length)] : s;
  };
  const pod = Object.values(schemas).find((s) => s['x-kubernetes-group-version-kind']?.[0]?.kind === 'Pod') as Obj;
  const spec = resolve(pod.properties.spec);
  const containers = spec.properties.containers;
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  const container = resolve(containers.items);
  assert.equal(container.properties.ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.equal(resolve(pod.properties.metadata).properties.finalizers['x-kubernetes-patch-strategy'], 'merge');
});

test('components are exactly what the document references, published as kube-apiserver does', () => {
  const schemas = coreDoc.components.schemas as Obj;
  const refs = new Set<string>();
  JSON.stringify(coreDoc, (k, v) => {
    if (k === '$ref') refs.add(v.slice('#/components/schemas/'.length));
    return v;
  });
  for (const r of refs) assert.ok(schemas[r], r);
  assert.deepEqual(Object.keys(schemas).sort(), [...refs].sort());
  assert.equal(schemas['io.k8s.api.rbac.v1.Role'], undefined);
  assert.ok(schemas['io.k8s.api.authentication.v1.TokenRequest']);
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [
    { type: 'integer' },
    { type: 'string' },
  ]);
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [
    { type: 'string' },
    { type: 'number' },
  ]);
  assert.ok(rbacDoc.components.schemas['io.k8s.api.rbac.v1.Role']);
  assert.ok(!rbacDoc.components.schemas['io.k8s.api.core.v1.Pod']);
});

test('the /openapi/v3 index lists each group version with its hash', () => {
  const docs: Record<string, string> = { v1: JSON.stringify(coreDoc), [`${rbac}/v1`]: JSON.stringify(rbacDoc) };
  const root = openapiV3Root(Object.keys(docs), (gv) => openapiHash(docs[gv]!));
  assert.deepEqual(Object.keys(root.paths), ['api/v1', `apis/${rbac}/v1`]);
  assert.match(root.paths['api/v1']!.serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  assert.equal(openapiV3Path('apis/x/v1'), 'apis/x/v1');
  assert.equal(openapiV3Path('authorization.k8s.io/v1'), 'apis/authorization.k8s.io/v1');
});
