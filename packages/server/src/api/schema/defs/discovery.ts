// discovery.k8s.io/v1 (EndpointSlices) as of Kubernetes 1.33. Notation: see ../dsl.ts.
import type { PackageDef } from '../dsl.js';

export const discovery: PackageDef = {
  prefix: 'io.k8s.api.discovery.v1',
  go: 'v1',
  group: 'discovery.k8s.io',
  version: 'v1',
  kinds: ['EndpointSlice', 'EndpointSliceList'],
  docs: { EndpointSlice: 'A subset of the endpoints that implement a service.' },
  aliases: { AddressType: 's=FQDN|IPv4|IPv6' },
  types: {
    Endpoint: {
      addresses: '[]s req lt=set',
      conditions: 'EndpointConditions',
      hostname: 's',
      targetRef: 'core.ObjectReference',
      deprecatedTopology: '{}s',
      nodeName: 's',
      zone: 's',
      hints: 'EndpointHints',
    },
    EndpointConditions: { ready: 'b', serving: 'b', terminating: 'b' },
    EndpointHints: { forZones: '[]ForZone lt=atomic', forNodes: '[]ForNode lt=atomic' },
    EndpointPort: { '@': 'atomic', name: 's', protocol: 'core.Protocol', port: 'i32', appProtocol: 's' },
    EndpointSlice: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      addressType: 'AddressType req',
      endpoints: '[]Endpoint req lt=atomic',
      ports: '[]EndpointPort lt=atomic',
    },
    EndpointSliceList: { kind: 's', apiVersion: 's', metadata: 'meta.ListMeta', items: '[]EndpointSlice req' },
    ForNode: { name: 's req' },
    ForZone: { name: 's req' },
  },
};
