import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { counterCell, histogramCell } from './cells.js';

function metrics(r: Registry) {
  return {
    c: new Counter({ name: 'c_total', help: 'c', labelNames: ['a', 'b'], registers: [r] }),
    h: new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['a'], buckets: [0.1, 1, 10], registers: [r] }),
  };
}

test("held series give prom-client's own output", async () => {
  const pub = new Registry();
  const held = new Registry();
  const p = metrics(pub);
  const h = metrics(held);
  const values = [0.05, 0.1, 0.5, 1, 5, 10, 50, 0];
  for (const v of values) {
    p.c.inc({ a: 'x', b: 'y' });
    p.h.observe({ a: 'x' }, v);
  }
  p.c.inc({ a: 'z', b: 'y' });
  const cx = counterCell(h.c, { a: 'x', b: 'y' });
  const hx = histogramCell(h.h, { a: 'x' }, values[0]!);
  const cz = counterCell(h.c, { a: 'z', b: 'y' });
  // From here on the held series are updated directly: prom-client's own methods are not called.
  h.c.inc = () => assert.fail('counter.inc called');
  h.h.observe = () => assert.fail('histogram.observe called');
  for (const v of values.slice(1)) hx.observe(v);
  for (const _ of values) cx.inc();
  cz.inc();
  assert.equal(await held.metrics(), await pub.metrics());
  assert.match(await held.metrics(), /^h_seconds_bucket\{le="1",a="x"\} 5$/m);
});
