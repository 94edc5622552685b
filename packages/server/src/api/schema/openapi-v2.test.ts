// /openapi/v2's shapes compared with what kube-apiserver serves for the same types (api/openapi-spec/swagger.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openapiV2Document, type OpenAPIV3Doc } from './openapi-v2.js';
import { openapiV3Document, type OpenAPIResource } from './openapi.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const core: OpenAPIResource[] = [
  {
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    verbs: crud,
    subresources: [{ name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] }],
  },
];
const doc = JSON.parse(
  JSON.stringify(
    openapiV2Document(
      [
        openapiV3Document({ group: '', version: 'v1' }, core),
        openapiV3Document({ group: 'authentication.k8s.io', version: 'v1' }, [
          { resource: 'tokenreviews', kind: 'TokenReview', namespaced: false, verbs: ['create'] },
        ]),
      ] as unknown as OpenAPIV3Doc[],
      'v1.33.1',
    ),
  ),
) as Obj;

test('a Swagger 2.0 document with kube-apiserver security definitions', () => {
  assert.equal(doc.swagger, '2.0');
  assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.33.1' });
  assert.deepEqual(doc.securityDefinitions, {
    BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' },
  });
  assert.deepEqual(doc.security, [{ BearerToken: [] }]);
  assert.deepEqual(Object.keys(doc.paths), [...Object.keys(doc.paths)].sort());
  assert.deepEqual(Object.keys(doc.definitions), [...Object.keys(doc.definitions)].sort());
  // every reference resolves (kubectl's proto.NewOpenAPIData refuses dangling ones)
  const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g)!;
  for (const r of refs) {
    const name = r.slice('"$ref":"#/definitions/'.length, -1);
    assert.ok(doc.definitions[name], r);
  }
  assert.doesNotMatch(JSON.stringify(doc), /components|oneOf|nullable|requestBody|"content"/);
});

test('definitions carry x-kubernetes-group-version-kind and the patch/list extensions', () => {
  assert.deepEqual(doc.definitions['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [
    { group: '', version: 'v1', kind: 'Pod' },
  ]);
  assert.deepEqual(doc.definitions['io.k8s.api.authentication.v1.TokenReview'].required, ['spec']);
  const containers = doc.definitions['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.deepEqual(containers, {
    type: 'array',
    items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' },
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-patch-strategy': 'merge',
  });
  // kube-apiserver's v2 forms of the two oneOf types
  assert.equal(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, 'string');
  assert.equal(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
  assert.equal(doc.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
});

test('operations: kube operationIds, body parameter, typed query parameters, consumes/produces/schemes', () => {
  const create = doc.paths['/apis/authentication.k8s.io/v1/tokenreviews'].post;
  assert.equal(create.operationId, 'createAuthenticationV1TokenReview');
  assert.deepEqual(create.consumes, ['*/*']);
  assert.deepEqual(create.schemes, ['https']);
  assert.deepEqual(create.tags, ['authentication_v1']);
  assert.equal(create['x-kubernetes-action'], 'post');
  assert.deepEqual(create['x-kubernetes-group-version-kind'], {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'TokenReview',
  });
  assert.deepEqual(create.parameters[0], {
    name: 'body',
    in: 'body',
    required: true,
    schema: { $ref: '#/definitions/io.k8s.api.authentication.v1.TokenReview' },
  });
  assert.deepEqual(
    create.parameters.slice(1).map((p: Obj) => [p.name, p.in, p.type, p.uniqueItems]),
    [
      ['dryRun', 'query', 'string', true],
      ['fieldManager', 'query', 'string', true],
      ['fieldValidation', 'query', 'string', true],
    ],
  );
  assert.deepEqual(create.responses['401'], { description: 'Unauthorized' });
  assert.deepEqual(create.responses['201'].schema, { $ref: '#/definitions/io.k8s.api.authentication.v1.TokenReview' });

  const pods = doc.paths['/api/v1/namespaces/{namespace}/pods'];
  assert.equal(pods.get.operationId, 'listCoreV1NamespacedPod');
  assert.deepEqual(pods.get.consumes, ['*/*']);
  assert.ok(pods.get.produces.includes('application/json;stream=watch'));
  assert.equal(pods.get.responses['200'].schema.$ref, '#/definitions/io.k8s.api.core.v1.PodList');
  assert.equal(pods.post.operationId, 'createCoreV1NamespacedPod');
  assert.equal(pods.delete.operationId, 'deleteCoreV1CollectionNamespacedPod');
  assert.equal(pods.delete['x-kubernetes-action'], 'deletecollection');
  assert.deepEqual(pods.parameters[0], {
    uniqueItems: true,
    type: 'string',
    description: 'object name and auth scope, such as for teams and projects',
    name: 'namespace',
    in: 'path',
    required: true,
  });
  const item = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
  assert.equal(item.patch.operationId, 'patchCoreV1NamespacedPod');
  assert.deepEqual(item.patch.consumes, [
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
    'application/apply-patch+yaml',
  ]);
  assert.ok(item.patch.parameters.some((p: Obj) => p.name === 'fieldValidation' && p.in === 'query'));
  assert.equal(item.get.operationId, 'readCoreV1NamespacedPod');
  assert.equal(item.put.operationId, 'replaceCoreV1NamespacedPod');
  assert.equal(doc.paths['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(
    doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch.operationId,
    'patchCoreV1NamespacedPodStatus',
  );
});
