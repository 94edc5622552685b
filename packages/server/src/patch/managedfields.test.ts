import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, ManagedFieldsEntry } from '../api/types.js';
import { decodeManagedFields, managerIdentifier, updateManagedFields } from './managedfields.js';
import { resolver } from './testing.js';

const cmOwn = { resolver, schemaName: 'ConfigMap', apiVersion: 'v1' };
const podOwn = { resolver, schemaName: 'Pod', apiVersion: 'v1', resetFields: [[{ field: 'status' }]] };
const at = (s: number): Date => new Date(Date.UTC(2024, 4, 1, 10, 0, s));

function cm(data: Record<string, string>, extra: Partial<KObject['metadata']> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default', ...extra },
    data,
  } as KObject;
}
const stored = (o: KObject): KObject => ({ ...o, metadata: { ...o.metadata, uid: 'u', resourceVersion: '1' } });
const entries = (mf: ManagedFieldsEntry[] | undefined) =>
  mf?.map((e) => [e.manager, e.operation, e.fieldsV1, e.subresource]);

test('create: the creator owns what it set; new maps carry "."', () => {
  const r = updateManagedFields({
    ...cmOwn,
    old: undefined,
    new: cm({ a: '1' }, { labels: { app: 'x' } }),
    manager: 'kubectl-create',
    now: at(1),
  });
  assert.deepEqual(r.managedFields, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2024-05-01T10:00:01Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
    },
  ]);
  assert.deepEqual(r.object.metadata.managedFields, r.managedFields);
});

test('create: fields present in the zero object (spec, required containers) get no "."', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
    status: { phase: 'Pending' },
  } as unknown as KObject;
  const r = updateManagedFields({ ...podOwn, old: undefined, new: pod, manager: 'kubectl-create', now: at(1) });
  assert.deepEqual(r.managedFields?.[0]?.fieldsV1, {
    'f:spec': {
      'f:containers': {
        'k:{"name":"c"}': {
          '.': {},
          'f:image': {},
          'f:name': {},
          'f:ports': {
            '.': {},
            'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} },
          },
        },
      },
    },
  });
  assert.equal((r.object as { status?: unknown }).status !== undefined, true, 'the object itself is not rewritten');
  assert.equal((r.object.spec as { nodeName?: string }).nodeName, undefined);
});

test('update: the writer takes over changed fields, removed fields are released', () => {
  const v1 = stored(
    updateManagedFields({ ...cmOwn, old: undefined, new: cm({ a: '1', b: '2' }), manager: 'creator', now: at(1) })
      .object,
  );
  const next = structuredClone(v1);
  next.data = { a: 'changed', c: '3' };
  const r = updateManagedFields({ ...cmOwn, old: v1, new: next, manager: 'editor', now: at(2) });
  assert.deepEqual(entries(r.managedFields), [
    // the data map itself stays owned by its creator (Go prints a bare member as {})
    ['creator', 'Update', { 'f:data': {} }, undefined],
    ['editor', 'Update', { 'f:data': { 'f:a': {}, 'f:c': {} } }, undefined],
  ]);
  assert.deepEqual(r.object.data, { a: 'changed', c: '3' });
});

test('update: a no-op write by a new manager adds no entry; the manager name defaults to "unknown"', () => {
  const v1 = stored(
    updateManagedFields({ ...cmOwn, old: undefined, new: cm({ a: '1' }), manager: 'creator', now: at(1) }).object,
  );
  const same = updateManagedFields({ ...cmOwn, old: v1, new: structuredClone(v1), manager: 'other', now: at(2) });
  assert.deepEqual(same.managedFields, v1.metadata.managedFields);
  const next = structuredClone(v1);
  next.data = { a: '2' };
  const anon = updateManagedFields({ ...cmOwn, old: v1, new: next, manager: '', now: at(2) });
  assert.deepEqual(
    anon.managedFields?.map((e) => e.manager),
    ['creator', 'unknown'],
  );
});

test('an existing object without managedFields stays untracked; [] or [{}] resets tracking', () => {
  const untracked = stored(cm({ a: '1' }));
  const next = structuredClone(untracked);
  next.data = { a: '2' };
  const r = updateManagedFields({ ...cmOwn, old: untracked, new: next, manager: 'm', now: at(1) });
  assert.equal(r.managedFields, undefined);
  assert.equal(r.object.metadata.managedFields, undefined);

  const tracked = stored(
    updateManagedFields({ ...cmOwn, old: undefined, new: cm({ a: '1' }), manager: 'c', now: at(1) }).object,
  );
  for (const reset of [[], [{}]] as ManagedFieldsEntry[][]) {
    const req = structuredClone(tracked);
    req.metadata.managedFields = reset;
    assert.equal(
      updateManagedFields({ ...cmOwn, old: tracked, new: req, manager: 'm', now: at(2) }).managedFields,
      undefined,
    );
  }
});

test('managedFields sent by the client are used; invalid ones fall back to the stored ones', () => {
  const tracked = stored(
    updateManagedFields({ ...cmOwn, old: undefined, new: cm({ a: '1' }), manager: 'c', now: at(1) }).object,
  );
  const req = structuredClone(tracked);
  req.metadata.managedFields = [{ ...req.metadata.managedFields![0]!, manager: 'renamed' }];
  assert.deepEqual(
    updateManagedFields({ ...cmOwn, old: tracked, new: req, manager: 'm', now: at(2) }).managedFields?.map(
      (e) => e.manager,
    ),
    ['renamed'],
  );
  req.metadata.managedFields = [{ manager: 'bad', operation: 'Nope' as 'Update' }];
  assert.deepEqual(
    updateManagedFields({ ...cmOwn, old: tracked, new: req, manager: 'm', now: at(2) }).managedFields?.map(
      (e) => e.manager,
    ),
    ['c'],
  );
});

test('subresource writes are recorded with the subresource and ignore client managedFields', () => {
  const pod = stored(
    updateManagedFields({
      ...podOwn,
      resetFields: undefined,
      old: undefined,
      new: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'n' } } as unknown as KObject,
      manager: 'creator',
      now: at(1),
    }).object,
  );
  const next = structuredClone(pod) as KObject & { status?: unknown };
  next.status = { phase: 'Running' };
  next.metadata.managedFields = [];
  const r = updateManagedFields({
    ...podOwn,
    resetFields: undefined,
    old: pod,
    new: next,
    manager: 'kubelet',
    subresource: 'status',
    now: at(2),
  });
  assert.deepEqual(entries(r.managedFields), [
    ['creator', 'Update', { 'f:spec': { 'f:nodeName': {} } }, undefined],
    ['kubelet', 'Update', { 'f:status': { 'f:phase': {} } }, 'status'],
  ]);
});

test('more than 10 Update managers: the oldest merge into "ancient-changes"', () => {
  let obj = stored(
    updateManagedFields({ ...cmOwn, old: undefined, new: cm({ k0: '0' }), manager: 'm0', now: at(0) }).object,
  );
  for (let i = 1; i <= 11; i++) {
    const next = structuredClone(obj);
    next.data = { ...(next.data as object), [`k${i}`]: String(i) };
    obj = updateManagedFields({ ...cmOwn, old: obj, new: next, manager: `m${i}`, now: at(i) }).object;
  }
  const names = obj.metadata.managedFields!.map((e) => e.manager);
  assert.equal(names.length, 10);
  assert.deepEqual(names.slice(0, 2), ['ancient-changes', 'm3']);
  assert.deepEqual(obj.metadata.managedFields![0]!.fieldsV1, {
    'f:data': { '.': {}, 'f:k0': {}, 'f:k1': {}, 'f:k2': {} },
  });
  assert.equal(obj.metadata.managedFields![0]!.time, '2024-05-01T10:00:02Z');
});

test('decoding rejects malformed entries with kube-apiserver’s messages', () => {
  assert.throws(
    () => decodeManagedFields([{ manager: 'm', operation: 'X' as 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1' }]),
    /operation must be `Apply` or `Update`/,
  );
  assert.throws(
    () => decodeManagedFields([{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1' }]),
    /apiVersion must not be empty/,
  );
  assert.throws(
    () => decodeManagedFields([{ manager: 'm', operation: 'Update', apiVersion: 'v1' }]),
    /missing fieldsType in managed fields entry 0/,
  );
  assert.equal(
    managerIdentifier({ manager: 'a<b', operation: 'Update', apiVersion: 'v1', subresource: 'status' }),
    '{"manager":"a\\u003cb","operation":"Update","apiVersion":"v1","subresource":"status"}',
  );
  assert.equal(
    managerIdentifier({ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1' }),
    '{"manager":"kubectl","operation":"Apply"}',
  );
});
