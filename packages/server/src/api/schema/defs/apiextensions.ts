// apiextensions.k8s.io/v1 (CustomResourceDefinition) as of Kubernetes 1.33. Notation: see ../dsl.ts.
// kubeauth serves the resource so clients that look CRDs up find an empty list; it never stores one.
import type { PackageDef } from '../dsl.js';
import type { Schema } from '../types.js';

const prefix = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

export const apiextensions: PackageDef = {
  prefix,
  go: 'v1',
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kinds: ['CustomResourceDefinition', 'CustomResourceDefinitionList'],
  docs: {
    CustomResourceDefinition: 'A resource that should be exposed on the API server.',
    JSONSchemaProps: 'A JSON-Schema following Specification Draft 4 (http://json-schema.org/).',
  },
  types: {
    CustomResourceColumnDefinition: {
      name: 's req',
      type: 's req',
      format: 's',
      description: 's',
      priority: 'i32',
      jsonPath: 's req',
    },
    CustomResourceConversion: {
      strategy: 's req',
      webhook: 'WebhookConversion',
    },
    CustomResourceDefinition: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'CustomResourceDefinitionSpec req',
      status: 'CustomResourceDefinitionStatus',
    },
    CustomResourceDefinitionCondition: {
      type: 's req',
      status: 's req',
      lastTransitionTime: 'Time',
      reason: 's',
      message: 's',
    },
    CustomResourceDefinitionList: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ListMeta',
      items: '[]CustomResourceDefinition req',
    },
    CustomResourceDefinitionNames: {
      plural: 's req',
      singular: 's',
      shortNames: '[]s',
      kind: 's req',
      listKind: 's',
      categories: '[]s',
    },
    CustomResourceDefinitionSpec: {
      group: 's req',
      names: 'CustomResourceDefinitionNames req',
      scope: 's req',
      versions: '[]CustomResourceDefinitionVersion req',
      conversion: 'CustomResourceConversion',
      preserveUnknownFields: 'b',
    },
    CustomResourceDefinitionStatus: {
      conditions: '[]CustomResourceDefinitionCondition lt=map lk=type',
      acceptedNames: 'CustomResourceDefinitionNames',
      storedVersions: '[]s',
    },
    CustomResourceDefinitionVersion: {
      name: 's req',
      served: 'b req',
      storage: 'b req',
      deprecated: 'b',
      deprecationWarning: 's',
      schema: 'CustomResourceValidation',
      subresources: 'CustomResourceSubresources',
      additionalPrinterColumns: '[]CustomResourceColumnDefinition lt=atomic',
      selectableFields: '[]SelectableField lt=atomic',
    },
    CustomResourceSubresourceScale: {
      specReplicasPath: 's req',
      statusReplicasPath: 's req',
      labelSelectorPath: 's',
    },
    CustomResourceSubresourceStatus: {},
    CustomResourceSubresources: {
      status: 'CustomResourceSubresourceStatus',
      scale: 'CustomResourceSubresourceScale',
    },
    CustomResourceValidation: {
      openAPIV3Schema: 'JSONSchemaProps',
    },
    ExternalDocumentation: {
      description: 's',
      url: 's',
    },
    // Placeholders: `untyped` below replaces them with kube's schemas, which name no type (any JSON value).
    JSON: {},
    JSONSchemaProps: {
      id: 's',
      $schema: 's',
      $ref: 's',
      description: 's',
      type: 's',
      format: 's',
      title: 's',
      default: 'JSON',
      maximum: 'f64',
      exclusiveMaximum: 'b',
      minimum: 'f64',
      exclusiveMinimum: 'b',
      maxLength: 'i64',
      minLength: 'i64',
      pattern: 's',
      maxItems: 'i64',
      minItems: 'i64',
      uniqueItems: 'b',
      multipleOf: 'f64',
      enum: '[]JSON lt=atomic',
      maxProperties: 'i64',
      minProperties: 'i64',
      required: '[]s lt=atomic',
      items: 'JSONSchemaPropsOrArray',
      allOf: '[]JSONSchemaProps lt=atomic',
      oneOf: '[]JSONSchemaProps lt=atomic',
      anyOf: '[]JSONSchemaProps lt=atomic',
      not: 'JSONSchemaProps',
      properties: '{}JSONSchemaProps',
      additionalProperties: 'JSONSchemaPropsOrBool',
      patternProperties: '{}JSONSchemaProps',
      dependencies: '{}JSONSchemaPropsOrStringArray',
      additionalItems: 'JSONSchemaPropsOrBool',
      definitions: '{}JSONSchemaProps',
      externalDocs: 'ExternalDocumentation',
      example: 'JSON',
      nullable: 'b',
      'x-kubernetes-preserve-unknown-fields': 'b',
      'x-kubernetes-embedded-resource': 'b',
      'x-kubernetes-int-or-string': 'b',
      'x-kubernetes-list-map-keys': '[]s lt=atomic',
      'x-kubernetes-list-type': 's',
      'x-kubernetes-map-type': 's',
      'x-kubernetes-validations': '[]ValidationRule ps=merge mk=rule lt=map lk=rule',
    },
    JSONSchemaPropsOrArray: {},
    JSONSchemaPropsOrBool: {},
    JSONSchemaPropsOrStringArray: {},
    SelectableField: {
      jsonPath: 's req',
    },
    ServiceReference: {
      namespace: 's req',
      name: 's req',
      path: 's',
      port: 'i32',
    },
    ValidationRule: {
      rule: 's req',
      message: 's',
      messageExpression: 's',
      reason: 's',
      fieldPath: 's',
      optionalOldSelf: 'b',
    },
    WebhookClientConfig: {
      url: 's',
      service: 'ServiceReference',
      caBundle: 'bytes',
    },
    WebhookConversion: {
      clientConfig: 'WebhookClientConfig',
      conversionReviewVersions: '[]s req lt=atomic',
    },
  },
};

/**
 * Types with custom JSON (un)marshalers: kube's documents give them a description and no type, so any JSON value
 * is accepted there (a schema, an array of schemas, a boolean, a list of strings, or any default/example).
 */
export const untyped: Record<string, Schema> = {
  [`${prefix}.JSON`]: {
    description: 'Any valid JSON value: bool, int64, float64, string, array, object or null.',
  },
  [`${prefix}.JSONSchemaPropsOrArray`]: {
    description: 'A JSONSchemaProps or an array of JSONSchemaProps.',
  },
  [`${prefix}.JSONSchemaPropsOrBool`]: {
    description: 'A JSONSchemaProps or a boolean (true by default).',
  },
  [`${prefix}.JSONSchemaPropsOrStringArray`]: {
    description: 'A JSONSchemaProps or a string array.',
  },
};
