import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { buildTable } from '../printers/default.js';
import { imageTag } from './pod-defaults.js';
import { strategy, table } from './pods.js';
import { computePodQOS } from './qos.js';

const now = Date.parse('2025-05-01T12:00:00Z');

/** Loose access to decoded JSON in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Simulates the generic registry's create path for the parts a strategy owns (no admission plugins). */
function created(body: KObject): KObject {
  const obj = structuredClone(body);
  strategy.defaults!(obj);
  obj.metadata.uid = 'u';
  obj.metadata.creationTimestamp = '2025-05-01T11:58:00Z';
  strategy.prepareForCreate!(obj, { now });
  return obj;
}

const minimal = (): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'nginx', namespace: 'default' },
  spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
});

test('a minimal pod gets the scheme defaults and a Pending status', () => {
  const pod = created(minimal());
  // What kube-apiserver 1.33 stores before admission (the ServiceAccount, Priority and
  // DefaultTolerationSeconds plugins then add serviceAccountName, the token volume, priority and tolerations).
  assert.deepEqual(pod.spec, {
    containers: [
      {
        name: 'nginx',
        image: 'nginx',
        imagePullPolicy: 'Always',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      },
    ],
    enableServiceLinks: true,
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
  });
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
  assert.equal(pod.metadata.generation, 1);
  assert.deepEqual(strategy.validate(pod).map(fieldErrorString), []);
});

test('container, volume and probe defaults', () => {
  const pod = created({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      hostNetwork: true,
      serviceAccount: 'builder',
      volumes: [
        { name: 'a' },
        { name: 'b', secret: { secretName: 's' } },
        { name: 'c', hostPath: { path: '/x' } },
        {
          name: 'd',
          projected: {
            sources: [
              { serviceAccountToken: { path: 'token' } },
              { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      ],
      containers: [
        {
          name: 'c',
          image: 'registry.example.com:5000/app:1.2',
          ports: [{ containerPort: 8080 }],
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          resources: { limits: { cpu: '0.5', memory: '1024Mi' } },
          livenessProbe: { httpGet: { port: 8080 } },
          readinessProbe: { grpc: { port: 9000 } },
        },
      ],
    },
  });
  const spec = pod.spec as Json;
  assert.deepEqual(spec.volumes, [
    { name: 'a', emptyDir: {} },
    { name: 'b', secret: { secretName: 's', defaultMode: 420 } },
    { name: 'c', hostPath: { path: '/x', type: '' } },
    {
      name: 'd',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
          { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace', apiVersion: 'v1' } }] } },
        ],
      },
    },
  ]);
  const c = spec.containers[0];
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c.ports, [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
  assert.equal(c.env[0].valueFrom.fieldRef.apiVersion, 'v1');
  // Requests default to limits; quantities are canonical.
  assert.deepEqual(c.resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
  assert.deepEqual(c.livenessProbe, {
    httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.equal(c.readinessProbe.grpc.service, '');
  // The deprecated serviceAccount field is an alias, written back as a copy.
  assert.equal(spec.serviceAccountName, 'builder');
  assert.equal(spec.serviceAccount, 'builder');
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' });
});

test('image pull policy follows the tag', () => {
  const cases: Array<[string, string]> = [
    ['nginx', 'latest'],
    ['nginx:latest', 'latest'],
    ['nginx:1.25', '1.25'],
    ['localhost:5000/nginx', 'latest'],
    ['nginx@sha256:abc', ''],
    ['nginx:1@sha256:abc', '1'],
  ];
  for (const [image, tag] of cases) assert.equal(imageTag(image), tag, image);
});

test('QoS classes', () => {
  const withResources = (...rs: Array<Record<string, unknown>>): KObject => ({
    metadata: {},
    spec: { containers: rs.map((resources, i) => ({ name: `c${i}`, image: 'x', resources })) },
  });
  assert.equal(computePodQOS(withResources({})), 'BestEffort');
  assert.equal(computePodQOS(withResources({ requests: { cpu: '0' } })), 'BestEffort');
  assert.equal(computePodQOS(withResources({ requests: { cpu: '100m' } })), 'Burstable');
  assert.equal(
    computePodQOS(withResources({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } })),
    'Guaranteed',
  );
  assert.equal(
    computePodQOS(withResources({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } })),
    'Guaranteed',
  );
  assert.equal(
    computePodQOS(withResources({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } })),
    'Burstable',
  );
  assert.equal(computePodQOS(withResources({ limits: { cpu: '1' }, requests: { cpu: '1' } })), 'Burstable');
  assert.equal(computePodQOS(withResources({ limits: { cpu: '1', memory: '1Gi' } }, {})), 'Burstable');
  assert.equal(computePodQOS(withResources({ requests: { 'example.com/gpu': '1' } })), 'BestEffort');
});

test('updates keep status, count spec changes in generation, and reject spec changes', () => {
  const old = created(minimal());
  old.metadata.resourceVersion = '3';
  const next = structuredClone(old);
  (next.spec as Json).containers[0].image = 'nginx:1.27';
  next.status = { phase: 'Running' };
  next.metadata.generation = 7;
  strategy.prepareForUpdate!(next, old, { now });
  assert.deepEqual(next.status, old.status);
  assert.equal(next.metadata.generation, 2);
  assert.deepEqual(strategy.validateUpdate(next, old).map(fieldErrorString), []);

  const bad = structuredClone(old);
  (bad.spec as Json).schedulerName = 'other';
  strategy.prepareForUpdate!(bad, old, { now });
  const errs = strategy.validateUpdate(bad, old);
  assert.equal(errs.length, 1);
  assert.match(fieldErrorString(errs[0]!), /^spec: Forbidden: pod updates may not change fields other than /);
});

test('scheduling gates put a SchedulingGated condition on new pods', () => {
  const body = minimal();
  (body.spec as Json).schedulingGates = [{ name: 'example.com/wait' }];
  const pod = created(body);
  assert.deepEqual(pod.status, {
    phase: 'Pending',
    qosClass: 'BestEffort',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: '2025-05-01T12:00:00Z',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
      },
    ],
  });
  assert.deepEqual(table.row(pod, now).slice(0, 3), ['nginx', '0/1', 'SchedulingGated']);
});

test('pod table rows', () => {
  const pod = created(minimal());
  assert.deepEqual(
    table.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ],
  );
  assert.deepEqual(table.row(pod, now), ['nginx', '0/1', 'Pending', '0', '2m', '<none>', '<none>', '<none>', '<none>']);

  const running = structuredClone(pod);
  running.spec = {
    ...(running.spec as object),
    nodeName: 'node-1',
    readinessGates: [{ conditionType: 'example.com/ready' }],
  };
  running.status = {
    phase: 'Running',
    podIPs: [{ ip: '10.0.0.5' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      {
        name: 'nginx',
        ready: true,
        restartCount: 3,
        state: { running: { startedAt: '2025-05-01T11:59:00Z' } },
        lastState: { terminated: { exitCode: 1, finishedAt: '2025-05-01T11:55:00Z' } },
      },
    ],
  };
  assert.deepEqual(table.row(running, now), [
    'nginx',
    '1/1',
    'Running',
    '3 (5m ago)',
    '2m',
    '10.0.0.5',
    'node-1',
    '<none>',
    '0/1',
  ]);

  const crashing = structuredClone(running);
  (crashing.status as Json).containerStatuses[0] = {
    name: 'nginx',
    ready: false,
    restartCount: 0,
    state: { waiting: { reason: 'CrashLoopBackOff' } },
  };
  assert.equal(table.row(crashing, now)[2], 'CrashLoopBackOff');

  const deleting = structuredClone(running);
  deleting.metadata.deletionTimestamp = '2025-05-01T12:00:00Z';
  assert.equal(table.row(deleting, now)[2], 'Terminating');

  const done = structuredClone(pod);
  done.status = { phase: 'Succeeded' };
  const t = buildTable(table, [done], { now, resourceVersion: '9', includeObject: 'None' });
  assert.deepEqual(t.rows, [
    {
      cells: ['nginx', '0/1', 'Succeeded', '0', '2m', '<none>', '<none>', '<none>', '<none>'],
      conditions: [
        { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
      ],
      object: null,
    },
  ]);
});
