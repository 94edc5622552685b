import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretKeyHasher, SingleFlight, TtlLruCache, raceSignal } from './cache.js';
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
