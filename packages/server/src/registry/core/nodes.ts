// Nodes (pkg/registry/core/node/strategy.go, ValidateNode/ValidateNodeUpdate and the node printer). Cluster
// scoped; status is writable on create (kubelets register that way) and only through /status afterwards.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import type { SelectableFields } from '../resource.js';
import { duplicate } from '../../api/validation/common.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { cidrErrors, isIPv6 } from '../../api/validation/ip.js';
import { isValidLabelValue, nameIsDNSSubdomain } from '../../api/validation/names.js';
import {
  semanticEqual,
  validateLabelName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../api/validation/objectmeta.js';
import { canonicalQuantity, formatQuantity, parseQuantity } from '../../api/validation/quantity.js';
import { type Rec, arr, rec, recs, str } from '../../api/validation/util.js';
import { duplicateRaw, invalidRaw } from '../../api/validation/values.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import {
  nodeStatusAddresses,
  nodeSystemInfoContainerRuntimeVersion,
  nodeSystemInfoKernelVersion,
  nodeSystemInfoKubeletVersion,
  nodeSystemInfoOSImage,
} from '../printers/descriptions.js';
import { age } from '../printers/duration.js';
import { ageColumn, nameColumn } from '../printers/default.js';
import { ensure, keepGeneration } from './common.js';
import { goQuote } from '../../gocompat/quote.js';

const nodeInfoFields = [
  'machineID',
  'systemUUID',
  'bootID',
  'kernelVersion',
  'osImage',
  'containerRuntimeVersion',
  'kubeletVersion',
  'kubeProxyVersion',
  'operatingSystem',
  'architecture',
];

function canonicalList(list: unknown): void {
  const r = rec(list);
  if (r) for (const k of Object.keys(r)) r[k] = canonicalQuantity(r[k], true);
}

/** SetObjectDefaults_Node plus the structs Go always writes (spec, daemonEndpoints, nodeInfo). */
function defaultNode(obj: KObject): void {
  ensure(obj, 'spec');
  const status = ensure(obj, 'status');
  if (rec(status.capacity) && !rec(status.allocatable)) status.allocatable = { ...rec(status.capacity)! };
  canonicalList(status.capacity);
  canonicalList(status.allocatable);
  const endpoints = ensure(status, 'daemonEndpoints');
  const kubelet = ensure(endpoints, 'kubeletEndpoint');
  if (typeof kubelet.Port !== 'number') kubelet.Port = 0;
  const info = ensure(status, 'nodeInfo');
  for (const f of nodeInfoFields) if (typeof info[f] !== 'string') info[f] = '';
}

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** validateNodeTaints. Note kube-apiserver reports these under metadata.taints. */
function validateNodeTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  recs(taints).forEach((t, i) => {
    const p = `${path}[${i}]`;
    const key = str(t.key);
    const value = str(t.value);
    const effect = str(t.effect);
    errs.push(...validateLabelName(key, `${p}.key`));
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(invalid(`${p}.value`, value, msgs.join(';')));
    if (!effect) errs.push(required(`${p}.effect`));
    else if (!taintEffects.includes(effect)) errs.push(notSupported(`${p}.effect`, effect, taintEffects));
    if (unique.get(effect)?.has(key)) {
      const added = t.timeAdded ? '(*v1.Time)(0xc000000000)' : '(*v1.Time)(nil)';
      const raw = `core.Taint{Key:${goQuote(key)}, Value:${goQuote(value)}, Effect:${goQuote(effect)}, TimeAdded:${added}}`;
      errs.push(duplicateRaw(p, raw, 'taints must be unique by key and effect pair'));
      return;
    }
    if (!unique.has(effect)) unique.set(effect, new Set());
    unique.get(effect)!.add(key);
  });
  return errs;
}

const integerResources = new Set(['pods']);

function validateNodeResources(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const status = rec(obj.status) ?? {};
  for (const field of ['capacity', 'allocatable']) {
    for (const [k, v] of Object.entries(rec(status[field]) ?? {})) {
      const q = parseQuantity(typeof v === 'number' ? v : str(v));
      if (!q) continue;
      const path = `status.${field}.${k}`;
      if (q.nano < 0n) errs.push(invalid(path, formatQuantity(q), 'must be greater than or equal to 0'));
      const extended = k.includes('/') && !k.includes('kubernetes.io/');
      if ((integerResources.has(k) || extended) && q.nano % 1_000_000_000n !== 0n)
        errs.push(invalidRaw(path, formatQuantity(q), 'must be an integer'));
    }
  }
  return errs;
}

function validatePodCIDRs(obj: KObject): FieldError[] {
  const cidrs = arr(rec(obj.spec)?.podCIDRs).map(String);
  if (!cidrs.length) return [];
  const errs: FieldError[] = [];
  const path = 'spec.podCIDRs';
  cidrs.forEach((c, i) => cidrErrors(c).forEach((m) => errs.push(invalid(`${path}[${i}]`, c, m))));
  if (cidrs.length > 1) {
    const v6 = cidrs.map((c) => isIPv6(c.split('/')[0]!));
    const dualStack = v6.some((x) => x) && v6.some((x) => !x);
    if (!dualStack || cidrs.length > 2)
      errs.push(invalid(path, cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(`${path}[${i}]`, c));
      seen.add(c);
    });
  }
  return errs;
}

function validateNode(obj: KObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const taints = rec(obj.spec)?.taints;
  if (arr(taints).length) errs.push(...validateNodeTaints(taints, 'metadata.taints'));
  errs.push(...validateNodeResources(obj));
  errs.push(...validatePodCIDRs(obj));
  return errs;
}

function validateNodeUpdate(obj: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateNodeResources(obj));
  const seen: Rec[] = [];
  recs(rec(obj.status)?.addresses).forEach((a, i) => {
    if (seen.some((s) => semanticEqual(s, a)))
      errs.push(
        duplicateRaw(
          `status.addresses[${i}]`,
          `core.NodeAddress{Type:${goQuote(str(a.type))}, Address:${goQuote(str(a.address))}}`,
        ),
      );
    seen.push(a);
  });
  const spec = rec(obj.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const oldCIDRs = arr(oldSpec.podCIDRs).map(String);
  const newCIDRs = arr(spec.podCIDRs).map(String);
  if (oldCIDRs.length) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbidden('spec.podCIDRs', msg));
    else oldCIDRs.forEach((c, i) => c !== newCIDRs[i] && errs.push(forbidden('spec.podCIDRs', msg)));
  }
  if (str(oldSpec.providerID) && oldSpec.providerID !== spec.providerID)
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  if (arr(spec.taints).length) errs.push(...validateNodeTaints(spec.taints, 'metadata.taints'));
  if (str(spec.externalID) !== str(oldSpec.externalID)) errs.push(forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

/** The deprecated spec.configSource is dropped unless the stored node already has one. */
function dropDisabledFields(obj: KObject, old: KObject | undefined): void {
  const spec = rec(obj.spec);
  if (spec?.configSource && !rec(old?.spec)?.configSource) delete spec.configSource;
}

export const strategy: ResourceStrategy = {
  defaults: defaultNode,
  prepareForCreate: (obj) => dropDisabledFields(obj, undefined),
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    obj.status = structuredClone(old.status);
    dropDisabledFields(obj, old);
  },
  validate(obj) {
    return createErrors(validateNode(obj), obj.metadata, false);
  },
  validateUpdate(obj, old) {
    return updateErrors(validateNodeUpdate(obj, old), obj.metadata, old.metadata, false);
  },
};

/** nodes/status: spec stays as stored. */
export const statusStrategy: ResourceStrategy = {
  defaults: defaultNode,
  prepareForUpdate(obj, old) {
    keepGeneration(obj, old);
    obj.spec = structuredClone(old.spec);
  },
  validate: strategy.validate,
  validateUpdate: strategy.validateUpdate,
};

// --- table (printNode) ---

const labelNodeRolePrefix = 'node-role.kubernetes.io/';

/** findNodeRoles: node-role.kubernetes.io/<role> labels and the kubernetes.io/role label, sorted. */
function nodeRoles(obj: KObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (k.startsWith(labelNodeRolePrefix)) {
      const role = k.slice(labelNodeRolePrefix.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

function address(obj: KObject, type: string): string {
  return str(recs(rec(obj.status)?.addresses).find((a) => a.type === type)?.address) || '<none>';
}

export function nodeRow(obj: KObject, now: number): unknown[] {
  const status = rec(obj.status) ?? {};
  const ready = recs(status.conditions).find((c) => c.type === 'Ready');
  const states = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (rec(obj.spec)?.unschedulable === true) states.push('SchedulingDisabled');
  const info = rec(status.nodeInfo) ?? {};
  return [
    obj.metadata.name ?? '',
    states.join(','),
    nodeRoles(obj).join(',') || '<none>',
    age(obj.metadata.creationTimestamp, now),
    str(info.kubeletVersion),
    address(obj, 'InternalIP'),
    address(obj, 'ExternalIP'),
    str(info.osImage) || '<unknown>',
    str(info.kernelVersion) || '<unknown>',
    str(info.containerRuntimeVersion) || '<unknown>',
  ];
}

export const table: TablePrinter = {
  columns: [
    nameColumn,
    { name: 'Status', type: 'string', format: '', description: 'The status of the node', priority: 0 },
    { name: 'Roles', type: 'string', format: '', description: 'The roles of the node', priority: 0 },
    ageColumn,
    { name: 'Version', type: 'string', format: '', description: nodeSystemInfoKubeletVersion, priority: 0 },
    { name: 'Internal-IP', type: 'string', format: '', description: nodeStatusAddresses, priority: 1 },
    { name: 'External-IP', type: 'string', format: '', description: nodeStatusAddresses, priority: 1 },
    { name: 'OS-Image', type: 'string', format: '', description: nodeSystemInfoOSImage, priority: 1 },
    { name: 'Kernel-Version', type: 'string', format: '', description: nodeSystemInfoKernelVersion, priority: 1 },
    {
      name: 'Container-Runtime',
      type: 'string',
      format: '',
      description: nodeSystemInfoContainerRuntimeVersion,
      priority: 1,
    },
  ],
  row: nodeRow,
};

/** NodeToSelectableFields (pkg/registry/core/node/strategy.go): fmt.Sprint of the bool, so unset is "false". */
export const selectableFields: SelectableFields = {
  'spec.unschedulable': (obj) => String(rec(obj.spec)?.unschedulable === true),
};
