import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FairQueue } from './fairqueue.js';

test('flows are served round-robin: one busy flow does not hold up another', () => {
  const q = new FairQueue<string>(32, 8);
  for (let i = 0; i < 5; i++) assert.ok(q.push('attacker', `a${i}`));
  assert.ok(q.push('alice', 'x0'));
  assert.ok(q.push('bob', 'y0'));
  assert.ok(q.push('alice', 'x1'));
  const order: string[] = [];
  for (let v = q.shift(); v !== undefined; v = q.shift()) order.push(v);
  assert.deepEqual(order, ['a0', 'x0', 'y0', 'a1', 'x1', 'a2', 'a3', 'a4']);
  assert.equal(q.size, 0);
});

test('a flow holds at most its share; the total is bounded too; drain empties the queue', () => {
  const q = new FairQueue<number>(5, 3);
  assert.deepEqual(
    [1, 2, 3, 4].map((i) => q.push('a', i)),
    [true, true, true, false],
  );
  assert.deepEqual(
    [5, 6, 7].map((i) => q.push(`u${i}`, i)),
    [true, true, false],
  );
  assert.equal(q.size, 5);
  assert.deepEqual(q.drain().sort(), [1, 2, 3, 5, 6]);
  assert.equal(q.shift(), undefined);
  assert.ok(q.push('a', 9));
});
