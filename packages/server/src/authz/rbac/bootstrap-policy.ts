// The bootstrap RBAC policy data (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), transcribed from the
// rendered fixtures testdata/{cluster-roles,cluster-role-bindings,controller-roles,controller-role-bindings,
// namespace-roles,namespace-role-bindings}.yaml with the feature gates at their 1.32 defaults. Lists are sorted
// as the policy builder (PolicyRuleBuilder.Rule) sorts them, so objects compare equal to kube-apiserver's.
import type { PolicyRule, Subject } from './types.js';

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const readWrite = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** A resource rule; lists are sorted like PolicyRuleBuilder.Rule does. */
export function res(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  const r: PolicyRule = {
    verbs: [...verbs].sort(),
    apiGroups: [...apiGroups].sort(),
    resources: [...resources].sort(),
  };
  if (resourceNames) r.resourceNames = [...resourceNames].sort();
  return r;
}

/** A non-resource rule. */
export function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs: [...verbs].sort(), nonResourceURLs: [...nonResourceURLs].sort() };
}

/** eventsRule(): create/update/patch events in the core and events.k8s.io groups. */
const events = () => res(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']);

export interface ClusterRoleSpec {
  name: string;
  rules?: PolicyRule[];
  /** Extra labels besides kubernetes.io/bootstrapping. */
  labels?: Record<string, string>;
  /** matchLabels of the single aggregation selector. */
  aggregate?: Record<string, string>;
}

export interface RoleSpec extends ClusterRoleSpec {
  namespace: string;
}

export interface BindingSpec {
  name: string;
  roleKind: 'Role' | 'ClusterRole';
  role: string;
  subjects: Subject[];
  namespace?: string;
}

const user = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

const aggregateToAdmin = { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' };
const aggregateToEdit = { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' };
const aggregateToView = { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' };

export const clusterRoleSpecs: ClusterRoleSpec[] = [
  { name: 'admin', aggregate: aggregateToAdmin },
  {
    name: 'cluster-admin',
    rules: [res(['*'], ['*'], ['*']), urls(['*'], ['*'])],
  },
  { name: 'edit', labels: aggregateToAdmin, aggregate: aggregateToEdit },
  {
    name: 'system:aggregate-to-admin',
    labels: aggregateToAdmin,
    rules: [
      res(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      res(readWrite, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
    ],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: aggregateToEdit,
    rules: [
      res(read, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      res(['impersonate'], [''], ['serviceaccounts']),
      res(write, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      res(['create'], [''], ['pods/eviction']),
      res(
        write,
        [''],
        [
          'configmaps',
          'events',
          'persistentvolumeclaims',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'secrets',
          'serviceaccounts',
          'services',
          'services/proxy',
        ],
      ),
      res(['create'], [''], ['serviceaccounts/token']),
      res(
        write,
        ['apps'],
        [
          'daemonsets',
          'deployments',
          'deployments/rollback',
          'deployments/scale',
          'replicasets',
          'replicasets/scale',
          'statefulsets',
          'statefulsets/scale',
        ],
      ),
      res(write, ['autoscaling'], ['horizontalpodautoscalers']),
      res(write, ['batch'], ['cronjobs', 'jobs']),
      res(
        write,
        ['extensions'],
        [
          'daemonsets',
          'deployments',
          'deployments/rollback',
          'deployments/scale',
          'ingresses',
          'networkpolicies',
          'replicasets',
          'replicasets/scale',
          'replicationcontrollers/scale',
        ],
      ),
      res(write, ['policy'], ['poddisruptionbudgets']),
      res(write, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      res(readWrite, ['coordination.k8s.io'], ['leases']),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: aggregateToView,
    rules: [
      res(
        read,
        [''],
        [
          'configmaps',
          'endpoints',
          'persistentvolumeclaims',
          'persistentvolumeclaims/status',
          'pods',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/status',
        ],
      ),
      res(
        read,
        [''],
        [
          'bindings',
          'events',
          'limitranges',
          'namespaces/status',
          'pods/log',
          'pods/status',
          'replicationcontrollers/status',
          'resourcequotas',
          'resourcequotas/status',
        ],
      ),
      res(read, [''], ['namespaces']),
      res(read, ['discovery.k8s.io'], ['endpointslices']),
      res(
        read,
        ['apps'],
        [
          'controllerrevisions',
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/scale',
          'deployments/status',
          'replicasets',
          'replicasets/scale',
          'replicasets/status',
          'statefulsets',
          'statefulsets/scale',
          'statefulsets/status',
        ],
      ),
      res(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      res(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      res(
        read,
        ['extensions'],
        [
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/scale',
          'deployments/status',
          'ingresses',
          'ingresses/status',
          'networkpolicies',
          'replicasets',
          'replicasets/scale',
          'replicasets/status',
          'replicationcontrollers/scale',
        ],
      ),
      res(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      res(read, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
  },
  {
    name: 'system:auth-delegator',
    rules: [
      res(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      res(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ],
  },
  {
    name: 'system:basic-user',
    rules: [
      res(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      res(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  {
    name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
    rules: [res(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])],
  },
  {
    name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
    rules: [res(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])],
  },
  ...['kube-apiserver-client', 'kube-apiserver-client-kubelet', 'kubelet-serving', 'legacy-unknown'].map((signer) => ({
    name: `system:certificates.k8s.io:${signer}-approver`,
    rules: [res(['approve'], ['certificates.k8s.io'], ['signers'], [`kubernetes.io/${signer}`])],
  })),
  {
    name: 'system:discovery',
    rules: [
      urls(
        ['get'],
        [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      ),
    ],
  },
  {
    name: 'system:heapster',
    rules: [res(read, [''], ['events', 'namespaces', 'nodes', 'pods']), res(read, ['extensions'], ['deployments'])],
  },
  { name: 'system:kube-aggregator', rules: [res(read, [''], ['endpoints', 'services'])] },
  {
    name: 'system:kube-controller-manager',
    rules: [
      events(),
      res(['create'], ['coordination.k8s.io'], ['leases']),
      res(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
      res(['create'], [''], ['secrets', 'serviceaccounts']),
      res(['delete'], [''], ['secrets']),
      res(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
      res(['update'], [''], ['secrets', 'serviceaccounts']),
      res(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      res(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      res(['list', 'watch'], ['*'], ['*']),
      res(['create'], [''], ['serviceaccounts/token']),
    ],
  },
  { name: 'system:kube-dns', rules: [res(['list', 'watch'], [''], ['endpoints', 'services'])] },
  {
    name: 'system:kube-scheduler',
    rules: [
      events(),
      res(['create'], ['coordination.k8s.io'], ['leases']),
      res(['get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      res(readWrite, ['coordination.k8s.io'], ['leasecandidates']),
      res(read, [''], ['nodes']),
      res(['delete', 'get', 'list', 'watch'], [''], ['pods']),
      res(['create'], [''], ['bindings', 'pods/binding']),
      res(['patch', 'update'], [''], ['pods/status']),
      res(read, [''], ['replicationcontrollers', 'services']),
      res(read, ['apps', 'extensions'], ['replicasets']),
      res(read, ['apps'], ['statefulsets']),
      res(read, ['policy'], ['poddisruptionbudgets']),
      res(read, [''], ['persistentvolumeclaims', 'persistentvolumes']),
      res(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      res(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      res(read, ['storage.k8s.io'], ['csinodes']),
      res(read, ['storage.k8s.io'], ['volumeattachments']),
      res(read, [''], ['namespaces']),
      res(read, ['storage.k8s.io'], ['csidrivers']),
      res(read, ['storage.k8s.io'], ['csistoragecapacities']),
    ],
  },
  {
    name: 'system:kubelet-api-admin',
    rules: [
      res(read, [''], ['nodes']),
      res(['proxy'], [''], ['nodes']),
      res(['*'], [''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats']),
    ],
  },
  {
    name: 'system:monitoring',
    rules: [
      urls(
        ['get'],
        ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'],
      ),
    ],
  },
  {
    name: 'system:node',
    rules: [
      res(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      res(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
      res(read, [''], ['services']),
      res(['create', 'get', 'list', 'watch'], [''], ['nodes']),
      res(['patch', 'update'], [''], ['nodes/status']),
      res(['patch', 'update'], [''], ['nodes']),
      res(['create', 'patch', 'update'], [''], ['events']),
      res(read, [''], ['pods']),
      res(['create', 'delete'], [''], ['pods']),
      res(['patch', 'update'], [''], ['pods/status']),
      res(['create'], [''], ['pods/eviction']),
      res(read, [''], ['configmaps', 'secrets']),
      res(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
      res(['get'], [''], ['endpoints']),
      res(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      res(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
      res(['get'], ['storage.k8s.io'], ['volumeattachments']),
      res(['create'], [''], ['serviceaccounts/token']),
      res(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
      res(read, ['storage.k8s.io'], ['csidrivers']),
      res(['create', 'delete', 'get', 'patch', 'update'], ['storage.k8s.io'], ['csinodes']),
      res(read, ['node.k8s.io'], ['runtimeclasses']),
    ],
  },
  {
    name: 'system:node-bootstrapper',
    rules: [res(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])],
  },
  {
    name: 'system:node-problem-detector',
    rules: [res(['get'], [''], ['nodes']), res(['patch'], [''], ['nodes/status']), events()],
  },
  {
    name: 'system:node-proxier',
    rules: [
      res(['list', 'watch'], [''], ['endpoints', 'services']),
      res(read, [''], ['nodes']),
      events(),
      res(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ],
  },
  {
    name: 'system:persistent-volume-provisioner',
    rules: [
      res(['create', 'delete', 'get', 'list', 'watch'], [''], ['persistentvolumes']),
      res(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']),
      res(read, ['storage.k8s.io'], ['storageclasses']),
      res(['watch'], [''], ['events']),
      events(),
    ],
  },
  {
    name: 'system:public-info-viewer',
    rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])],
  },
  {
    name: 'system:service-account-issuer-discovery',
    rules: [
      urls(
        ['get'],
        [
          '/.well-known/openid-configuration',
          '/.well-known/openid-configuration/',
          '/openid/v1/jwks',
          '/openid/v1/jwks/',
        ],
      ),
    ],
  },
  {
    name: 'system:volume-scheduler',
    rules: [
      res(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']),
      res(read, ['storage.k8s.io'], ['storageclasses']),
      res(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims']),
    ],
  },
  { name: 'view', labels: aggregateToEdit, aggregate: aggregateToView },
];

export const clusterRoleBindingSpecs: BindingSpec[] = [
  { name: 'cluster-admin', roleKind: 'ClusterRole', role: 'cluster-admin', subjects: [group('system:masters')] },
  {
    name: 'system:basic-user',
    roleKind: 'ClusterRole',
    role: 'system:basic-user',
    subjects: [group('system:authenticated')],
  },
  {
    name: 'system:discovery',
    roleKind: 'ClusterRole',
    role: 'system:discovery',
    subjects: [group('system:authenticated')],
  },
  {
    name: 'system:kube-controller-manager',
    roleKind: 'ClusterRole',
    role: 'system:kube-controller-manager',
    subjects: [user('system:kube-controller-manager')],
  },
  {
    name: 'system:kube-dns',
    roleKind: 'ClusterRole',
    role: 'system:kube-dns',
    subjects: [sa('kube-system', 'kube-dns')],
  },
  {
    name: 'system:kube-scheduler',
    roleKind: 'ClusterRole',
    role: 'system:kube-scheduler',
    subjects: [user('system:kube-scheduler')],
  },
  {
    name: 'system:monitoring',
    roleKind: 'ClusterRole',
    role: 'system:monitoring',
    subjects: [group('system:monitoring')],
  },
  // The Node authorizer replaced this binding; it is kept with no subjects so reconciliation can tighten it.
  { name: 'system:node', roleKind: 'ClusterRole', role: 'system:node', subjects: [] },
  {
    name: 'system:node-proxier',
    roleKind: 'ClusterRole',
    role: 'system:node-proxier',
    subjects: [user('system:kube-proxy')],
  },
  {
    name: 'system:public-info-viewer',
    roleKind: 'ClusterRole',
    role: 'system:public-info-viewer',
    subjects: [group('system:authenticated'), group('system:unauthenticated')],
  },
  {
    name: 'system:service-account-issuer-discovery',
    roleKind: 'ClusterRole',
    role: 'system:service-account-issuer-discovery',
    subjects: [group('system:serviceaccounts')],
  },
  {
    name: 'system:volume-scheduler',
    roleKind: 'ClusterRole',
    role: 'system:volume-scheduler',
    subjects: [user('system:kube-scheduler')],
  },
];

/** system:controller:<name> ClusterRoles for kube-controller-manager's per-controller service accounts. */
export const controllerRoleSpecs: ClusterRoleSpec[] = [
  {
    name: 'attachdetach-controller',
    rules: [
      res(['list', 'watch'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
      res(read, [''], ['nodes']),
      res(['patch', 'update'], [''], ['nodes/status']),
      res(['list', 'watch'], [''], ['pods']),
      events(),
      res(['create', 'delete', 'get', 'list', 'watch'], ['storage.k8s.io'], ['volumeattachments']),
      res(read, ['storage.k8s.io'], ['csidrivers']),
      res(read, ['storage.k8s.io'], ['csinodes']),
    ],
  },
  {
    name: 'certificate-controller',
    rules: [
      res(['delete', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      res(
        ['update'],
        ['certificates.k8s.io'],
        ['certificatesigningrequests/approval', 'certificatesigningrequests/status'],
      ),
      res(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
      res(
        ['sign'],
        ['certificates.k8s.io'],
        ['signers'],
        [
          'kubernetes.io/kube-apiserver-client',
          'kubernetes.io/kube-apiserver-client-kubelet',
          'kubernetes.io/kubelet-serving',
          'kubernetes.io/legacy-unknown',
        ],
      ),
      res(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      events(),
    ],
  },
  {
    name: 'clusterrole-aggregation-controller',
    rules: [
      res(['escalate', 'get', 'list', 'patch', 'update', 'watch'], ['rbac.authorization.k8s.io'], ['clusterroles']),
    ],
  },
  {
    name: 'cronjob-controller',
    rules: [
      res(['get', 'list', 'update', 'watch'], ['batch'], ['cronjobs']),
      res(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['batch'], ['jobs']),
      res(['update'], ['batch'], ['cronjobs/status']),
      res(['update'], ['batch'], ['cronjobs/finalizers']),
      res(['delete', 'list', 'watch'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'daemon-set-controller',
    rules: [
      res(read, ['apps', 'extensions'], ['daemonsets']),
      res(['update'], ['apps', 'extensions'], ['daemonsets/status']),
      res(['update'], ['apps', 'extensions'], ['daemonsets/finalizers']),
      res(['list', 'watch'], [''], ['nodes']),
      res(['create', 'delete', 'list', 'patch', 'watch'], [''], ['pods']),
      res(['create'], [''], ['pods/binding']),
      res(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['apps'], ['controllerrevisions']),
      events(),
    ],
  },
  {
    name: 'deployment-controller',
    rules: [
      res(['get', 'list', 'update', 'watch'], ['apps', 'extensions'], ['deployments']),
      res(['update'], ['apps', 'extensions'], ['deployments/status']),
      res(['update'], ['apps', 'extensions'], ['deployments/finalizers']),
      res(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['apps', 'extensions'], ['replicasets']),
      res(['get', 'list', 'update', 'watch'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'disruption-controller',
    rules: [
      res(read, ['apps', 'extensions'], ['deployments']),
      res(read, ['apps', 'extensions'], ['replicasets']),
      res(read, [''], ['replicationcontrollers']),
      res(read, ['policy'], ['poddisruptionbudgets']),
      res(read, ['apps'], ['statefulsets']),
      res(['update'], ['policy'], ['poddisruptionbudgets/status']),
      res(['patch', 'update'], [''], ['pods/status']),
      res(['get'], ['*'], ['*/scale']),
      events(),
    ],
  },
  {
    name: 'endpoint-controller',
    rules: [
      res(read, [''], ['pods', 'services']),
      res(['create', 'delete', 'get', 'list', 'update', 'watch'], [''], ['endpoints']),
      res(['create'], [''], ['endpoints/restricted']),
      events(),
    ],
  },
  {
    name: 'endpointslice-controller',
    rules: [
      res(read, [''], ['nodes', 'pods', 'services']),
      res(['update'], [''], ['services/finalizers']),
      res(['create', 'delete', 'get', 'list', 'update', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
      events(),
    ],
  },
  {
    name: 'endpointslicemirroring-controller',
    rules: [
      res(read, [''], ['endpoints', 'services']),
      res(['update'], [''], ['services/finalizers']),
      res(['update'], [''], ['endpoints/finalizers']),
      res(['create', 'delete', 'get', 'list', 'update', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
      events(),
    ],
  },
  {
    name: 'ephemeral-volume-controller',
    rules: [
      res(read, [''], ['pods']),
      res(['update'], [''], ['pods/finalizers']),
      res(['create', 'get', 'list', 'watch'], [''], ['persistentvolumeclaims']),
      events(),
    ],
  },
  {
    name: 'expand-controller',
    rules: [
      res(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']),
      res(['patch', 'update'], [''], ['persistentvolumeclaims/status']),
      res(read, [''], ['persistentvolumeclaims']),
      events(),
    ],
  },
  {
    name: 'generic-garbage-collector',
    rules: [res(['delete', 'get', 'list', 'patch', 'update', 'watch'], ['*'], ['*']), events()],
  },
  {
    name: 'horizontal-pod-autoscaler',
    rules: [
      res(read, ['autoscaling'], ['horizontalpodautoscalers']),
      res(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
      res(['get', 'update'], ['*'], ['*/scale']),
      res(['list', 'watch'], [''], ['pods']),
      res(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
      res(read, ['custom.metrics.k8s.io'], ['*']),
      res(read, ['external.metrics.k8s.io'], ['*']),
      events(),
    ],
  },
  {
    name: 'job-controller',
    rules: [
      res(['get', 'list', 'patch', 'update', 'watch'], ['batch'], ['jobs']),
      res(['update'], ['batch'], ['jobs/status']),
      res(['update'], ['batch'], ['jobs/finalizers']),
      res(['create', 'delete', 'list', 'patch', 'watch'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'legacy-service-account-token-cleaner',
    rules: [
      res(['get'], [''], ['configmaps'], ['kube-apiserver-legacy-service-account-token-tracking']),
      res(['delete', 'patch'], [''], ['secrets']),
    ],
  },
  {
    name: 'namespace-controller',
    rules: [
      res(['delete', 'get', 'list', 'watch'], [''], ['namespaces']),
      res(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
      res(['delete', 'deletecollection', 'get', 'list', 'watch'], ['*'], ['*']),
    ],
  },
  {
    name: 'node-controller',
    rules: [
      res(['delete', 'get', 'list', 'patch', 'update', 'watch'], [''], ['nodes']),
      res(['patch', 'update'], [''], ['nodes/status']),
      res(['patch', 'update'], [''], ['pods/status']),
      res(['delete', 'get', 'list', 'watch'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'persistent-volume-binder',
    rules: [
      res(['create', 'delete', 'get', 'list', 'update', 'watch'], [''], ['persistentvolumes']),
      res(['update'], [''], ['persistentvolumes/status']),
      res(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']),
      res(['update'], [''], ['persistentvolumeclaims/status']),
      res(['create', 'delete', 'get', 'list', 'watch'], [''], ['pods']),
      res(read, ['storage.k8s.io'], ['storageclasses']),
      res(['list', 'watch'], [''], ['nodes']),
      events(),
      res(['watch'], [''], ['events']),
    ],
  },
  {
    name: 'pod-garbage-collector',
    rules: [
      res(['delete', 'list', 'watch'], [''], ['pods']),
      res(read, [''], ['nodes']),
      res(['patch'], [''], ['pods/status']),
    ],
  },
  {
    name: 'pv-protection-controller',
    rules: [res(['get', 'list', 'update', 'watch'], [''], ['persistentvolumes']), events()],
  },
  {
    name: 'pvc-protection-controller',
    rules: [
      res(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']),
      res(['update'], [''], ['persistentvolumeclaims/status']),
      res(read, [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'replicaset-controller',
    rules: [
      res(['get', 'list', 'update', 'watch'], ['apps', 'extensions'], ['replicasets']),
      res(['update'], ['apps', 'extensions'], ['replicasets/status']),
      res(['update'], ['apps', 'extensions'], ['replicasets/finalizers']),
      res(['create', 'delete', 'list', 'patch', 'watch'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'replication-controller',
    rules: [
      res(['get', 'list', 'update', 'watch'], [''], ['replicationcontrollers']),
      res(['update'], [''], ['replicationcontrollers/status']),
      res(['update'], [''], ['replicationcontrollers/finalizers']),
      res(['create', 'delete', 'list', 'patch', 'watch'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'resourcequota-controller',
    rules: [res(['list', 'watch'], ['*'], ['*']), res(['update'], [''], ['resourcequotas/status']), events()],
  },
  {
    name: 'root-ca-cert-publisher',
    rules: [res(['create', 'update'], [''], ['configmaps']), events()],
  },
  {
    name: 'route-controller',
    rules: [res(['list', 'watch'], [''], ['nodes']), res(['patch'], [''], ['nodes/status']), events()],
  },
  {
    // controller_policy.go adds it when SELinuxChangePolicy is on: beta and on by default from 1.33.
    name: 'selinux-warning-controller',
    rules: [
      events(),
      res(read, [''], ['persistentvolumes']),
      res(read, [''], ['persistentvolumeclaims']),
      res(read, [''], ['pods']),
      res(read, ['storage.k8s.io'], ['csidrivers']),
    ],
  },
  {
    name: 'service-account-controller',
    rules: [res(['create'], [''], ['serviceaccounts']), events()],
  },
  {
    // MultiCIDRServiceAllocator is GA and on by default from 1.33, so the role is part of 1.33's default policy.
    name: 'service-cidrs-controller',
    rules: [
      res(['get', 'list', 'patch', 'update', 'watch'], ['networking.k8s.io'], ['servicecidrs']),
      res(['patch', 'update'], ['networking.k8s.io'], ['servicecidrs/finalizers']),
      res(['patch', 'update'], ['networking.k8s.io'], ['servicecidrs/status']),
      res(read, ['networking.k8s.io'], ['ipaddresses']),
      events(),
    ],
  },
  {
    name: 'service-controller',
    rules: [
      res(read, [''], ['services']),
      res(['patch', 'update'], [''], ['services/status']),
      res(['list', 'watch'], [''], ['nodes']),
      events(),
    ],
  },
  {
    name: 'statefulset-controller',
    rules: [
      res(['list', 'watch'], [''], ['pods']),
      res(read, ['apps'], ['statefulsets']),
      res(['update'], ['apps'], ['statefulsets/status']),
      res(['update'], ['apps'], ['statefulsets/finalizers']),
      res(['create', 'delete', 'get', 'patch', 'update'], [''], ['pods']),
      res(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['apps'], ['controllerrevisions']),
      res(['create', 'get', 'list', 'watch'], [''], ['persistentvolumeclaims']),
      res(['delete', 'update'], [''], ['persistentvolumeclaims']),
      res(['update'], [''], ['pods/finalizers']),
      events(),
    ],
  },
  {
    name: 'ttl-after-finished-controller',
    rules: [res(['delete', 'get', 'list', 'watch'], ['batch'], ['jobs']), events()],
  },
  {
    name: 'ttl-controller',
    rules: [res(['list', 'patch', 'update', 'watch'], [''], ['nodes']), events()],
  },
  {
    name: 'validatingadmissionpolicy-status-controller',
    rules: [
      res(read, ['admissionregistration.k8s.io'], ['validatingadmissionpolicies']),
      res(['get', 'patch', 'update'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies/status']),
      events(),
    ],
  },
];

export const namespaceRoleSpecs: RoleSpec[] = [
  {
    namespace: 'kube-public',
    name: 'system:controller:bootstrap-signer',
    rules: [res(read, [''], ['configmaps']), res(['update'], [''], ['configmaps'], ['cluster-info']), events()],
  },
  {
    namespace: 'kube-system',
    name: 'extension-apiserver-authentication-reader',
    rules: [res(read, [''], ['configmaps'], ['extension-apiserver-authentication'])],
  },
  ...['kube-controller-manager', 'kube-scheduler'].map((component) => ({
    namespace: 'kube-system',
    name: `system::leader-locking-${component}`,
    rules: [
      res(['create', 'get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leases']),
      res(['create', 'get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leasecandidates']),
    ],
  })),
  { namespace: 'kube-system', name: 'system:controller:bootstrap-signer', rules: [res(read, [''], ['secrets'])] },
  {
    namespace: 'kube-system',
    name: 'system:controller:cloud-provider',
    rules: [res(['create', 'get', 'list', 'watch'], [''], ['configmaps'])],
  },
  {
    namespace: 'kube-system',
    name: 'system:controller:token-cleaner',
    rules: [res(['delete', 'get', 'list', 'watch'], [''], ['secrets']), events()],
  },
];

export const namespaceRoleBindingSpecs: BindingSpec[] = [
  {
    namespace: 'kube-public',
    name: 'system:controller:bootstrap-signer',
    roleKind: 'Role',
    role: 'system:controller:bootstrap-signer',
    subjects: [sa('kube-system', 'bootstrap-signer')],
  },
  {
    namespace: 'kube-system',
    name: 'system::extension-apiserver-authentication-reader',
    roleKind: 'Role',
    role: 'extension-apiserver-authentication-reader',
    subjects: [user('system:kube-controller-manager'), user('system:kube-scheduler')],
  },
  {
    namespace: 'kube-system',
    name: 'system::leader-locking-kube-controller-manager',
    roleKind: 'Role',
    role: 'system::leader-locking-kube-controller-manager',
    subjects: [
      user('system:kube-controller-manager'),
      sa('kube-system', 'kube-controller-manager'),
      sa('kube-system', 'leader-election-controller'),
    ],
  },
  {
    namespace: 'kube-system',
    name: 'system::leader-locking-kube-scheduler',
    roleKind: 'Role',
    role: 'system::leader-locking-kube-scheduler',
    subjects: [user('system:kube-scheduler'), sa('kube-system', 'kube-scheduler')],
  },
  ...['bootstrap-signer', 'cloud-provider', 'token-cleaner'].map((c) => ({
    namespace: 'kube-system',
    name: `system:controller:${c}`,
    roleKind: 'Role' as const,
    role: `system:controller:${c}`,
    subjects: [sa('kube-system', c)],
  })),
];
