// Property: the patch-body and apply-configuration strict checks never throw (whatever the body) and stay fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkFields } from '../api/schema/fields.js';
import { applyStrictErrors } from './index.js';
import { patchBodyStrictErrors, patchErrorValue } from './fieldreport.js';
import type { KObject } from '../api/types.js';
import { withinCaseBudget } from '../testing/fuzz.js';

const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const types = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

const fast = (fn: () => void): void => withinCaseBudget(fn);

// bodies: valid JSON (often with repeated keys spliced in), YAML-ish text, and arbitrary strings
const jsonText = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
const withDup = jsonText.map((t) => t.replace(/\{"([^"]*)":/, '{"$1":0,"$1":'));
const body = fc.oneof(jsonText, withDup, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }));

test('patch body strict checks never throw', () => {
  fc.assert(
    fc.property(fc.constantFrom(...types), body, (type, b) =>
      fast(() => {
        patchBodyStrictErrors(type, b);
        patchErrorValue(type, { kind: 'ConfigMap', metadata: {} } as KObject, b);
      }),
    ),
    { numRuns: runs },
  );
});

test('apply configuration duplicate-key check never throws', () => {
  fc.assert(
    fc.property(body, (b) => fast(() => void applyStrictErrors(b))),
    { numRuns: runs },
  );
});

test('pruning unknown fields never throws and leaves no unknown field behind', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), (v) =>
      fast(() => {
        const obj = { metadata: {}, ...(typeof v === 'object' && v !== null && !Array.isArray(v) ? v : { x: v }) };
        const r = checkFields(obj, 'io.k8s.api.core.v1.Pod', undefined, true);
        if (!r.typeErrors.length) assert.deepEqual(checkFields(obj, 'io.k8s.api.core.v1.Pod').unknown, []);
      }),
    ),
    { numRuns: runs },
  );
});
