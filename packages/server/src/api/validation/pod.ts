// Pod validation entry points (ValidatePodCreate, ValidatePodUpdate, ValidatePodStatusUpdate) for v1 pods.
import { decodeJson } from '../decode/json.js';
import { type FieldError, forbidden, invalid, required } from '../field.js';
import { getKey, hasKey } from '../ownkeys.js';
import type { KObject, ObjectMeta } from '../types.js';
import { validateQualifiedName } from './common.js';
import { type PodValidationOptions, defaultPodValidationOptions, validateContainerOnlyForPod } from './containers.js';
import { ipErrors } from './ip.js';
import { inclusiveRangeError, nameIsDNSSubdomain } from './names.js';
import { fieldImmutableErrorMsg, semanticEqual, validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { validatePodSpec, validateTolerations } from './podspec.js';
import { type Rec, arr, rec, recs, str } from './util.js';
import { duplicateRaw } from './values.js';
import { validateLocalDescendingPath } from './volumes.js';
import { goQuote } from '../../gocompat/quote.js';

export const mirrorPodAnnotationKey = 'kubernetes.io/config.mirror';
const tolerationsAnnotationKey = 'scheduler.alpha.kubernetes.io/tolerations';
const podDeletionCostKey = 'controller.kubernetes.io/pod-deletion-cost';
const seccompPodAnnotationKey = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerAnnotationKeyPrefix = 'container.seccomp.security.alpha.kubernetes.io/';
const appArmorContainerAnnotationKeyPrefix = 'container.apparmor.security.beta.kubernetes.io/';
const maxInt32 = 2147483647;

/** GetDeletionCostFromPodAnnotations' rules: a plain base-10 int32, no '+' and no leading zeros. */
export function validDeletionCost(value: string): boolean {
  if (!value) return false;
  if (!(value[0] === '-' || value === '0' || (value[0]! >= '1' && value[0]! <= '9'))) return false;
  if (!/^-?\d+$/.test(value)) return false;
  const n = Number(value);
  return n >= -2147483648 && n <= maxInt32;
}

function validateSeccompProfileAnnotation(p: string, path: string): FieldError[] {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return [];
  if (p.startsWith('localhost/')) return validateLocalDescendingPath(p.slice('localhost/'.length), path);
  return [invalid(path, p, 'must be a valid seccomp profile')];
}

function containerNames(spec: Rec): string[] {
  return [...recs(spec.initContainers), ...recs(spec.containers), ...recs(spec.ephemeralContainers)].map((c) =>
    str(c.name),
  );
}

/** ValidatePodSpecificAnnotations */
export function validatePodSpecificAnnotations(
  annotations: Record<string, string> | undefined,
  spec: Rec,
  path: string,
  opts: PodValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if (hasKey(a, mirrorPodAnnotationKey) && !str(spec.nodeName))
    errs.push(
      invalid(
        `${path}[${mirrorPodAnnotationKey}]`,
        a[mirrorPodAnnotationKey],
        'must set spec.nodeName if mirror pod annotation is set',
      ),
    );
  if (a[tolerationsAnnotationKey]) {
    let tolerations: unknown;
    try {
      tolerations = decodeJson(a[tolerationsAnnotationKey]!);
    } catch (e) {
      errs.push(invalid(path, tolerationsAnnotationKey, (e as Error).message));
    }
    if (Array.isArray(tolerations) && tolerations.length)
      errs.push(...validateTolerations(tolerations, `${path}.${tolerationsAnnotationKey}`));
  }
  if (!opts.allowInvalidPodDeletionCost && hasKey(a, podDeletionCostKey) && !validDeletionCost(a[podDeletionCostKey]!))
    errs.push(invalid(`${path}[${podDeletionCostKey}]`, a[podDeletionCostKey], 'must be a 32bit integer'));
  if (hasKey(a, seccompPodAnnotationKey))
    errs.push(...validateSeccompProfileAnnotation(a[seccompPodAnnotationKey]!, `${path}.${seccompPodAnnotationKey}`));
  for (const [k, v] of Object.entries(a))
    if (k.startsWith(seccompContainerAnnotationKeyPrefix))
      errs.push(...validateSeccompProfileAnnotation(v, `${path}.${k}`));
  const names = new Set(containerNames(spec));
  for (const [k, v] of Object.entries(a)) {
    if (!k.startsWith(appArmorContainerAnnotationKeyPrefix)) continue;
    const container = k.slice(appArmorContainerAnnotationKeyPrefix.length);
    if (!names.has(container)) errs.push(invalid(`${path}[${k}]`, container, 'container not found'));
    if (!(v === '' || v === 'runtime/default' || v === 'unconfined' || v.startsWith('localhost/')))
      errs.push(invalid(`${path}[${k}]`, v, `invalid AppArmor profile name: ${JSON.stringify(v)}`));
  }
  return errs;
}

function validatePodMetadataAndSpec(pod: KObject, opts: PodValidationOptions): FieldError[] {
  const meta = pod.metadata;
  const spec = rec(pod.spec) ?? {};
  const errs = validateObjectMeta(meta, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validatePodSpecificAnnotations(meta.annotations, spec, 'metadata.annotations', opts));
  errs.push(...validatePodSpec(spec, meta, 'spec', opts));
  if (!str(spec.serviceAccountName))
    recs(spec.volumes).forEach((vol, vi) => {
      const projected = rec(vol.projected);
      if (!projected) return;
      recs(projected.sources).forEach((s, si) => {
        if (rec(s.serviceAccountToken))
          errs.push(
            forbidden(
              `spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`,
              'must not be specified when serviceAccountName is not set',
            ),
          );
      });
    });
  recs(spec.containers).forEach((c, i) => errs.push(...validateContainerOnlyForPod(c, `spec.containers[${i}]`)));
  recs(spec.initContainers).forEach((c, i) =>
    errs.push(...validateContainerOnlyForPod(c, `spec.initContainers[${i}]`)),
  );
  return errs;
}

/** The seccomp annotation of a pod or container must agree with its seccompProfile field. */
function seccompMatch(annotation: string, profile: Rec, path: string): FieldError | undefined {
  switch (str(profile.type)) {
    case 'Unconfined':
      if (annotation !== 'unconfined')
        return forbidden(`${path}.type`, 'seccomp type in annotation and field must match');
      break;
    case 'RuntimeDefault':
      if (annotation !== 'runtime/default' && annotation !== 'docker/default')
        return forbidden(`${path}.type`, 'seccomp type in annotation and field must match');
      break;
    case 'Localhost':
      if (!annotation.startsWith('localhost/'))
        return forbidden(`${path}.type`, 'seccomp type in annotation and field must match');
      if (annotation.slice('localhost/'.length) !== profile.localhostProfile)
        return forbidden(`${path}.localhostProfile`, 'seccomp profile in annotation and field must match');
  }
  return undefined;
}

/** ValidatePodCreate */
export function validatePodCreate(
  pod: KObject,
  opts: PodValidationOptions = defaultPodValidationOptions,
): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod, opts);
  const spec = rec(pod.spec) ?? {};
  if (arr(spec.ephemeralContainers).length) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) && arr(spec.schedulingGates).length)
    errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  const annotations = pod.metadata.annotations ?? {};
  const podProfile = rec(rec(spec.securityContext)?.seccompProfile);
  if (podProfile && hasKey(annotations, seccompPodAnnotationKey)) {
    const e = seccompMatch(annotations[seccompPodAnnotationKey]!, podProfile, 'spec.securityContext.seccompProfile');
    if (e) errs.push(e);
  }
  const visit = (list: unknown, base: string) =>
    recs(list).forEach((c, i) => {
      const profile = rec(rec(c.securityContext)?.seccompProfile);
      const key = seccompContainerAnnotationKeyPrefix + str(c.name);
      if (!profile || !hasKey(annotations, key)) return;
      const e = seccompMatch(annotations[key]!, profile, `${base}[${i}].securityContext.seccompProfile`);
      if (e) errs.push(e);
    });
  visit(spec.initContainers, 'spec.initContainers');
  visit(spec.containers, 'spec.containers');
  visit(spec.ephemeralContainers, 'spec.ephemeralContainers');
  return errs;
}

/** The update options: invalid deletion costs already stored stay allowed. */
export function podUpdateOptions(old: KObject): PodValidationOptions {
  const cost = old.metadata.annotations?.[podDeletionCostKey];
  return {
    ...defaultPodValidationOptions,
    allowInvalidPodDeletionCost: cost !== undefined && !validDeletionCost(cost),
  };
}

function validatePodSpecificAnnotationUpdates(
  pod: KObject,
  old: KObject,
  path: string,
  opts: PodValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const na = pod.metadata.annotations ?? {};
  const oa = old.metadata.annotations ?? {};
  for (const [k, ov] of Object.entries(oa)) {
    if (hasKey(na, k) && na[k] === ov) continue;
    if (k.startsWith(appArmorContainerAnnotationKeyPrefix))
      errs.push(forbidden(`${path}[${k}]`, 'may not remove or update AppArmor annotations'));
    if (k === mirrorPodAnnotationKey)
      errs.push(forbidden(`${path}[${k}]`, 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(na)) {
    if (hasKey(oa, k)) continue;
    if (k.startsWith(appArmorContainerAnnotationKeyPrefix))
      errs.push(forbidden(`${path}[${k}]`, 'may not add AppArmor annotations'));
    if (k === mirrorPodAnnotationKey) errs.push(forbidden(`${path}[${k}]`, 'may not add mirror pod annotation'));
  }
  errs.push(...validatePodSpecificAnnotations(na, rec(pod.spec) ?? {}, path, opts));
  return errs;
}

function validateContainerUpdates(
  newList: unknown,
  oldList: unknown,
  path: string,
): { errs: FieldError[]; stop: boolean } {
  const n = recs(newList);
  const o = recs(oldList);
  if (n.length !== o.length)
    return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = str(c.image);
    if (!image) errs.push(required(`${path}[${i}].image`));
    if (image.trim().length !== image.length)
      errs.push(invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** The lead of the "pod updates may not change fields" error (a diff of the specs follows it). */
export const podUpdateForbiddenPrefix = `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}`;

function validateOnlyAddedTolerations(newT: unknown, oldT: unknown, path: string): FieldError[] {
  const n = recs(newT);
  for (const old of recs(oldT)) {
    const found = n.some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(newT, path);
}

function validateOnlyDeletedSchedulingGates(newG: unknown, oldG: unknown, path: string): FieldError[] {
  const n = recs(newG);
  if (!n.length) return [];
  const old = new Set(recs(oldG).map((g) => str(g.name)));
  const errs: FieldError[] = [];
  n.forEach((g, i) => {
    const name = str(g.name);
    if (!old.has(name))
      errs.push(forbidden(`${path}[${i}].name`, `only deletion is allowed, but found new scheduling gate '${name}'`));
  });
  return errs;
}

/** A cmp.Diff-flavoured rendering of what changed between two specs (Go's exact text is not reproducible). */
export function specDiff(oldSpec: Rec, newSpec: Rec): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])];
  const goName = (k: string) => k[0]!.toUpperCase() + k.slice(1);
  const lines = ['  core.PodSpec{'];
  let same = 0;
  const flush = () => {
    if (same) lines.push(`  \t... // ${same} identical field${same === 1 ? '' : 's'}`);
    same = 0;
  };
  for (const k of keys) {
    if (semanticEqual(oldSpec[k], newSpec[k])) {
      same++;
      continue;
    }
    flush();
    if (oldSpec[k] !== undefined) lines.push(`- \t${goName(k)}: ${JSON.stringify(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${goName(k)}: ${JSON.stringify(newSpec[k])},`);
  }
  flush();
  lines.push('  }');
  return lines.join('\n') + '\n';
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, tolerations (additions) and gates may change. */
export function validatePodUpdate(
  pod: KObject,
  old: KObject,
  opts: PodValidationOptions = podUpdateOptions(old),
): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodMetadataAndSpec(pod, opts));
  errs.push(...validatePodSpecificAnnotationUpdates(pod, old, 'metadata.annotations', opts));
  const spec = rec(pod.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  for (const list of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[list], oldSpec[list], `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === 'number') {
    if (ads < 0 || ads > maxInt32) {
      errs.push(invalid('spec.activeDeadlineSeconds', ads, inclusiveRangeError(0, maxInt32)));
      return errs;
    }
    if (typeof oldSpec.activeDeadlineSeconds === 'number' && oldSpec.activeDeadlineSeconds < ads) {
      errs.push(invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (typeof oldSpec.activeDeadlineSeconds === 'number') {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, 'spec.tolerations'));
  errs.push(
    ...validateOnlyDeletedSchedulingGates(spec.schedulingGates, oldSpec.schedulingGates, 'spec.schedulingGates'),
  );
  if (semanticEqual(spec, oldSpec)) return errs;

  // Put the updatable fields back to their old values and compare what is left.
  const munged: Rec = structuredClone(spec);
  for (const list of ['containers', 'initContainers']) {
    const o = recs(oldSpec[list]);
    if (Array.isArray(munged[list])) munged[list] = recs(munged[list]).map((c, i) => ({ ...c, image: o[i]?.image }));
  }
  const restore = (k: string) => {
    if (oldSpec[k] === undefined) delete munged[k];
    else munged[k] = oldSpec[k];
  };
  restore('activeDeadlineSeconds');
  restore('schedulingGates');
  restore('tolerations');
  if (
    typeof oldSpec.terminationGracePeriodSeconds === 'number' &&
    oldSpec.terminationGracePeriodSeconds < 0 &&
    munged.terminationGracePeriodSeconds === 1
  )
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  if (arr(oldSpec.schedulingGates).length) {
    // Gated pods may also gain node selectors (additions only) and required node affinity terms.
    const ns = rec(munged.nodeSelector) ?? {};
    const ons = rec(oldSpec.nodeSelector) ?? {};
    if (!semanticEqual(munged.nodeSelector, oldSpec.nodeSelector)) {
      if (Object.entries(ons).some(([k, v]) => getKey(ns, k) !== v))
        errs.push(
          invalid(
            'spec.nodeSelector',
            ns,
            'only additions to spec.nodeSelector are allowed (no mutations or deletions)',
          ),
        );
      restore('nodeSelector');
    }
    const na = rec(rec(munged.affinity)?.nodeAffinity);
    const ona = rec(rec(oldSpec.affinity)?.nodeAffinity);
    if (!semanticEqual(na, ona)) {
      const affinity = { ...(rec(munged.affinity) ?? {}) };
      if (ona) affinity.nodeAffinity = ona;
      else delete affinity.nodeAffinity;
      if (Object.keys(affinity).length === 0 && oldSpec.affinity === undefined) delete munged.affinity;
      else munged.affinity = affinity;
    }
  }
  if (!semanticEqual(munged, oldSpec))
    errs.push(forbidden('spec', `${podUpdateForbiddenPrefix}\n${specDiff(oldSpec, munged)}`));
  return errs;
}

/** ValidatePodStatusUpdate (the pods/status subresource). */
export function validatePodStatusUpdate(
  pod: KObject,
  old: KObject,
  opts: PodValidationOptions = podUpdateOptions(old),
): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodSpecificAnnotationUpdates(pod, old, 'metadata.annotations', opts));
  const status = rec(pod.status) ?? {};
  const oldStatus = rec(old.status) ?? {};
  recs(status.conditions).forEach((c, i) => {
    const type = str(c.type);
    if (type === 'PodScheduled' || type === 'Ready' || type === 'Initialized') return;
    errs.push(...validateQualifiedName(type, `metadata.conditions[${i}].Type`));
  });
  if (str(rec(pod.spec)?.nodeName) !== str(rec(old.spec)?.nodeName))
    errs.push(forbidden('status.nodeName', 'may not be changed directly'));
  const nnn = str(status.nominatedNodeName);
  if (nnn && nnn !== str(oldStatus.nominatedNodeName))
    for (const m of nameIsDNSSubdomain(nnn, false)) errs.push(invalid('status.nominatedNodeName', nnn, m));
  if (str(status.qosClass) !== str(oldStatus.qosClass))
    errs.push(invalid('status.qosClass', str(status.qosClass), fieldImmutableErrorMsg));
  recs(status.podIPs).forEach((ip, i) =>
    ipErrors(str(ip.ip)).forEach((m) => errs.push(invalid(`status.podIPs[${i}]`, str(ip.ip), m))),
  );
  const seen = new Set<string>();
  recs(status.podIPs).forEach((ip, i) => {
    if (seen.has(str(ip.ip))) errs.push(duplicateRaw(`status.podIPs[${i}]`, `core.PodIP{IP:${goQuote(str(ip.ip))}}`));
    seen.add(str(ip.ip));
  });
  return errs;
}

export type { PodValidationOptions, ObjectMeta };
