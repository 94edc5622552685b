import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import { applyPatch, type ApplyOptions } from './apply.js';
import type { JsonObject } from './json.js';
import { updateManagedFields } from './managedfields.js';
import { catchStatus, resolver } from './testing.js';

const T0 = new Date('2024-05-01T10:00:00.500Z');
const T1 = new Date('2024-05-01T10:05:00Z');
const T2 = new Date('2024-05-01T10:10:00Z');
const cmOwn = { resolver, schemaName: 'ConfigMap', apiVersion: 'v1', kind: 'ConfigMap' };
const podOwn = { resolver, schemaName: 'Pod', apiVersion: 'v1', kind: 'Pod', resetFields: [[{ field: 'status' }]] };

function cm(data: Record<string, string>, labels?: Record<string, string>): JsonObject {
  const metadata: JsonObject = { name: 'cm', namespace: 'default' };
  if (labels) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

function apply(live: KObject | undefined, config: JsonObject, manager: string, now = T0, force = false, own = cmOwn) {
  return applyPatch({ ...own, live, config, manager, force, now } as ApplyOptions);
}

/** What storage adds on create. */
function stored(o: KObject): KObject {
  return {
    ...o,
    metadata: { ...o.metadata, uid: 'uid-1', resourceVersion: '1', creationTimestamp: '2024-05-01T10:00:00Z' },
  };
}

test('first apply creates the object and records the applier', () => {
  const r = apply(undefined, cm({ a: '1', b: '2' }, { app: 'x' }), 'kubectl');
  assert.equal(r.changed, true);
  assert.deepEqual(r.object, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'cm',
      namespace: 'default',
      labels: { app: 'x' },
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'v1',
          time: '2024-05-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
        },
      ],
    },
    data: { a: '1', b: '2' },
  });
  assert.deepEqual(r.managedFields, r.object.metadata.managedFields);
});

test('re-applying without a field removes it (when nobody else owns it)', () => {
  const live = stored(apply(undefined, cm({ a: '1', b: '2' }, { app: 'x' }), 'kubectl').object);
  const r = apply(live, cm({ a: '1' }), 'kubectl', T1);
  assert.deepEqual(r.object.data, { a: '1' });
  assert.equal(r.object.metadata.labels, undefined);
  assert.equal(r.object.metadata.uid, 'uid-1');
  assert.deepEqual(r.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: '2024-05-01T10:05:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:a': {} } },
    },
  ]);
});

test('a no-op apply changes nothing, not even the time', () => {
  const live = stored(apply(undefined, cm({ a: '1' }), 'kubectl').object);
  const r = apply(live, cm({ a: '1' }), 'kubectl', T1);
  assert.equal(r.changed, false);
  assert.deepEqual(r.object, live);
});

test('changing a field another applier owns conflicts, with kube-apiserver’s 409', () => {
  const live = stored(apply(undefined, cm({ a: '1', b: '2' }), 'kubectl').object);
  const e = catchStatus(() => apply(live, cm({ a: 'changed' }), 'ci-bot', T1));
  assert.deepEqual(e.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Apply failed with 1 conflict: conflict with "kubectl": .data.a',
    reason: 'Conflict',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.data.a' }] },
    code: 409,
  });
});

test('conflicts with Update managers name the apiVersion; several conflicts are listed per manager', () => {
  // created by client-side apply (an Update), then edited by kubectl edit (another Update)
  const created = updateManagedFields({
    ...cmOwn,
    old: undefined,
    new: cm({ a: '1', b: '2', c: '3' }) as unknown as KObject,
    manager: 'kubectl-client-side-apply',
    now: T0,
  });
  const live1 = stored(created.object);
  const edited = structuredClone(live1);
  edited.data = { a: '1', b: '2', c: 'edited' };
  const live2 = updateManagedFields({ ...cmOwn, old: live1, new: edited, manager: 'kubectl-edit', now: T1 }).object;

  const one = catchStatus(() => apply(live2, cm({ a: 'x' }), 'mine', T2));
  assert.equal(
    one.status.message,
    'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a',
  );
  assert.deepEqual(one.status.details, {
    causes: [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-client-side-apply" using v1',
        field: '.data.a',
      },
    ],
  });

  const many = catchStatus(() => apply(live2, cm({ a: 'x', b: 'y', c: 'z' }), 'mine', T2));
  assert.equal(
    many.status.message,
    'Apply failed with 3 conflicts: conflicts with "kubectl-client-side-apply" using v1:\n- .data.a\n- .data.b\nconflicts with "kubectl-edit" using v1:\n- .data.c',
  );
  assert.deepEqual(
    many.status.details?.causes?.map((c) => c.field),
    ['.data.a', '.data.b', '.data.c'],
  );
});

test('force takes ownership of the conflicting fields only', () => {
  const live = stored(apply(undefined, cm({ a: '1', b: '2' }), 'kubectl').object);
  const r = apply(live, cm({ a: 'mine' }), 'ci-bot', T1, true);
  assert.deepEqual(r.object.data, { a: 'mine', b: '2' });
  assert.deepEqual(
    r.managedFields?.map((m) => [m.manager, m.fieldsV1]),
    [
      ['kubectl', { 'f:data': { 'f:b': {} } }],
      ['ci-bot', { 'f:data': { 'f:a': {} } }],
    ],
  );
});

test('applying the same value shares ownership; the field survives its first owner dropping it', () => {
  const live = stored(apply(undefined, cm({ a: '1', b: '2' }), 'kubectl').object);
  const shared = apply(live, cm({ a: '1' }), 'ci-bot', T1);
  assert.equal(shared.changed, false);
  assert.deepEqual(
    shared.managedFields?.map((m) => [m.manager, m.time, m.fieldsV1]),
    [
      // a no-op apply by a new manager records it without a time (so it sorts first), as kube-apiserver does
      ['ci-bot', undefined, { 'f:data': { 'f:a': {} } }],
      ['kubectl', '2024-05-01T10:00:00Z', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
    ],
  );
  const r = apply(shared.object, cm({ b: '2' }), 'kubectl', T2);
  assert.deepEqual(r.object.data, { a: '1', b: '2' });
});

test('an Update then an Apply: two entries, Apply first', () => {
  const created = updateManagedFields({
    ...cmOwn,
    old: undefined,
    new: cm({ a: '1' }) as unknown as KObject,
    manager: 'kubectl-create',
    now: T0,
  });
  const r = apply(stored(created.object), cm({ b: '2' }), 'kubectl', T1);
  assert.deepEqual(r.object.data, { a: '1', b: '2' });
  assert.deepEqual(r.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: '2024-05-01T10:05:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:b': {} } },
    },
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
    },
  ]);
});

test('an untracked object gets a "before-first-apply" owner on its first apply', () => {
  const live = stored(cm({ a: '1' }) as unknown as KObject);
  const r = apply(live, cm({ b: '2' }), 'kubectl', T1);
  assert.deepEqual(
    r.managedFields?.map((m) => [m.manager, m.operation, m.fieldsV1]),
    [
      ['kubectl', 'Apply', { 'f:data': { 'f:b': {} } }],
      ['before-first-apply', 'Update', { 'f:data': { '.': {}, 'f:a': {} } }],
    ],
  );
});

function pod(containers: JsonObject[], extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers, ...extra },
  };
}

test('list-maps merge by key, sets by value, atomic lists whole', () => {
  const first = apply(
    undefined,
    pod([{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }], args: ['a', 'b'] }], {
      tolerations: [{ key: 'k' }],
    }),
    'kubectl',
    T0,
    false,
    podOwn,
  );
  assert.deepEqual(first.managedFields?.[0]?.fieldsV1, {
    'f:spec': {
      'f:containers': {
        'k:{"name":"app"}': {
          '.': {},
          'f:args': {},
          'f:image': {},
          'f:name': {},
          'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
        },
      },
      'f:tolerations': {},
    },
  });
  const live = stored(first.object);
  // another manager adds a sidecar and a finalizer; the app container is untouched
  const second = apply(
    live,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', finalizers: ['x'] },
      spec: { containers: [{ name: 'sidecar', image: 'busybox' }] },
    },
    'injector',
    T1,
    false,
    podOwn,
  );
  const spec = second.object.spec as JsonObject;
  assert.deepEqual(
    (spec.containers as JsonObject[]).map((c) => c.name),
    ['app', 'sidecar'],
  );
  assert.deepEqual(second.object.metadata.finalizers, ['x']);
  assert.deepEqual(second.managedFields?.[1]?.fieldsV1, {
    'f:metadata': { 'f:finalizers': { 'v:"x"': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
  });
  // the first applier drops its container: it goes, the sidecar stays
  const third = apply(stored(second.object), pod([]), 'kubectl', T2, false, podOwn);
  assert.deepEqual(
    ((third.object.spec as JsonObject).containers as JsonObject[]).map((c) => c.name),
    ['sidecar'],
  );
  assert.equal((third.object.spec as JsonObject).tolerations, undefined);
  // changing an atomic list owned by someone else conflicts on the list as a whole
  const e = catchStatus(() =>
    apply(stored(first.object), pod([{ name: 'app', args: ['c'] }]), 'other', T1, false, podOwn),
  );
  assert.equal(
    e.status.message,
    'Apply failed with 1 conflict: conflict with "kubectl": .spec.containers[name="app"].args',
  );
});

test('kubectl: fields client-side apply set are taken over when last-applied still matches', () => {
  const LA = 'kubectl.kubernetes.io/last-applied-configuration';
  const cfg = cm({ a: '1', b: '2' });
  const withAnn = structuredClone(cfg);
  (withAnn.metadata as JsonObject).annotations = { [LA]: JSON.stringify(cfg) + '\n' };
  const live = stored(
    updateManagedFields({
      ...cmOwn,
      old: undefined,
      new: withAnn as unknown as KObject,
      manager: 'kubectl-client-side-apply',
      now: T0,
    }).object,
  );
  // kubectl apply --server-side with a changed value: allowed, the annotation follows the new config
  const r = apply(live, cm({ a: 'new', b: '2' }), 'kubectl', T1);
  assert.deepEqual(r.object.data, { a: 'new', b: '2' });
  assert.equal(
    r.object.metadata.annotations?.[LA],
    '{"apiVersion":"v1","data":{"a":"new","b":"2"},"kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"}}\n',
  );
  assert.deepEqual(
    r.managedFields?.map((m) => [m.manager, m.fieldsV1]),
    [
      ['kubectl', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
      [
        'kubectl-client-side-apply',
        { 'f:data': { '.': {}, 'f:b': {} }, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LA}`]: {} } } },
      ],
    ],
  );
  // but a value someone changed since the last client-side apply still conflicts
  const drifted = structuredClone(live);
  drifted.data = { a: 'drift', b: '2' };
  const e = catchStatus(() => apply(drifted, cm({ a: 'new', b: '2' }), 'kubectl', T1));
  assert.equal(
    e.status.message,
    'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a',
  );
});

test('invalid apply configurations', () => {
  let e = catchStatus(() => apply(undefined, { ...cm({}), apiVersion: 'v2' }, 'm'));
  assert.equal(e.code, 400);
  assert.equal(e.status.message, 'invalid object type: /v2, Kind=ConfigMap');
  e = catchStatus(() => apply(undefined, { ...cm({}), kind: 'Secret' }, 'm'));
  assert.equal(e.status.message, 'invalid object type: /v1, Kind=Secret');
  e = catchStatus(() => apply(undefined, { ...cm({}), metadata: { name: 'cm', managedFields: [] } }, 'm'));
  assert.equal(e.status.message, 'metadata.managedFields must be nil');
  e = catchStatus(() => apply(undefined, { ...cm({}), spec: { x: 1 } }, 'm'));
  assert.equal(e.code, 500);
  assert.equal(
    e.status.message,
    'failed to create typed patch object (default/cm; /v1, Kind=ConfigMap): .spec: field not declared in schema',
  );
  e = catchStatus(() => apply(undefined, pod([{ name: 'a' }, { name: 'a' }]), 'm', T0, false, podOwn));
  assert.equal(
    e.status.message,
    'failed to create typed patch object (default/p; /v1, Kind=Pod): .spec.containers: duplicate entries for key [name="a"]',
  );
  e = catchStatus(() => apply(undefined, pod([{ image: 'x' }]), 'm', T0, false, podOwn));
  assert.equal(
    e.status.message,
    'failed to create typed patch object (default/p; /v1, Kind=Pod): .spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
  );
  e = catchStatus(() => apply(undefined, { ...cm({}), immutable: 'yes' }, 'm'));
  assert.equal(
    e.status.message,
    'failed to create typed patch object (default/cm; /v1, Kind=ConfigMap): .immutable: expected boolean, got &{yes}',
  );
});

test('status is never owned through the main resource', () => {
  const r = apply(undefined, { ...pod([{ name: 'a' }]), status: { phase: 'Running' } }, 'm', T0, false, podOwn);
  assert.deepEqual(Object.keys(r.managedFields?.[0]?.fieldsV1 ?? {}), ['f:spec']);
});
