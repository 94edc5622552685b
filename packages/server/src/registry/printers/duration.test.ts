import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, humanDuration, shortHumanDuration } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

test('HumanDuration', () => {
  const cases: Array<[number, string]> = [
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 3 * s, '2m3s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 59 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 4 * m, '3h4m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    [48 * h, '2d'],
    [5 * d + 3 * h, '5d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [2 * y - 1, '729d'],
    [2 * y, '2y'],
    [2 * y + 3 * d, '2y3d'],
    [8 * y - 1, '7y364d'],
    [8 * y, '8y'],
    [30 * y, '30y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('ShortHumanDuration', () => {
  assert.equal(shortHumanDuration(59 * s), '59s');
  assert.equal(shortHumanDuration(90 * m), '1h');
  assert.equal(shortHumanDuration(400 * d), '1y');
});

test('age of a timestamp', () => {
  const now = Date.parse('2025-05-01T12:00:00Z');
  assert.equal(age('2025-05-01T11:57:30Z', now), '2m30s');
  assert.equal(age(undefined, now), '<unknown>');
  assert.equal(age(null, now), '<unknown>');
  assert.equal(age('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(age('2025-05-01T12:00:05Z', now), '<invalid>');
});
