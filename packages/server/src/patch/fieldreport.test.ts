import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.js';
import { checkFields } from '../api/schema/fields.js';
import type { KObject } from '../api/types.js';
import { applyStrictErrors } from './index.js';
import { patchBodyStrictErrors, patchErrorValue, reportPatchFields } from './fieldreport.js';

const JSONPATCH = 'application/json-patch+json';
const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';

test('unknown fields are pruned from typed structs, never from maps or opaque fields', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      bogus: 1,
      labels: { any: 'key' },
      managedFields: [{ manager: 'm', fieldsV1: { 'f:anything': {} }, extra: true }],
    },
    data: { whatever: 'x' },
    top: { a: 1 },
  };
  const r = checkFields(obj, 'io.k8s.api.core.v1.ConfigMap', undefined, true);
  assert.deepEqual(r.unknown, ['metadata.bogus', 'metadata.managedFields[0].extra', 'top']);
  assert.deepEqual(obj, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', labels: { any: 'key' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:anything': {} } }] },
    data: { whatever: 'x' },
  });
  // without prune the object is left alone
  const kept = { metadata: { bogus: 1 } };
  checkFields(kept, 'io.k8s.api.core.v1.ConfigMap');
  assert.deepEqual(kept, { metadata: { bogus: 1 } });
});

test('pruning goes on past the reported-error cap', () => {
  const obj: Record<string, unknown> = { metadata: {} };
  for (let i = 0; i < 150; i++) obj[`u${i}`] = i;
  const r = checkFields(obj, 'io.k8s.api.core.v1.ConfigMap', undefined, true);
  assert.equal(r.unknown.length, 100);
  assert.deepEqual(Object.keys(obj), ['metadata']);
});

test('strict errors of patch bodies', () => {
  assert.deepEqual(patchBodyStrictErrors(MERGE, '{"a":{"b":1,"b":2},"a":3}'), [
    'duplicate field "a.b"',
    'duplicate field "a"',
  ]);
  assert.deepEqual(patchBodyStrictErrors(SMP, '{"a":1}'), []);
  assert.deepEqual(
    patchBodyStrictErrors(
      JSONPATCH,
      '[{"op":"add","path":"/a","foo":1,"value":{"x":1,"x":2}},{"op":"add","op":"add","path":"/b","bar":{"y":1,"y":2}}]',
    ),
    // duplicates inside `value` (an interface{}) count; inside an unknown member they do not
    [
      'json patch unknown field "[0].foo"',
      'json patch duplicate field "[0].value.x"',
      'json patch unknown field "[1].bar"',
      'json patch duplicate field "[1].op"',
    ],
  );
  assert.deepEqual(patchBodyStrictErrors(JSONPATCH, '{"not":"a list"}'), []);
});

test('the value of the 422', () => {
  const obj = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { b: '<', a: '1' } } as KObject;
  assert.equal(
    patchErrorValue(MERGE, obj, ''),
    '{"apiVersion":"v1","data":{"a":"1","b":"\\u003c"},"kind":"ConfigMap","metadata":{"name":"c"}}',
  );
  assert.equal(
    patchErrorValue(SMP, obj, '{"data":{"b":"x","a":[1,2.5,null,true]}}'),
    'map[data:map[a:[1 2.5 <nil> true] b:x]]',
  );
});

test('reporting per fieldValidation mode', () => {
  const w: string[] = [];
  reportPatchFields('Ignore', MERGE, '{"a":1,"a":2}', ['x'], '', w);
  assert.deepEqual(w, []);
  reportPatchFields('Warn', MERGE, '{"a":1,"a":2}', ['x'], '', w);
  assert.deepEqual(w, ['duplicate field "a"', 'unknown field "x"']);
  assert.throws(
    () => reportPatchFields('Strict', MERGE, '{}', ['x', 'y.z'], '{}', []),
    (e: unknown) =>
      e instanceof StatusError &&
      e.code === 422 &&
      e.status.message ===
        ' "" is invalid: patch: Invalid value: "{}": strict decoding error: unknown field "x", unknown field "y.z"' &&
      JSON.stringify(e.status.details) ===
        '{"causes":[{"reason":"FieldValueInvalid","message":"Invalid value: \\"{}\\": strict decoding error: unknown field \\"x\\", unknown field \\"y.z\\"","field":"patch"}]}',
  );
  reportPatchFields('Strict', MERGE, '{}', [], '{}', []);
});

test('apply configurations: go-yaml duplicate-key errors with the line of the repeated value', () => {
  assert.deepEqual(applyStrictErrors('{"a":1,"b":{"c":1}}'), []);
  assert.deepEqual(applyStrictErrors('{"a":1,\n"a":2}'), ['line 2: key "a" already set in map']);
  assert.deepEqual(applyStrictErrors('a: 1\nb:\n  c: 1\n  c: 2\na:\n  x: 3\n1: x\n1: y\n'), [
    'line 4: key "c" already set in map',
    'line 6: key "a" already set in map',
    'line 8: key 1 already set in map',
  ]);
  // a list of maps, and a document that does not parse (decodeApplyConfig reports that one)
  assert.deepEqual(applyStrictErrors('l:\n- k: 1\n  k: 2\n'), ['line 3: key "k" already set in map']);
  assert.deepEqual(applyStrictErrors('a: [b'), []);
});

test('hundreds of thousands of warnings are reported one by one, not spread onto the stack', () => {
  const ops = Array.from({ length: 10 }, () => {
    const op: Record<string, unknown> = { op: 'add', path: '/x', value: 1 };
    for (let i = 0; i < 30_000; i++) op[`u${i}`] = 1;
    return op;
  });
  const warnings: string[] = [];
  reportPatchFields('Warn', 'application/json-patch+json', JSON.stringify(ops), [], '', warnings);
  assert.equal(warnings.length, 300_000);
  assert.equal(warnings[0], 'json patch unknown field "[0].u0"');
});
