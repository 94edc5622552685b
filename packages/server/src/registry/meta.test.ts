import { test } from 'node:test';
import assert from 'node:assert/strict';
import { microTime } from './meta.js';

test('microTime: six fractional digits, UTC, also for consecutive stamps in one millisecond', () => {
  const t = Date.UTC(2026, 0, 2, 3, 4, 5, 120);
  assert.equal(microTime(t + 0.0456), '2026-01-02T03:04:05.120045Z');
  assert.equal(microTime(t + 0.999), '2026-01-02T03:04:05.120999Z');
  assert.equal(microTime(t), '2026-01-02T03:04:05.120000Z');
  assert.equal(microTime(t + 1.007), '2026-01-02T03:04:05.121007Z');
  assert.equal(microTime(t - 86_400_000 + 0.5), '2026-01-01T03:04:05.120500Z');
});
