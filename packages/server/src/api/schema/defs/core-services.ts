// core/v1 Services and Endpoints, as of Kubernetes 1.33 (k8s.io/api v0.33). Notation: see ../dsl.ts.
// Spread into the core package (defs/core.ts), whose types they share.

export const serviceKinds = ['Service', 'ServiceList', 'Endpoints', 'EndpointsList'];

export const serviceDocs: Record<string, string> = {
  Service: 'A named abstraction of software service: a cluster IP and ports that proxy to selected pods.',
  Endpoints: 'The addresses and ports that implement a service.',
};

export const serviceAliases: Record<string, string> = {
  IPFamily: 's=IPv4|IPv6',
  IPFamilyPolicy: 's=PreferDualStack|RequireDualStack|SingleStack',
  LoadBalancerIPMode: 's=Proxy|VIP',
  ServiceAffinity: 's=ClientIP|None',
  ServiceExternalTrafficPolicy: 's=Cluster|Local',
  ServiceInternalTrafficPolicy: 's=Cluster|Local',
  ServiceType: 's=ClusterIP|ExternalName|LoadBalancer|NodePort',
};

export const serviceTypes: Record<string, Record<string, string>> = {
  ClientIPConfig: { timeoutSeconds: 'i32 pb=1 ptr' },
  EndpointAddress: { '@': 'atomic', ip: 's req', hostname: 's', nodeName: 's', targetRef: 'ObjectReference' },
  EndpointPort: { '@': 'atomic', name: 's', port: 'i32 req', protocol: 'Protocol', appProtocol: 's' },
  EndpointSubset: {
    addresses: '[]EndpointAddress lt=atomic',
    notReadyAddresses: '[]EndpointAddress lt=atomic',
    ports: '[]EndpointPort lt=atomic',
  },
  Endpoints: { kind: 's', apiVersion: 's', metadata: 'meta.ObjectMeta', subsets: '[]EndpointSubset lt=atomic' },
  EndpointsList: { kind: 's', apiVersion: 's', metadata: 'meta.ListMeta', items: '[]Endpoints req' },
  LoadBalancerIngress: {
    ip: 's pb=1',
    hostname: 's pb=2',
    ipMode: 'LoadBalancerIPMode pb=3 ptr',
    ports: '[]PortStatus lt=atomic pb=4',
  },
  LoadBalancerStatus: { ingress: '[]LoadBalancerIngress lt=atomic pb=1' },
  PortStatus: { port: 'i32 req pb=1', protocol: 'Protocol req pb=2', error: 's pb=3 ptr' },
  Service: {
    kind: 's',
    apiVersion: 's',
    metadata: 'meta.ObjectMeta pb=1',
    spec: 'ServiceSpec pb=2',
    status: 'ServiceStatus pb=3',
  },
  ServiceList: { kind: 's', apiVersion: 's', metadata: 'meta.ListMeta', items: '[]Service req' },
  ServicePort: {
    name: 's pb=1',
    // +default="TCP": the key structured-merge-diff gives a port applied without a protocol
    protocol: 'Protocol def=TCP pb=2',
    appProtocol: 's pb=6 ptr',
    port: 'i32 req pb=3',
    targetPort: 'IntOrString pb=4',
    nodePort: 'i32 pb=5',
  },
  ServiceSpec: {
    ports: '[]ServicePort ps=merge mk=port lt=map lk=port,protocol pb=1',
    selector: '{}s mt=atomic pb=2',
    clusterIP: 's pb=3',
    clusterIPs: '[]s lt=atomic pb=18',
    type: 'ServiceType pb=4',
    externalIPs: '[]s lt=atomic pb=5',
    sessionAffinity: 'ServiceAffinity pb=7',
    loadBalancerIP: 's pb=8',
    loadBalancerSourceRanges: '[]s lt=atomic pb=9',
    externalName: 's pb=10',
    externalTrafficPolicy: 'ServiceExternalTrafficPolicy pb=11',
    healthCheckNodePort: 'i32 pb=12',
    publishNotReadyAddresses: 'b pb=13',
    sessionAffinityConfig: 'SessionAffinityConfig pb=14 ptr',
    ipFamilies: '[]IPFamily lt=atomic pb=19',
    ipFamilyPolicy: 'IPFamilyPolicy pb=17 ptr',
    allocateLoadBalancerNodePorts: 'b pb=20 ptr',
    loadBalancerClass: 's pb=21 ptr',
    internalTrafficPolicy: 'ServiceInternalTrafficPolicy pb=22 ptr',
    trafficDistribution: 's pb=23 ptr',
  },
  ServiceStatus: {
    loadBalancer: 'LoadBalancerStatus pb=1',
    conditions: '[]meta.Condition ps=merge mk=type lt=map lk=type pb=2',
  },
  SessionAffinityConfig: { clientIP: 'ClientIPConfig pb=1 ptr' },
};
