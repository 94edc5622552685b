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
  ClientIPConfig: { timeoutSeconds: 'i32' },
  EndpointAddress: { '@': 'atomic', ip: 's req', hostname: 's', nodeName: 's', targetRef: 'ObjectReference' },
  EndpointPort: { '@': 'atomic', name: 's', port: 'i32 req', protocol: 'Protocol', appProtocol: 's' },
  EndpointSubset: {
    addresses: '[]EndpointAddress lt=atomic',
    notReadyAddresses: '[]EndpointAddress lt=atomic',
    ports: '[]EndpointPort lt=atomic',
  },
  Endpoints: { kind: 's', apiVersion: 's', metadata: 'meta.ObjectMeta', subsets: '[]EndpointSubset lt=atomic' },
  EndpointsList: { kind: 's', apiVersion: 's', metadata: 'meta.ListMeta', items: '[]Endpoints req' },
  LoadBalancerIngress: { ip: 's', hostname: 's', ipMode: 'LoadBalancerIPMode', ports: '[]PortStatus lt=atomic' },
  LoadBalancerStatus: { ingress: '[]LoadBalancerIngress lt=atomic' },
  PortStatus: { port: 'i32 req', protocol: 'Protocol req', error: 's' },
  Service: {
    kind: 's',
    apiVersion: 's',
    metadata: 'meta.ObjectMeta',
    spec: 'ServiceSpec',
    status: 'ServiceStatus',
  },
  ServiceList: { kind: 's', apiVersion: 's', metadata: 'meta.ListMeta', items: '[]Service req' },
  ServicePort: {
    name: 's',
    // +default="TCP": the key structured-merge-diff gives a port applied without a protocol
    protocol: 'Protocol def=TCP',
    appProtocol: 's',
    port: 'i32 req',
    targetPort: 'IntOrString',
    nodePort: 'i32',
  },
  ServiceSpec: {
    ports: '[]ServicePort ps=merge mk=port lt=map lk=port,protocol',
    selector: '{}s mt=atomic',
    clusterIP: 's',
    clusterIPs: '[]s lt=atomic',
    type: 'ServiceType',
    externalIPs: '[]s lt=atomic',
    sessionAffinity: 'ServiceAffinity',
    loadBalancerIP: 's',
    loadBalancerSourceRanges: '[]s lt=atomic',
    externalName: 's',
    externalTrafficPolicy: 'ServiceExternalTrafficPolicy',
    healthCheckNodePort: 'i32',
    publishNotReadyAddresses: 'b',
    sessionAffinityConfig: 'SessionAffinityConfig',
    ipFamilies: '[]IPFamily lt=atomic',
    ipFamilyPolicy: 'IPFamilyPolicy',
    allocateLoadBalancerNodePorts: 'b',
    loadBalancerClass: 's',
    internalTrafficPolicy: 'ServiceInternalTrafficPolicy',
    trafficDistribution: 's',
  },
  ServiceStatus: {
    loadBalancer: 'LoadBalancerStatus',
    conditions: '[]meta.Condition ps=merge mk=type lt=map lk=type',
  },
  SessionAffinityConfig: { clientIP: 'ClientIPConfig' },
};
