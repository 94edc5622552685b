// Pods (pkg/registry/core/pod/strategy.go and the pod printer). kubeauth stores pods but runs none: created pods
// stay Pending with the QoS class the API server computes.
import { hasKey } from '../../api/ownkeys.js';
import type { KObject } from '../../api/types.js';
import type { SelectableFields } from '../resource.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { isDNS1123Label } from '../../api/validation/names.js';
import { semanticEqual } from '../../api/validation/objectmeta.js';
import { validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from '../../api/validation/pod.js';
import { type Rec, arr, rec, recs, str } from '../../api/validation/util.js';
import type { ResourceStrategy } from '../types.js';
import {
  rfc3339UTC,
  ageColumn,
  nameColumn,
  type ConditionalTablePrinter,
  type TableRowCondition,
} from '../printers/default.js';
import {
  podSpecNodeName,
  podSpecReadinessGates,
  podStatusNominatedNodeName,
  podStatusPodIP,
} from '../printers/descriptions.js';
import { age } from '../printers/duration.js';
import { keepGeneration } from './common.js';
import { defaultPod, syncDeprecatedServiceAccount } from './pod-defaults.js';
import { computePodQOS } from './qos.js';

/** applySchedulingGatedCondition: a gated pod is created with PodScheduled=False/SchedulingGated. */
function applySchedulingGatedCondition(pod: KObject, now: number): void {
  const spec = rec(pod.spec) ?? {};
  if (!arr(spec.schedulingGates).length) return;
  const status = rec(pod.status)!;
  const conditions = recs(status.conditions);
  if (conditions.some((c) => c.type === 'PodScheduled')) return;
  status.conditions = [
    ...conditions,
    {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: rfc3339UTC(new Date(now).toISOString()),
      reason: 'SchedulingGated',
      message: 'Scheduling is blocked due to non-empty scheduling gates',
    },
  ];
}

/** A few of podutil.GetWarningsForPod's warnings, for the mistakes people make by hand. */
function podWarnings(pod: KObject): string[] {
  const warnings: string[] = [];
  const msgs = isDNS1123Label(pod.metadata.name ?? '');
  if (msgs.length)
    warnings.push(
      `metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`,
    );
  const annotations = pod.metadata.annotations ?? {};
  if ('seccomp.security.alpha.kubernetes.io/pod' in annotations)
    warnings.push(
      'metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: non-functional in v1.27+; use the "seccompProfile" field instead',
    );
  for (const k of Object.keys(annotations))
    if (k.startsWith('container.seccomp.security.alpha.kubernetes.io/'))
      warnings.push(`metadata.annotations[${k}]: non-functional in v1.27+; use the "seccompProfile" field instead`);
  const spec = rec(pod.spec) ?? {};
  const nodeSelector = rec(spec.nodeSelector) ?? {};
  const deprecatedLabels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'deprecated since v1.14; use "kubernetes.io/arch" instead',
    'beta.kubernetes.io/os': 'deprecated since v1.14; use "kubernetes.io/os" instead',
    'failure-domain.beta.kubernetes.io/region': 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
    'failure-domain.beta.kubernetes.io/zone': 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    'beta.kubernetes.io/instance-type': 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
  };
  for (const k of Object.keys(nodeSelector))
    if (hasKey(deprecatedLabels, k)) warnings.push(`spec.nodeSelector[${k}]: ${deprecatedLabels[k]}`);
  if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0)
    warnings.push(
      'spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1',
    );
  return warnings;
}

export const strategy: ResourceStrategy = {
  defaults(obj) {
    defaultPod(obj);
    if (!rec(obj.status)) obj.status = {};
  },
  prepareForCreate(obj, ctx) {
    // Generation starts at 1 and counts spec changes (1.33 sets it for every pod).
    obj.metadata.generation = 1;
    syncDeprecatedServiceAccount(obj);
    obj.status = { phase: 'Pending', qosClass: computePodQOS(obj) };
    applySchedulingGatedCondition(obj, ctx.now);
  },
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    syncDeprecatedServiceAccount(obj);
    obj.status = structuredClone(old.status);
    if (!semanticEqual(obj.spec, old.spec)) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  },
  validate(obj) {
    return createErrors(validatePodCreate(obj), obj.metadata, true);
  },
  validateUpdate(obj, old) {
    return updateErrors(validatePodUpdate(obj, old), obj.metadata, old.metadata, true);
  },
  warningsOnCreate: podWarnings,
};

/** pods/status: status changes only; spec and owner references stay, the QoS class is backfilled. */
export const statusStrategy: ResourceStrategy = {
  defaults: strategy.defaults,
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    obj.spec = structuredClone(old.spec);
    if (old.metadata.ownerReferences) obj.metadata.ownerReferences = structuredClone(old.metadata.ownerReferences);
    else delete obj.metadata.ownerReferences;
    const status = rec(obj.status) ?? (obj.status = {});
    if (!(status as Rec).qosClass) (status as Rec).qosClass = rec(old.status)?.qosClass;
    // An omitted observedGeneration keeps its old value.
    if (!(status as Rec).observedGeneration && rec(old.status)?.observedGeneration)
      (status as Rec).observedGeneration = rec(old.status)!.observedGeneration;
  },
  validate: strategy.validate,
  validateUpdate(obj, old) {
    return updateErrors(validatePodStatusUpdate(obj, old), obj.metadata, old.metadata, true);
  },
};

// --- table (printPod) ---

const podSuccessConditions: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const podFailedConditions: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

const isRestartable = (c: Rec | undefined) => c?.restartPolicy === 'Always';

function terminatedAt(status: Rec): number | undefined {
  const t = rec(rec(status.lastState)?.terminated);
  if (!t) return undefined;
  const ms = Date.parse(str(t.finishedAt));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The cells kubectl shows for a pod (always the wide set; kubectl drops priority-1 columns itself). */
export function podRow(pod: KObject, now: number): unknown[] {
  const spec = rec(pod.spec) ?? {};
  const status = rec(pod.status) ?? {};
  const conditions = recs(status.conditions);
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = recs(spec.containers).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined) =>
    b !== undefined && (a === undefined || b > a) ? b : a;

  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of conditions)
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const initContainers = new Map<string, Rec>();
  for (const c of recs(spec.initContainers)) {
    initContainers.set(str(c.name), c);
    if (isRestartable(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = recs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const count = typeof cs.restartCount === 'number' ? cs.restartCount : 0;
    restarts += count;
    lastRestart = later(lastRestart, terminatedAt(cs));
    const restartable = isRestartable(initContainers.get(str(cs.name)));
    if (restartable) {
      restartableInitRestarts += count;
      lastRestartableInitRestart = later(lastRestartableInitRestart, terminatedAt(cs));
    }
    const state = rec(cs.state) ?? {};
    const terminated = rec(state.terminated);
    const waiting = rec(state.waiting);
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      if (!str(terminated.reason)) {
        if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
        else reason = `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else reason = `Init:${str(terminated.reason)}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${recs(spec.initContainers).length}`;
    }
    initializing = true;
    break;
  }

  const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = recs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += typeof cs.restartCount === 'number' ? cs.restartCount : 0;
      lastRestart = later(lastRestart, terminatedAt(cs));
      const state = rec(cs.state) ?? {};
      const waiting = rec(state.waiting);
      const terminated = rec(state.terminated);
      if (waiting && str(waiting.reason)) reason = str(waiting.reason);
      else if (terminated && str(terminated.reason)) reason = str(terminated.reason);
      else if (terminated)
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (cs.ready === true && rec(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning)
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined)
    restartsText = `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)`;

  const podIP = str(recs(status.podIPs)[0]?.ip) || '<none>';
  const nodeName = str(spec.nodeName) || '<none>';
  const nominated = str(status.nominatedNodeName) || '<none>';
  let readinessGates = '<none>';
  const gates = recs(spec.readinessGates);
  if (gates.length) {
    let trueConditions = 0;
    for (const g of gates) {
      const c = conditions.find((x) => x.type === g.conditionType);
      if (c?.status === 'True') trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }
  return [
    pod.metadata.name ?? '',
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsText,
    age(pod.metadata.creationTimestamp, now),
    podIP,
    nodeName,
    nominated,
    readinessGates,
  ];
}

export const table: ConditionalTablePrinter = {
  columns: [
    nameColumn,
    {
      name: 'Ready',
      type: 'string',
      format: '',
      description: 'The aggregate readiness state of this pod for accepting traffic.',
      priority: 0,
    },
    {
      name: 'Status',
      type: 'string',
      format: '',
      description: 'The aggregate status of the containers in this pod.',
      priority: 0,
    },
    {
      name: 'Restarts',
      type: 'string',
      format: '',
      description:
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      priority: 0,
    },
    ageColumn,
    { name: 'IP', type: 'string', format: '', description: podStatusPodIP, priority: 1 },
    { name: 'Node', type: 'string', format: '', description: podSpecNodeName, priority: 1 },
    { name: 'Nominated Node', type: 'string', format: '', description: podStatusNominatedNodeName, priority: 1 },
    { name: 'Readiness Gates', type: 'string', format: '', description: podSpecReadinessGates, priority: 1 },
  ],
  row: podRow,
  conditions(pod) {
    const phase = str(rec(pod.status)?.phase);
    if (phase === 'Succeeded') return podSuccessConditions;
    if (phase === 'Failed') return podFailedConditions;
    return undefined;
  },
};

/**
 * ToSelectableFields (pkg/registry/core/pod/strategy.go): hostNetwork is FormatBool (unset is "false"), podIP is
 * podIPs[0], and status.podIPs, though its label converts, is not in the set, so it is always "".
 */
export const selectableFields: SelectableFields = {
  'spec.hostNetwork': (obj) => String(rec(obj.spec)?.hostNetwork === true),
  'status.podIP': (obj) => str(recs(rec(obj.status)?.podIPs)[0]?.ip),
  'status.podIPs': () => '',
};
