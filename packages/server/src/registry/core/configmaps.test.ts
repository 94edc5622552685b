import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from '../../api/errors.js';
import { fieldErrorString } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { strategy, table } from './configmaps.js';

const now = Date.parse('2025-05-01T12:00:00Z');
const cm = (body: Partial<KObject>): KObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, ...body }) as KObject;

test('configmap validation messages', () => {
  assert.deepEqual(strategy.validate(cm({ data: { a: '1' }, binaryData: { b: '' } })), []);
  assert.deepEqual(
    strategy.validate(cm({ data: { a: '1', '..x': '2' }, binaryData: { a: '' } })).map(fieldErrorString),
    [
      'data[a]: Invalid value: "a": duplicate of key present in binaryData',
      'data[..x]: Invalid value: "..x": must not start with \'..\'',
    ],
  );
  // The size error is about the whole object: its path is empty.
  const big = strategy.validate(cm({ data: { a: 'x'.repeat(1024 * 1024), b: 'y' } }));
  assert.deepEqual(
    big.map((e) => [e.field, e.type, e.detail]),
    [['', 'FieldValueTooLong', 'may not be more than 1048576 bytes']],
  );
  assert.match(
    errors.invalid({ group: '', kind: 'ConfigMap' }, 'c', big).status.message!,
    /^ConfigMap "c" is invalid: /,
  );
});

test('immutable configmaps', () => {
  const old = cm({ data: { a: '1' }, binaryData: { b: 'AA==' }, immutable: true });
  old.metadata.resourceVersion = '1';
  const next = cm({ data: { a: '2' }, immutable: true });
  next.metadata.resourceVersion = '1';
  strategy.prepareForUpdate!(next, old, { now });
  assert.deepEqual(strategy.validateUpdate(next, old).map(fieldErrorString), [
    'data: Forbidden: field is immutable when `immutable` is set',
    'binaryData: Forbidden: field is immutable when `immutable` is set',
  ]);
  const unfreeze = cm({ data: { a: '1' }, binaryData: { b: 'AA==' }, immutable: false });
  unfreeze.metadata.resourceVersion = '1';
  assert.deepEqual(strategy.validateUpdate(unfreeze, old).map(fieldErrorString), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('configmap table counts data and binaryData', () => {
  const c = cm({ data: { a: '1' }, binaryData: { b: '' } });
  c.metadata.creationTimestamp = '2025-05-01T09:00:00Z';
  assert.deepEqual(
    table.columns.map((x) => x.name),
    ['Name', 'Data', 'Age'],
  );
  assert.deepEqual(table.row(c, now), ['c', 2, '3h']);
});
