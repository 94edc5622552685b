import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePatch } from './mergepatch.js';
import type { JsonObject } from './json.js';
import { catchStatus } from './testing.js';

const live = (): JsonObject => ({
  metadata: { name: 'p', labels: { a: '1', b: '2' } },
  spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'n' },
});

const cases: [string, unknown, JsonObject][] = [
  [
    'adds and changes map keys',
    { metadata: { labels: { b: '3', c: '4' } } },
    {
      metadata: { name: 'p', labels: { a: '1', b: '3', c: '4' } },
      spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'n' },
    },
  ],
  [
    'null deletes',
    { metadata: { labels: { a: null } }, spec: { nodeName: null } },
    {
      metadata: { name: 'p', labels: { b: '2' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    },
  ],
  [
    'lists are replaced whole',
    { spec: { containers: [{ name: 'd' }] } },
    {
      metadata: { name: 'p', labels: { a: '1', b: '2' } },
      spec: { containers: [{ name: 'd' }], nodeName: 'n' },
    },
  ],
  [
    'new objects lose their null members',
    { spec: { affinity: { a: null, b: { c: null, d: 1 } } } },
    {
      metadata: { name: 'p', labels: { a: '1', b: '2' } },
      spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'n', affinity: { b: { d: 1 } } },
    },
  ],
  [
    'a scalar replaced by an object',
    { spec: { nodeName: { x: 1, y: null } } },
    {
      metadata: { name: 'p', labels: { a: '1', b: '2' } },
      spec: { containers: [{ name: 'c', image: 'i' }], nodeName: { x: 1 } },
    },
  ],
  ['empty patch', {}, live()],
];

for (const [name, patch, want] of cases) {
  test(`merge patch: ${name}`, () => {
    const input = live();
    assert.deepEqual(mergePatch(input, JSON.stringify(patch)), want);
    assert.deepEqual(input, live());
  });
}

test('merge patch: bodies that are not objects', () => {
  for (const body of ['null', '"x"', '1', '{', 'nope']) {
    const e = catchStatus(() => mergePatch(live(), body));
    assert.equal(e.code, 400, body);
    assert.equal(e.status.message, 'Invalid JSON Patch');
  }
  const e = catchStatus(() => mergePatch(live(), '[{"a":null}]'));
  assert.equal(e.code, 422);
  assert.equal(e.reason, 'Invalid');
});
