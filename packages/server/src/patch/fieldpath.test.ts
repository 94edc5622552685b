import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, type PathElement, pathString } from './fieldpath.js';

const f = (field: string): PathElement => ({ field });

test('FieldsV1: keys in Go order, "." for owned nodes with children', () => {
  const s = FieldSet.of(
    [f('spec'), f('containers'), { key: [['name', 'b']] }],
    [f('spec'), f('containers'), { key: [['name', 'b']] }, f('name')],
    [f('spec'), f('containers'), { key: [['name', 'a']] }, f('image')],
    [f('metadata'), f('labels'), f('z')],
    [f('metadata'), f('labels'), f('a')],
    [f('metadata'), f('finalizers'), { value: 'x' }],
    [
      f('spec'),
      f('containers'),
      { key: [['name', 'b']] },
      f('ports'),
      {
        key: [
          ['containerPort', 80],
          ['protocol', 'TCP'],
        ],
      },
    ],
  );
  const v1 = s.toFieldsV1();
  assert.equal(
    JSON.stringify(v1),
    JSON.stringify({
      'f:metadata': { 'f:finalizers': { 'v:"x"': {} }, 'f:labels': { 'f:a': {}, 'f:z': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"a"}': { 'f:image': {} },
          'k:{"name":"b"}': { '.': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} } },
        },
      },
    }),
  );
  const back = FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(v1)));
  assert.equal(JSON.stringify(back.toFieldsV1()), JSON.stringify(v1));
  assert.ok(back.has([f('spec'), f('containers'), { key: [['name', 'b']] }]));
  assert.ok(!back.has([f('spec'), f('containers'), { key: [['name', 'a']] }]));
});

test('path strings as conflicts print them', () => {
  assert.equal(
    pathString([f('spec'), f('containers'), { key: [['name', 'c']] }, f('image')]),
    '.spec.containers[name="c"].image',
  );
  assert.equal(pathString([f('metadata'), f('finalizers'), { value: 'x' }]), '.metadata.finalizers[="x"]');
  assert.equal(
    pathString([
      f('a'),
      {
        key: [
          ['containerPort', 80],
          ['protocol', 'TCP'],
        ],
      },
    ]),
    '.a[containerPort=80,protocol="TCP"]',
  );
  assert.equal(pathString([f('a'), { index: 3 }]), '.a[3]');
});

test('set algebra', () => {
  const a = FieldSet.of([f('a'), f('x')], [f('a'), f('y')], [f('b')]);
  const b = FieldSet.of([f('a'), f('y')], [f('c')]);
  assert.deepEqual(a.union(b).paths().map(pathString), ['.b', '.c', '.a.x', '.a.y']);
  assert.deepEqual(a.intersection(b).paths().map(pathString), ['.a.y']);
  assert.deepEqual(a.difference(b).paths().map(pathString), ['.b', '.a.x']);
  // members of the subtrahend do not remove children (SMD Difference, not RecursiveDifference)
  assert.deepEqual(
    a
      .difference(FieldSet.of([f('a')]))
      .paths()
      .map(pathString),
    ['.b', '.a.x', '.a.y'],
  );
  assert.ok(new FieldSet().empty());
});

test('Go JSON escaping inside k: and v: keys', () => {
  const s = FieldSet.of([f('l'), { value: 'a<b&c' }]);
  assert.deepEqual(Object.keys(s.toFieldsV1()['f:l'] as object), ['v:"a\\u003cb\\u0026c"']);
});
