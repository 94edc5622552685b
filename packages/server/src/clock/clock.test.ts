import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, parseDuration, wallClock } from './clock.js';

test('parseDuration reads ms numbers and Go-style text', () => {
  assert.equal(parseDuration(1500), 1500);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
});

test('parseDuration refuses what it cannot read, naming it', () => {
  assert.throws(() => parseDuration('2 hours'), {
    name: 'TypeError',
    message: 'invalid duration "2 hours": want a number of ms or e.g. "90s", "2h", "1h30m"',
  });
  assert.throws(() => parseDuration(''), /invalid duration ""/);
  assert.throws(() => parseDuration('10'), /invalid duration "10"/);
  assert.throws(() => parseDuration(Number.NaN), /not a finite number/);
});

test('a ManualClock stands still until advanced or set', () => {
  const c = new ManualClock(new Date('2030-01-01T00:00:00Z'));
  const t0 = c.now();
  assert.equal(t0, Date.parse('2030-01-01T00:00:00Z'));
  assert.equal(c.now(), t0);
  assert.equal(c.advance('2h'), t0 + 7_200_000);
  assert.equal(c.now(), t0 + 7_200_000);
  assert.throws(() => c.advance(-1), { name: 'RangeError' });
  c.set(t0);
  assert.equal(c.now(), t0);
  // now is bound: it can be handed around as a function.
  const now = c.now;
  assert.equal(now(), t0);
});

test('the wall clock is Date.now', () => {
  const before = Date.now();
  const t = wallClock.now();
  assert.ok(t >= before && t <= Date.now());
});
