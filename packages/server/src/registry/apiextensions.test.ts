// customresourcedefinitions: served as for a cluster with no CRDs; writes that would create one are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.js';
import { checkFields } from '../api/schema/fields.js';
import { openapiV3Document } from '../api/schema/openapi.js';
import type { KObject } from '../api/types.js';
import { apiextensionsResources } from './apiextensions.js';
import { Catalog } from './catalog.js';
import { apiResourceList, aggregatedDiscovery } from '../discovery/documents.js';
import type { HandlerContext } from './resource.js';

const [crd] = apiextensionsResources();
const catalog = new Catalog(apiextensionsResources());
const schemaName = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition';

test('legacy discovery lists the resource and its status as kube-apiserver does', () => {
  assert.deepEqual(apiResourceList(catalog.groupVersion('apiextensions.k8s.io', 'v1')!), {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'apiextensions.k8s.io/v1',
    resources: [
      {
        name: 'customresourcedefinitions',
        singularName: 'customresourcedefinition',
        namespaced: false,
        kind: 'CustomResourceDefinition',
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        shortNames: ['crd', 'crds'],
        categories: ['api-extensions'],
        storageVersionHash: 'M5uH+AlWATY=',
      },
      {
        name: 'customresourcedefinitions/status',
        singularName: '',
        namespaced: false,
        kind: 'CustomResourceDefinition',
        verbs: ['get', 'patch', 'update'],
      },
    ],
  });
});

test('aggregated discovery has the same names, verbs and scope', () => {
  const doc = aggregatedDiscovery(catalog, false, 'v2');
  assert.deepEqual(doc.items[0]!.metadata.name, 'apiextensions.k8s.io');
  assert.deepEqual(doc.items[0]!.versions[0]!.resources[0], {
    resource: 'customresourcedefinitions',
    responseKind: { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' },
    scope: 'Cluster',
    singularResource: 'customresourcedefinition',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: [
      {
        subresource: 'status',
        responseKind: { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' },
        verbs: ['get', 'patch', 'update'],
      },
    ],
  });
});

function refusal(obj: KObject, old?: KObject): StatusError {
  try {
    crd!.beforeWrite!({} as HandlerContext, obj, old);
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e;
  }
  assert.fail('no refusal');
}

test('a write that would store a CRD is refused with 403 Forbidden naming it', () => {
  const e = refusal({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
  });
  assert.deepEqual(e.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'customresourcedefinitions.apiextensions.k8s.io "widgets.example.com" is forbidden: kubeauth does not serve custom resources',
    reason: 'Forbidden',
    details: { name: 'widgets.example.com', group: 'apiextensions.k8s.io', kind: 'customresourcedefinitions' },
    code: 403,
  });
  // generateName only: no name yet
  assert.equal(
    refusal({ metadata: { generateName: 'w-' } }).status.message,
    'customresourcedefinitions.apiextensions.k8s.io is forbidden: kubeauth does not serve custom resources',
  );
});

const widget = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
    scope: 'Namespaced',
    conversion: { strategy: 'None' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.r', statusReplicasPath: '.status.r' } },
        additionalPrinterColumns: [{ name: 'R', type: 'integer', jsonPath: '.spec.r' }],
        selectableFields: [{ jsonPath: '.spec.color' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: {
              spec: {
                type: 'object',
                default: { r: 1 },
                additionalProperties: false,
                properties: {
                  r: { type: 'integer', minimum: 0, 'x-kubernetes-int-or-string': false },
                  color: { type: 'string', enum: ['red', 1, null], example: 'red' },
                  tags: { type: 'array', items: [{ type: 'string' }], 'x-kubernetes-list-type': 'set' },
                },
                'x-kubernetes-validations': [{ rule: 'self.r < 10', message: 'small', reason: 'FieldValueInvalid' }],
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, $ref: '#/x' },
            },
          },
        },
      },
    ],
  },
};

test('a real CRD has no unknown fields; the JSON-valued fields take any value', () => {
  assert.deepEqual(checkFields(structuredClone(widget), schemaName), { unknown: [], typeErrors: [] });
});

test('unknown fields are found at their path, inside schemas too', () => {
  const w = structuredClone(widget) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  w.spec.versions[0].servd = true;
  // map keys join with a dot in sigs.k8s.io/json's strict field path (appendStrictFieldStackKey)
  w.spec.versions[0].schema.openAPIV3Schema.properties.spec.typo = 'x';
  assert.deepEqual(checkFields(w, schemaName).unknown, [
    'spec.versions[0].schema.openAPIV3Schema.properties.spec.typo',
    'spec.versions[0].servd',
  ]);
});

test('the group version document has the CRD paths and schemas', () => {
  const doc = openapiV3Document({ group: 'apiextensions.k8s.io', version: 'v1' }, catalog.all()) as {
    paths: Record<string, Record<string, { operationId?: string }>>;
    components: { schemas: Record<string, Record<string, unknown>> };
  };
  assert.equal(
    doc.paths['/apis/apiextensions.k8s.io/v1/customresourcedefinitions']!.get!.operationId,
    'listApiextensionsV1CustomResourceDefinition',
  );
  assert.ok(doc.paths['/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}/status']);
  const s = doc.components.schemas;
  assert.deepEqual(s[schemaName]!['x-kubernetes-group-version-kind'], [
    { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' },
  ]);
  // kube's documents give the custom-marshalled types no type: any JSON value
  assert.equal(s['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON']!.type, undefined);
  assert.equal(s['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool']!.type, undefined);
});
