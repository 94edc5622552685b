import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantity, formatQuantity, parseQuantity, roundUpMilli } from './quantity.js';

test('quantities are written back in canonical form', () => {
  const cases: Array<[string | number, string]> = [
    ['0', '0'],
    ['0.5', '500m'],
    [0.5, '500m'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['1025', '1025'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1E6', '1e6'],
    ['2000m', '2'],
    ['1.0001', '1000100u'],
    ['100M', '100M'],
    ['-1', '-1'],
    ['1n', '1n'],
  ];
  for (const [input, want] of cases) assert.equal(formatQuantity(parseQuantity(input)!), want, String(input));
});

test('resource lists round up to milli precision', () => {
  assert.equal(canonicalQuantity('1n', true), '1m');
  assert.equal(canonicalQuantity('1.0001', true), '1001m');
  assert.equal(canonicalQuantity('not a quantity', true), 'not a quantity');
  assert.equal(formatQuantity(roundUpMilli(parseQuantity('250m')!)), '250m');
});

test('invalid quantities do not parse', () => {
  for (const s of ['', 'abc', '1K', '1 Ki', '1e', '1.2.3', '--1']) assert.equal(parseQuantity(s), undefined, s);
});

test('comparison is exact', () => {
  assert.equal(compareQuantity(parseQuantity('1')!, parseQuantity('1000m')!), 0);
  assert.equal(compareQuantity(parseQuantity('1Gi')!, parseQuantity('1G')!), 1);
});
