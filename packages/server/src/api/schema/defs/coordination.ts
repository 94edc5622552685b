// coordination.k8s.io/v1 (Leases) as of Kubernetes 1.33. Notation: see ../dsl.ts.
import type { PackageDef } from '../dsl.js';

export const coordination: PackageDef = {
  prefix: 'io.k8s.api.coordination.v1',
  go: 'v1',
  group: 'coordination.k8s.io',
  version: 'v1',
  kinds: ['Lease', 'LeaseList'],
  docs: { Lease: 'A lease on a resource: who holds it and until when (leader election, node heartbeats).' },
  aliases: { CoordinatedLeaseStrategy: 's' },
  types: {
    Lease: { kind: 's', apiVersion: 's', metadata: 'meta.ObjectMeta', spec: 'LeaseSpec' },
    LeaseList: { kind: 's', apiVersion: 's', metadata: 'meta.ListMeta', items: '[]Lease req' },
    LeaseSpec: {
      holderIdentity: 's',
      leaseDurationSeconds: 'i32',
      acquireTime: 'MicroTime',
      renewTime: 'MicroTime',
      leaseTransitions: 'i32',
      strategy: 'CoordinatedLeaseStrategy',
      preferredHolder: 's',
    },
  },
};
