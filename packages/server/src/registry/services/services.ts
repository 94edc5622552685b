// Services (pkg/registry/core/service, SetDefaults_Service, ValidateService): defaults, the IP-family fields
// a single-stack IPv4 server fills in, the essentials of validation, and kubectl's columns.
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { ipErrors } from '../../api/validation/ip.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
} from '../../api/validation/names.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/objectmeta.js';
import { arr, rec, recs, str } from '../../api/validation/util.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import { ageColumn, nameColumn } from '../printers/default.js';
import { age } from '../printers/duration.js';
import { ensure } from '../core/common.js';

type Rec = Record<string, unknown>;

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const affinities = ['ClientIP', 'None'];
const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

function externallyAccessible(spec: Rec): boolean {
  const t = spec.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

/** SetDefaults_Service. */
export function defaultService(obj: KObject): void {
  const spec = ensure(obj as unknown as Rec, 'spec');
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = ensure(spec, 'sessionAffinityConfig');
    const cip = ensure(cfg, 'clientIP');
    if (cip.timeoutSeconds === undefined || cip.timeoutSeconds === null) cip.timeoutSeconds = 10800;
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of recs(spec.ports)) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '')
      p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP')
      spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && typeof spec.allocateLoadBalancerNodePorts !== 'boolean')
    spec.allocateLoadBalancerNodePorts = true;
}

/**
 * The IP-family fields (alloc.go initIPFamilyFields, for a single-stack IPv4 server): clusterIP and clusterIPs
 * mirror each other, a service with a cluster IP (or a headless one) is SingleStack IPv4; a headless service
 * without a selector may carry both families, so it is RequireDualStack.
 */
function initFamilies(spec: Rec): void {
  if (spec.type === 'ExternalName') return;
  const ips = arr(spec.clusterIPs);
  if (ips.length === 0 && typeof spec.clusterIP === 'string' && spec.clusterIP !== '')
    spec.clusterIPs = [spec.clusterIP];
  else if (ips.length > 0 && !spec.clusterIP && typeof ips[0] === 'string') spec.clusterIP = ips[0];
  const headless = spec.clusterIP === 'None';
  if (headless && Object.keys(rec(spec.selector) ?? {}).length === 0) {
    spec.ipFamilyPolicy ??= 'RequireDualStack';
    if (arr(spec.ipFamilies).length === 0)
      spec.ipFamilies = spec.ipFamilyPolicy === 'SingleStack' ? ['IPv4'] : ['IPv4', 'IPv6'];
    return;
  }
  spec.ipFamilyPolicy ??= 'SingleStack';
  if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = ['IPv4'];
}

/** PrepareForUpdate's patchAllocatedValues and dropTypeDependentFields: what an update may leave out. */
export function keepAllocated(spec: Rec, old: Rec): void {
  const hadIP = old.type !== 'ExternalName' && !!old.clusterIP;
  if (hadIP && spec.type !== 'ExternalName') {
    if (!spec.clusterIP) spec.clusterIP = old.clusterIP;
    if (arr(spec.clusterIPs).length === 0 && arr(old.clusterIPs).length > 0) spec.clusterIPs = old.clusterIPs;
    if (!spec.ipFamilies && old.ipFamilies) spec.ipFamilies = old.ipFamilies;
    if (!spec.ipFamilyPolicy && old.ipFamilyPolicy) spec.ipFamilyPolicy = old.ipFamilyPolicy;
  }
  if (spec.type === 'ExternalName' && old.type !== 'ExternalName' && sameIPs(spec, old)) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
  }
  const nodePorts = (t: unknown) => t === 'NodePort' || t === 'LoadBalancer';
  if (nodePorts(spec.type) && nodePorts(old.type)) {
    const byName = new Map(recs(old.ports).map((p) => [`${str(p.name)}/${String(p.port)}`, p.nodePort]));
    for (const p of recs(spec.ports))
      if (!p.nodePort) {
        const n = byName.get(`${str(p.name)}/${String(p.port)}`);
        if (typeof n === 'number') p.nodePort = n;
      }
  }
  if (!nodePorts(spec.type) && nodePorts(old.type)) for (const p of recs(spec.ports)) delete p.nodePort;
}

function sameIPs(a: Rec, b: Rec): boolean {
  return a.clusterIP === b.clusterIP && JSON.stringify(a.clusterIPs ?? []) === JSON.stringify(b.clusterIPs ?? []);
}

function validateService(obj: KObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNS1035Label });
  const spec = rec(obj.spec) ?? {};
  const type = str(spec.type);
  if (!serviceTypes.includes(type)) errs.push(notSupported('spec.type', type, serviceTypes));
  const ports = recs(spec.ports);
  const ips = arr(spec.clusterIPs);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if (type === 'ExternalName') {
    if (spec.clusterIP) errs.push(forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
    if (ips.length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    const en = str(spec.externalName);
    if (!en) errs.push(required('spec.externalName'));
    else for (const m of isDNS1123Subdomain(en.replace(/\.$/, ''))) errs.push(invalid('spec.externalName', en, m));
  } else {
    if (ips.length > 0 && spec.clusterIP !== ips[0])
      errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
    ips.forEach((ip, i) => {
      if (ip === 'None') {
        if (i > 0 || ips.length > 1)
          errs.push(invalid(`spec.clusterIPs[${i}]`, ip, "may not be set to 'None' for a dual-stack service"));
        return;
      }
      for (const m of ipErrors(str(ip))) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, m));
    });
    if (ips.length > 1)
      errs.push(invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && !name) errs.push(required(`${at}.name`));
    else if (name) {
      for (const m of isDNS1123Label(name)) errs.push(invalid(`${at}.name`, name, m));
      if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    const port = typeof p.port === 'number' ? p.port : 0;
    for (const m of isValidPortNum(port)) errs.push(invalid(`${at}.port`, port, m));
    const proto = str(p.protocol);
    if (!proto) errs.push(required(`${at}.protocol`));
    else if (!protocols.includes(proto)) errs.push(notSupported(`${at}.protocol`, proto, protocols));
    const tp = p.targetPort;
    if (typeof tp === 'number') for (const m of isValidPortNum(tp)) errs.push(invalid(`${at}.targetPort`, tp, m));
    else if (typeof tp === 'string') for (const m of isValidPortName(tp)) errs.push(invalid(`${at}.targetPort`, tp, m));
    if (p.nodePort !== undefined && type !== 'NodePort' && type !== 'LoadBalancer' && p.nodePort !== 0)
      errs.push(forbidden(`${at}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    const key = `${port}/${proto}`;
    if (keys.has(key)) errs.push(duplicate(at, { port, protocol: proto }));
    keys.add(key);
  });
  errs.push(...validateLabels(rec(spec.selector) as Record<string, string> | undefined, 'spec.selector'));
  const aff = str(spec.sessionAffinity);
  if (!affinities.includes(aff)) errs.push(notSupported('spec.sessionAffinity', aff, affinities));
  if (spec.ipFamilyPolicy !== undefined && !policies.includes(str(spec.ipFamilyPolicy)))
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, policies));
  arr(spec.externalIPs).forEach((ip, i) => {
    for (const m of ipErrors(str(ip))) errs.push(invalid(`spec.externalIPs[${i}]`, ip, m));
  });
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: the allocated addresses are the service's for its lifetime. */
function validateServiceUpdate(obj: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const spec = rec(obj.spec) ?? {};
  const o = rec(old.spec) ?? {};
  if (spec.type !== 'ExternalName' && o.type !== 'ExternalName') {
    const ips = arr(spec.clusterIPs);
    const oldIPs = arr(o.clusterIPs);
    if (oldIPs.length > 0 && ips.length === 0)
      errs.push(invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
    else if (oldIPs.length > 0 && ips[0] !== oldIPs[0])
      errs.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
  }
  errs.push(...validateService(obj));
  return errs;
}

export const strategy: ResourceStrategy = {
  defaults: defaultService,
  prepareForCreate(obj) {
    (obj as unknown as Rec).status = { loadBalancer: {} };
    initFamilies(ensure(obj as unknown as Rec, 'spec'));
  },
  prepareForUpdate(obj, old) {
    (obj as unknown as Rec).status = (old as unknown as Rec).status ?? { loadBalancer: {} };
    const spec = ensure(obj as unknown as Rec, 'spec');
    keepAllocated(spec, rec(old.spec) ?? {});
    initFamilies(spec);
  },
  validate: (obj) => createErrors(validateService(obj), obj.metadata, true),
  validateUpdate: (obj, old) => updateErrors(validateServiceUpdate(obj, old), obj.metadata, old.metadata, true),
};

export const statusStrategy: ResourceStrategy = {
  prepareForUpdate(obj, old) {
    (obj as unknown as Rec).spec = (old as unknown as Rec).spec;
  },
  validate: (obj) => createErrors(validateService(obj), obj.metadata, true),
  validateUpdate: (obj, old) =>
    updateErrors(validateObjectMetaUpdate(obj.metadata, old.metadata), obj.metadata, old.metadata, true),
};

/** printService's ports cell: `80/TCP`, `80:30080/TCP`, joined by commas; `<none>` without ports. */
function portsCell(spec: Rec): string {
  const ports = recs(spec.ports);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) =>
      p.nodePort
        ? `${String(p.port)}:${String(p.nodePort)}/${str(p.protocol)}`
        : `${String(p.port)}/${str(p.protocol)}`,
    )
    .join(',');
}

/** getServiceExternalIP. */
function externalIPCell(spec: Rec, status: Rec | undefined, wide: boolean): string {
  const ext = arr(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
      return ext.length ? ext.join(',') : '<none>';
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = recs(rec(status?.loadBalancer)?.ingress)
        .map((i) => str(i.ip) || str(i.hostname))
        .filter((s) => s);
      const all = [...ingress, ...ext];
      if (all.length === 0) return '<pending>';
      const s = all.join(',');
      return !wide && s.length > 16 ? s.slice(0, 13) + '...' : s;
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

function selectorCell(sel: Rec | undefined): string {
  const keys = Object.keys(sel ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${str(sel![k])}`).join(',') : '<none>';
}

export const table: TablePrinter = {
  columns: [
    nameColumn,
    {
      name: 'Type',
      type: 'string',
      format: '',
      description:
        'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
      priority: 0,
    },
    {
      name: 'Cluster-IP',
      type: 'string',
      format: '',
      description:
        'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
      priority: 0,
    },
    {
      name: 'External-IP',
      type: 'string',
      format: '',
      description:
        'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
      priority: 0,
    },
    {
      name: 'Port(s)',
      type: 'string',
      format: '',
      description:
        'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
      priority: 0,
    },
    ageColumn,
    {
      name: 'Selector',
      type: 'string',
      format: '',
      description:
        'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
      priority: 1,
    },
  ],
  row: (o, now) => {
    const spec = rec(o.spec) ?? {};
    return [
      o.metadata.name ?? '',
      str(spec.type),
      str(spec.clusterIP) || '<none>',
      externalIPCell(spec, rec((o as unknown as Rec).status), false),
      portsCell(spec),
      age(o.metadata.creationTimestamp, now),
      selectorCell(rec(spec.selector)),
    ];
  },
};
