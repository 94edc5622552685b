// sameJson, fuzzed against what it stands for: comparing the two JSON.stringify texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sameJson } from './samejson.js';
import { fuzzRuns, withinCaseBudget } from '../testing/fuzz.js';

// Values JSON.stringify writes differently from how they are (undefined members, non-finite numbers, -0, holes).
const leaf = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -0, 1, NaN, Infinity, -Infinity, '', 'a', '1'),
  fc.double(),
  fc.string({ maxLength: 3 }),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', '1', '0', 'x'), tie('v'), { maxKeys: 4 }),
  ),
})).v;

test('sameJson agrees with comparing the JSON.stringify texts', () => {
  fc.assert(
    fc.property(value, value, (a, b) =>
      withinCaseBudget(() => {
        assert.equal(sameJson(a, b), JSON.stringify(a) === JSON.stringify(b));
        assert.equal(sameJson(a, structuredClone(a)), true);
      }),
    ),
    { numRuns: fuzzRuns },
  );
});

test('skipped members are not compared, at the level the map names', () => {
  const skip = new Map([['m', new Map([['rv', undefined]])]]);
  assert.equal(sameJson({ m: { rv: '1', n: 'a' } }, { m: { rv: '2', n: 'a' } }, skip), true);
  assert.equal(sameJson({ m: { rv: '1', n: 'a' } }, { m: { rv: '1', n: 'b' } }, skip), false);
  assert.equal(sameJson({ rv: '1', m: {} }, { rv: '2', m: {} }, skip), false);
});
