import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { strategy, table } from './nodes.js';

const now = Date.parse('2025-05-01T12:00:00Z');
const node = (body: Partial<KObject> = {}, name = 'node-1'): KObject => {
  const obj = { apiVersion: 'v1', kind: 'Node', metadata: { name }, ...structuredClone(body) } as KObject;
  strategy.defaults!(obj);
  return obj;
};

test('node defaults: allocatable from capacity, canonical quantities, the structs Go always writes', () => {
  const n = node({ status: { capacity: { cpu: '4', memory: '8192Mi', pods: '110' } } });
  assert.deepEqual(n.spec, {});
  assert.deepEqual(n.status, {
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: '',
      osImage: '',
      containerRuntimeVersion: '',
      kubeletVersion: '',
      kubeProxyVersion: '',
      operatingSystem: '',
      architecture: '',
    },
  });
  assert.deepEqual(strategy.validate(n), []);
});

test('node validation messages', () => {
  assert.deepEqual(strategy.validate(node({}, 'Node_1')).length, 1);
  const withNs = node();
  withNs.metadata.namespace = 'default';
  assert.deepEqual(strategy.validate(withNs).map(fieldErrorString), [
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
  const tainted = node({
    spec: {
      taints: [
        { key: 'a', effect: 'Sometimes' },
        { key: 'b', effect: 'NoSchedule' },
        { key: 'b', effect: 'NoSchedule' },
      ],
    },
  });
  assert.deepEqual(strategy.validate(tainted).map(fieldErrorString), [
    'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'metadata.taints[2]: Duplicate value: core.Taint{Key:"b", Value:"", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
  ]);
  const old = node({ spec: { podCIDRs: ['10.0.0.0/24'], providerID: 'aws://1' } });
  old.metadata.resourceVersion = '1';
  const next = node({ spec: { podCIDRs: ['10.0.1.0/24'], providerID: 'aws://2' } });
  next.metadata.resourceVersion = '1';
  strategy.prepareForUpdate!(next, old, { now });
  assert.deepEqual(strategy.validateUpdate(next, old).map(fieldErrorString), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
});

test('node table', () => {
  assert.deepEqual(
    table.columns.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Status', 0],
      ['Roles', 0],
      ['Age', 0],
      ['Version', 0],
      ['Internal-IP', 1],
      ['External-IP', 1],
      ['OS-Image', 1],
      ['Kernel-Version', 1],
      ['Container-Runtime', 1],
    ],
  );
  const bare = node();
  assert.deepEqual(table.row(bare, now), [
    'node-1',
    'Unknown',
    '<none>',
    '<unknown>',
    '',
    '<none>',
    '<none>',
    '<unknown>',
    '<unknown>',
    '<unknown>',
  ]);
  const ready = node({
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'Ready', status: 'False' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.2' }],
      nodeInfo: {
        kubeletVersion: 'v1.33.1',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0',
        containerRuntimeVersion: 'containerd://1.7.0',
      },
    },
  });
  ready.metadata.labels = { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' };
  ready.metadata.creationTimestamp = '2025-04-01T12:00:00Z';
  assert.deepEqual(table.row(ready, now), [
    'node-1',
    'NotReady,SchedulingDisabled',
    'control-plane,worker',
    '30d',
    'v1.33.1',
    '10.0.0.2',
    '<none>',
    'Debian GNU/Linux 12 (bookworm)',
    '6.1.0',
    'containerd://1.7.0',
  ]);
});
