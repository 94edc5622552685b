// Field tables for the Kubernetes protobuf messages kubeauth decodes (Kubernetes 1.33's generated.proto files,
// joined with the Go JSON tags of the same structs). One line per message:
//
//   Name: <jsonName>=<fieldNumber>:<type> ...        (indented lines continue the previous one)
//
// type:  s | b | i32 | i64 | u32 | u64 | f32 | f64 | bytes      proto scalars (bytes -> base64 in JSON)
//        Time | MicroTime | Quantity | IntOrString | FieldsV1   apimachinery types with their own JSON form
//        StringList                                            `type X []string` wrappers (ExtraValue...)
//        Name | pkg.Name                                       a message of this / another table
//        []<type> repeated;  {}<type> map<string, type>
// prefix `*`: a Go pointer (written only when set, and then even when zero)
// suffix `?`: the Go JSON tag has omitempty
// name `...`: an embedded Go struct whose fields JSON inlines into the parent (Volume's VolumeSource...)
//
// Go declaration order is kept: it is the JSON key order.

export type Scalar = 's' | 'b' | 'i32' | 'i64' | 'u32' | 'u64' | 'f32' | 'f64' | 'bytes';
export type Builtin = 'Time' | 'MicroTime' | 'Quantity' | 'IntOrString' | 'FieldsV1' | 'StringList';

export interface FieldDef {
  /** JSON name (`...` for an inlined embedded struct). */
  name: string;
  number: number;
  /** A scalar, a builtin, or a qualified message name (`core.PodSpec`). */
  type: Scalar | Builtin | string;
  kind: 'scalar' | 'builtin' | 'message';
  repeated: boolean;
  map: boolean;
  pointer: boolean;
  omitempty: boolean;
  inline: boolean;
}

export interface MessageDef {
  name: string;
  /** In Go declaration order. */
  fields: FieldDef[];
  byNumber: Map<number, FieldDef>;
}

const scalars = new Set<string>(['s', 'b', 'i32', 'i64', 'u32', 'u64', 'f32', 'f64', 'bytes']);
const builtins = new Set<string>(['Time', 'MicroTime', 'Quantity', 'IntOrString', 'FieldsV1', 'StringList']);

const meta = `
TypeMeta: kind=1:s? apiVersion=2:s?
ObjectMeta: name=1:s? generateName=2:s? namespace=3:s? selfLink=4:s? uid=5:s? resourceVersion=6:s? generation=7:i64?
    creationTimestamp=8:Time? deletionTimestamp=9:*Time? deletionGracePeriodSeconds=10:*i64? labels=11:{}s?
    annotations=12:{}s? ownerReferences=13:[]OwnerReference? finalizers=14:[]s?
    managedFields=17:[]ManagedFieldsEntry?
OwnerReference: apiVersion=5:s kind=1:s name=3:s uid=4:s controller=6:*b? blockOwnerDeletion=7:*b?
ManagedFieldsEntry: manager=1:s? operation=2:s? apiVersion=3:s? time=4:*Time? fieldsType=6:s? fieldsV1=7:*FieldsV1?
    subresource=8:s?
LabelSelector: matchLabels=1:{}s? matchExpressions=2:[]LabelSelectorRequirement?
LabelSelectorRequirement: key=1:s operator=2:s values=3:[]s?
FieldSelectorRequirement: key=1:s operator=2:s values=3:[]s?
DeleteOptions: gracePeriodSeconds=1:*i64? preconditions=2:*Preconditions? orphanDependents=3:*b?
    propagationPolicy=4:*s? dryRun=5:[]s? ignoreStoreReadErrorWithClusterBreakingPotential=6:*b?
Preconditions: uid=1:*s? resourceVersion=2:*s?
Condition: type=1:s status=2:s observedGeneration=3:i64? lastTransitionTime=4:Time reason=5:s message=6:s
`;

const core = `
Service: metadata=1:meta.ObjectMeta? spec=2:ServiceSpec? status=3:ServiceStatus?
ServiceSpec: ports=1:[]ServicePort? selector=2:{}s? clusterIP=3:s? clusterIPs=18:[]s? type=4:s? externalIPs=5:[]s?
    sessionAffinity=7:s? loadBalancerIP=8:s? loadBalancerSourceRanges=9:[]s? externalName=10:s?
    externalTrafficPolicy=11:s? healthCheckNodePort=12:i32? publishNotReadyAddresses=13:b?
    sessionAffinityConfig=14:*SessionAffinityConfig? ipFamilies=19:[]s? ipFamilyPolicy=17:*s?
    allocateLoadBalancerNodePorts=20:*b? loadBalancerClass=21:*s? internalTrafficPolicy=22:*s?
    trafficDistribution=23:*s?
ServicePort: name=1:s? protocol=2:s? appProtocol=6:*s? port=3:i32 targetPort=4:IntOrString? nodePort=5:i32?
SessionAffinityConfig: clientIP=1:*ClientIPConfig?
ClientIPConfig: timeoutSeconds=1:*i32?
ServiceStatus: loadBalancer=1:LoadBalancerStatus? conditions=2:[]meta.Condition?
LoadBalancerStatus: ingress=1:[]LoadBalancerIngress?
LoadBalancerIngress: ip=1:s? hostname=2:s? ipMode=3:*s? ports=4:[]PortStatus?
PortStatus: port=1:i32 protocol=2:s error=3:*s?
Namespace: metadata=1:meta.ObjectMeta? spec=2:NamespaceSpec? status=3:NamespaceStatus?
NamespaceSpec: finalizers=1:[]s?
NamespaceStatus: phase=1:s? conditions=2:[]NamespaceCondition?
NamespaceCondition: type=1:s status=2:s lastTransitionTime=4:Time? reason=5:s? message=6:s?
ServiceAccount: metadata=1:meta.ObjectMeta? secrets=2:[]ObjectReference? imagePullSecrets=3:[]LocalObjectReference?
    automountServiceAccountToken=4:*b?
ObjectReference: kind=1:s? namespace=2:s? name=3:s? uid=4:s? apiVersion=5:s? resourceVersion=6:s? fieldPath=7:s?
LocalObjectReference: name=1:s?
Secret: metadata=1:meta.ObjectMeta? immutable=5:*b? data=2:{}bytes? stringData=4:{}s? type=3:s?
ConfigMap: metadata=1:meta.ObjectMeta? immutable=4:*b? data=2:{}s? binaryData=3:{}bytes?
Pod: metadata=1:meta.ObjectMeta? spec=2:PodSpec? status=3:PodStatus?
PodSpec: volumes=1:[]Volume? initContainers=20:[]Container? containers=2:[]Container
    ephemeralContainers=34:[]EphemeralContainer? restartPolicy=3:s? terminationGracePeriodSeconds=4:*i64?
    activeDeadlineSeconds=5:*i64? dnsPolicy=6:s? nodeSelector=7:{}s? serviceAccountName=8:s? serviceAccount=9:s?
    automountServiceAccountToken=21:*b? nodeName=10:s? hostNetwork=11:b? hostPID=12:b? hostIPC=13:b?
    shareProcessNamespace=27:*b? securityContext=14:*PodSecurityContext? imagePullSecrets=15:[]LocalObjectReference?
    hostname=16:s? subdomain=17:s? affinity=18:*Affinity? schedulerName=19:s? tolerations=22:[]Toleration?
    hostAliases=23:[]HostAlias? priorityClassName=24:s? priority=25:*i32? dnsConfig=26:*PodDNSConfig?
    readinessGates=28:[]PodReadinessGate? runtimeClassName=29:*s? enableServiceLinks=30:*b? preemptionPolicy=31:*s?
    overhead=32:{}Quantity? topologySpreadConstraints=33:[]TopologySpreadConstraint? setHostnameAsFQDN=35:*b?
    os=36:*PodOS? hostUsers=37:*b? schedulingGates=38:[]PodSchedulingGate? resourceClaims=39:[]PodResourceClaim?
    resources=40:*ResourceRequirements?
Container: name=1:s image=2:s? command=3:[]s? args=4:[]s? workingDir=5:s? ports=6:[]ContainerPort?
    envFrom=19:[]EnvFromSource? env=7:[]EnvVar? resources=8:ResourceRequirements?
    resizePolicy=23:[]ContainerResizePolicy? restartPolicy=24:*s? volumeMounts=9:[]VolumeMount?
    volumeDevices=21:[]VolumeDevice? livenessProbe=10:*Probe? readinessProbe=11:*Probe? startupProbe=22:*Probe?
    lifecycle=12:*Lifecycle? terminationMessagePath=13:s? terminationMessagePolicy=20:s? imagePullPolicy=14:s?
    securityContext=15:*SecurityContext? stdin=16:b? stdinOnce=17:b? tty=18:b?
PodStatus: observedGeneration=17:i64? phase=1:s? conditions=2:[]PodCondition? message=3:s? reason=4:s?
    nominatedNodeName=11:s? hostIP=5:s? hostIPs=16:[]HostIP? podIP=6:s? podIPs=12:[]PodIP? startTime=7:*Time?
    initContainerStatuses=10:[]ContainerStatus? containerStatuses=8:[]ContainerStatus? qosClass=9:s?
    ephemeralContainerStatuses=13:[]ContainerStatus? resize=14:s? resourceClaimStatuses=15:[]PodResourceClaimStatus?
Node: metadata=1:meta.ObjectMeta? spec=2:NodeSpec? status=3:NodeStatus?
NodeSpec: podCIDR=1:s? podCIDRs=7:[]s? providerID=3:s? unschedulable=4:b? taints=5:[]Taint?
    configSource=6:*NodeConfigSource? externalID=2:s?
NodeStatus: capacity=1:{}Quantity? allocatable=2:{}Quantity? phase=3:s? conditions=4:[]NodeCondition?
    addresses=5:[]NodeAddress? daemonEndpoints=6:NodeDaemonEndpoints? nodeInfo=7:NodeSystemInfo?
    images=8:[]ContainerImage? volumesInUse=9:[]s? volumesAttached=10:[]AttachedVolume? config=11:*NodeConfigStatus?
    runtimeHandlers=12:[]NodeRuntimeHandler? features=13:*NodeFeatures?
Event: metadata=1:meta.ObjectMeta involvedObject=2:ObjectReference reason=3:s? message=4:s? source=5:EventSource?
    firstTimestamp=6:Time? lastTimestamp=7:Time? count=8:i32? type=9:s? eventTime=10:MicroTime?
    series=11:*EventSeries? action=12:s? related=13:*ObjectReference? reportingComponent=14:s reportingInstance=15:s
EventSource: component=1:s? host=2:s?
EventSeries: count=1:i32? lastObservedTime=2:MicroTime?
AWSElasticBlockStoreVolumeSource: volumeID=1:s fsType=2:s? partition=3:i32? readOnly=4:b?
Affinity: nodeAffinity=1:*NodeAffinity? podAffinity=2:*PodAffinity? podAntiAffinity=3:*PodAntiAffinity?
AppArmorProfile: type=1:s localhostProfile=2:*s?
AttachedVolume: name=1:s devicePath=2:s
AzureDiskVolumeSource: diskName=1:s diskURI=2:s cachingMode=3:*s? fsType=4:*s? readOnly=5:*b? kind=6:*s?
AzureFileVolumeSource: secretName=1:s shareName=2:s readOnly=3:b?
CSIVolumeSource: driver=1:s readOnly=2:*b? fsType=3:*s? volumeAttributes=4:{}s?
    nodePublishSecretRef=5:*LocalObjectReference?
Capabilities: add=1:[]s? drop=2:[]s?
CephFSVolumeSource: monitors=1:[]s path=2:s? user=3:s? secretFile=4:s? secretRef=5:*LocalObjectReference?
    readOnly=6:b?
CinderVolumeSource: volumeID=1:s fsType=2:s? readOnly=3:b? secretRef=4:*LocalObjectReference?
ClusterTrustBundleProjection: name=1:*s? signerName=2:*s? labelSelector=3:*meta.LabelSelector? optional=5:*b?
    path=4:s
ConfigMapEnvSource: ...=1:LocalObjectReference optional=2:*b?
ConfigMapKeySelector: ...=1:LocalObjectReference key=2:s optional=3:*b?
ConfigMapNodeConfigSource: namespace=1:s name=2:s uid=3:s? resourceVersion=4:s? kubeletConfigKey=5:s
ConfigMapProjection: ...=1:LocalObjectReference items=2:[]KeyToPath? optional=4:*b?
ConfigMapVolumeSource: ...=1:LocalObjectReference items=2:[]KeyToPath? defaultMode=3:*i32? optional=4:*b?
ContainerImage: names=1:[]s sizeBytes=2:i64?
ContainerPort: name=1:s? hostPort=2:i32? containerPort=3:i32 protocol=4:s? hostIP=5:s?
ContainerResizePolicy: resourceName=1:s restartPolicy=2:s
ContainerState: waiting=1:*ContainerStateWaiting? running=2:*ContainerStateRunning?
    terminated=3:*ContainerStateTerminated?
ContainerStateRunning: startedAt=1:Time?
ContainerStateTerminated: exitCode=1:i32 signal=2:i32? reason=3:s? message=4:s? startedAt=5:Time? finishedAt=6:Time?
    containerID=7:s?
ContainerStateWaiting: reason=1:s? message=2:s?
ContainerStatus: name=1:s state=2:ContainerState? lastState=3:ContainerState? ready=4:b restartCount=5:i32 image=6:s
    imageID=7:s containerID=8:s? started=9:*b? allocatedResources=10:{}Quantity? resources=11:*ResourceRequirements?
    volumeMounts=12:[]VolumeMountStatus? user=13:*ContainerUser? allocatedResourcesStatus=14:[]ResourceStatus?
    stopSignal=15:*s?
ContainerUser: linux=1:*LinuxContainerUser?
DaemonEndpoint: Port=1:i32
DownwardAPIProjection: items=1:[]DownwardAPIVolumeFile?
DownwardAPIVolumeFile: path=1:s fieldRef=2:*ObjectFieldSelector? resourceFieldRef=3:*ResourceFieldSelector?
    mode=4:*i32?
DownwardAPIVolumeSource: items=1:[]DownwardAPIVolumeFile? defaultMode=2:*i32?
EmptyDirVolumeSource: medium=1:s? sizeLimit=2:*Quantity?
EnvFromSource: prefix=1:s? configMapRef=2:*ConfigMapEnvSource? secretRef=3:*SecretEnvSource?
EnvVar: name=1:s value=2:s? valueFrom=3:*EnvVarSource?
EnvVarSource: fieldRef=1:*ObjectFieldSelector? resourceFieldRef=2:*ResourceFieldSelector?
    configMapKeyRef=3:*ConfigMapKeySelector? secretKeyRef=4:*SecretKeySelector?
EphemeralContainer: ...=1:EphemeralContainerCommon targetContainerName=2:s?
EphemeralContainerCommon: name=1:s image=2:s? command=3:[]s? args=4:[]s? workingDir=5:s? ports=6:[]ContainerPort?
    envFrom=19:[]EnvFromSource? env=7:[]EnvVar? resources=8:ResourceRequirements?
    resizePolicy=23:[]ContainerResizePolicy? restartPolicy=24:*s? volumeMounts=9:[]VolumeMount?
    volumeDevices=21:[]VolumeDevice? livenessProbe=10:*Probe? readinessProbe=11:*Probe? startupProbe=22:*Probe?
    lifecycle=12:*Lifecycle? terminationMessagePath=13:s? terminationMessagePolicy=20:s? imagePullPolicy=14:s?
    securityContext=15:*SecurityContext? stdin=16:b? stdinOnce=17:b? tty=18:b?
EphemeralVolumeSource: volumeClaimTemplate=1:*PersistentVolumeClaimTemplate?
ExecAction: command=1:[]s?
FCVolumeSource: targetWWNs=1:[]s? lun=2:*i32? fsType=3:s? readOnly=4:b? wwids=5:[]s?
FlexVolumeSource: driver=1:s fsType=2:s? secretRef=3:*LocalObjectReference? readOnly=4:b? options=5:{}s?
FlockerVolumeSource: datasetName=1:s? datasetUUID=2:s?
GCEPersistentDiskVolumeSource: pdName=1:s fsType=2:s? partition=3:i32? readOnly=4:b?
GRPCAction: port=1:i32 service=2:*s
GitRepoVolumeSource: repository=1:s revision=2:s? directory=3:s?
GlusterfsVolumeSource: endpoints=1:s path=2:s readOnly=3:b?
HTTPGetAction: path=1:s? port=2:IntOrString host=3:s? scheme=4:s? httpHeaders=5:[]HTTPHeader?
HTTPHeader: name=1:s value=2:s
HostAlias: ip=1:s hostnames=2:[]s?
HostIP: ip=1:s
HostPathVolumeSource: path=1:s type=2:*s?
ISCSIVolumeSource: targetPortal=1:s iqn=2:s lun=3:i32 iscsiInterface=4:s? fsType=5:s? readOnly=6:b? portals=7:[]s?
    chapAuthDiscovery=8:b? chapAuthSession=11:b? secretRef=10:*LocalObjectReference? initiatorName=12:*s?
ImageVolumeSource: reference=1:s? pullPolicy=2:s?
KeyToPath: key=1:s path=2:s mode=3:*i32?
Lifecycle: postStart=1:*LifecycleHandler? preStop=2:*LifecycleHandler? stopSignal=3:*s?
LifecycleHandler: exec=1:*ExecAction? httpGet=2:*HTTPGetAction? tcpSocket=3:*TCPSocketAction? sleep=4:*SleepAction?
LinuxContainerUser: uid=1:i64 gid=2:i64 supplementalGroups=3:[]i64?
NFSVolumeSource: server=1:s path=2:s readOnly=3:b?
NodeAddress: type=1:s address=2:s
NodeAffinity: requiredDuringSchedulingIgnoredDuringExecution=1:*NodeSelector?
    preferredDuringSchedulingIgnoredDuringExecution=2:[]PreferredSchedulingTerm?
NodeCondition: type=1:s status=2:s lastHeartbeatTime=3:Time? lastTransitionTime=4:Time? reason=5:s? message=6:s?
NodeConfigSource: configMap=2:*ConfigMapNodeConfigSource?
NodeConfigStatus: assigned=1:*NodeConfigSource? active=2:*NodeConfigSource? lastKnownGood=3:*NodeConfigSource?
    error=4:s?
NodeDaemonEndpoints: kubeletEndpoint=1:DaemonEndpoint?
NodeFeatures: supplementalGroupsPolicy=1:*b?
NodeRuntimeHandler: name=1:s features=2:*NodeRuntimeHandlerFeatures?
NodeRuntimeHandlerFeatures: recursiveReadOnlyMounts=1:*b? userNamespaces=2:*b?
NodeSelector: nodeSelectorTerms=1:[]NodeSelectorTerm
NodeSelectorRequirement: key=1:s operator=2:s values=3:[]s?
NodeSelectorTerm: matchExpressions=1:[]NodeSelectorRequirement? matchFields=2:[]NodeSelectorRequirement?
NodeSwapStatus: capacity=1:*i64?
NodeSystemInfo: machineID=1:s systemUUID=2:s bootID=3:s kernelVersion=4:s osImage=5:s containerRuntimeVersion=6:s
    kubeletVersion=7:s kubeProxyVersion=8:s operatingSystem=9:s architecture=10:s swap=11:*NodeSwapStatus?
ObjectFieldSelector: apiVersion=1:s? fieldPath=2:s
PersistentVolumeClaimSpec: accessModes=1:[]s? selector=4:*meta.LabelSelector?
    resources=2:VolumeResourceRequirements? volumeName=3:s? storageClassName=5:*s? volumeMode=6:*s?
    dataSource=7:*TypedLocalObjectReference? dataSourceRef=8:*TypedObjectReference? volumeAttributesClassName=9:*s?
PersistentVolumeClaimTemplate: metadata=1:meta.ObjectMeta? spec=2:PersistentVolumeClaimSpec
PersistentVolumeClaimVolumeSource: claimName=1:s readOnly=2:b?
PhotonPersistentDiskVolumeSource: pdID=1:s fsType=2:s?
PodAffinity: requiredDuringSchedulingIgnoredDuringExecution=1:[]PodAffinityTerm?
    preferredDuringSchedulingIgnoredDuringExecution=2:[]WeightedPodAffinityTerm?
PodAffinityTerm: labelSelector=1:*meta.LabelSelector? namespaces=2:[]s? topologyKey=3:s
    namespaceSelector=4:*meta.LabelSelector? matchLabelKeys=5:[]s? mismatchLabelKeys=6:[]s?
PodAntiAffinity: requiredDuringSchedulingIgnoredDuringExecution=1:[]PodAffinityTerm?
    preferredDuringSchedulingIgnoredDuringExecution=2:[]WeightedPodAffinityTerm?
PodCondition: type=1:s observedGeneration=7:i64? status=2:s lastProbeTime=3:Time? lastTransitionTime=4:Time?
    reason=5:s? message=6:s?
PodDNSConfig: nameservers=1:[]s? searches=2:[]s? options=3:[]PodDNSConfigOption?
PodDNSConfigOption: name=1:s? value=2:*s?
PodIP: ip=1:s
PodOS: name=1:s
PodReadinessGate: conditionType=1:s
PodResourceClaim: name=1:s resourceClaimName=3:*s? resourceClaimTemplateName=4:*s?
PodResourceClaimStatus: name=1:s resourceClaimName=2:*s?
PodSchedulingGate: name=1:s
PodSecurityContext: seLinuxOptions=1:*SELinuxOptions? windowsOptions=8:*WindowsSecurityContextOptions?
    runAsUser=2:*i64? runAsGroup=6:*i64? runAsNonRoot=3:*b? supplementalGroups=4:[]i64?
    supplementalGroupsPolicy=12:*s? fsGroup=5:*i64? sysctls=7:[]Sysctl? fsGroupChangePolicy=9:*s?
    seccompProfile=10:*SeccompProfile? appArmorProfile=11:*AppArmorProfile? seLinuxChangePolicy=13:*s?
PortworxVolumeSource: volumeID=1:s fsType=2:s? readOnly=3:b?
PreferredSchedulingTerm: weight=1:i32 preference=2:NodeSelectorTerm
Probe: ...=1:ProbeHandler initialDelaySeconds=2:i32? timeoutSeconds=3:i32? periodSeconds=4:i32?
    successThreshold=5:i32? failureThreshold=6:i32? terminationGracePeriodSeconds=7:*i64?
ProbeHandler: exec=1:*ExecAction? httpGet=2:*HTTPGetAction? tcpSocket=3:*TCPSocketAction? grpc=4:*GRPCAction?
ProjectedVolumeSource: sources=1:[]VolumeProjection defaultMode=2:*i32?
QuobyteVolumeSource: registry=1:s volume=2:s readOnly=3:b? user=4:s? group=5:s? tenant=6:s?
RBDVolumeSource: monitors=1:[]s image=2:s fsType=3:s? pool=4:s? user=5:s? keyring=6:s?
    secretRef=7:*LocalObjectReference? readOnly=8:b?
ResourceClaim: name=1:s request=2:s?
ResourceFieldSelector: containerName=1:s? resource=2:s divisor=3:Quantity?
ResourceHealth: resourceID=1:s health=2:s?
ResourceRequirements: limits=1:{}Quantity? requests=2:{}Quantity? claims=3:[]ResourceClaim?
ResourceStatus: name=1:s resources=2:[]ResourceHealth?
SELinuxOptions: user=1:s? role=2:s? type=3:s? level=4:s?
ScaleIOVolumeSource: gateway=1:s system=2:s secretRef=3:*LocalObjectReference sslEnabled=4:b? protectionDomain=5:s?
    storagePool=6:s? storageMode=7:s? volumeName=8:s? fsType=9:s? readOnly=10:b?
SeccompProfile: type=1:s localhostProfile=2:*s?
SecretEnvSource: ...=1:LocalObjectReference optional=2:*b?
SecretKeySelector: ...=1:LocalObjectReference key=2:s optional=3:*b?
SecretProjection: ...=1:LocalObjectReference items=2:[]KeyToPath? optional=4:*b?
SecretVolumeSource: secretName=1:s? items=2:[]KeyToPath? defaultMode=3:*i32? optional=4:*b?
SecurityContext: capabilities=1:*Capabilities? privileged=2:*b? seLinuxOptions=3:*SELinuxOptions?
    windowsOptions=10:*WindowsSecurityContextOptions? runAsUser=4:*i64? runAsGroup=8:*i64? runAsNonRoot=5:*b?
    readOnlyRootFilesystem=6:*b? allowPrivilegeEscalation=7:*b? procMount=9:*s? seccompProfile=11:*SeccompProfile?
    appArmorProfile=12:*AppArmorProfile?
ServiceAccountTokenProjection: audience=1:s? expirationSeconds=2:*i64? path=3:s
SleepAction: seconds=1:i64
StorageOSVolumeSource: volumeName=1:s? volumeNamespace=2:s? fsType=3:s? readOnly=4:b?
    secretRef=5:*LocalObjectReference?
Sysctl: name=1:s value=2:s
TCPSocketAction: port=1:IntOrString host=2:s?
Taint: key=1:s value=2:s? effect=3:s timeAdded=4:*Time?
Toleration: key=1:s? operator=2:s? value=3:s? effect=4:s? tolerationSeconds=5:*i64?
TopologySpreadConstraint: maxSkew=1:i32 topologyKey=2:s whenUnsatisfiable=3:s labelSelector=4:*meta.LabelSelector?
    minDomains=5:*i32? nodeAffinityPolicy=6:*s? nodeTaintsPolicy=7:*s? matchLabelKeys=8:[]s?
TypedLocalObjectReference: apiGroup=1:*s kind=2:s name=3:s
TypedObjectReference: apiGroup=1:*s kind=2:s name=3:s namespace=4:*s?
Volume: name=1:s ...=2:VolumeSource
VolumeDevice: name=1:s devicePath=2:s
VolumeMount: name=1:s readOnly=2:b? recursiveReadOnly=7:*s? mountPath=3:s subPath=4:s? mountPropagation=5:*s?
    subPathExpr=6:s?
VolumeMountStatus: name=1:s mountPath=2:s readOnly=3:b? recursiveReadOnly=4:*s?
VolumeProjection: secret=1:*SecretProjection? downwardAPI=2:*DownwardAPIProjection?
    configMap=3:*ConfigMapProjection? serviceAccountToken=4:*ServiceAccountTokenProjection?
    clusterTrustBundle=5:*ClusterTrustBundleProjection?
VolumeResourceRequirements: limits=1:{}Quantity? requests=2:{}Quantity?
VolumeSource: hostPath=1:*HostPathVolumeSource? emptyDir=2:*EmptyDirVolumeSource?
    gcePersistentDisk=3:*GCEPersistentDiskVolumeSource? awsElasticBlockStore=4:*AWSElasticBlockStoreVolumeSource?
    gitRepo=5:*GitRepoVolumeSource? secret=6:*SecretVolumeSource? nfs=7:*NFSVolumeSource?
    iscsi=8:*ISCSIVolumeSource? glusterfs=9:*GlusterfsVolumeSource?
    persistentVolumeClaim=10:*PersistentVolumeClaimVolumeSource? rbd=11:*RBDVolumeSource?
    flexVolume=12:*FlexVolumeSource? cinder=13:*CinderVolumeSource? cephfs=14:*CephFSVolumeSource?
    flocker=15:*FlockerVolumeSource? downwardAPI=16:*DownwardAPIVolumeSource? fc=17:*FCVolumeSource?
    azureFile=18:*AzureFileVolumeSource? configMap=19:*ConfigMapVolumeSource?
    vsphereVolume=20:*VsphereVirtualDiskVolumeSource? quobyte=21:*QuobyteVolumeSource?
    azureDisk=22:*AzureDiskVolumeSource? photonPersistentDisk=23:*PhotonPersistentDiskVolumeSource?
    projected=26:*ProjectedVolumeSource? portworxVolume=24:*PortworxVolumeSource? scaleIO=25:*ScaleIOVolumeSource?
    storageos=27:*StorageOSVolumeSource? csi=28:*CSIVolumeSource? ephemeral=29:*EphemeralVolumeSource?
    image=30:*ImageVolumeSource?
VsphereVirtualDiskVolumeSource: volumePath=1:s fsType=2:s? storagePolicyName=3:s? storagePolicyID=4:s?
WeightedPodAffinityTerm: weight=1:i32 podAffinityTerm=2:PodAffinityTerm
WindowsSecurityContextOptions: gmsaCredentialSpecName=1:*s? gmsaCredentialSpec=2:*s? runAsUserName=3:*s?
    hostProcess=4:*b?
`;

const authn = `
TokenRequest: metadata=1:meta.ObjectMeta? spec=2:TokenRequestSpec status=3:TokenRequestStatus?
TokenRequestSpec: audiences=1:[]s expirationSeconds=4:*i64 boundObjectRef=3:*BoundObjectReference
BoundObjectReference: kind=1:s? apiVersion=2:s? name=3:s? uid=4:s?
TokenRequestStatus: token=1:s expirationTimestamp=2:Time
TokenReview: metadata=1:meta.ObjectMeta? spec=2:TokenReviewSpec status=3:TokenReviewStatus?
TokenReviewSpec: token=1:s? audiences=2:[]s?
TokenReviewStatus: authenticated=1:b? user=2:UserInfo? audiences=4:[]s? error=3:s?
UserInfo: username=1:s? uid=2:s? groups=3:[]s? extra=4:{}StringList?
SelfSubjectReview: metadata=1:meta.ObjectMeta? status=2:SelfSubjectReviewStatus?
SelfSubjectReviewStatus: userInfo=1:UserInfo?
`;

const authz = `
SubjectAccessReview: metadata=1:meta.ObjectMeta? spec=2:SubjectAccessReviewSpec status=3:SubjectAccessReviewStatus?
SelfSubjectAccessReview: metadata=1:meta.ObjectMeta? spec=2:SelfSubjectAccessReviewSpec
    status=3:SubjectAccessReviewStatus?
LocalSubjectAccessReview: metadata=1:meta.ObjectMeta? spec=2:SubjectAccessReviewSpec
    status=3:SubjectAccessReviewStatus?
SubjectAccessReviewSpec: resourceAttributes=1:*ResourceAttributes? nonResourceAttributes=2:*NonResourceAttributes?
    user=3:s? groups=4:[]s? extra=5:{}StringList? uid=6:s?
SelfSubjectAccessReviewSpec: resourceAttributes=1:*ResourceAttributes?
    nonResourceAttributes=2:*NonResourceAttributes?
ResourceAttributes: namespace=1:s? verb=2:s? group=3:s? version=4:s? resource=5:s? subresource=6:s? name=7:s?
    fieldSelector=8:*FieldSelectorAttributes? labelSelector=9:*LabelSelectorAttributes?
FieldSelectorAttributes: rawSelector=1:s? requirements=2:[]meta.FieldSelectorRequirement?
LabelSelectorAttributes: rawSelector=1:s? requirements=2:[]meta.LabelSelectorRequirement?
NonResourceAttributes: path=1:s? verb=2:s?
SubjectAccessReviewStatus: allowed=1:b denied=4:b? reason=2:s? evaluationError=3:s?
SelfSubjectRulesReview: metadata=1:meta.ObjectMeta? spec=2:SelfSubjectRulesReviewSpec
    status=3:SubjectRulesReviewStatus?
SelfSubjectRulesReviewSpec: namespace=1:s?
SubjectRulesReviewStatus: resourceRules=1:[]ResourceRule nonResourceRules=2:[]NonResourceRule incomplete=3:b
    evaluationError=4:s?
ResourceRule: verbs=1:[]s apiGroups=2:[]s? resources=3:[]s? resourceNames=4:[]s?
NonResourceRule: verbs=1:[]s nonResourceURLs=2:[]s?
`;

const rbac = `
Role: metadata=1:meta.ObjectMeta? rules=2:[]PolicyRule
ClusterRole: metadata=1:meta.ObjectMeta? rules=2:[]PolicyRule aggregationRule=3:*AggregationRule?
AggregationRule: clusterRoleSelectors=1:[]meta.LabelSelector?
PolicyRule: verbs=1:[]s apiGroups=2:[]s? resources=3:[]s? resourceNames=4:[]s? nonResourceURLs=5:[]s?
RoleBinding: metadata=1:meta.ObjectMeta? subjects=2:[]Subject? roleRef=3:RoleRef
ClusterRoleBinding: metadata=1:meta.ObjectMeta? subjects=2:[]Subject? roleRef=3:RoleRef
Subject: kind=1:s apiGroup=2:s? name=3:s namespace=4:s?
RoleRef: apiGroup=1:s kind=2:s name=3:s
`;

const fieldRe = /^(\.\.\.|\w+)=(\d+):(\*?)(\[\]|\{\})?([\w.]+)(\??)$/;

function parseTable(pkg: string, table: string, into: Map<string, MessageDef>): void {
  // Join continuation lines, then one message per line.
  for (const line of table.trim().replace(/\n\s+/g, ' ').split('\n')) {
    const [head, ...specs] = line.split(/\s+/);
    const name = `${pkg}.${head!.slice(0, -1)}`;
    const def: MessageDef = { name, fields: [], byNumber: new Map() };
    for (const spec of specs) {
      const m = fieldRe.exec(spec);
      if (!m) throw new Error(`protobuf table ${name}: bad field ${spec}`);
      const [, json, num, ptr, coll, type, omit] = m;
      const kind = scalars.has(type!) ? 'scalar' : builtins.has(type!) ? 'builtin' : 'message';
      const f: FieldDef = {
        name: json!,
        number: Number(num),
        type: kind === 'message' && !type!.includes('.') ? `${pkg}.${type}` : type!,
        kind,
        repeated: coll === '[]',
        map: coll === '{}',
        pointer: ptr === '*',
        omitempty: omit === '?',
        inline: json === '...',
      };
      def.fields.push(f);
      def.byNumber.set(f.number, f);
    }
    into.set(name, def);
  }
}

/** Every message by qualified name (`meta.ObjectMeta`, `core.Pod`, `authn.TokenRequest`...). */
export const messages: ReadonlyMap<string, MessageDef> = (() => {
  const m = new Map<string, MessageDef>();
  for (const [pkg, table] of Object.entries({ meta, core, authn, authz, rbac })) parseTable(pkg, table, m);
  return m;
})();

// The top-level kinds a request body may carry, by apiVersion.
const kindTable: Record<string, [pkg: string, kinds: string]> = {
  v1: ['core', 'Namespace ServiceAccount Secret ConfigMap Pod Node Event Service'],
  'authentication.k8s.io/v1': ['authn', 'TokenRequest TokenReview SelfSubjectReview'],
  // kubectl auth whoami falls back to these; their status.userInfo is authentication/v1's UserInfo.
  'authentication.k8s.io/v1beta1': ['authn', 'SelfSubjectReview'],
  'authentication.k8s.io/v1alpha1': ['authn', 'SelfSubjectReview'],
  'authorization.k8s.io/v1': [
    'authz',
    'SubjectAccessReview SelfSubjectAccessReview LocalSubjectAccessReview SelfSubjectRulesReview',
  ],
  'rbac.authorization.k8s.io/v1': ['rbac', 'Role ClusterRole RoleBinding ClusterRoleBinding'],
};

const kindMessages = new Map<string, string>();
for (const [apiVersion, [pkg, kinds]] of Object.entries(kindTable))
  for (const kind of kinds.split(' ')) kindMessages.set(`${apiVersion}/${kind}`, `${pkg}.${kind}`);

/** The message of a top-level kind, or undefined when kubeauth does not know it. */
export function messageForKind(apiVersion: string, kind: string): MessageDef | undefined {
  // DeleteOptions is registered in every group version (metav1.AddToGroupVersion).
  const name = kind === 'DeleteOptions' ? 'meta.DeleteOptions' : kindMessages.get(`${apiVersion}/${kind}`);
  return name === undefined ? undefined : messages.get(name);
}
