import { test } from 'node:test';
import assert from 'node:assert/strict';
import { microTime } from '../clock/format.js';

test('microTime: six fractional digits, UTC, also for consecutive stamps in one millisecond', () => {
  const t = Date.UTC(2026, 0, 2, 3, 4, 5, 120);
  assert.equal(microTime(t + 0.0456), '2026-01-02T03:04:05.120045Z');
  assert.equal(microTime(t + 0.999), '2026-01-02T03:04:05.120999Z');
  assert.equal(microTime(t), '2026-01-02T03:04:05.120000Z');
  assert.equal(microTime(t + 1.007), '2026-01-02T03:04:05.121007Z');
  assert.equal(microTime(t - 86_400_000 + 0.5), '2026-01-01T03:04:05.120500Z');
});

test('microTime: the same text as formatting each stamp from its own Date, across seconds and days', () => {
  const reference = (ms: number) => {
    const whole = Math.floor(ms);
    const micros = Math.floor((ms - whole) * 1000);
    return new Date(whole).toISOString().slice(0, 23) + String(micros).padStart(3, '0') + 'Z';
  };
  let t = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
  for (let i = 0; i < 5000; i++) {
    t += ((i * 7919) % 1013) / 997; // uneven steps, some within a millisecond, over a day's and a year's end
    assert.equal(microTime(t), reference(t));
  }
  assert.equal(microTime(0), '1970-01-01T00:00:00.000000Z');
  assert.equal(microTime(-0.5), reference(-0.5));
});
