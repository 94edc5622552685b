import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/types.js';
import { buildTable, defaultTable, parseIncludeObject } from './default.js';

const role: KObject = {
  kind: 'Role',
  apiVersion: 'rbac.authorization.k8s.io/v1',
  metadata: { name: 'reader', namespace: 'default', creationTimestamp: '2025-05-01T11:00:00Z', resourceVersion: '7' },
  rules: [],
};
const now = Date.parse('2025-05-01T12:00:00Z');

test('the default table has Name and Created At', () => {
  assert.deepEqual(
    defaultTable.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Created At', 'date', '', 0],
    ],
  );
  assert.deepEqual(defaultTable.row(role, now), ['reader', '2025-05-01T11:00:00Z']);
  assert.deepEqual(defaultTable.row({ metadata: { name: 'x' } }, now), ['x', '0001-01-01T00:00:00Z']);
});

test('tables carry PartialObjectMetadata by default', () => {
  const t = buildTable(undefined, [role], { now, resourceVersion: '42' });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '42' });
  assert.equal(t.columnDefinitions?.length, 2);
  assert.deepEqual(t.rows, [
    {
      cells: ['reader', '2025-05-01T11:00:00Z'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: role.metadata },
    },
  ]);
});

test('includeObject, noHeaders, v1beta1 and list metadata', () => {
  assert.deepEqual(buildTable(undefined, [role], { now, includeObject: 'Object' }).rows![0]!.object, role);
  assert.equal(buildTable(undefined, [role], { now, includeObject: 'None' }).rows![0]!.object, null);
  const watchEvent = buildTable(undefined, [role], { now, noHeaders: true, version: 'v1beta1' });
  assert.equal(watchEvent.columnDefinitions, null);
  assert.equal(watchEvent.apiVersion, 'meta.k8s.io/v1beta1');
  assert.equal((watchEvent.rows![0]!.object as KObject).apiVersion, 'meta.k8s.io/v1beta1');
  const page = buildTable(undefined, [], { now, resourceVersion: '5', continue: 'abc', remainingItemCount: 3 });
  assert.deepEqual(page.metadata, { resourceVersion: '5', continue: 'abc', remainingItemCount: 3 });
  // The default convertor leaves an empty row list nil; printers return an empty list.
  assert.equal(page.rows, null);
  assert.deepEqual(buildTable(defaultTable, [], { now }).rows, []);
});

test('includeObject values', () => {
  assert.equal(parseIncludeObject(null), 'Metadata');
  assert.equal(parseIncludeObject(''), 'Metadata');
  assert.equal(parseIncludeObject('Object'), 'Object');
  assert.throws(
    () => parseIncludeObject('All'),
    (e: unknown) =>
      (e as { status: { code: number; message: string } }).status.code === 400 &&
      (e as { status: { message: string } }).status.message ===
        `Unable to convert to Table as requested: includeObject: Invalid value: "All": must be 'Metadata', 'Object', 'None', or empty`,
  );
});
