// kube-apiserver's etcd key layout: `<prefix>/<resource prefix>/<namespace>/<name>` (cluster-scoped:
// `<prefix>/<resource prefix>/<name>`). Built-in groups are not part of the key (kube's storage factory keys by
// resource alone: /registry/clusterroles/…, /registry/leases/…), and a few core resources keep historic prefixes
// (SpecialDefaultResourcePrefixes in pkg/kubeapiserver/default_storage_factory_builder.go: services/specs,
// services/endpoints, minions). Other groups keep the group (/registry/apiextensions.k8s.io/…), as CRD-backed
// resources do. The store's own keys are `/<group or core>/<resource>/…`; this maps between the two.

/** Groups whose resources kube-apiserver stores under the bare resource name. */
const ungroupedGroups = new Set([
  'core',
  'rbac.authorization.k8s.io',
  'coordination.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'certificates.k8s.io',
  'apps',
  'batch',
  'policy',
  'storage.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'scheduling.k8s.io',
  'discovery.k8s.io',
  'admissionregistration.k8s.io',
  'flowcontrol.apiserver.k8s.io',
]);

/** Core resources stored under another name. */
const specialPrefixes: Record<string, string> = {
  services: 'services/specs',
  endpoints: 'services/endpoints',
  nodes: 'minions',
  replicationcontrollers: 'controllers',
};
const resourceOfSpecial = new Map(Object.entries(specialPrefixes).map(([r, p]) => [p, r]));

/**
 * Resource -> group for the ungrouped layout (a bare resource segment is core unless listed). Every stored
 * resource of an ungrouped named group must be here: a test walks the served catalog to make sure.
 */
const groupOfResource: Record<string, string> = {
  roles: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  leases: 'coordination.k8s.io',
  certificatesigningrequests: 'certificates.k8s.io',
  endpointslices: 'discovery.k8s.io',
};

export class EtcdKeys {
  /** `prefix` without a trailing slash, e.g. `/registry`. */
  readonly prefix: string;
  constructor(prefix: string) {
    this.prefix = ('/' + prefix.replace(/^\/+|\/+$/g, '')).replace(/^\/$/, '');
  }

  /** The range every kubeauth key lives in: `<prefix>/`. */
  get root(): string {
    return this.prefix + '/';
  }

  /** `/<group>/<resource>/…` -> `<prefix>/<resource prefix>/…` (or `<prefix>/<group>/<resource>/…`). */
  toEtcd(storeKey: string): string {
    const i = storeKey.indexOf('/', 1);
    const group = storeKey.slice(1, i);
    if (!ungroupedGroups.has(group)) return this.prefix + storeKey;
    const j = storeKey.indexOf('/', i + 1);
    const resource = j < 0 ? storeKey.slice(i + 1) : storeKey.slice(i + 1, j);
    const special = group === 'core' ? specialPrefixes[resource] : undefined;
    if (!special) return this.prefix + storeKey.slice(i);
    return `${this.prefix}/${special}${j < 0 ? '' : storeKey.slice(j)}`;
  }

  /** The store key for an etcd key, or undefined for a key outside the prefix. */
  fromEtcd(etcdKey: string): string | undefined {
    if (!etcdKey.startsWith(this.root)) return undefined;
    const rest = etcdKey.slice(this.prefix.length); // "/<first>/…"
    const i = rest.indexOf('/', 1);
    if (i < 0) return undefined;
    const first = rest.slice(1, i);
    if (first.includes('.')) return rest;
    const k = rest.indexOf('/', i + 1);
    const two = k < 0 ? undefined : rest.slice(1, k);
    const special = two === undefined ? undefined : resourceOfSpecial.get(two);
    if (special) return `/core/${special}${rest.slice(k)}`;
    const single = resourceOfSpecial.get(first);
    if (single) return `/core/${single}${rest.slice(i)}`;
    return `/${groupOfResource[first] ?? 'core'}${rest}`;
  }
}
