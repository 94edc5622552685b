import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufError, Reader, WireType } from './wire.js';

const hex = (s: string) => new Reader(Buffer.from(s.replace(/\s/g, ''), 'hex'));

test('varints: small, multi-byte, 64-bit halves, negative int32/int64 (10-byte two-complement)', () => {
  assert.equal(hex('00').uint32(), 0);
  assert.equal(hex('96 01').uint32(), 150);
  assert.equal(hex('ff ff ff ff 0f').uint32(), 0xffffffff);
  assert.equal(hex('80 80 80 80 10').int64(), 2 ** 32);
  assert.equal(hex('ff ff ff ff ff ff ff 0f').int64(), 2 ** 53 - 1);
  assert.equal(hex('ff ff ff ff ff ff ff ff 7f').int64(), 2 ** 63 - 1, 'beyond 2^53: nearest double');
  assert.equal(hex('ff ff ff ff ff ff ff ff ff 01').int64(), -1);
  assert.equal(hex('ff ff ff ff ff ff ff ff ff 01').int32(), -1);
  assert.equal(hex('fe ff ff ff ff ff ff ff ff 01').int64(), -2);
  assert.equal(hex('80 80 80 80 f8 ff ff ff ff 01').int32(), -(2 ** 31));
  assert.equal(hex('ff ff ff ff ff ff ff ff ff 01').uint64(), 2 ** 64);
  assert.equal(hex('01').bool(), true);
  assert.equal(hex('00').bool(), false);
  assert.equal(hex('80 80 80 80 10').bool(), true, 'a bool set only in the high half');
});

test('fixed32/64, float, double', () => {
  assert.equal(hex('01 00 00 00').fixed32(), 1);
  assert.equal(hex('00 00 00 00 01 00 00 00').fixed64(), 2 ** 32);
  assert.equal(hex('00 00 c0 3f').float(), 1.5);
  assert.equal(hex('00 00 00 00 00 00 f8 3f').double(), 1.5);
});

test('length-delimited values are views bounded by the buffer', () => {
  const r = hex('03 61 62 63 02 68 69');
  assert.equal(r.string(), 'abc');
  assert.deepEqual([...r.bytes()], [0x68, 0x69]);
  assert.equal(r.done, true);
  // A reader over a slice stops at its end, not the buffer's.
  const sub = new Reader(Buffer.from('0261620263', 'hex'), 0, 3);
  assert.equal(sub.string(), 'ab');
  assert.equal(sub.done, true);
});

test('tags: field number and wire type; illegal tags throw', () => {
  assert.deepEqual(hex('0a').tag('M'), [1, WireType.bytes]);
  assert.deepEqual(hex('a0 02').tag('M'), [36, WireType.varint]);
  assert.throws(() => hex('02').tag('Pod'), {
    name: 'ProtobufError',
    message: 'proto: Pod: illegal tag 0 (wire type 2)',
  });
  assert.throws(() => hex('0c').tag('Pod'), /wiretype end group for non-group/);
});

test('malformed input throws ProtobufError, never reads out of bounds', () => {
  const cases: [string, (r: Reader) => unknown, RegExp][] = [
    ['', (r) => r.uint32(), /unexpected EOF/],
    ['80', (r) => r.uint32(), /unexpected EOF/],
    ['ff ff ff ff ff ff ff ff ff ff 01', (r) => r.int64(), /integer overflow/],
    ['05 61 62', (r) => r.bytes(), /unexpected EOF/],
    ['ff ff ff ff 0f', (r) => r.bytes(), /negative length/],
    ['ff ff ff ff ff ff ff ff ff 01', (r) => r.bytes(), /negative length/],
    ['01 02 03', (r) => r.fixed32(), /unexpected EOF/],
    ['01 02 03 04 05 06 07', (r) => r.double(), /unexpected EOF/],
  ];
  for (const [h, read, re] of cases) {
    assert.throws(
      () => read(hex(h)),
      (e: unknown) => e instanceof ProtobufError && e.code === 400 && re.test(e.message),
      h,
    );
  }
  assert.throws(() => new Reader(Buffer.alloc(2), 0, 3), ProtobufError);
});

test('skip: every wire type, groups with nesting, bad wire types', () => {
  const r = hex('96 01  01 02 03 04 05 06 07 08  02 61 62  01 02 03 04  08 01 1b 10 02 1c 0c  2a 01 7a');
  r.skip(WireType.varint, 1);
  r.skip(WireType.fixed64, 1);
  r.skip(WireType.bytes, 1);
  r.skip(WireType.fixed32, 1);
  // group 1: {field 1 varint, group 3 {field 2 varint}} end group 1
  r.skip(WireType.startGroup, 1);
  assert.deepEqual(r.tag('M'), [5, WireType.bytes]);
  assert.equal(r.string(), 'z');
  assert.throws(() => hex('08 01').skip(WireType.startGroup, 1), /unexpected EOF/);
  assert.throws(() => hex('14').skip(WireType.startGroup, 1), /mismatched end group/);
  assert.throws(() => hex('').skip(6, 1), /illegal wireType 6/);
  assert.throws(() => hex('0b'.repeat(100)).skip(WireType.startGroup, 1), /maximum group nesting depth/);
});

test('random bytes never hang and only throw ProtobufError', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16) & 0xff;
  for (let i = 0; i < 2000; i++) {
    const buf = Buffer.from(Array.from({ length: 1 + (i % 40) }, rand));
    const r = new Reader(buf);
    try {
      while (!r.done) {
        const [f, w] = r.tag('M');
        r.skip(w, f);
      }
    } catch (e) {
      assert.ok(e instanceof ProtobufError, String(e));
    }
  }
});
