// meta/v1 (k8s.io/apimachinery v0.33) types used by every group, plus the apimachinery scalar types.
// Notation: see ../dsl.ts.
import type { PackageDef } from '../dsl.js';
import type { Schema } from '../types.js';

export const meta: PackageDef = {
  prefix: 'io.k8s.apimachinery.pkg.apis.meta.v1',
  go: 'v1',
  group: '',
  version: 'v1',
  kinds: ['Status', 'APIResourceList', 'APIGroupList', 'APIGroup', 'APIVersions'],
  docs: {
    ObjectMeta: 'Metadata every persisted object has.',
    ListMeta: 'Metadata of a list response.',
    Status: 'The result of an operation that returns no object, and every error.',
    DeleteOptions: 'Options for a delete request.',
    WatchEvent: 'One event of a watch stream.',
    Patch: 'The body of a PATCH request.',
  },
  aliases: {
    CauseType: 's',
    DeletionPropagation: 's',
    FieldSelectorOperator: 's',
    LabelSelectorOperator: 's',
    ManagedFieldsOperationType: 's',
    StatusReason: 's',
    Verbs: '[]s',
  },
  // Structs only ever embedded (JSON inlines their fields): TypeMeta's are written out in each kind's schema.
  embedded: {
    TypeMeta: { kind: 's pb=1', apiVersion: 's pb=2' },
  },
  types: {
    Condition: {
      type: 's req pb=1',
      status: 's req pb=2',
      observedGeneration: 'i64 pb=3',
      lastTransitionTime: 'Time req pb=4',
      reason: 's req pb=5',
      message: 's req pb=6',
    },
    APIGroup: {
      kind: 's',
      apiVersion: 's',
      name: 's req',
      versions: '[]GroupVersionForDiscovery req lt=atomic',
      preferredVersion: 'GroupVersionForDiscovery',
      serverAddressByClientCIDRs: '[]ServerAddressByClientCIDR lt=atomic',
    },
    APIGroupList: {
      kind: 's',
      apiVersion: 's',
      groups: '[]APIGroup req lt=atomic',
    },
    APIResource: {
      name: 's req',
      singularName: 's req',
      namespaced: 'b req',
      group: 's',
      version: 's',
      kind: 's req',
      verbs: 'Verbs req',
      shortNames: '[]s lt=atomic',
      categories: '[]s lt=atomic',
      storageVersionHash: 's',
    },
    APIResourceList: {
      kind: 's',
      apiVersion: 's',
      groupVersion: 's req',
      resources: '[]APIResource req lt=atomic',
    },
    APIVersions: {
      kind: 's',
      apiVersion: 's',
      versions: '[]s req lt=atomic',
      serverAddressByClientCIDRs: '[]ServerAddressByClientCIDR req lt=atomic',
    },
    DeleteOptions: {
      kind: 's',
      apiVersion: 's',
      gracePeriodSeconds: 'i64 pb=1 ptr',
      preconditions: 'Preconditions pb=2 ptr',
      orphanDependents: 'b pb=3 ptr',
      propagationPolicy: 'DeletionPropagation pb=4 ptr',
      dryRun: '[]s lt=atomic pb=5',
      ignoreStoreReadErrorWithClusterBreakingPotential: 'b pb=6 ptr',
    },
    FieldSelectorRequirement: {
      key: 's req pb=1',
      operator: 'FieldSelectorOperator req pb=2',
      values: '[]s lt=atomic pb=3',
    },
    GroupVersionForDiscovery: {
      groupVersion: 's req',
      version: 's req',
    },
    LabelSelector: {
      '@': 'atomic',
      matchLabels: '{}s pb=1',
      matchExpressions: '[]LabelSelectorRequirement lt=atomic pb=2',
    },
    LabelSelectorRequirement: {
      key: 's req pb=1',
      operator: 'LabelSelectorOperator req pb=2',
      values: '[]s lt=atomic pb=3',
    },
    ListMeta: {
      selfLink: 's',
      resourceVersion: 's',
      continue: 's',
      remainingItemCount: 'i64',
    },
    ManagedFieldsEntry: {
      manager: 's pb=1',
      operation: 'ManagedFieldsOperationType pb=2',
      apiVersion: 's pb=3',
      time: 'Time pb=4 ptr',
      fieldsType: 's pb=6',
      fieldsV1: 'FieldsV1 pb=7 ptr',
      subresource: 's pb=8',
    },
    ObjectMeta: {
      name: 's pb=1',
      generateName: 's pb=2',
      namespace: 's pb=3',
      selfLink: 's pb=4',
      uid: 's pb=5',
      resourceVersion: 's pb=6',
      generation: 'i64 pb=7',
      creationTimestamp: 'Time pb=8',
      deletionTimestamp: 'Time pb=9 ptr',
      deletionGracePeriodSeconds: 'i64 pb=10 ptr',
      labels: '{}s pb=11',
      annotations: '{}s pb=12',
      ownerReferences: '[]OwnerReference ps=merge mk=uid lt=map lk=uid pb=13',
      finalizers: '[]s ps=merge lt=set pb=14',
      managedFields: '[]ManagedFieldsEntry lt=atomic pb=17',
    },
    Patch: {},
    OwnerReference: {
      '@': 'atomic',
      apiVersion: 's req pb=5',
      kind: 's req pb=1',
      name: 's req pb=3',
      uid: 's req pb=4',
      controller: 'b pb=6 ptr',
      blockOwnerDeletion: 'b pb=7 ptr',
    },
    Preconditions: {
      uid: 's pb=1 ptr',
      resourceVersion: 's pb=2 ptr',
    },
    ServerAddressByClientCIDR: {
      clientCIDR: 's req',
      serverAddress: 's req',
    },
    Status: {
      kind: 's',
      apiVersion: 's',
      metadata: 'ListMeta',
      status: 's',
      message: 's',
      reason: 'StatusReason',
      details: 'StatusDetails',
      code: 'i32',
    },
    StatusCause: {
      reason: 'CauseType',
      message: 's',
      field: 's',
    },
    StatusDetails: {
      name: 's',
      group: 's',
      kind: 's',
      uid: 's',
      causes: '[]StatusCause lt=atomic',
      retryAfterSeconds: 'i32',
    },
    WatchEvent: {
      type: 's req',
      object: 'RawExtension req',
    },
  },
};

/** apimachinery types that are not structs; their JSON forms are decoded by custom unmarshalers. */
export const apimachinery: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time', description: 'RFC 3339 time.' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': {
    type: 'string',
    format: 'date-time',
    description: 'RFC 3339 time with microseconds.',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': { type: 'object', description: 'A set of fields (fieldsV1 trie).' },
  // Both are `oneOf` in kube-apiserver's documents (Schema has no oneOf): string or number / integer or string.
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    'x-kubernetes-int-or-string': true,
    description: 'A fixed-point number such as 100m, 1.5Gi or 2.',
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    'x-kubernetes-int-or-string': true,
    format: 'int-or-string',
    description: 'An int32 or a string.',
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object', description: 'An embedded object of any kind.' },
};
