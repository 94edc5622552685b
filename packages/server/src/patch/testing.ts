// Test fixtures: a small Pod-like schema with the list and map shapes that matter for patching (containers
// keyed by name, ports keyed by containerPort+protocol with a defaulted protocol, env, volumes with
// retainKeys, finalizers as a set, labels/annotations as maps, atomic args) and a resolver over it.
import { StatusError } from '../api/errors.js';
import type { Schema, SchemaResolver } from '../api/schema/types.js';
import { TypeView } from './typeview.js';

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: 'string' };
const strMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };

export const schemas: Record<string, Schema> = {
  Pod: {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { allOf: [ref('ObjectMeta')], default: {} },
      spec: { allOf: [ref('PodSpec')], default: {} },
      status: { allOf: [ref('PodStatus')], default: {} },
    },
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Pod' }],
  },
  ConfigMap: {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { allOf: [ref('ObjectMeta')], default: {} },
      data: strMap,
      immutable: { type: 'boolean' },
    },
  },
  ObjectMeta: {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      generation: { type: 'integer', format: 'int64' },
      creationTimestamp: { type: 'string', format: 'date-time' },
      labels: strMap,
      annotations: strMap,
      finalizers: {
        type: 'array',
        items: { type: 'string', default: '' },
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      ownerReferences: {
        type: 'array',
        items: ref('OwnerReference'),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['uid'],
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-patch-strategy': 'merge',
      },
      managedFields: { type: 'array', items: ref('ManagedFieldsEntry') },
    },
  },
  OwnerReference: {
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } },
    'x-kubernetes-map-type': 'atomic',
  },
  ManagedFieldsEntry: {
    type: 'object',
    properties: {
      manager: str,
      operation: str,
      apiVersion: str,
      time: { type: 'string', format: 'date-time' },
      fieldsType: str,
      fieldsV1: { type: 'object' },
      subresource: str,
    },
  },
  PodSpec: {
    type: 'object',
    required: ['containers'],
    properties: {
      containers: {
        type: 'array',
        items: { allOf: [ref('Container')], default: {} },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      },
      volumes: {
        type: 'array',
        items: { allOf: [ref('Volume')], default: {} },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
      },
      tolerations: {
        type: 'array',
        items: { type: 'object', properties: { key: str, effect: str } },
        'x-kubernetes-list-type': 'atomic',
      },
      nodeSelector: { ...strMap, 'x-kubernetes-map-type': 'atomic' },
      serviceAccountName: str,
      nodeName: str,
      restartPolicy: str,
      activeDeadlineSeconds: { type: 'integer', format: 'int64' },
    },
  },
  Container: {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      ports: {
        type: 'array',
        items: { allOf: [ref('ContainerPort')], default: {} },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
        'x-kubernetes-patch-merge-key': 'containerPort',
        'x-kubernetes-patch-strategy': 'merge',
      },
      env: {
        type: 'array',
        items: { allOf: [ref('EnvVar')], default: {} },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      },
      resources: { type: 'object', properties: { limits: strMap, requests: strMap } },
    },
  },
  ContainerPort: {
    type: 'object',
    required: ['containerPort'],
    properties: {
      containerPort: { type: 'integer', format: 'int32' },
      protocol: { type: 'string', default: 'TCP' },
      name: str,
    },
  },
  EnvVar: { type: 'object', required: ['name'], properties: { name: str, value: str } },
  Volume: {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      configMap: { type: 'object', properties: { name: str } },
      secret: { type: 'object', properties: { secretName: str } },
      emptyDir: { type: 'object', properties: { medium: str } },
    },
  },
  PodStatus: { type: 'object', properties: { phase: str } },
};

export const resolver: SchemaResolver = (r) => schemas[r.replace('#/components/schemas/', '')];
export const view = new TypeView(resolver);

/** Runs `fn` and returns the StatusError it throws (fails otherwise). */
export function catchStatus(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}
