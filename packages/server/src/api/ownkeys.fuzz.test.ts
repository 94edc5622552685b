// hasKey/getKey/setKey make a plain object behave as a Map of strings, whatever the keys: Object.prototype's
// member names included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { getKey, hasKey, setKey } from './ownkeys.js';
import { fuzzRuns, withinCaseBudget } from '../testing/fuzz.js';

const protoNames = Object.getOwnPropertyNames(Object.prototype);
const key = fc.oneof(fc.constantFrom(...protoNames, 'prototype'), fc.string({ maxLength: 8 }));

test('a plain object with setKey/getKey/hasKey behaves as a Map', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(key, fc.string()), { maxLength: 20 }),
      fc.array(key, { maxLength: 10 }),
      (writes, probes) => {
        withinCaseBudget(() => {
          const o: Record<string, string> = {};
          const m = new Map<string, string>();
          for (const [k, v] of writes) {
            setKey(o, k, v);
            m.set(k, v);
          }
          assert.equal(Object.getPrototypeOf(o), Object.prototype);
          for (const k of [...probes, ...m.keys()]) {
            assert.equal(hasKey(o, k), m.has(k), k);
            assert.equal(getKey(o, k), m.get(k), k);
          }
          assert.deepEqual(new Set(Object.keys(o)), new Set(m.keys()));
          // What is stored survives a JSON round trip as the same members.
          assert.deepEqual(new Map(Object.entries(JSON.parse(JSON.stringify(o)) as object)), m);
        });
      },
    ),
    { numRuns: fuzzRuns },
  );
});
