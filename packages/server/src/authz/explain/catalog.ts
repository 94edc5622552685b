// The resources a matrix covers when no server is asked: Kubernetes' built-in API (1.32) with the subresources
// that matter for access (exec, token, proxy, approval...). A live source passes the server's discovery instead.
export interface ResourceInfo {
  group: string;
  /** `resource` or `resource/subresource`. */
  resource: string;
  namespaced: boolean;
}

const n = (group: string, names: string): ResourceInfo[] =>
  names.split(' ').map((resource) => ({ group, resource, namespaced: true }));
const c = (group: string, names: string): ResourceInfo[] =>
  names.split(' ').map((resource) => ({ group, resource, namespaced: false }));

export const builtinResources: ResourceInfo[] = [
  ...n(
    '',
    'bindings configmaps endpoints events limitranges persistentvolumeclaims pods pods/attach pods/binding ' +
      'pods/ephemeralcontainers pods/eviction pods/exec pods/log pods/portforward pods/proxy pods/status ' +
      'podtemplates replicationcontrollers replicationcontrollers/scale resourcequotas secrets serviceaccounts ' +
      'serviceaccounts/token services services/proxy services/status',
  ),
  ...c(
    '',
    'componentstatuses namespaces namespaces/finalize namespaces/status nodes nodes/proxy nodes/status persistentvolumes',
  ),
  ...c(
    'admissionregistration.k8s.io',
    'mutatingwebhookconfigurations validatingadmissionpolicies validatingadmissionpolicybindings validatingwebhookconfigurations',
  ),
  ...c('apiextensions.k8s.io', 'customresourcedefinitions'),
  ...c('apiregistration.k8s.io', 'apiservices'),
  ...n(
    'apps',
    'controllerrevisions daemonsets deployments deployments/scale replicasets replicasets/scale statefulsets statefulsets/scale',
  ),
  ...c('authentication.k8s.io', 'selfsubjectreviews tokenreviews'),
  ...n('authorization.k8s.io', 'localsubjectaccessreviews'),
  ...c('authorization.k8s.io', 'selfsubjectaccessreviews selfsubjectrulesreviews subjectaccessreviews'),
  ...n('autoscaling', 'horizontalpodautoscalers'),
  ...n('batch', 'cronjobs jobs'),
  ...c(
    'certificates.k8s.io',
    'certificatesigningrequests certificatesigningrequests/approval certificatesigningrequests/status signers',
  ),
  ...n('coordination.k8s.io', 'leases'),
  ...n('discovery.k8s.io', 'endpointslices'),
  ...n('events.k8s.io', 'events'),
  ...c('flowcontrol.apiserver.k8s.io', 'flowschemas prioritylevelconfigurations'),
  ...n('networking.k8s.io', 'ingresses networkpolicies'),
  ...c('networking.k8s.io', 'ingressclasses'),
  ...c('node.k8s.io', 'runtimeclasses'),
  ...n('policy', 'poddisruptionbudgets'),
  ...n('rbac.authorization.k8s.io', 'rolebindings roles'),
  ...c('rbac.authorization.k8s.io', 'clusterrolebindings clusterroles'),
  ...c('scheduling.k8s.io', 'priorityclasses'),
  ...n('storage.k8s.io', 'csistoragecapacities'),
  ...c('storage.k8s.io', 'csidrivers csinodes storageclasses volumeattachments'),
];

/** The columns of a matrix, as kubectl names the verbs. */
export const matrixVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
