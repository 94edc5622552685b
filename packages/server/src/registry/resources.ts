// Every resource kubeauth serves, described once. Discovery, OpenAPI, tables, routing and RBAC names all
// come from these definitions.
import type { Authenticator } from '../authn/chain.js';
import type { Authorization } from '../authz/setup.js';
import type { ObjectLookup } from '../storage/lookup.js';
import type { ServiceAccountKeys } from '../serviceaccount/setup.js';
import { tokenSubresource, type TokenRequestConfig } from './core/serviceaccount-token.js';
import * as namespaces from './core/namespaces.js';
import * as serviceaccounts from './core/serviceaccounts.js';
import * as secrets from './core/secrets.js';
import * as configmaps from './core/configmaps.js';
import * as pods from './core/pods.js';
import * as nodes from './core/nodes.js';
import * as events from './core/events.js';
import { stored } from './define.js';
import { selfSubjectReviewResources, tokenReviewResource } from './authentication/reviews.js';
import { authorizationResources } from './authorization/resources.js';
import { rbacResources } from './rbac/resources.js';
import { apiextensionsResources } from './apiextensions.js';
import { rbacExplainResources } from './rbac-explain.js';
import type { ResourceDef } from './resource.js';
import type { ServiceAllocator } from './services/allocator.js';
import { endpointSlicesResource, endpointsResource, leasesResource, servicesResource } from './services/resources.js';

/**
 * What the stored resources need. Nothing of authentication: the token authenticator records legacy-token use by
 * writing through them, so they are built first.
 */
export interface StoredResourceDeps {
  /** RBAC writes are checked for escalation against it. */
  authz: Authorization;
  lookup: ObjectLookup;
  keys: ServiceAccountKeys;
  tokenRequest: TokenRequestConfig;
  /** Allocates Services' cluster IPs. */
  services: ServiceAllocator;
}

/** The stored resources, by the place their groups take in kube-apiserver's priority order. */
export interface StoredResources {
  core: ResourceDef[];
  rbac: ResourceDef[];
  /** The groups after rbac: apiextensions.k8s.io, coordination.k8s.io (16500), discovery.k8s.io (16200). */
  later: ResourceDef[];
}

/** What the reviews (not stored) answer with. */
export interface ReviewDeps {
  authenticator: Authenticator;
  authz: Authorization;
  /** The server's clock (a manual one in tests); SelfSubjectReview stamps creationTimestamp with it. */
  now?: () => number;
}

const corePkg = 'io.k8s.api.core.v1';

export function storedResources(d: StoredResourceDeps): StoredResources {
  const core = (r: Omit<Parameters<typeof stored>[0], 'group' | 'version' | 'schemaPackage'>) =>
    stored({ group: '', version: 'v1', schemaPackage: corePkg, ...r });
  const coreDefs: ResourceDef[] = [
    core({
      resource: 'configmaps',
      kind: 'ConfigMap',
      namespaced: true,
      shortNames: ['cm'],
      strategy: configmaps.strategy,
      table: configmaps.table,
    }),
    endpointsResource(),
    core({
      resource: 'events',
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      fieldSelectors: [
        'involvedObject.kind',
        'involvedObject.namespace',
        'involvedObject.name',
        'involvedObject.uid',
        'involvedObject.apiVersion',
        'involvedObject.resourceVersion',
        'involvedObject.fieldPath',
        'reason',
        'reportingComponent',
        'source',
        'type',
      ],
      selectableFields: events.selectableFields,
      strategy: events.strategy,
      table: events.table,
    }),
    core({
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      fieldSelectors: ['status.phase'],
      subresources: [
        { name: 'finalize', kind: 'Namespace', verbs: ['update'], strategy: namespaces.finalizeStrategy },
        { name: 'status', kind: 'Namespace', verbs: ['get', 'patch', 'update'], strategy: namespaces.statusStrategy },
      ],
      strategy: namespaces.strategy,
      table: namespaces.table,
      deleteStrategy: 'namespace',
    }),
    core({
      resource: 'nodes',
      kind: 'Node',
      namespaced: false,
      shortNames: ['no'],
      fieldSelectors: ['spec.unschedulable'],
      selectableFields: nodes.selectableFields,
      subresources: [
        { name: 'status', kind: 'Node', verbs: ['get', 'patch', 'update'], strategy: nodes.statusStrategy },
      ],
      strategy: nodes.strategy,
      table: nodes.table,
    }),
    core({
      resource: 'pods',
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      categories: ['all'],
      fieldSelectors: [
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.podIPs',
        'status.nominatedNodeName',
      ],
      selectableFields: pods.selectableFields,
      subresources: [{ name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'], strategy: pods.statusStrategy }],
      strategy: pods.strategy,
      table: pods.table,
    }),
    core({
      resource: 'secrets',
      kind: 'Secret',
      namespaced: true,
      fieldSelectors: ['type'],
      strategy: secrets.strategy,
      table: secrets.table,
    }),
    core({
      resource: 'serviceaccounts',
      kind: 'ServiceAccount',
      namespaced: true,
      shortNames: ['sa'],
      subresources: [tokenSubresource(d.lookup, d.keys, d.tokenRequest)],
      strategy: serviceaccounts.strategy,
      table: serviceaccounts.table,
    }),
    servicesResource(d.services),
  ];
  return {
    core: coreDefs,
    rbac: rbacResources(d.authz),
    later: [...apiextensionsResources(), leasesResource(), endpointSlicesResource()],
  };
}

export function allStored(s: StoredResources): ResourceDef[] {
  return [...s.core, ...s.rbac, ...s.later];
}

/** Every resource served, in kube-apiserver's group priority order: the stored ones and the reviews. */
export function servedResources(s: StoredResources, d: ReviewDeps): ResourceDef[] {
  return [
    ...s.core,
    tokenReviewResource(d.authenticator),
    ...selfSubjectReviewResources(d.now),
    ...authorizationResources(d.authz),
    ...s.rbac,
    // After rbac in kube-apiserver's group priority order: apiextensions, coordination, discovery.
    ...s.later,
    // kubeauth's own group last: it is no Kubernetes group, so it sorts after all of them in discovery.
    ...rbacExplainResources(d.authz),
  ];
}
