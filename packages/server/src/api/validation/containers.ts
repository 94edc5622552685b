// Container validation (pkg/apis/core/validation: validateContainers, validateInitContainers,
// validateContainerCommon and the checks they call), with kube-apiserver's messages and paths.
import { type FieldError, forbidden, invalid, notFound, notSupported, required, tooLong } from '../field.js';
import { hasKey } from '../ownkeys.js';
import { duplicate, validateDNS1123Label } from './common.js';
import {
  isConfigMapKey,
  isEnvVarName,
  isHTTPHeaderName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidGroupID,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
  nameIsDNSSubdomain,
} from './names.js';
import { compareQuantity, formatQuantity, parseQuantity } from './quantity.js';
import { type Rec, arr, rec, recs, sorted, str } from './util.js';
import { invalidRaw } from './values.js';
import {
  type VolumeInfo,
  validateContainerResourceFieldSelector,
  validateLocalDescendingPath,
  validateObjectFieldSelector,
} from './volumes.js';
import { goQuote } from '../../gocompat/quote.js';

export interface PodValidationOptions {
  /** RelaxedEnvironmentVariableValidation (beta, on in 1.33). */
  allowRelaxedEnvironmentVariableValidation: boolean;
  /** RelaxedDNSSearchValidation (beta, on in 1.33). */
  allowRelaxedDNSSearchValidation: boolean;
  /** PodLifecycleSleepActionAllowZero (beta, on in 1.33). */
  allowPodLifecycleSleepActionZeroValue: boolean;
  allowInvalidPodDeletionCost: boolean;
  allowNonLocalProjectedTokenPath: boolean;
  allowSidecarResizePolicy: boolean;
  /** The object is a Pod (not a template): hostPort must equal containerPort under hostNetwork. */
  resourceIsPod: boolean;
  /** kube-apiserver --allow-privileged (default false; kubeadm and kind set true). */
  allowPrivileged: boolean;
}

export const defaultPodValidationOptions: PodValidationOptions = {
  allowRelaxedEnvironmentVariableValidation: true,
  allowRelaxedDNSSearchValidation: true,
  allowPodLifecycleSleepActionZeroValue: true,
  allowInvalidPodDeletionCost: false,
  allowNonLocalProjectedTokenPath: false,
  allowSidecarResizePolicy: true,
  resourceIsPod: true,
  allowPrivileged: false,
};

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(ports).forEach((port, i) => {
    const idx = `${path}[${i}]`;
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${idx}.name`, name, m));
      else if (names.has(name)) errs.push(duplicate(`${idx}.name`, name));
      else names.add(name);
    }
    const containerPort = typeof port.containerPort === 'number' ? port.containerPort : 0;
    if (containerPort === 0) errs.push(required(`${idx}.containerPort`));
    else for (const m of isValidPortNum(containerPort)) errs.push(invalid(`${idx}.containerPort`, containerPort, m));
    const hostPort = typeof port.hostPort === 'number' ? port.hostPort : 0;
    if (hostPort !== 0) for (const m of isValidPortNum(hostPort)) errs.push(invalid(`${idx}.hostPort`, hostPort, m));
    const protocol = str(port.protocol);
    if (!protocol) errs.push(required(`${idx}.protocol`));
    else if (!supportedPortProtocols.includes(protocol))
      errs.push(notSupported(`${idx}.protocol`, protocol, supportedPortProtocols));
  });
  return errs;
}

export const validEnvDownwardAPIFieldPathExpressions = new Set([
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

function envNameErrors(name: string, opts: PodValidationOptions): string[] {
  return opts.allowRelaxedEnvironmentVariableValidation ? isRelaxedEnvVarName(name) : isEnvVarName(name);
}

function validateKeySelector(s: Rec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  // Both selectors check the object name as a secret name, even when it is empty.
  const name = str(s.name);
  for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalid(`${path}.name`, name, m));
  const key = str(s.key);
  if (!key) errs.push(required(`${path}.key`));
  else for (const m of isConfigMapKey(key)) errs.push(invalid(`${path}.key`, key, m));
  return errs;
}

function validateEnvVarValueFrom(ev: Rec, path: string): FieldError[] {
  const from = rec(ev.valueFrom);
  if (!from) return [];
  const errs: FieldError[] = [];
  let numSources = 0;
  const fieldRef = rec(from.fieldRef);
  if (fieldRef) {
    numSources++;
    errs.push(...validateObjectFieldSelector(fieldRef, validEnvDownwardAPIFieldPathExpressions, `${path}.fieldRef`));
  }
  const resourceFieldRef = rec(from.resourceFieldRef);
  if (resourceFieldRef) {
    numSources++;
    errs.push(...validateContainerResourceFieldSelector(resourceFieldRef, `${path}.resourceFieldRef`, false));
  }
  const configMapKeyRef = rec(from.configMapKeyRef);
  if (configMapKeyRef) {
    numSources++;
    errs.push(...validateKeySelector(configMapKeyRef, `${path}.configMapKeyRef`));
  }
  const secretKeyRef = rec(from.secretKeyRef);
  if (secretKeyRef) {
    numSources++;
    errs.push(...validateKeySelector(secretKeyRef, `${path}.secretKeyRef`));
  }
  if (numSources === 0)
    errs.push(
      invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'),
    );
  else if (str(ev.value)) errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (numSources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

export function validateEnv(vars: unknown, path: string, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  recs(vars).forEach((ev, i) => {
    const idx = `${path}[${i}]`;
    const name = str(ev.name);
    if (!name) errs.push(required(`${idx}.name`));
    else for (const m of envNameErrors(name, opts)) errs.push(invalid(`${idx}.name`, name, m));
    errs.push(...validateEnvVarValueFrom(ev, `${idx}.valueFrom`));
  });
  return errs;
}

function validateEnvFrom(vars: unknown, path: string, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  recs(vars).forEach((ev, i) => {
    const idx = `${path}[${i}]`;
    const prefix = str(ev.prefix);
    if (prefix) for (const m of envNameErrors(prefix, opts)) errs.push(invalid(`${idx}.prefix`, prefix, m));
    let numSources = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = rec(ev[kind]);
      if (!ref) continue;
      numSources++;
      const name = str(ref.name);
      if (!name) errs.push(required(`${idx}.${kind}.name`));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(invalid(`${idx}.${kind}.name`, name, m));
    }
    if (numSources === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (numSources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const supportedMountPropagations = ['Bidirectional', 'HostToContainer', 'None'];

function validateVolumeMounts(
  ctr: Rec,
  devices: Map<string, string>,
  vols: Map<string, VolumeInfo>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountpoints = new Set<string>();
  const privileged = rec(ctr.securityContext)?.privileged === true;
  recs(ctr.volumeMounts).forEach((mnt, i) => {
    const idx = `${path}[${i}]`;
    const name = str(mnt.name);
    const mountPath = str(mnt.mountPath);
    if (!name) errs.push(required(`${idx}.name`));
    if (!vols.has(name)) errs.push(notFound(`${idx}.name`, name));
    if (!mountPath) errs.push(required(`${idx}.mountPath`));
    if (mountpoints.has(mountPath)) errs.push(invalid(`${idx}.mountPath`, mountPath, 'must be unique'));
    mountpoints.add(mountPath);
    if (devices.has(name)) errs.push(invalid(`${idx}.name`, name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(mountPath))
      errs.push(invalid(`${idx}.mountPath`, mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = str(mnt.subPath);
    const subPathExpr = str(mnt.subPathExpr);
    if (rec(vols.get(name)?.source.image)) {
      if (subPath) errs.push(invalid(`${idx}.subPath`, subPath, 'not allowed in image volume sources'));
      if (subPathExpr) errs.push(invalid(`${idx}.subPathExpr`, subPathExpr, 'not allowed in image volume sources'));
    }
    // Upstream reports these two at the list path, not the item's.
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, `${path}.subPath`));
    if (subPathExpr) {
      if (subPath)
        errs.push(invalid(`${idx}.subPathExpr`, subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, `${path}.subPathExpr`));
    }
    if (typeof mnt.mountPropagation === 'string') {
      const mp = mnt.mountPropagation;
      if (!supportedMountPropagations.includes(mp))
        errs.push(notSupported(`${path}.mountPropagation`, mp, supportedMountPropagations));
      if (mp === 'Bidirectional' && !privileged)
        errs.push(
          forbidden(
            `${path}.mountPropagation`,
            'Bidirectional mount propagation is available only to privileged containers',
          ),
        );
    }
    if (typeof mnt.recursiveReadOnly === 'string') {
      const rro = mnt.recursiveReadOnly;
      const rroPath = `${path}.recursiveReadOnly`;
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (mnt.readOnly !== true) errs.push(forbidden(rroPath, 'may only be specified when readOnly is true'));
        if (typeof mnt.mountPropagation === 'string' && mnt.mountPropagation !== 'None')
          errs.push(forbidden(rroPath, 'may only be specified when mountPropagation is None or not specified'));
      } else if (rro !== 'Disabled') errs.push(notSupported(rroPath, rro, ['Disabled', 'Enabled', 'IfPossible']));
    }
  });
  return errs;
}

function validateVolumeDevices(
  ctr: Rec,
  mounts: Map<string, string>,
  vols: Map<string, VolumeInfo>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const devicePaths = new Set<string>();
  const deviceNames = new Set<string>();
  recs(ctr.volumeDevices).forEach((dev, i) => {
    const idx = `${path}[${i}]`;
    const name = str(dev.name);
    const devPath = str(dev.devicePath);
    const vol = vols.get(name);
    const isPVC = !!vol && (!!rec(vol.source.persistentVolumeClaim) || !!rec(vol.source.ephemeral));
    if (!name) errs.push(required(`${idx}.name`));
    if (deviceNames.has(name)) errs.push(invalid(`${idx}.name`, name, 'must be unique'));
    if (vol && !isPVC)
      errs.push(
        invalid(
          `${idx}.name`,
          name,
          'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
        ),
      );
    if (!vol) errs.push(notFound(`${idx}.name`, name));
    if (!devPath) errs.push(required(`${idx}.devicePath`));
    if (devicePaths.has(devPath)) errs.push(invalid(`${idx}.devicePath`, devPath, 'must be unique'));
    if (devPath && devPath.split(/[\\/]/).includes('..'))
      errs.push(invalid(`${idx}.devicePath`, devPath, "can not contain backsteps ('..')"));
    else devicePaths.add(devPath);
    if (mounts.has(name)) errs.push(invalid(`${idx}.name`, name, 'must not already exist in volumeMounts'));
    if ([...mounts.values()].includes(devPath))
      errs.push(invalid(`${idx}.devicePath`, devPath, 'must not already exist as a path in volumeMounts'));
    if (name) deviceNames.add(name);
  });
  return errs;
}

const supportedPullPolicies = ['Always', 'IfNotPresent', 'Never'];

function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (supportedPullPolicies.includes(policy)) return [];
  if (!policy) return [required(path)];
  return [notSupported(path, policy, supportedPullPolicies)];
}

// --- resources ---

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const integerResources = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePageResourceName = (n: string) => n.startsWith('hugepages-');
/** Native resources: unprefixed or in the kubernetes.io domain. */
const isNativeResource = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');
function isExtendedResourceName(n: string): boolean {
  if (isNativeResource(n) || n.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${n}`).length === 0;
}
const isOvercommitAllowed = (n: string) => isNativeResource(n) && !isHugePageResourceName(n);
const isIntegerResourceName = (n: string) => integerResources.has(n) || isExtendedResourceName(n);

/** validateResourceName: core.ResourceName prints via its String(): unquoted. */
function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalidRaw(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !standardResources.has(name) && !isHugePageResourceName(name))
    errs.push(invalidRaw(path, name, 'must be a standard resource type or fully qualified'));
  return errs;
}

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name))
      errs.push(invalidRaw(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalidRaw(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateResourceQuantityValue(name: string, value: unknown, path: string): FieldError[] {
  const q = parseQuantity(typeof value === 'number' ? value : str(value));
  if (!q) return [];
  const errs: FieldError[] = [];
  if (q.nano < 0n) errs.push(invalid(path, formatQuantity(q), 'must be greater than or equal to 0'));
  if (isIntegerResourceName(name) && q.nano % 1_000_000_000n !== 0n)
    errs.push(invalidRaw(path, formatQuantity(q), 'must be an integer'));
  return errs;
}

export function validateResourceRequirements(
  requirements: Rec,
  podClaimNames: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits = rec(requirements.limits) ?? {};
  const requests = rec(requirements.requests) ?? {};
  let limCPUOrMem = false;
  let reqCPUOrMem = false;
  let limHuge = false;
  let reqHuge = false;
  for (const [name, value] of Object.entries(limits)) {
    const p = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateResourceQuantityValue(name, value, p));
    if (isHugePageResourceName(name)) limHuge = true;
    if (name === 'cpu' || name === 'memory') limCPUOrMem = true;
  }
  for (const [name, value] of Object.entries(requests)) {
    const p = `${reqPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateResourceQuantityValue(name, value, p));
    const q = parseQuantity(typeof value === 'number' ? value : str(value));
    if (hasKey(limits, name)) {
      const lim = parseQuantity(typeof limits[name] === 'number' ? (limits[name] as number) : str(limits[name]));
      if (q && lim) {
        if (compareQuantity(q, lim) !== 0 && !isOvercommitAllowed(name))
          errs.push(invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
        else if (compareQuantity(q, lim) > 0)
          errs.push(
            invalid(
              reqPath,
              formatQuantity(q),
              `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`,
            ),
          );
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) reqHuge = true;
    if (name === 'cpu' || name === 'memory') reqCPUOrMem = true;
  }
  if (!limCPUOrMem && !reqCPUOrMem && (reqHuge || limHuge))
    errs.push(forbidden(path, 'HugePages require cpu or memory'));
  const names = new Set<string>();
  arr(requirements.claims).forEach((c, i) => {
    const claim = rec(c) ?? {};
    const name = str(claim.name);
    const p = `${path}.claims[${i}]`;
    if (!name) {
      errs.push(required(p));
      return;
    }
    if (names.has(name)) errs.push(duplicate(p, name));
    else names.add(name);
    if (!podClaimNames.has(name)) {
      const e = notFound(p, name);
      e.detail =
        'must be one of the names in pod.spec.resourceClaims' +
        (podClaimNames.size === 0 ? ' which is empty' : `: ${sorted(podClaimNames).join(', ')}`);
      errs.push(e);
    }
  });
  return errs;
}

const supportedResizeResources = ['cpu', 'memory'];
const supportedResizePolicies = ['NotRequired', 'RestartContainer'];

function validateResizePolicy(list: unknown, path: string, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(list).forEach((p, i) => {
    const rn = str(p.resourceName);
    const rp = str(p.restartPolicy);
    if (seen.has(rn)) errs.push(duplicate(`${path}[${i}]`, rn));
    seen.add(rn);
    if (!rn) errs.push(required(path));
    else if (!supportedResizeResources.includes(rn)) errs.push(notSupported(path, rn, supportedResizeResources));
    if (!rp) errs.push(required(path));
    else if (!supportedResizePolicies.includes(rp)) errs.push(notSupported(path, rp, supportedResizePolicies));
    if (podRestartPolicy === 'Never' && rp !== 'NotRequired')
      errs.push(invalid(path, rp, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  });
  return errs;
}

// --- security context ---

const seccompTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

export function validateSeccompProfileField(sp: Rec | undefined, path: string): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const type = str(sp.type);
  if (!type) errs.push(required(`${path}.type`, 'type is required when seccompProfile is set'));
  else if (!seccompTypes.includes(type)) errs.push(notSupported(`${path}.type`, type, seccompTypes));
  if (type === 'Localhost') {
    if (typeof sp.localhostProfile !== 'string')
      errs.push(required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(sp.localhostProfile, `${path}.localhostProfile`));
  } else if (typeof sp.localhostProfile === 'string') {
    errs.push(
      invalidRaw(
        `${path}.localhostProfile`,
        `core.SeccompProfile{Type:${goQuote(type)}, LocalhostProfile:(*string)(0xc000000000)}`,
        'can only be set when seccomp type is Localhost',
      ),
    );
  }
  return errs;
}

export function validateAppArmorProfileField(profile: Rec | undefined, path: string): FieldError[] {
  if (!profile) return [];
  const type = str(profile.type);
  switch (type) {
    case 'Localhost': {
      const lp = profile.localhostProfile;
      if (typeof lp !== 'string')
        return [required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost')];
      const errs: FieldError[] = [];
      if (lp.trim() !== lp) errs.push(invalid(`${path}.localhostProfile`, lp, 'must not be padded with whitespace'));
      else if (lp === '')
        errs.push(required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost'));
      if (Buffer.byteLength(lp) > 4095) errs.push(tooLong(`${path}.localhostProfile`, '', 4095));
      return errs;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      return typeof profile.localhostProfile === 'string'
        ? [
            invalid(
              `${path}.localhostProfile`,
              profile.localhostProfile,
              'can only be set when AppArmor type is Localhost',
            ),
          ]
        : [];
    case '':
      return [required(`${path}.type`, 'type is required when appArmorProfile is set')];
    default:
      return [notSupported(`${path}.type`, type, ['Localhost', 'RuntimeDefault', 'Unconfined'])];
  }
}

function validateSecurityContext(
  sc: Rec | undefined,
  path: string,
  hostUsers: boolean,
  opts: PodValidationOptions,
): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.privileged === true && !opts.allowPrivileged)
    errs.push(forbidden(`${path}.privileged`, 'disallowed by cluster policy'));
  if (typeof sc.runAsUser === 'number')
    for (const m of isValidUserID(sc.runAsUser)) errs.push(invalid(`${path}.runAsUser`, sc.runAsUser, m));
  if (typeof sc.runAsGroup === 'number')
    for (const m of isValidGroupID(sc.runAsGroup)) errs.push(invalid(`${path}.runAsGroup`, sc.runAsGroup, m));
  if (typeof sc.procMount === 'string') {
    if (sc.procMount !== 'Default' && sc.procMount !== 'Unmasked')
      errs.push(notSupported(`${path}.procMount`, sc.procMount, ['Default', 'Unmasked']));
    if (hostUsers && sc.procMount === 'Unmasked')
      errs.push(invalid(`${path}.procMount`, sc.procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfileField(rec(sc.seccompProfile), `${path}.seccompProfile`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true)
      errs.push(
        invalidRaw(
          path,
          goSecurityContext(sc),
          'cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
        ),
      );
    for (const cap of arr(rec(sc.capabilities)?.add))
      if (cap === 'CAP_SYS_ADMIN')
        errs.push(
          invalidRaw(
            path,
            goSecurityContext(sc),
            'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
          ),
        );
  }
  errs.push(...validateAppArmorProfileField(rec(sc.appArmorProfile), `${path}.appArmorProfile`));
  return errs;
}

/** %#v of the internal core.SecurityContext (pointers print as addresses; any address will do). */
function goSecurityContext(sc: Rec): string {
  const ptr = (key: string, type: string) =>
    `${key[0]!.toUpperCase()}${key.slice(1)}:(*${type})(${sc[key] === undefined || sc[key] === null ? 'nil' : '0xc000000000'})`;
  const fields = [
    ptr('capabilities', 'core.Capabilities'),
    ptr('privileged', 'bool'),
    `SELinuxOptions:(*core.SELinuxOptions)(${sc.seLinuxOptions ? '0xc000000000' : 'nil'})`,
    ptr('windowsOptions', 'core.WindowsSecurityContextOptions'),
    ptr('runAsUser', 'int64'),
    ptr('runAsGroup', 'int64'),
    ptr('runAsNonRoot', 'bool'),
    ptr('readOnlyRootFilesystem', 'bool'),
    ptr('allowPrivilegeEscalation', 'bool'),
    ptr('procMount', 'core.ProcMountType'),
    ptr('seccompProfile', 'core.SeccompProfile'),
    ptr('appArmorProfile', 'core.AppArmorProfile'),
  ];
  return `core.SecurityContext{${fields.join(', ')}}`;
}

// --- probes and handlers ---

function validateHandler(
  h: Rec,
  kinds: readonly string[],
  gracePeriod: number | undefined,
  path: string,
  opts: PodValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  let numHandlers = 0;
  for (const kind of kinds) {
    const v = rec(h[kind]);
    if (!v) continue;
    if (numHandlers > 0) {
      errs.push(forbidden(`${path}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    numHandlers++;
    const p = `${path}.${kind}`;
    switch (kind) {
      case 'exec':
        if (arr(v.command).length === 0) errs.push(required(`${p}.command`));
        break;
      case 'httpGet':
        if (!str(v.path)) errs.push(required(`${p}.path`));
        errs.push(...validatePortNumOrName(v.port, `${p}.port`));
        if (v.scheme !== 'HTTP' && v.scheme !== 'HTTPS')
          errs.push(notSupported(`${p}.scheme`, str(v.scheme), ['HTTP', 'HTTPS']));
        for (const header of recs(v.httpHeaders))
          for (const m of isHTTPHeaderName(str(header.name)))
            errs.push(invalid(`${p}.httpHeaders`, str(header.name), m));
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(v.port, `${p}.port`));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(typeof v.port === 'number' ? v.port : 0, `${p}.port`));
        break;
      case 'sleep': {
        const seconds = typeof v.seconds === 'number' ? v.seconds : 0;
        if (gracePeriod !== undefined) {
          if (opts.allowPodLifecycleSleepActionZeroValue) {
            if (seconds < 0 || seconds > gracePeriod)
              errs.push(
                invalid(
                  p,
                  seconds,
                  `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`,
                ),
              );
          } else if (seconds <= 0 || seconds > gracePeriod) {
            errs.push(
              invalid(
                p,
                seconds,
                `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
              ),
            );
          }
        }
        break;
      }
    }
  }
  if (numHandlers === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  const n = typeof port === 'number' ? port : 0;
  return isValidPortNum(n).map((m) => invalid(path, n, m));
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const lifecycleHandlers = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

function validateProbe(
  probe: Rec,
  gracePeriod: number | undefined,
  path: string,
  opts: PodValidationOptions,
): FieldError[] {
  const errs = validateHandler(probe, probeHandlers, gracePeriod, path, opts);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = typeof probe[f] === 'number' ? (probe[f] as number) : 0;
    if (v < 0) errs.push(invalid(`${path}.${f}`, v, 'must be greater than or equal to 0'));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (typeof tgps === 'number' && tgps <= 0)
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, tgps, 'must be greater than 0'));
  return errs;
}

function validateProbes(
  ctr: Rec,
  gracePeriod: number | undefined,
  path: string,
  opts: PodValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const liveness = rec(ctr.livenessProbe);
  if (liveness) {
    errs.push(...validateProbe(liveness, gracePeriod, `${path}.livenessProbe`, opts));
    if (liveness.successThreshold !== 1)
      errs.push(invalid(`${path}.livenessProbe.successThreshold`, liveness.successThreshold ?? 0, 'must be 1'));
  }
  const readiness = rec(ctr.readinessProbe);
  if (readiness) {
    errs.push(...validateProbe(readiness, gracePeriod, `${path}.readinessProbe`, opts));
    if (typeof readiness.terminationGracePeriodSeconds === 'number')
      errs.push(
        invalid(
          `${path}.readinessProbe.terminationGracePeriodSeconds`,
          readiness.terminationGracePeriodSeconds,
          'must not be set for readinessProbes',
        ),
      );
  }
  const startup = rec(ctr.startupProbe);
  if (startup) {
    errs.push(...validateProbe(startup, gracePeriod, `${path}.startupProbe`, opts));
    if (startup.successThreshold !== 1)
      errs.push(invalid(`${path}.startupProbe.successThreshold`, startup.successThreshold ?? 0, 'must be 1'));
  }
  return errs;
}

function validateLifecycle(
  lc: Rec,
  gracePeriod: number | undefined,
  path: string,
  opts: PodValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const postStart = rec(lc.postStart);
  if (postStart) errs.push(...validateHandler(postStart, lifecycleHandlers, gracePeriod, `${path}.postStart`, opts));
  const preStop = rec(lc.preStop);
  if (preStop) errs.push(...validateHandler(preStop, lifecycleHandlers, gracePeriod, `${path}.preStop`, opts));
  return errs;
}

// --- containers ---

export interface ContainerContext {
  vols: Map<string, VolumeInfo>;
  podClaimNames: ReadonlySet<string>;
  gracePeriod: number | undefined;
  podRestartPolicy: string;
  hostUsers: boolean;
  opts: PodValidationOptions;
}

function volumeMap(list: unknown, valueKey: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of recs(list)) m.set(str(x.name), str(x[valueKey]));
  return m;
}

/** validateContainerCommon: the checks every kind of container gets. */
export function validateContainerCommon(ctr: Rec, path: string, c: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ctr.name);
  if (!name) errs.push(required(`${path}.name`));
  else errs.push(...validateDNS1123Label(name, `${path}.name`));
  if (!str(ctr.image)) errs.push(required(`${path}.image`));
  const tmp = str(ctr.terminationMessagePolicy);
  if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
    else errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  }
  const mounts = volumeMap(ctr.volumeMounts, 'mountPath');
  const devices = volumeMap(ctr.volumeDevices, 'devicePath');
  errs.push(...validateContainerPorts(ctr.ports, `${path}.ports`));
  errs.push(...validateEnv(ctr.env, `${path}.env`, c.opts));
  errs.push(...validateEnvFrom(ctr.envFrom, `${path}.envFrom`, c.opts));
  errs.push(...validateVolumeMounts(ctr, devices, c.vols, `${path}.volumeMounts`));
  errs.push(...validateVolumeDevices(ctr, mounts, c.vols, `${path}.volumeDevices`));
  errs.push(...validatePullPolicy(str(ctr.imagePullPolicy), `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(rec(ctr.resources) ?? {}, c.podClaimNames, `${path}.resources`));
  errs.push(...validateResizePolicy(ctr.resizePolicy, `${path}.resizePolicy`, c.podRestartPolicy));
  errs.push(...validateSecurityContext(rec(ctr.securityContext), `${path}.securityContext`, c.hostUsers, c.opts));
  return errs;
}

/** Host ports must be unique per protocol/hostIP across the given containers. */
function checkHostPortConflicts(containers: Rec[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((ctr, ci) => {
    recs(ctr.ports).forEach((p, pi) => {
      const hostPort = typeof p.hostPort === 'number' ? p.hostPort : 0;
      if (hostPort === 0) return;
      const key = `${str(p.protocol)}/${str(p.hostIP)}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

export function validateContainers(containers: unknown, path: string, c: ContainerContext): FieldError[] {
  const list = recs(containers);
  if (list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((ctr, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ctr, p, c));
    const name = str(ctr.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    const lc = rec(ctr.lifecycle);
    if (lc) errs.push(...validateLifecycle(lc, c.gracePeriod, `${p}.lifecycle`, c.opts));
    errs.push(...validateProbes(ctr, c.gracePeriod, p, c.opts));
    if (ctr.restartPolicy !== undefined && ctr.restartPolicy !== null)
      errs.push(forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

export function validateInitContainers(
  containers: unknown,
  regular: unknown,
  path: string,
  c: ContainerContext,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(recs(regular).map((x) => str(x.name)));
  recs(containers).forEach((ctr, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ctr, p, c));
    let restartAlways = false;
    if (typeof ctr.restartPolicy === 'string') {
      if (ctr.restartPolicy !== 'Always') errs.push(notSupported(`${p}.restartPolicy`, ctr.restartPolicy, ['Always']));
      restartAlways = ctr.restartPolicy === 'Always';
    }
    const name = str(ctr.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else if (name) names.add(name);
    // Init containers run one at a time: only a container's own ports can conflict. (Upstream checks a
    // one-element list, so the path always says initContainers[0].)
    errs.push(...checkHostPortConflicts([ctr], path));
    if (restartAlways) {
      const lc = rec(ctr.lifecycle);
      if (lc) errs.push(...validateLifecycle(lc, c.gracePeriod, `${p}.lifecycle`, c.opts));
      errs.push(...validateProbes(ctr, c.gracePeriod, p, c.opts));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
        if (ctr[f] !== undefined && ctr[f] !== null)
          errs.push(forbidden(`${p}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
    }
    if (!c.opts.allowSidecarResizePolicy && arr(ctr.resizePolicy).length > 0)
      errs.push(invalid(`${p}.resizePolicy`, ctr.resizePolicy, 'must not be set for init containers'));
  });
  return errs;
}

/** Ephemeral containers (their fields beyond the allowed list are forbidden). */
const allowedEphemeralContainerFields = new Set([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'envFrom',
  'env',
  'volumeMounts',
  'volumeDevices',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
  'targetContainerName',
]);
const ephemeralFieldOrder = [
  'ports',
  'resources',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'resizePolicy',
  'restartPolicy',
];

export function validateEphemeralContainers(
  ephemeral: unknown,
  containers: unknown,
  initContainers: unknown,
  path: string,
  c: ContainerContext,
): FieldError[] {
  const list = recs(ephemeral);
  if (list.length === 0) return [];
  const errs: FieldError[] = [];
  const other = new Set([...recs(containers), ...recs(initContainers)].map((x) => str(x.name)));
  const all = new Set(other);
  list.forEach((ec, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ec, p, c));
    errs.push(...validateContainerOnlyForPod(ec, p));
    const name = str(ec.name);
    if (all.has(name)) errs.push(duplicate(`${p}.name`, name));
    else all.add(name);
    const target = str(ec.targetContainerName);
    if (target && !other.has(target)) errs.push(notFound(`${p}.targetContainerName`, target));
    for (const f of ephemeralFieldOrder) {
      const v = ec[f];
      const set = Array.isArray(v)
        ? v.length > 0
        : v !== undefined && v !== null && !(rec(v) && Object.keys(v as object).length === 0);
      if (set && !allowedEphemeralContainerFields.has(f))
        errs.push(forbidden(`${p}.${f}`, 'cannot be set for an Ephemeral Container'));
    }
    recs(ec.volumeMounts).forEach((vm, j) => {
      if (str(vm.subPath))
        errs.push(forbidden(`${p}.volumeMounts[${j}].subPath`, 'cannot be set for an Ephemeral Container'));
      if (str(vm.subPathExpr))
        errs.push(forbidden(`${p}.volumeMounts[${j}].subPathExpr`, 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

/** validateContainerOnlyForPod: images of real pods may not be padded with whitespace. */
export function validateContainerOnlyForPod(ctr: Rec, path: string): FieldError[] {
  const image = str(ctr.image);
  return image.length !== image.trim().length
    ? [invalid(`${path}.image`, image, 'must not have leading or trailing whitespace')]
    : [];
}
