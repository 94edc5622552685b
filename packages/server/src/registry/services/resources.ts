// The resources of service networking kubeauth serves: core/v1 services and endpoints, discovery.k8s.io/v1
// endpointslices, and coordination.k8s.io/v1 leases (leader election, node heartbeats).
import { stored } from '../define.js';
import type { ResourceDef } from '../resource.js';
import { keyFor } from '../rest.js';
import { leaseStrategy, leaseTable } from '../coordination/leases.js';
import type { ServiceAllocator } from './allocator.js';
import { endpointSliceStrategy, endpointSliceTable, endpointsStrategy, endpointsTable } from './endpoints.js';
import * as services from './services.js';

const corePkg = 'io.k8s.api.core.v1';

export function endpointsResource(): ResourceDef {
  return stored({
    group: '',
    version: 'v1',
    schemaPackage: corePkg,
    resource: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
    strategy: endpointsStrategy,
    table: endpointsTable,
  });
}

export function servicesResource(allocator: ServiceAllocator): ResourceDef {
  const def: ResourceDef = stored({
    group: '',
    version: 'v1',
    schemaPackage: corePkg,
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [
      { name: 'status', kind: 'Service', verbs: ['get', 'patch', 'update'], strategy: services.statusStrategy },
    ],
    strategy: services.strategy,
    table: services.table,
    // kube's BeginCreate/BeginUpdate: addresses and node ports are allocated before validation
    beforeWrite: (ctx, obj, old, dryRun) =>
      allocator.allocate(obj, keyFor(def, ctx.info.namespace, obj.metadata.name ?? ''), old, dryRun ?? false),
  });
  return def;
}

export function endpointSlicesResource(): ResourceDef {
  return stored({
    group: 'discovery.k8s.io',
    version: 'v1',
    schemaPackage: 'io.k8s.api.discovery.v1',
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
    strategy: endpointSliceStrategy,
    table: endpointSliceTable,
  });
}

export function leasesResource(): ResourceDef {
  return stored({
    group: 'coordination.k8s.io',
    version: 'v1',
    schemaPackage: 'io.k8s.api.coordination.v1',
    resource: 'leases',
    kind: 'Lease',
    namespaced: true,
    strategy: leaseStrategy,
    table: leaseTable,
  });
}
