// Scheme defaulting of v1 Pods (pkg/apis/core/v1 defaults.go + zz_generated.defaults.go, 1.33): what a pod
// gains between the request body and storage before any admission plugin runs.
import { hasKey, setKey } from '../../api/ownkeys.js';
import { canonicalQuantity } from '../../api/validation/quantity.js';
import { type Rec, rec, recs } from '../../api/validation/util.js';
import { volumeSourceKeys } from '../../api/validation/volumes.js';

/** The tag of an image reference (parsers.ParseImageName): `latest` when none is given, '' for a digest only. */
export function imageTag(image: string): string {
  let name = image;
  const at = name.indexOf('@');
  const hasDigest = at >= 0;
  if (hasDigest) name = name.slice(0, at);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return name.slice(colon + 1);
  return hasDigest ? '' : 'latest';
}

/** SetDefaults_ResourceList: quantities are rounded up to milli precision and written canonically. */
function defaultResourceList(list: unknown): void {
  const r = rec(list);
  if (!r) return;
  for (const k of Object.keys(r)) r[k] = canonicalQuantity(r[k], true);
}

function defaultObjectFieldSelector(fs: unknown): void {
  const r = rec(fs);
  if (r && !r.apiVersion) r.apiVersion = 'v1';
}

function defaultHTTPGet(h: Rec | undefined): void {
  if (!h) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

function defaultProbe(p: unknown): void {
  const probe = rec(p);
  if (!probe) return;
  if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
  if (!probe.periodSeconds) probe.periodSeconds = 10;
  if (!probe.successThreshold) probe.successThreshold = 1;
  if (!probe.failureThreshold) probe.failureThreshold = 3;
  defaultHTTPGet(rec(probe.httpGet));
  const grpc = rec(probe.grpc);
  if (grpc && grpc.service === undefined) grpc.service = '';
}

/** SetDefaults_Container and the generated defaults of its nested fields. */
function defaultContainer(c: Rec): void {
  if (!c.imagePullPolicy)
    c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const p of recs(c.ports)) if (!p.protocol) p.protocol = 'TCP';
  for (const e of recs(c.env)) defaultObjectFieldSelector(rec(e.valueFrom)?.fieldRef);
  // ResourceRequirements is a struct: it is always serialized, as `{}` when empty.
  const resources = rec(c.resources) ?? (c.resources = {});
  defaultResourceList(resources.limits);
  defaultResourceList(resources.requests);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lc = rec(c.lifecycle);
  if (lc) {
    defaultHTTPGet(rec(rec(lc.postStart)?.httpGet));
    defaultHTTPGet(rec(rec(lc.preStop)?.httpGet));
  }
}

function defaultVolume(v: Rec): void {
  // SetDefaults_Volume: a volume without a source is an emptyDir.
  if (!volumeSourceKeys.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  const hostPath = rec(v.hostPath);
  if (hostPath && hostPath.type === undefined) hostPath.type = '';
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = rec(v[k]);
    if (src && src.defaultMode === undefined) src.defaultMode = 420;
  }
  for (const item of recs(rec(v.downwardAPI)?.items)) defaultObjectFieldSelector(item.fieldRef);
  for (const s of recs(rec(v.projected)?.sources)) {
    for (const item of recs(rec(s.downwardAPI)?.items)) defaultObjectFieldSelector(item.fieldRef);
    const sat = rec(s.serviceAccountToken);
    if (sat && sat.expirationSeconds === undefined) sat.expirationSeconds = 3600;
  }
  const iscsi = rec(v.iscsi);
  if (iscsi && !iscsi.iscsiInterface) iscsi.iscsiInterface = 'default';
  const rbd = rec(v.rbd);
  if (rbd) {
    if (!rbd.pool) rbd.pool = 'rbd';
    if (!rbd.user) rbd.user = 'admin';
    if (!rbd.keyring) rbd.keyring = '/etc/ceph/keyring';
  }
  const azureDisk = rec(v.azureDisk);
  if (azureDisk) {
    if (azureDisk.cachingMode === undefined) azureDisk.cachingMode = 'ReadWrite';
    if (azureDisk.kind === undefined) azureDisk.kind = 'Shared';
    if (azureDisk.fsType === undefined) azureDisk.fsType = 'ext4';
    if (azureDisk.readOnly === undefined) azureDisk.readOnly = false;
  }
  const scaleIO = rec(v.scaleIO);
  if (scaleIO) {
    if (!scaleIO.storageMode) scaleIO.storageMode = 'ThinProvisioned';
    if (!scaleIO.fsType) scaleIO.fsType = 'xfs';
  }
  const tmpl = rec(rec(v.ephemeral)?.volumeClaimTemplate);
  const pvcSpec = rec(tmpl?.spec);
  if (pvcSpec) {
    if (pvcSpec.volumeMode === undefined) pvcSpec.volumeMode = 'Filesystem';
    defaultResourceList(rec(pvcSpec.resources)?.limits);
    defaultResourceList(rec(pvcSpec.resources)?.requests);
  }
}

/** With host networking every container port is also a host port. */
function defaultHostNetworkPorts(containers: Rec[]): void {
  for (const c of containers) for (const p of recs(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
}

/** Requests default to limits for each resource a container limits but does not request. */
function defaultRequestsFromLimits(containers: Rec[]): void {
  for (const c of containers) {
    const resources = rec(c.resources);
    const limits = rec(resources?.limits);
    if (!resources || !limits) continue;
    const requests = rec(resources.requests) ?? (resources.requests = {});
    for (const [k, v] of Object.entries(limits)) if (!hasKey(requests as Rec, k)) setKey(requests as Rec, k, v);
  }
}

/** SetObjectDefaults_Pod: SetDefaults_Pod, SetDefaults_PodSpec and the nested generated defaults. */
export function defaultPod(pod: Rec): void {
  const spec = rec(pod.spec) ?? (pod.spec = {});
  const s = spec as Rec;
  // SetDefaults_Pod
  defaultRequestsFromLimits(recs(s.containers));
  defaultRequestsFromLimits(recs(s.initContainers));
  if (s.enableServiceLinks === undefined || s.enableServiceLinks === null) s.enableServiceLinks = true;
  if (s.hostNetwork === true) {
    defaultHostNetworkPorts(recs(s.containers));
    defaultHostNetworkPorts(recs(s.initContainers));
  }
  // SetDefaults_PodSpec
  if (!s.dnsPolicy) s.dnsPolicy = 'ClusterFirst';
  if (!s.restartPolicy) s.restartPolicy = 'Always';
  if (!rec(s.securityContext)) s.securityContext = {};
  if (typeof s.terminationGracePeriodSeconds !== 'number') s.terminationGracePeriodSeconds = 30;
  if (!s.schedulerName) s.schedulerName = 'default-scheduler';
  for (const v of recs(s.volumes)) defaultVolume(v);
  for (const c of recs(s.initContainers)) defaultContainer(c);
  for (const c of recs(s.containers)) defaultContainer(c);
  for (const c of recs(s.ephemeralContainers)) defaultContainer(c);
  defaultResourceList(s.overhead);
  // v1 <-> internal conversion: serviceAccount is the deprecated alias of serviceAccountName.
  if (!s.serviceAccountName && typeof s.serviceAccount === 'string' && s.serviceAccount)
    s.serviceAccountName = s.serviceAccount;
  // Status after a round trip through the internal type: podIP is authoritative when it disagrees with
  // podIPs[0] (or podIPs is empty), and is then written back as podIPs[0]; likewise hostIP/hostIPs.
  const status = rec(pod.status);
  if (status) {
    for (const [one, many] of [
      ['podIP', 'podIPs'],
      ['hostIP', 'hostIPs'],
    ] as const) {
      const single = typeof status[one] === 'string' ? (status[one] as string) : '';
      const list = recs(status[many]);
      if (single && (!list.length || list[0]!.ip !== single)) status[many] = [{ ip: single }];
      const now = recs(status[many]);
      if (now.length) status[one] = now[0]!.ip;
    }
  }
}

/** Core -> v1 conversion: serviceAccount is always written as a copy of serviceAccountName. */
export function syncDeprecatedServiceAccount(pod: Rec): void {
  const spec = rec(pod.spec);
  if (!spec) return;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName)
    spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
}
