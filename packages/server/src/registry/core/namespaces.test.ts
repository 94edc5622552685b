import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { finalizeStrategy, statusStrategy, strategy, table } from './namespaces.js';

const now = Date.parse('2025-05-01T12:00:00Z');

function created(name: string, spec?: Record<string, unknown>): KObject {
  const obj: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, ...(spec ? { spec } : {}) };
  strategy.defaults!(obj);
  strategy.prepareForCreate!(obj, { now });
  return obj;
}

test('namespaces get the kubernetes finalizer, phase Active and the name label', () => {
  const ns = created('team-a');
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(strategy.validate(ns), []);
  const other = created('b', { finalizers: ['example.com/x'] });
  assert.deepEqual((other.spec as { finalizers: string[] }).finalizers, ['example.com/x', 'kubernetes']);
});

test('the name label follows the name, whatever the client sends', () => {
  const ns = created('team-a');
  ns.metadata.resourceVersion = '1';
  const next = structuredClone(ns);
  next.metadata.labels = { 'kubernetes.io/metadata.name': 'spoofed', x: 'y' };
  next.spec = { finalizers: [] };
  next.status = { phase: 'Terminating' };
  strategy.defaults!(next);
  strategy.prepareForUpdate!(next, ns, { now });
  assert.deepEqual(next.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a', x: 'y' });
  assert.deepEqual(next.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(next.status, { phase: 'Active' });
  assert.deepEqual(strategy.validateUpdate(next, ns), []);
});

test('namespace validation messages', () => {
  assert.deepEqual(strategy.validate(created('a.b')).map(fieldErrorString), [
    'metadata.name: Invalid value: "a.b": must not contain dots',
  ]);
  assert.deepEqual(strategy.validate(created('a', { finalizers: ['custom'] })).map(fieldErrorString), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  const withNs = created('a');
  withNs.metadata.namespace = 'x';
  assert.deepEqual(strategy.validate(withNs).map(fieldErrorString), [
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
});

test('status and finalize subresources', () => {
  const ns = created('a');
  ns.metadata.resourceVersion = '1';
  const st = structuredClone(ns);
  st.status = { phase: 'Terminating' };
  statusStrategy.prepareForUpdate!(st, ns, { now });
  assert.deepEqual(statusStrategy.validateUpdate(st, ns).map(fieldErrorString), [
    'status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty',
  ]);
  const fin = structuredClone(ns);
  fin.spec = { finalizers: [] };
  finalizeStrategy.prepareForUpdate!(fin, ns, { now });
  assert.deepEqual(fin.spec, { finalizers: [] });
  assert.deepEqual(finalizeStrategy.validateUpdate(fin, ns), []);
});

test('namespace table', () => {
  const ns = created('default');
  ns.metadata.creationTimestamp = '2025-05-01T11:59:30Z';
  assert.deepEqual(
    table.columns.map((c) => [c.name, c.description]),
    [
      [
        'Name',
        'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
      ],
      ['Status', 'The status of the namespace'],
      [
        'Age',
        'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
      ],
    ],
  );
  assert.deepEqual(table.row(ns, now), ['default', 'Active', '30s']);
});
