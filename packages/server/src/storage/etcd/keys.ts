// kube-apiserver's etcd key layout: `<prefix>/<resource>/<namespace>/<name>` (cluster-scoped:
// `<prefix>/<resource>/<name>`). Built-in groups are not part of the key (kube's storage factory keys by resource
// alone: /registry/clusterroles/…, /registry/leases/…); other groups keep it (/registry/apiextensions.k8s.io/…), as
// CRD-backed resources do. The store's own keys are `/<group or core>/<resource>/…`; this maps between the two.

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

/** Resource -> group for the ungrouped layout (a bare resource segment is core unless listed). */
const groupOfResource: Record<string, string> = {
  roles: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  leases: 'coordination.k8s.io',
  certificatesigningrequests: 'certificates.k8s.io',
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

  /** `/<group>/<resource>/…` -> `<prefix>/<resource>/…` (or `<prefix>/<group>/<resource>/…`). */
  toEtcd(storeKey: string): string {
    const i = storeKey.indexOf('/', 1);
    const group = storeKey.slice(1, i);
    return ungroupedGroups.has(group) ? this.prefix + storeKey.slice(i) : this.prefix + storeKey;
  }

  /** The store key for an etcd key, or undefined for a key outside the prefix. */
  fromEtcd(etcdKey: string): string | undefined {
    if (!etcdKey.startsWith(this.root)) return undefined;
    const rest = etcdKey.slice(this.prefix.length); // "/<first>/…"
    const i = rest.indexOf('/', 1);
    if (i < 0) return undefined;
    const first = rest.slice(1, i);
    if (first.includes('.')) return rest;
    return `/${groupOfResource[first] ?? 'core'}${rest}`;
  }
}
