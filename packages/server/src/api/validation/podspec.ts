// ValidatePodSpec (pkg/apis/core/validation) for v1 pod specs, in kube-apiserver's order and wording. Fields
// the internal type keeps elsewhere are reported at the internal path (e.g. hostNetwork under securityContext).
import { type FieldError, forbidden, invalid, notSupported, required } from '../field.js';
import type { ObjectMeta } from '../types.js';
import { duplicate, validateDNS1123Label, validateDNS1123Subdomain, validateQualifiedName } from './common.js';
import {
  type ContainerContext,
  type PodValidationOptions,
  validateAppArmorProfileField,
  validateContainers,
  validateEphemeralContainers,
  validateInitContainers,
  validateResourceRequirements,
  validateSeccompProfileField,
} from './containers.js';
import { ipErrors } from './ip.js';
import {
  inclusiveRangeError,
  isDNS1123Subdomain,
  isDNS1123SubdomainWithUnderscore,
  isValidGroupID,
  isValidLabelValue,
  isValidUserID,
  nameIsDNSSubdomain,
} from './names.js';
import { validateLabelName, validateLabels } from './objectmeta.js';
import { type Rec, arr, rec, recs, str, strMap } from './util.js';
import { validateVolumes } from './volumes.js';

const maxInt32 = 2147483647;

function validateRestartPolicy(policy: string, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'OnFailure' || policy === 'Never') return [];
  if (!policy) return [required(path)];
  return [notSupported(path, policy, ['Always', 'OnFailure', 'Never'])];
}

function validateDNSPolicy(policy: string, path: string): FieldError[] {
  const valid = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (valid.includes(policy)) return [];
  if (!policy) return [required(path)];
  return [notSupported(path, policy, valid)];
}

function validatePreemptionPolicy(policy: string, path: string): FieldError[] {
  if (policy === 'PreemptLowerPriority' || policy === 'Never') return [];
  if (!policy) return [required(path)];
  return [notSupported(path, policy, ['PreemptLowerPriority', 'Never'])];
}

const isValidSysctlName = (name: string) =>
  Buffer.byteLength(name) <= 253 && /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(name);
const netSysctlPrefixes = ['net.'];
const ipcSysctls = [
  'kernel.shm_rmid_forced',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
];

function validatePodSecurityContext(spec: Rec, path: string): FieldError[] {
  const sc = rec(spec.securityContext);
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const [field, check] of [
    ['fsGroup', isValidGroupID],
    ['runAsUser', isValidUserID],
    ['runAsGroup', isValidGroupID],
  ] as const) {
    const v = sc[field];
    if (typeof v === 'number') for (const m of check(v)) errs.push(invalid(`${path}.${field}`, v, m));
  }
  arr(sc.supplementalGroups).forEach((g, i) => {
    if (typeof g === 'number')
      for (const m of isValidGroupID(g)) errs.push(invalid(`${path}.supplementalGroups[${i}]`, g, m));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true)
    errs.push(
      invalid(`${path}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'),
    );
  const sysctls = recs(sc.sysctls);
  if (sysctls.length) {
    const names = new Set<string>();
    sysctls.forEach((s, i) => {
      const name = str(s.name);
      const p = `${path}.sysctls[${i}].name`;
      if (!name) errs.push(required(p));
      else if (!isValidSysctlName(name))
        errs.push(
          invalid(
            p,
            name,
            'must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$',
          ),
        );
      else if (names.has(name)) errs.push(duplicate(p, name));
      const canonical = name.replaceAll('/', '.');
      if (spec.hostNetwork === true && netSysctlPrefixes.some((pre) => canonical.startsWith(pre)))
        errs.push(invalid(p, name, "may not be specified when 'hostNetwork' is true"));
      else if (spec.hostIPC === true && (ipcSysctls.includes(canonical) || canonical.startsWith('fs.mqueue.')))
        errs.push(invalid(p, name, "may not be specified when 'hostIPC' is true"));
      names.add(name);
    });
  }
  if (typeof sc.fsGroupChangePolicy === 'string' && !['Always', 'OnRootMismatch'].includes(sc.fsGroupChangePolicy))
    errs.push(notSupported(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  errs.push(...validateSeccompProfileField(rec(sc.seccompProfile), `${path}.seccompProfile`));
  errs.push(...validateAppArmorProfileField(rec(sc.appArmorProfile), `${path}.appArmorProfile`));
  if (typeof sc.supplementalGroupsPolicy === 'string' && !['Merge', 'Strict'].includes(sc.supplementalGroupsPolicy))
    errs.push(notSupported(`${path}.supplementalGroupsPolicy`, sc.supplementalGroupsPolicy, ['Merge', 'Strict']));
  if (typeof sc.seLinuxChangePolicy === 'string' && !['MountOption', 'Recursive'].includes(sc.seLinuxChangePolicy))
    errs.push(notSupported(`${path}.seLinuxChangePolicy`, sc.seLinuxChangePolicy, ['MountOption', 'Recursive']));
  return errs;
}

// --- affinity ---

function validateLabelSelector(sel: Rec | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(strMap(sel.matchLabels), `${path}.matchLabels`);
  recs(sel.matchExpressions).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const op = str(e.operator);
    const values = arr(e.values).map(String);
    if (op === 'In' || op === 'NotIn') {
      if (!values.length) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length)
        errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else errs.push(invalid(`${p}.operator`, op, 'not a valid selector operator'));
    errs.push(...validateLabelName(str(e.key), `${p}.key`));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(v)) errs.push(invalid(`${p}.values[${j}]`, v, m));
    });
  });
  return errs;
}

function validateNodeSelectorTerm(term: Rec, allowInvalidValues: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(term.matchExpressions).forEach((rq, j) => {
    const p = `${path}.matchExpressions[${j}]`;
    const op = str(rq.operator);
    const values = arr(rq.values).map(String);
    if (op === 'In' || op === 'NotIn') {
      if (!values.length) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length)
        errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else if (op === 'Gt' || op === 'Lt') {
      if (values.length !== 1)
        errs.push(required(`${p}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
    } else errs.push(invalid(`${p}.operator`, op, 'not a valid selector operator'));
    errs.push(...validateLabelName(str(rq.key), `${p}.key`));
    if (!allowInvalidValues)
      values.forEach((v, k) => {
        for (const m of isValidLabelValue(v)) errs.push(invalid(`${p}.values[${k}]`, v, m));
      });
  });
  recs(term.matchFields).forEach((rq, j) => {
    const p = `${path}.matchFields[${j}]`;
    const op = str(rq.operator);
    const values = arr(rq.values).map(String);
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1)
        errs.push(
          required(`${p}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"),
        );
    } else errs.push(invalid(`${p}.operator`, op, 'not a valid selector operator'));
    if (str(rq.key) !== 'metadata.name') errs.push(invalid(`${p}.key`, str(rq.key), 'not a valid field selector key'));
    else
      values.forEach((v, k) =>
        nameIsDNSSubdomain(v, false).forEach((m) => errs.push(invalid(`${p}.values[${k}]`, v, m))),
      );
  });
  return errs;
}

function validatePodAffinityTerm(term: Rec, path: string): FieldError[] {
  const errs = [
    ...validateLabelSelector(rec(term.labelSelector), `${path}.labelSelector`),
    ...validateLabelSelector(rec(term.namespaceSelector), `${path}.namespaceSelector`),
  ];
  for (const ns of arr(term.namespaces).map(String))
    for (const m of validateDNS1123Label(ns, `${path}.namespace`)) errs.push(m);
  for (const kind of ['matchLabelKeys', 'mismatchLabelKeys']) {
    const keys = arr(term[kind]).map(String);
    if (!keys.length) continue;
    if (!term.labelSelector)
      errs.push(forbidden(`${path}.${kind}`, 'must not be specified when labelSelector is not set'));
    else keys.forEach((k, i) => errs.push(...validateLabelName(k, `${path}.${kind}[${i}]`)));
  }
  const topologyKey = str(term.topologyKey);
  if (!topologyKey) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, `${path}.topologyKey`));
  return errs;
}

function validatePodAffinityTerms(group: Rec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(group.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
    errs.push(...validatePodAffinityTerm(t, `${path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
  );
  recs(group.preferredDuringSchedulingIgnoredDuringExecution).forEach((w, i) => {
    const p = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const weight = typeof w.weight === 'number' ? w.weight : 0;
    if (weight <= 0 || weight > 100) errs.push(invalid(`${p}.weight`, weight, 'must be in the range 1-100'));
    errs.push(...validatePodAffinityTerm(rec(w.podAffinityTerm) ?? {}, `${p}.podAffinityTerm`));
  });
  return errs;
}

function validateAffinity(affinity: Rec | undefined, path: string): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const na = rec(affinity.nodeAffinity);
  if (na) {
    const p = `${path}.nodeAffinity`;
    const req = rec(na.requiredDuringSchedulingIgnoredDuringExecution);
    if (req) {
      const termsPath = `${p}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
      const terms = recs(req.nodeSelectorTerms);
      if (!terms.length) errs.push(required(termsPath, 'must have at least one node selector term'));
      terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, false, `${termsPath}[${i}]`)));
    }
    recs(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const tp = `${p}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      const weight = typeof t.weight === 'number' ? t.weight : 0;
      if (weight <= 0 || weight > 100) errs.push(invalid(`${tp}.weight`, weight, 'must be in the range 1-100'));
      errs.push(...validateNodeSelectorTerm(rec(t.preference) ?? {}, true, `${tp}.preference`));
    });
  }
  const pa = rec(affinity.podAffinity);
  if (pa) errs.push(...validatePodAffinityTerms(pa, `${path}.podAffinity`));
  const paa = rec(affinity.podAntiAffinity);
  if (paa) errs.push(...validatePodAffinityTerms(paa, `${path}.podAntiAffinity`));
  return errs;
}

// --- tolerations, DNS, gates, topology spread ---

export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(tolerations).forEach((t, i) => {
    const p = `${path}[${i}]`;
    const key = str(t.key);
    const op = str(t.operator);
    const value = str(t.value);
    const effect = str(t.effect);
    if (key) errs.push(...validateLabelName(key, `${p}.key`));
    if (!key && op !== 'Exists')
      errs.push(
        invalid(
          `${p}.operator`,
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (typeof t.tolerationSeconds === 'number' && effect !== 'NoExecute')
      errs.push(invalid(`${p}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(invalid(`${p}.operator`, value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value) errs.push(invalid(`${p}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else errs.push(notSupported(`${p}.operator`, op, ['Equal', 'Exists']));
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect))
      errs.push(notSupported(`${p}.effect`, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  });
  return errs;
}

function validateDNSConfig(spec: Rec, path: string, opts: PodValidationOptions): FieldError[] {
  const dnsConfig = rec(spec.dnsConfig);
  if (spec.dnsPolicy === 'None') {
    if (!dnsConfig) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!arr(dnsConfig.nameservers).length)
      return [required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!dnsConfig) return [];
  const errs: FieldError[] = [];
  const nameservers = arr(dnsConfig.nameservers).map(String);
  if (nameservers.length > 3)
    errs.push(invalid(`${path}.nameservers`, nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => ipErrors(ns).forEach((m) => errs.push(invalid(`${path}.nameservers[${i}]`, ns, m))));
  const searches = arr(dnsConfig.searches).map(String);
  if (searches.length > 32) errs.push(invalid(`${path}.searches`, searches, 'must not have more than 32 search paths'));
  if (Buffer.byteLength(searches.join(' ')) > 2048)
    errs.push(
      invalid(
        `${path}.searches`,
        searches,
        'must not have more than 2048 characters (including spaces) in the search list',
      ),
    );
  searches.forEach((search, i) => {
    const p = `${path}.searches[${i}]`;
    if (opts.allowRelaxedDNSSearchValidation) {
      if (search !== '.') {
        const s = search.endsWith('.') ? search.slice(0, -1) : search;
        for (const m of isDNS1123SubdomainWithUnderscore(s)) errs.push(invalid(p, s, m));
      }
    } else {
      const s = search.endsWith('.') ? search.slice(0, -1) : search;
      for (const m of isDNS1123Subdomain(s)) errs.push(invalid(p, s, m));
    }
  });
  recs(dnsConfig.options).forEach((o, i) => {
    if (!str(o.name)) errs.push(required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

function validateTopologySpreadConstraints(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const all = recs(list);
  all.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const maxSkew = typeof c.maxSkew === 'number' ? c.maxSkew : 0;
    if (maxSkew <= 0) errs.push(invalid(`${p}.maxSkew`, maxSkew, 'must be greater than zero'));
    const topologyKey = str(c.topologyKey);
    if (!topologyKey) errs.push(required(`${p}.topologyKey`, 'can not be empty'));
    const action = str(c.whenUnsatisfiable);
    if (action !== 'DoNotSchedule' && action !== 'ScheduleAnyway')
      errs.push(notSupported(`${p}.whenUnsatisfiable`, action, ['DoNotSchedule', 'ScheduleAnyway']));
    if (all.slice(i + 1).some((o) => str(o.topologyKey) === topologyKey && str(o.whenUnsatisfiable) === action))
      errs.push(duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${topologyKey}, ${action}}`));
    if (typeof c.minDomains === 'number') {
      if (c.minDomains <= 0) errs.push(invalid(`${p}.minDomains`, c.minDomains, 'must be greater than zero'));
      if (action !== 'DoNotSchedule')
        errs.push(
          invalid(
            `${p}.minDomains`,
            c.minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`,
          ),
        );
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy'])
      if (typeof c[f] === 'string' && c[f] !== 'Honor' && c[f] !== 'Ignore')
        errs.push(notSupported(`${p}.${f}`, c[f], ['Honor', 'Ignore']));
    const keys = arr(c.matchLabelKeys).map(String);
    if (keys.length) {
      const sel = rec(c.labelSelector);
      if (!sel) errs.push(forbidden(`${p}.matchLabelKeys`, 'must not be specified when labelSelector is not set'));
      const selKeys = new Set([
        ...Object.keys(rec(sel?.matchLabels) ?? {}),
        ...recs(sel?.matchExpressions).map((e) => str(e.key)),
      ]);
      keys.forEach((k, j) => {
        errs.push(...validateLabelName(k, `${p}.matchLabelKeys[${j}]`));
        if (selKeys.has(k))
          errs.push(invalid(`${p}.matchLabelKeys[${j}]`, k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    errs.push(...validateLabelSelector(rec(c.labelSelector), `${p}.labelSelector`));
  });
  return errs;
}

function validateOS(spec: Rec, path: string): FieldError[] {
  const os = rec(spec.os);
  if (!os) return [];
  const name = str(os.name);
  if (!name) return [required(`${path}.name`, 'cannot be empty')];
  if (name !== 'linux' && name !== 'windows') return [notSupported(path, name, ['linux', 'windows'])];
  return [];
}

/** Containers of every kind with their field paths, in VisitContainersWithPath order. */
function eachContainer(spec: Rec, path: string, fn: (c: Rec, p: string) => void): void {
  recs(spec.initContainers).forEach((c, i) => fn(c, `${path}.initContainers[${i}]`));
  recs(spec.containers).forEach((c, i) => fn(c, `${path}.containers[${i}]`));
  recs(spec.ephemeralContainers).forEach((c, i) => fn(c, `${path}.ephemeralContainers[${i}]`));
}

function validateOSSpecific(spec: Rec, path: string): FieldError[] {
  const os = str(rec(spec.os)?.name);
  const errs: FieldError[] = [];
  const sc = rec(spec.securityContext);
  if (os === 'linux') {
    if (sc?.windowsOptions)
      errs.push(forbidden(`${path}.securityContext.windowsOptions`, 'windows options cannot be set for a linux pod'));
    eachContainer(spec, path, (c, p) => {
      if (rec(c.securityContext)?.windowsOptions)
        errs.push(forbidden(`${p}.securityContext.windowsOptions`, 'windows options cannot be set for a linux pod'));
    });
  } else if (os === 'windows') {
    const set = (v: unknown) => v !== undefined && v !== null;
    const checks: Array<[boolean, string]> = sc
      ? [
          [set(sc.appArmorProfile), 'securityContext.appArmorProfile'],
          [set(sc.seLinuxOptions), 'securityContext.seLinuxOptions'],
          [set(spec.hostUsers), 'hostUsers'],
          [spec.hostPID === true, 'hostPID'],
          [spec.hostIPC === true, 'hostIPC'],
          [set(sc.seccompProfile), 'securityContext.seccompProfile'],
          [set(sc.fsGroup), 'securityContext.fsGroup'],
          [set(sc.fsGroupChangePolicy), 'securityContext.fsGroupChangePolicy'],
          [arr(sc.sysctls).length > 0, 'securityContext.sysctls'],
          [set(spec.shareProcessNamespace), 'shareProcessNamespace'],
          [set(sc.runAsUser), 'securityContext.runAsUser'],
          [set(sc.runAsGroup), 'securityContext.runAsGroup'],
          [set(sc.supplementalGroups), 'securityContext.supplementalGroups'],
          [set(sc.supplementalGroupsPolicy), 'securityContext.supplementalGroupsPolicy'],
          [set(sc.seLinuxChangePolicy), 'securityContext.seLinuxChangePolicy'],
        ]
      : [];
    for (const [bad, p] of checks) if (bad) errs.push(forbidden(`${path}.${p}`, 'cannot be set for a windows pod'));
    const ctrForbidden = [
      'appArmorProfile',
      'seLinuxOptions',
      'seccompProfile',
      'capabilities',
      'readOnlyRootFilesystem',
      'privileged',
      'allowPrivilegeEscalation',
      'procMount',
      'runAsUser',
      'runAsGroup',
    ];
    eachContainer(spec, path, (c, p) => {
      const csc = rec(c.securityContext);
      if (!csc) return;
      for (const f of ctrForbidden)
        if (csc[f] !== undefined && csc[f] !== null)
          errs.push(forbidden(`${p}.securityContext.${f}`, 'cannot be set for a windows pod'));
    });
  }
  return errs;
}

/** ValidatePodSpec. `podMeta` is the pod's metadata (undefined for templates). */
export function validatePodSpec(
  spec: Rec,
  podMeta: ObjectMeta | undefined,
  path: string,
  opts: PodValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const gracePeriod =
    typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : undefined;
  if (gracePeriod === undefined) errs.push(required(`${path}.terminationGracePeriodSeconds`));
  const hostUsers = spec.hostUsers !== false;
  const { vols, errs: vErrs } = validateVolumes(spec.volumes, `${path}.volumes`, {
    allowNonLocalProjectedTokenPath: opts.allowNonLocalProjectedTokenPath,
    podName: podMeta?.name,
  });
  errs.push(...vErrs);
  const podClaimNames = new Set(
    recs(spec.resourceClaims)
      .map((c) => str(c.name))
      .filter(Boolean),
  );
  errs.push(...validatePodResourceClaims(spec.resourceClaims, `${path}.resourceClaims`));
  const ctx: ContainerContext = {
    vols,
    podClaimNames,
    gracePeriod,
    podRestartPolicy: str(spec.restartPolicy),
    hostUsers,
    opts,
  };
  errs.push(...validateContainers(spec.containers, `${path}.containers`, ctx));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, `${path}.initContainers`, ctx));
  errs.push(
    ...validateEphemeralContainers(
      spec.ephemeralContainers,
      spec.containers,
      spec.initContainers,
      `${path}.ephemeralContainers`,
      ctx,
    ),
  );
  // hostNetwork: a pod's host ports must equal its container ports.
  if (spec.hostNetwork === true)
    recs(spec.containers).forEach((c, i) =>
      recs(c.ports).forEach((port, j) => {
        const hp = typeof port.hostPort === 'number' ? port.hostPort : 0;
        const cp = typeof port.containerPort === 'number' ? port.containerPort : 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp)
          errs.push(
            invalid(
              `${path}.containers[${i}].ports[${j}].hostPort`,
              hp,
              'must match `containerPort` when `hostNetwork` is true',
            ),
          );
      }),
    );
  errs.push(...validateRestartPolicy(str(spec.restartPolicy), `${path}.restartPolicy`));
  errs.push(...validateDNSPolicy(str(spec.dnsPolicy), `${path}.dnsPolicy`));
  errs.push(...validateLabels(strMap(spec.nodeSelector), `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(spec, `${path}.securityContext`));
  errs.push(...validateAffinity(rec(spec.affinity), `${path}.affinity`));
  errs.push(...validateDNSConfig(spec, `${path}.dnsConfig`, opts));
  recs(spec.readinessGates).forEach((g, i) =>
    errs.push(...validateQualifiedName(str(g.conditionType), `${path}.readinessGates[${i}].conditionType`)),
  );
  const seenGates = new Set<string>();
  recs(spec.schedulingGates).forEach((g, i) => {
    const name = str(g.name);
    errs.push(...validateQualifiedName(name, `${path}.schedulingGates[${i}]`));
    if (seenGates.has(name)) errs.push(duplicate(`${path}.schedulingGates[${i}]`, name));
    seenGates.add(name);
  });
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  if (!hostUsers) {
    if (spec.hostNetwork === true) errs.push(forbidden(`${path}.hostNetwork`, 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostPID === true) errs.push(forbidden(`${path}.HostPID`, 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostIPC === true) errs.push(forbidden(`${path}.HostIPC`, 'when `pod.Spec.HostUsers` is false'));
  }
  const saName = str(spec.serviceAccountName);
  if (saName)
    for (const m of nameIsDNSSubdomain(saName, false)) errs.push(invalid(`${path}.serviceAccountName`, saName, m));
  const nodeName = str(spec.nodeName);
  if (nodeName)
    for (const m of nameIsDNSSubdomain(nodeName, false)) errs.push(invalid(`${path}.nodeName`, nodeName, m));
  if (typeof spec.activeDeadlineSeconds === 'number') {
    const v = spec.activeDeadlineSeconds;
    if (v < 1 || v > maxInt32) errs.push(invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, maxInt32)));
  }
  if (str(spec.hostname)) errs.push(...validateDNS1123Label(str(spec.hostname), `${path}.hostname`));
  if (str(spec.subdomain)) errs.push(...validateDNS1123Label(str(spec.subdomain), `${path}.subdomain`));
  if (arr(spec.tolerations).length) errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  recs(spec.hostAliases).forEach((ha, i) => {
    const ip = str(ha.ip);
    ipErrors(ip).forEach((m) => errs.push(invalid(`${path}.hostAliases[${i}].ip`, ip, m)));
    arr(ha.hostnames).forEach((h, j) =>
      errs.push(...validateDNS1123Subdomain(String(h), `${path}.hostAliases[${i}].hostnames[${j}]`)),
    );
  });
  const pcn = str(spec.priorityClassName);
  if (pcn) for (const m of nameIsDNSSubdomain(pcn, false)) errs.push(invalid(`${path}.priorityClassName`, pcn, m));
  if (typeof spec.runtimeClassName === 'string')
    for (const m of nameIsDNSSubdomain(spec.runtimeClassName, false))
      errs.push(invalid(`${path}.runtimeClassName`, spec.runtimeClassName, m));
  if (typeof spec.preemptionPolicy === 'string')
    errs.push(...validatePreemptionPolicy(spec.preemptionPolicy, `${path}.preemptionPolicy`));
  if (rec(spec.overhead))
    errs.push(...validateResourceRequirements({ limits: spec.overhead }, new Set(), `${path}.overhead`));
  if (rec(spec.os)) {
    const osErrs = validateOS(spec, `${path}.os`);
    errs.push(...(osErrs.length ? osErrs : validateOSSpecific(spec, path)));
  }
  return errs;
}

function validatePodResourceClaims(claims: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(claims).forEach((c, i) => {
    const p = `${path}[${i}]`;
    const name = str(c.name);
    if (!name) errs.push(required(`${p}.name`));
    else if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else {
      errs.push(...validateDNS1123Label(name, `${p}.name`));
      names.add(name);
    }
    const hasClaim = typeof c.resourceClaimName === 'string';
    const hasTemplate = typeof c.resourceClaimTemplateName === 'string';
    if (hasClaim && hasTemplate)
      errs.push(invalid(p, c, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    if (!hasClaim && !hasTemplate)
      errs.push(invalid(p, c, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    for (const f of ['resourceClaimName', 'resourceClaimTemplateName'])
      if (typeof c[f] === 'string')
        for (const m of nameIsDNSSubdomain(c[f] as string, false)) errs.push(invalid(`${p}.${f}`, c[f], m));
  });
  return errs;
}
