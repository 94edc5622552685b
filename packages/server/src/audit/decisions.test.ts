import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecisionRing, type DecisionInput } from './decisions.js';

const entry = (user: string): DecisionInput => ({
  time: '2026-01-01T00:00:00.000Z',
  auditID: 'a',
  user,
  groups: [],
  verb: 'get',
  resourceRequest: true,
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  namespace: 'ns',
  name: '',
  path: '/api/v1/namespaces/ns/pods',
  decision: 'allow',
  reason: '',
  code: 200,
  latencyMs: 1,
});

test('the ring keeps the newest entries, numbered, and answers what came after a seq', () => {
  const r = new DecisionRing(3);
  for (const u of ['a', 'b', 'c', 'd', 'e']) r.record(entry(u));
  assert.deepEqual(
    r.list().map((d) => [d.seq, d.user]),
    [
      [3, 'c'],
      [4, 'd'],
      [5, 'e'],
    ],
  );
  assert.deepEqual(
    r.list(4).map((d) => d.user),
    ['e'],
  );
  assert.deepEqual(r.list(5), []);
  assert.deepEqual(
    r.list(0, 1).map((d) => d.user),
    ['e'],
  );
  assert.equal(r.last, 5);
});
