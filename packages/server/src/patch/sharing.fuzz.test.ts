// The walks that share subtrees instead of copying them give what the copying ones gave, and leave their
// inputs alone: zeroFilled against withZeroFields on a deep copy, and the field set operations against the same
// operations on path sets (sets are built once and never changed after, so sharing is safe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldSet, type PathElement } from './fieldpath.js';
import { type Json, type JsonObject, clone } from './json.js';
import { excludePaths, withZeroFields, zeroFilled } from './managedfields.js';
import { view } from './testing.js';
import { fuzz } from '../testing/fuzz.js';

const key = fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', 'status', 'spec');
const podLike = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Pod'),
    metadata: fc.oneof(fc.dictionary(key, fc.jsonValue({ maxDepth: 2 })), fc.jsonValue({ maxDepth: 1 })),
    spec: fc.oneof(
      fc.record(
        {
          containers: fc.array(
            fc.dictionary(fc.constantFrom('name', 'image', 'ports', 'x'), fc.jsonValue({ maxDepth: 2 })),
            { maxLength: 3 },
          ),
          nodeName: fc.string(),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    status: fc.jsonValue({ maxDepth: 2 }),
    data: fc.dictionary(key, fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: [] },
);

test('zeroFilled is withZeroFields on a copy, and changes nothing', () => {
  fuzz(
    podLike,
    (o) => {
      const v = JSON.parse(JSON.stringify(o)) as JsonObject;
      const before = clone(v);
      const t = view.named('Pod');
      assert.deepEqual(zeroFilled(view, v, t), withZeroFields(view, clone(v), t));
      assert.deepEqual(v, before);
    },
    () => false,
  );
});

const pe: fc.Arbitrary<PathElement> = fc.oneof(
  fc.record({ field: fc.constantFrom('a', 'b', 'status', 'spec') }),
  fc.record({ value: fc.constantFrom<Json>(1, 'x', true) }),
  fc.record({ index: fc.nat(3) }),
);
const set = fc.array(fc.array(pe, { minLength: 1, maxLength: 3 }), { maxLength: 12 }).map((ps) => FieldSet.of(...ps));

test('field set operations give what they gave on copies, and change neither operand', () => {
  fuzz(
    fc.tuple(set, set),
    ([a, b]) => {
      const [a0, b0] = [a.toString(), b.toString()];
      const paths = (s: FieldSet) => new Set(s.paths().map((p) => JSON.stringify(p)));
      const [pa, pb] = [paths(a), paths(b)];
      assert.deepEqual(paths(a.union(b)), new Set([...pa, ...pb]));
      assert.deepEqual(paths(a.difference(b)), new Set([...pa].filter((p) => !pb.has(p))));
      const reset = [[{ field: 'status' }], [{ field: 'a' }, { field: 'b' }]] as PathElement[][];
      const ex = excludePaths(a, reset);
      const expected = a.copy();
      for (const p of reset) {
        let node: FieldSet | undefined = expected;
        for (const e of p.slice(0, -1)) node = node?.children.get(`f:${(e as { field: string }).field}`)?.set;
        node?.members.delete(`f:${(p.at(-1) as { field: string }).field}`);
        node?.children.delete(`f:${(p.at(-1) as { field: string }).field}`);
      }
      assert.equal(ex.toString(), expected.toString());
      assert.deepEqual(ex.toFieldsV1(), expected.toFieldsV1());
      assert.equal(a.toString(), a0);
      assert.equal(b.toString(), b0);
    },
    () => false,
  );
});
