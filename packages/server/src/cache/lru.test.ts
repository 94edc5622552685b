import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruCache } from './lru.js';

test('LruCache: bounded; the least recently used entry goes first', () => {
  const c = new LruCache<string, number>(4);
  for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) c.set(k, i);
  assert.equal(c.get('a'), 0); // a was the oldest: now the youngest
  c.set('e', 4);
  assert.equal(c.size, 4);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('a'), 0);
  c.set('f', 5);
  assert.equal(c.get('c'), undefined);
  assert.deepEqual(
    ['a', 'd', 'e', 'f'].map((k) => c.get(k)),
    [0, 3, 4, 5],
  );
});

test('LruCache: a hot entry survives any number of insertions; capacity 0 keeps nothing', () => {
  const c = new LruCache<number, string>(100);
  c.set(-1, 'hot');
  for (let i = 0; i < 10_000; i++) {
    c.set(i, String(i));
    assert.equal(c.get(-1), 'hot');
    assert.ok(c.size <= 100);
  }
  const none = new LruCache<string, string>(0);
  none.set('k', 'v');
  assert.equal(none.get('k'), undefined);
  // set on an existing key replaces it.
  c.set(-1, 'new');
  assert.equal(c.get(-1), 'new');
});

test('LruCache: delete drops that entry only', () => {
  const c = new LruCache<string, number>(3);
  c.set('a', 1);
  c.set('b', 2);
  c.delete('a');
  c.delete('missing');
  assert.equal(c.get('a'), undefined);
  assert.equal(c.get('b'), 2);
  assert.equal(c.size, 1);
});
