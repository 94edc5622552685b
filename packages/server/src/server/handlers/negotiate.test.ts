import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate } from './negotiate.js';

test('negotiate: ordinary Accept headers are parsed once and shared; oversized ones are parsed, not kept', () => {
  const a = negotiate('application/json', true, false);
  assert.equal(a.kind, 'json');
  assert.equal(negotiate('application/json', true, false), a);
  assert.ok(Object.isFrozen(a));
  const long = `application/yaml, ${'text/x-nothing;q=0.1, '.repeat(40)}*/*;q=0.01`;
  const y = negotiate(long, true, false);
  assert.equal(y.kind, 'yaml');
  assert.notEqual(negotiate(long, true, false), y);
  assert.deepEqual(negotiate(long, true, false), y);
});
