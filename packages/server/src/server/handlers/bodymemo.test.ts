import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/types.js';
import { BodyMemo } from './bodymemo.js';

const decoder = () => {
  let calls = 0;
  const decode = (text: string) => (warnings: string[]) => {
    calls++;
    const obj = JSON.parse(text) as KObject;
    if ('x' in obj) warnings.push('unknown field "x"');
    return obj;
  };
  return { decode, calls: () => calls };
};

test('BodyMemo: a repeated text is decoded once; the object and warnings come back frozen', () => {
  const m = new BodyMemo();
  const d = decoder();
  const owner = {};
  const text = '{"kind":"TokenReview","spec":{"token":"t"},"x":1}';
  const a = m.get(owner, text, d.decode(text));
  const b = m.get(owner, `${text.slice(0, 10)}${text.slice(10)}`, d.decode(text));
  assert.equal(d.calls(), 1);
  assert.equal(a.obj, b.obj);
  assert.deepEqual(b.warnings, ['unknown field "x"']);
  assert.ok(Object.isFrozen(a.obj) && Object.isFrozen(a.obj.spec) && Object.isFrozen(a.warnings));
  assert.throws(() => {
    (a.obj.spec as { token: string }).token = 'other';
  }, TypeError);
});

test('BodyMemo: the same text for another owner is decoded again; decode errors are not kept', () => {
  const m = new BodyMemo();
  const d = decoder();
  const text = '{"spec":{}}';
  m.get({}, text, d.decode(text));
  m.get({}, text, d.decode(text));
  assert.equal(d.calls(), 2);
  const boom = () => {
    throw new Error('bad');
  };
  assert.throws(() => m.get({}, 'x', boom), /bad/);
  assert.throws(() => m.get({}, 'x', boom), /bad/);
});

test('BodyMemo: bounded by total characters (oldest out first); oversized texts are never kept', () => {
  const m = new BodyMemo(110, 40);
  const d = decoder();
  const owner = {};
  const texts = Array.from({ length: 5 }, (_, i) => JSON.stringify({ n: i, pad: 'p'.repeat(20) }));
  for (const t of texts) m.get(owner, t, d.decode(t));
  assert.equal(m.size, 3); // 3 × 36 characters fit in 110
  m.get(owner, texts[4]!, d.decode(texts[4]!));
  m.get(owner, texts[0]!, d.decode(texts[0]!));
  assert.equal(d.calls(), 6); // the newest was kept, the first was not
  const big = JSON.stringify({ pad: 'p'.repeat(50) });
  const r1 = m.get(owner, big, d.decode(big));
  m.get(owner, big, d.decode(big));
  assert.equal(d.calls(), 8);
  assert.equal(Object.isFrozen(r1.obj), false);
});

test("BodyMemo: long texts that share a tail are told apart (and take each other's place)", () => {
  const m = new BodyMemo();
  const d = decoder();
  const owner = {};
  const tail = `"${'s'.repeat(200)}"}`;
  const a = `{"a":"${'x'.repeat(600)}","t":${tail}`;
  const b = `{"b":"${'x'.repeat(600)}","t":${tail}`;
  assert.equal((m.get(owner, a, d.decode(a)).obj as { a?: string }).a?.length, 600);
  assert.equal((m.get(owner, b, d.decode(b)).obj as { b?: string }).b?.length, 600);
  assert.equal(m.size, 1);
  m.get(owner, b, d.decode(b));
  assert.equal(d.calls(), 2);
  assert.ok('a' in m.get(owner, a, d.decode(a)).obj);
  assert.equal(d.calls(), 3);
});
