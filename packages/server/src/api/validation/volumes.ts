// Pod volume validation (pkg/apis/core/validation: ValidateVolumes and the volume sources pods commonly use).
// Paths are kube-apiserver's own, quirks included (e.g. `downwarAPI` in the "more than 1 volume type" error).
import { type FieldError, forbidden, invalid, notSupported, required } from '../field.js';
import { isDNS1123Subdomain } from './names.js';
import { type Rec, arr, rec, recs, sorted, str } from './util.js';
import { duplicate, validateDNS1123Label, validateQualifiedName } from './common.js';
import { parseQuantity } from './quantity.js';
import { goQuote } from '../../gocompat/quote.js';

export const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';

/** Each volume source field, in the order validateVolumeSource checks them, with its "forbidden" path name. */
const volumeSources: Array<[key: string, forbiddenName: string]> = [
  ['emptyDir', 'emptyDir'],
  ['hostPath', 'hostPath'],
  ['gitRepo', 'gitRepo'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['secret', 'secret'],
  ['nfs', 'nfs'],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['persistentVolumeClaim', 'persistentVolumeClaim'],
  ['rbd', 'rbd'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'],
  ['downwardAPI', 'downwarAPI'],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['configMap', 'configMap'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'],
  ['projected', 'projected'],
  ['scaleIO', 'scaleIO'],
  ['csi', 'csi'],
  ['ephemeral', 'ephemeral'],
  ['image', 'image'],
];

export const volumeSourceKeys = volumeSources.map(([k]) => k);

function isAbs(p: string): boolean {
  return p.startsWith('/');
}

/** validatePathNoBacksteps: no `..` element (one error is enough). */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split(/[\\/]/).includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without `..` elements. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isAbs(target)) errs.push(invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** ValidateLocalNonReservedPath: also may not start with `..`. */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../'))
    errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}

function validateMode(mode: unknown, path: string): FieldError[] {
  if (typeof mode === 'number' && (mode > 0o777 || mode < 0)) return [invalid(path, mode, fileModeErrorMsg)];
  return [];
}

function validateKeyToPath(kp: Rec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(kp.key)) errs.push(required(`${path}.key`));
  if (!str(kp.path)) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(str(kp.path), `${path}.path`));
  errs.push(...validateMode(kp.mode, `${path}.mode`));
  return errs;
}

/** fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['x']` -> [`metadata.labels`, `x`]. */
export function splitSubscriptedPath(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

const downwardAPIPodLabels = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

/** podutil.ConvertDownwardAPIFieldLabel for pods. */
function convertDownwardAPIFieldLabel(version: string, label: string): string | Error {
  if (version !== 'v1') return new Error(`unsupported pod version: ${version}`);
  const sub = splitSubscriptedPath(label);
  if (sub) {
    if (sub[0] === 'metadata.annotations' || sub[0] === 'metadata.labels') return label;
    return new Error(`field label does not support subscript: ${label}`);
  }
  if (downwardAPIPodLabels.has(label)) return label;
  if (label === 'spec.host') return 'spec.nodeName';
  return new Error(`field label not supported: ${label}`);
}

/** validateObjectFieldSelector against the paths allowed in this context. */
export function validateObjectFieldSelector(fs: Rec, expressions: ReadonlySet<string>, path: string): FieldError[] {
  const apiVersion = str(fs.apiVersion);
  const fieldPath = str(fs.fieldPath);
  if (!apiVersion) return [required(`${path}.apiVersion`)];
  if (!fieldPath) return [required(`${path}.fieldPath`)];
  const internal = convertDownwardAPIFieldLabel(apiVersion, fieldPath);
  if (internal instanceof Error)
    return [invalid(`${path}.fieldPath`, fieldPath, `error converting fieldPath: ${internal.message}`)];
  const sub = splitSubscriptedPath(internal);
  if (sub) {
    if (sub[0] === 'metadata.annotations') return validateQualifiedName(sub[1].toLowerCase(), path);
    if (sub[0] === 'metadata.labels') return validateQualifiedName(sub[1], path);
    return [invalid(path, sub[0], 'does not support subscript')];
  }
  if (!expressions.has(internal)) return [notSupported(`${path}.fieldPath`, internal, sorted(expressions))];
  return [];
}

export const validContainerResourceFieldPathExpressions = new Set([
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
]);
const hugepagesPrefixes = ['requests.hugepages-', 'limits.hugepages-'];

/** validateContainerResourceFieldSelector (divisor checks on the common resources). */
export function validateContainerResourceFieldSelector(fs: Rec, path: string, volume: boolean): FieldError[] {
  const resource = str(fs.resource);
  if (volume && !str(fs.containerName)) return [required(`${path}.containerName`)];
  if (!resource) return [required(`${path}.resource`)];
  if (
    !validContainerResourceFieldPathExpressions.has(resource) &&
    !hugepagesPrefixes.some((p) => resource.startsWith(p))
  )
    return [notSupported(`${path}.resource`, resource, sorted(validContainerResourceFieldPathExpressions))];
  return [];
}

const validVolumeDownwardAPIFieldPathExpressions = new Set([
  'metadata.name',
  'metadata.namespace',
  'metadata.labels',
  'metadata.annotations',
  'metadata.uid',
]);

function validateDownwardAPIVolumeFile(file: Rec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(file.path)) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(str(file.path), `${path}.path`));
  const fieldRef = rec(file.fieldRef);
  const resourceFieldRef = rec(file.resourceFieldRef);
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(fieldRef, validVolumeDownwardAPIFieldPathExpressions, `${path}.fieldRef`));
    if (resourceFieldRef)
      errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (resourceFieldRef) {
    errs.push(...validateContainerResourceFieldSelector(resourceFieldRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(file.mode, `${path}.mode`));
  return errs;
}

const supportedHostPathTypes = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];

function validateProjectionSources(projection: Rec, path: string, allowNonLocalTokenPath: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const allPaths = new Set<string>();
  recs(projection.sources).forEach((source, i) => {
    let numSources = 0;
    const srcPath = `${path}.sources[${i}]`;
    for (const kind of ['secret', 'configMap'] as const) {
      const s = rec(source[kind]);
      if (!s) continue;
      numSources++;
      const projPath = `${srcPath}.${kind}`;
      if (!str(s.name)) errs.push(required(`${projPath}.name`));
      recs(s.items).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, `${projPath}.items[${j}]`));
        const p = str(kp.path);
        if (p) {
          if (!allPaths.has(p)) allPaths.add(p);
          else errs.push(invalid(path, str(s.name), 'conflicting duplicate paths'));
        }
      });
    }
    const dapi = rec(source.downwardAPI);
    if (dapi) {
      numSources++;
      for (const file of recs(dapi.items)) {
        errs.push(...validateDownwardAPIVolumeFile(file, `${srcPath}.downwardAPI`));
        const p = str(file.path);
        if (p) {
          if (!allPaths.has(p)) allPaths.add(p);
          else errs.push(invalid(path, p, 'conflicting duplicate paths'));
        }
      }
    }
    const sat = rec(source.serviceAccountToken);
    if (sat) {
      numSources++;
      const exp = typeof sat.expirationSeconds === 'number' ? sat.expirationSeconds : 0;
      const satPath = `${srcPath}.serviceAccountToken`;
      if (exp < 10 * 60)
        errs.push(invalid(`${satPath}.expirationSeconds`, exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32)
        errs.push(invalid(`${satPath}.expirationSeconds`, exp, 'may not specify a duration larger than 2^32 seconds'));
      if (!str(sat.path)) errs.push(required(`${path}.path`));
      else if (!allowNonLocalTokenPath) errs.push(...validateLocalNonReservedPath(str(sat.path), `${path}.path`));
    }
    const ctb = rec(source.clusterTrustBundle);
    if (ctb) {
      numSources++;
      const projPath = `${srcPath}.clusterTrustBundle`;
      const usingName = typeof ctb.name === 'string';
      const usingSigner = typeof ctb.signerName === 'string';
      if (usingName && usingSigner) errs.push(invalid(projPath, ctb, 'only one of name and signerName may be used'));
      else if (usingName) {
        if (!ctb.name) errs.push(required(`${projPath}.name`, 'must be a valid object name'));
        if (ctb.labelSelector)
          errs.push(
            invalid(`${projPath}.labelSelector`, ctb.labelSelector, 'labelSelector must be unset if name is specified'),
          );
      } else if (usingSigner) {
        if (!ctb.signerName) errs.push(required(`${projPath}.signerName`, 'must be a valid signer name'));
      } else errs.push(required(projPath, 'either name or signerName must be specified'));
      if (!str(ctb.path)) errs.push(required(`${projPath}.path`));
      errs.push(...validateLocalNonReservedPath(str(ctb.path), `${projPath}.path`));
      const p = str(ctb.path);
      if (!allPaths.has(p)) allPaths.add(p);
      else errs.push(invalid(path, p, 'conflicting duplicate paths'));
    }
    if (numSources > 1) errs.push(forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

function validateSourceDetails(key: string, src: Rec, path: string, allowNonLocalTokenPath: boolean): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case 'hostPath': {
      const p = str(src.path);
      if (!p) return [required(`${path}.path`)];
      errs.push(...validatePathNoBacksteps(p, `${path}.path`));
      if (typeof src.type === 'string' && !supportedHostPathTypes.includes(src.type))
        errs.push(notSupported(`${path}.type`, src.type, supportedHostPathTypes));
      break;
    }
    case 'gitRepo':
      if (!str(src.repository)) errs.push(required(`${path}.repository`));
      errs.push(...validateLocalDescendingPath(str(src.directory), `${path}.directory`));
      break;
    case 'secret':
      if (!str(src.secretName)) errs.push(required(`${path}.secretName`));
      errs.push(...validateMode(src.defaultMode, `${path}.defaultMode`));
      recs(src.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, `${path}.items[${i}]`)));
      break;
    case 'configMap':
      if (!str(src.name)) errs.push(required(`${path}.name`));
      errs.push(...validateMode(src.defaultMode, `${path}.defaultMode`));
      recs(src.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, `${path}.items[${i}]`)));
      break;
    case 'nfs':
      if (!str(src.server)) errs.push(required(`${path}.server`));
      if (!str(src.path)) errs.push(required(`${path}.path`));
      if (!isAbs(str(src.path))) errs.push(invalid(`${path}.path`, str(src.path), 'must be an absolute path'));
      break;
    case 'persistentVolumeClaim':
      if (!str(src.claimName)) errs.push(required(`${path}.claimName`));
      break;
    case 'downwardAPI':
      errs.push(...validateMode(src.defaultMode, `${path}.defaultMode`));
      for (const file of recs(src.items)) errs.push(...validateDownwardAPIVolumeFile(file, path));
      break;
    case 'projected':
      errs.push(...validateMode(src.defaultMode, `${path}.defaultMode`));
      errs.push(...validateProjectionSources(src, path, allowNonLocalTokenPath));
      break;
    case 'csi': {
      const driver = str(src.driver);
      if (!driver) errs.push(required(`${path}.driver`));
      else errs.push(...isDNS1123Subdomain(driver.toLowerCase()).map((m) => invalid(`${path}.driver`, driver, m)));
      const ref = rec(src.nodePublishSecretRef);
      if (ref && !str(ref.name)) errs.push(required(`${path}.nodePublishSecretRef.name`));
      break;
    }
    case 'ephemeral':
      if (!rec(src.volumeClaimTemplate)) errs.push(required(`${path}.volumeClaimTemplate`));
      break;
    case 'image':
      if (!str(src.reference)) errs.push(required(`${path}.reference`));
      break;
  }
  return errs;
}

function validateVolumeSource(vol: Rec, path: string, allowNonLocalTokenPath: boolean, podName: string): FieldError[] {
  const errs: FieldError[] = [];
  let numVolumes = 0;
  for (const [key, forbiddenName] of volumeSources) {
    const src = vol[key];
    if (src === undefined || src === null) continue;
    if (key === 'emptyDir') {
      numVolumes++;
      const limit = rec(src)?.sizeLimit;
      const q = limit === undefined ? undefined : parseQuantity(limit as string);
      if (q && q.nano < 0n)
        errs.push(forbidden(`${path}.emptyDir.sizeLimit`, 'SizeLimit field must be a valid resource quantity'));
      continue;
    }
    if (numVolumes > 0) {
      errs.push(forbidden(`${path}.${forbiddenName}`, 'may not specify more than 1 volume type'));
      continue;
    }
    numVolumes++;
    errs.push(...validateSourceDetails(key, rec(src) ?? {}, `${path}.${key}`, allowNonLocalTokenPath));
    // The PVC of a generic ephemeral volume is named <pod>-<volume>: that must be a valid object name.
    const volName = str(vol.name);
    if (key === 'ephemeral' && podName && volName) {
      const pvcName = `${podName}-${volName}`;
      for (const m of isDNS1123Subdomain(pvcName))
        errs.push(invalid(`${path}.name`, volName, `PVC name ${goQuote(pvcName)}: ${m}`));
    }
  }
  if (numVolumes === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

export interface VolumeInfo {
  /** The volume's source fields (used to tell PVC-backed volumes for volumeDevices). */
  source: Rec;
}

/** ValidateVolumes: returns the valid volumes by name (for mount checks) and the errors. */
export function validateVolumes(
  volumes: unknown,
  path: string,
  opts: { allowNonLocalProjectedTokenPath?: boolean; podName?: string } = {},
): { vols: Map<string, VolumeInfo>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const vols = new Map<string, VolumeInfo>();
  const names = new Set<string>();
  const podName = opts.podName ?? '';
  const createdPVCs = new Set(
    podName
      ? recs(volumes)
          .filter((v) => rec(v.ephemeral))
          .map((v) => `${podName}-${str(v.name)}`)
      : [],
  );
  recs(volumes).forEach((vol, i) => {
    const idxPath = `${path}[${i}]`;
    const namePath = `${idxPath}.name`;
    const name = str(vol.name);
    const el = validateVolumeSource(vol, idxPath, !!opts.allowNonLocalProjectedTokenPath, podName);
    if (!name) el.push(required(namePath));
    else el.push(...validateDNS1123Label(name, namePath));
    if (names.has(name)) el.push(duplicate(namePath, name));
    if (el.length === 0) {
      names.add(name);
      vols.set(name, { source: vol });
    } else errs.push(...el);
    const claimName = str(rec(vol.persistentVolumeClaim)?.claimName);
    if (rec(vol.persistentVolumeClaim) && createdPVCs.has(claimName))
      errs.push(
        invalid(
          `${idxPath}.persistentVolumeClaim.claimName`,
          claimName,
          'must not reference a PVC that gets created for an ephemeral volume',
        ),
      );
  });
  return { vols, errs };
}

/** Whether a projected volume source contains a service account token (for the serviceAccountName rule). */
export function projectedTokenSources(volume: Rec): number[] {
  const projected = rec(volume.projected);
  if (!projected) return [];
  const out: number[] = [];
  arr(projected.sources).forEach((s, i) => {
    if (rec(s)?.serviceAccountToken) out.push(i);
  });
  return out;
}
