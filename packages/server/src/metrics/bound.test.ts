import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { BoundCounter, BoundHistogram } from './bound.js';

const labelNames = ['verb', 'resource', 'code'];
const observations: Array<[Record<string, string>, number]> = [
  [{ verb: 'GET', resource: 'pods', code: '200' }, 0.004],
  [{ verb: 'GET', resource: 'pods', code: '200' }, 0.03],
  [{ verb: 'LIST', resource: 'pods', code: '200' }, 0.5],
  // above every bucket: counted in +Inf, _sum and _count only
  [{ verb: 'LIST', resource: 'pods', code: '200' }, 100],
  // a missing label is left out of the series, a quote and a newline are escaped
  [{ verb: 'POST', code: '201' }, 0.1],
  [{ verb: 'GET', resource: 'a"b\nc', code: '404' }, 0.005],
];

test("bound counters and histograms expose exactly what prom-client's do for the same observations", async () => {
  const theirs = new Registry();
  const ours = new Registry();
  const buckets = [0.005, 0.025, 0.1, 1];
  const c = new Counter({ name: 'x_total', help: 'Help "text".', labelNames, registers: [theirs] });
  const h = new Histogram({ name: 'x_seconds', help: 'Latency.', labelNames, buckets, registers: [theirs] });
  const bc = new BoundCounter('x_total', 'Help "text".', labelNames, ours);
  const bh = new BoundHistogram('x_seconds', 'Latency.', labelNames, ours, buckets);
  for (const [labels, v] of observations) {
    c.inc(labels);
    h.observe(labels, v);
    bc.inc(labels);
    bh.observe(labels, v);
  }
  c.inc({ verb: 'GET', resource: 'pods', code: '200' }, 5);
  bc.inc({ verb: 'GET', resource: 'pods', code: '200' }, 5);
  const text = await ours.metrics();
  assert.equal(text, await theirs.metrics());
  assert.match(text, /x_seconds_bucket\{le="\+Inf",verb="LIST",resource="pods",code="200"\} 2/);
  assert.deepEqual(await ours.getMetricsAsJSON(), await theirs.getMetricsAsJSON());
  ours.resetMetrics();
  theirs.resetMetrics();
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test('members beyond the label names (a RequestLabels with dry_run) are not labels', async () => {
  const r = new Registry();
  const h = new BoundHistogram('sizes', 'Sizes.', ['verb'], r, [1000]);
  h.observe({ verb: 'GET', dry_run: '' }, 10);
  h.observe({ verb: 'GET', dry_run: 'All' }, 2000);
  assert.equal(
    await r.metrics(),
    '# HELP sizes Sizes.\n# TYPE sizes histogram\nsizes_bucket{le="1000",verb="GET"} 1\nsizes_bucket{le="+Inf",verb="GET"} 2\nsizes_sum{verb="GET"} 2010\nsizes_count{verb="GET"} 2\n',
  );
});
