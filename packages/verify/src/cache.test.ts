import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretKeyHasher, SingleFlight, FrontedLruCache, TtlLruCache, raceSignal } from './cache.js';
import { fakeClock } from './test/helpers.js';

describe('TtlLruCache', () => {
  it('expires entries and evicts the least recently used', () => {
    const clock = fakeClock(0);
    const cache = new TtlLruCache<number>(2, clock);
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    assert.equal(cache.get('a'), 1); // a is now most recent
    cache.set('c', 3, 100); // evicts b
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    clock.advance(100);
    assert.equal(cache.get('a'), undefined);
    cache.set('d', 4, 0);
    assert.equal(cache.get('d'), undefined, 'TTL 0 stores nothing');
    assert.equal(new TtlLruCache<number>(0).size, 0);
  });
});

describe('FrontedLruCache (hashed LRU + token-keyed front)', () => {
  const AUD: readonly string[] = Object.freeze(['aud']);

  it('answers from the front with the LRU entry, until it expires', () => {
    const clock = fakeClock(0);
    const cache = new FrontedLruCache<string>(10, 10, clock);
    assert.equal(cache.peek('tok', AUD), undefined);
    cache.set('k', 'tok', AUD, 'v', 100);
    assert.equal(cache.peek('tok', AUD), 'v');
    assert.equal(cache.peek('tok', ['aud']), 'v', 'equal audiences in another array');
    assert.equal(cache.peek('tok', ['other']), undefined, 'audiences are compared on every call');
    assert.equal(cache.peek('tok', []), undefined);
    assert.equal(cache.peek('other-token', AUD), undefined);
    clock.advance(99);
    assert.equal(cache.peek('tok', AUD), 'v');
    clock.advance(1);
    assert.equal(cache.peek('tok', AUD), undefined, 'expired at expiresAt, like the LRU');
    assert.equal(cache.frontSize, 0, 'an expired front entry is dropped');
    assert.equal(cache.get('k', 'tok'), undefined);
    assert.equal(cache.size, 0);
  });

  it('copies per-call audiences so a caller mutating its array cannot change the entry', () => {
    const cache = new FrontedLruCache<string>(10, 10, fakeClock(0));
    const auds = ['a'];
    cache.set('k', 'tok', auds, 'v', 100);
    auds[0] = 'b';
    assert.equal(cache.peek('tok', ['b']), undefined);
    assert.equal(cache.peek('tok', ['a']), 'v');
  });

  it('bounds the front (oldest indexed first out) without dropping LRU entries', () => {
    const cache = new FrontedLruCache<number>(100, 2, fakeClock(0));
    cache.set('k1', 't1', AUD, 1, 100);
    cache.set('k2', 't2', AUD, 2, 100);
    cache.set('k3', 't3', AUD, 3, 100);
    assert.equal(cache.frontSize, 2);
    assert.equal(cache.peek('t1', AUD), undefined, 't1 left the front');
    assert.equal(cache.peek('t2', AUD), 2);
    assert.equal(cache.peek('t3', AUD), 3);
    // Still in the LRU; a hashed hit indexes it in the front again (pushing out t2).
    assert.equal(cache.get('k1', 't1'), 1);
    assert.equal(cache.peek('t1', AUD), 1);
    assert.equal(cache.peek('t2', AUD), undefined);
    assert.equal(cache.frontSize, 2);
    const off = new FrontedLruCache<number>(100, 0, fakeClock(0));
    off.set('k', 't', AUD, 1, 100);
    assert.equal(off.peek('t', AUD), undefined, 'maxFrontEntries 0 disables the front');
    assert.equal(off.get('k', 't'), 1);
    assert.equal(off.frontSize, 0);
  });

  it('never answers from the front with an entry the LRU evicted, replaced or cleared', () => {
    const cache = new FrontedLruCache<number>(2, 10, fakeClock(0));
    cache.set('k1', 't1', AUD, 1, 100);
    cache.set('k2', 't2', AUD, 2, 100);
    cache.set('k3', 't3', AUD, 3, 100); // evicts k1 (never used through the front)
    assert.equal(cache.size, 2);
    assert.equal(cache.peek('t1', AUD), undefined, 'evicted from the LRU, so not answered by the front');
    assert.equal(cache.get('k1', 't1'), undefined);
    // Replacing an entry kills the old one.
    cache.set('k2', 't2', AUD, 22, 100);
    assert.equal(cache.peek('t2', AUD), 22);
    // clear() empties both.
    cache.clear();
    assert.equal(cache.peek('t2', AUD), undefined);
    assert.equal(cache.peek('t3', AUD), undefined);
    assert.equal(cache.size + cache.frontSize, 0);
  });

  it('gives entries hit through the front a second chance at eviction (hot tokens stay)', () => {
    const cache = new FrontedLruCache<number>(2, 10, fakeClock(0));
    cache.set('k1', 't1', AUD, 1, 100);
    cache.set('k2', 't2', AUD, 2, 100);
    assert.equal(cache.peek('t1', AUD), 1); // t1 hot, but the LRU order is still k1, k2
    cache.set('k3', 't3', AUD, 3, 100); // k1 is spared once, k2 goes
    assert.equal(cache.peek('t1', AUD), 1);
    assert.equal(cache.peek('t2', AUD), undefined);
    assert.equal(cache.get('k2', 't2'), undefined);
    assert.equal(cache.peek('t3', AUD), 3);
    // Both used: the oldest (k1) is spared, then k3 too, then k1 (its flag cleared) goes. The new entry stays.
    cache.set('k4', 't4', AUD, 4, 100);
    assert.equal(cache.size, 2);
    assert.equal(cache.peek('t4', AUD), 4, 'the entry just stored is never the one evicted');
    assert.equal([cache.peek('t1', AUD), cache.peek('t3', AUD)].filter((v) => v !== undefined).length, 1);
    // With one entry allowed, a used old entry does not push out the new one.
    const one = new FrontedLruCache<number>(1, 10, fakeClock(0));
    one.set('a', 'ta', AUD, 1, 100);
    assert.equal(one.peek('ta', AUD), 1);
    one.set('b', 'tb', AUD, 2, 100);
    assert.equal(one.size, 1);
    assert.equal(one.peek('tb', AUD), 2);
    assert.equal(one.peek('ta', AUD), undefined);
  });

  it('stores nothing for a TTL <= 0 or a zero bound', () => {
    const cache = new FrontedLruCache<number>(10, 10, fakeClock(0));
    cache.set('k', 't', AUD, 1, 0);
    cache.set('k', 't', AUD, 1, -5);
    assert.equal(cache.peek('t', AUD), undefined);
    const none = new FrontedLruCache<number>(0, 10, fakeClock(0));
    none.set('k', 't', AUD, 1, 100);
    assert.equal(none.peek('t', AUD), undefined);
    assert.equal(none.frontSize, 0);
    assert.throws(() => new FrontedLruCache<number>(1, -1), RangeError);
  });

  it('indexes long keys by length and tail, and answers only for the whole key', () => {
    const cache = new FrontedLruCache<string>(10, 10, fakeClock(0));
    const tail = 's'.repeat(64);
    const a = `a${'x'.repeat(200)}${tail}`;
    const b = `b${'x'.repeat(200)}${tail}`; // same length and tail: the same front slot, another token
    cache.set('ka', a, AUD, 'A', 100);
    assert.equal(cache.peek(a, AUD), 'A');
    assert.equal(cache.peek(`${a.slice(0, 100)}${a.slice(100)}`, AUD), 'A', 'an equal key built anew');
    assert.equal(cache.peek(b, AUD), undefined, 'a shared tail is not a hit');
    cache.set('kb', b, AUD, 'B', 100);
    assert.equal(cache.peek(b, AUD), 'B');
    assert.equal(cache.peek(a, AUD), undefined, 'b took the front slot; a is still in the LRU');
    assert.equal(cache.get('ka', a), 'A');
    assert.equal(cache.peek(a, AUD), 'A');
    assert.equal(cache.frontSize, 1);
  });
});

describe('SingleFlight', () => {
  it('shares concurrent calls and forgets them when settled', async () => {
    const flights = new SingleFlight<number>();
    let calls = 0;
    const fn = async (): Promise<number> => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return 42;
    };
    const [a, b] = await Promise.all([flights.run('k', fn), flights.run('k', fn)]);
    assert.equal(a, 42);
    assert.equal(b, 42);
    assert.equal(calls, 1);
    assert.equal(flights.size, 0);
    await flights.run('k', fn);
    assert.equal(calls, 2);
  });

  it('raceSignal stops waiting on abort', async () => {
    const ac = new AbortController();
    const never = new Promise<number>(() => {});
    const p = raceSignal(never, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
    await assert.rejects(raceSignal(Promise.resolve(1), ac.signal), /stop/);
    assert.equal(await raceSignal(Promise.resolve(1), undefined), 1);
  });
});

describe('SecretKeyHasher', () => {
  it('keys are length-prefixed (no ambiguity) and per instance', () => {
    const h = new SecretKeyHasher();
    assert.notEqual(h.hash(['ab', 'c']), h.hash(['a', 'bc']));
    assert.equal(h.hash(['x']), h.hash(['x']));
    assert.notEqual(new SecretKeyHasher().hash(['x']), h.hash(['x']));
    assert.ok(!h.hash(['secret-token']).includes('secret'));
  });
});
