// Any query gives list options or a 400/422 Status, never another throw, and fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StatusError } from '../api/errors.js';
import { listOptions } from './listoptions.js';

const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const names = [
  'watch',
  'sendInitialEvents',
  'resourceVersion',
  'resourceVersionMatch',
  'allowWatchBookmarks',
  'continue',
  'timeoutSeconds',
];
const values = fc.oneof(
  fc.constantFrom('', '0', '1', 'true', 'false', 'FALSE', 'NotOlderThan', 'Exact', '-1', '9'.repeat(30), '1e3'),
  fc.string({ maxLength: 40 }),
);

test('listOptions never throws anything but a 400 or 422 StatusError', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(...names), values), { maxLength: 12 }), (pairs) => {
      const q = new URLSearchParams();
      for (const [k, v] of pairs) q.append(k, v);
      const t0 = process.cpuUsage();
      try {
        listOptions(q);
      } catch (e) {
        assert.ok(e instanceof StatusError, String(e));
        assert.ok(e.code === 400 || e.code === 422, String(e.code));
      }
      const used = process.cpuUsage(t0);
      assert.ok(used.user + used.system < 200_000, 'a case took more than 200 ms of CPU');
    }),
    { numRuns: runs },
  );
});
