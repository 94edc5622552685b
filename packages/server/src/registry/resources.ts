// Every resource kubeauth serves, described once. Discovery, OpenAPI, tables, routing and RBAC names all
// come from these definitions.
import type { ServeOptions } from '../cli/options.js';
import type { Authenticator } from '../authn/chain.js';
import type { Authorization } from '../authz/setup.js';
import type { ObjectLookup } from '../storage/lookup.js';
import type { ServiceAccountKeys } from '../serviceaccount/setup.js';
import { issueTokenAsync } from '../serviceaccount/tokenrequest.js';
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
import type { ResourceDef } from './resource.js';

export interface ResourceDeps {
  authenticator: Authenticator;
  authz: Authorization;
  lookup: ObjectLookup;
  keys: ServiceAccountKeys;
  issuer: string;
  options: ServeOptions;
}

const corePkg = 'io.k8s.api.core.v1';

export function buildResources(d: ResourceDeps): ResourceDef[] {
  const core = (r: Omit<Parameters<typeof stored>[0], 'group' | 'version' | 'schemaPackage'>) =>
    stored({ group: '', version: 'v1', schemaPackage: corePkg, ...r });
  const defs: ResourceDef[] = [
    core({
      resource: 'configmaps',
      kind: 'ConfigMap',
      namespaced: true,
      shortNames: ['cm'],
      strategy: configmaps.strategy,
      table: configmaps.table,
    }),
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
      subresources: [
        {
          name: 'token',
          kind: 'TokenRequest',
          group: 'authentication.k8s.io',
          version: 'v1',
          verbs: ['create'],
          handle: async (ctx) => {
            const { decodeBody } = await import('../api/decode/body.js');
            const body = decodeBody(ctx.body ?? Buffer.alloc(0), ctx.contentType, {
              apiVersion: 'authentication.k8s.io/v1',
              kind: 'TokenRequest',
            });
            const r = await issueTokenAsync({
              namespace: ctx.info.namespace,
              name: ctx.info.name,
              body,
              lookup: d.lookup,
              signer: await d.keys.signer,
              issuer: d.issuer,
              apiAudiences: d.options.apiAudiences,
              maxExpirationSeconds: d.options.serviceAccountMaxTokenExpiration || undefined,
              extendExpiration: d.options.serviceAccountExtendTokenExpiration,
            });
            ctx.warnings.push(...r.warnings);
            if (r.credentialId) ctx.annotations['authentication.kubernetes.io/issued-credential-id'] = r.credentialId;
            return [201, r.response];
          },
        },
      ],
      strategy: serviceaccounts.strategy,
      table: serviceaccounts.table,
    }),
    tokenReviewResource(d.authenticator),
    ...selfSubjectReviewResources(),
    ...authorizationResources(d.authz),
    ...rbacResources(d.authz),
    // After rbac: kube-apiserver's group priority order puts apiextensions.k8s.io there.
    ...apiextensionsResources(),
  ];
  return defs;
}
