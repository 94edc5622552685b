// Per-request metric updates without prom-client's per-call work. prom-client hashes the label object into a
// string, validates every label and looks the series up on every inc()/observe() — and its labels() children do
// the same on every call, so caching children saves nothing. Here the series' value object (what prom-client keeps
// in its hashMap and reads at scrape time) is looked up once, when the series is first used through the public API,
// and updated directly after that. Should a prom-client release keep its series elsewhere, the lookup finds
// nothing and every update goes through the public API as before (cells.test.ts compares the two paths' output).
// The registry is never reset (a reset would replace the series objects held here).
import type { Counter, Histogram } from 'prom-client';

type Labels = Record<string, string>;
interface CounterEntry {
  value: number;
  labels: Labels;
}
interface HistogramEntry {
  sum: number;
  count: number;
  labels: Labels;
  bucketValues: Record<number, number>;
}

function entryOf<E extends { labels: Labels }>(metric: object, labels: Labels): E | undefined {
  const map = (metric as { hashMap?: Record<string, E> }).hashMap;
  if (!map || typeof map !== 'object') return undefined;
  for (const k in map) if (map[k]!.labels === labels) return map[k];
  return undefined;
}

/** One counter series: `inc()` adds 1. */
export interface CounterCell {
  inc(): void;
}

/** One histogram series. */
export interface HistogramCell {
  observe(value: number): void;
}

export function counterCell(counter: Counter<string>, labels: Labels): CounterCell {
  counter.inc(labels, 0); // creates the series, as prom-client does on first use
  const e = entryOf<CounterEntry>(counter, labels);
  if (!e || typeof e.value !== 'number') return { inc: () => counter.inc(labels) };
  return {
    inc() {
      e.value += 1;
    },
  };
}

export function histogramCell(histogram: Histogram<string>, labels: Labels, first: number): HistogramCell {
  histogram.observe(labels, first);
  const e = entryOf<HistogramEntry>(histogram, labels);
  const bounds = (histogram as unknown as { upperBounds?: number[] }).upperBounds;
  if (!e || typeof e.sum !== 'number' || !Array.isArray(bounds) || !e.bucketValues)
    return { observe: (v: number) => histogram.observe(labels, v) };
  const buckets = e.bucketValues;
  return {
    observe(v: number) {
      e.sum += v;
      e.count += 1;
      // prom-client's findBound: the first upper bound ≥ v (beyond the last one only sum and count move).
      for (let i = 0; i < bounds.length; i++)
        if (v <= bounds[i]!) {
          buckets[bounds[i]!]! += 1;
          return;
        }
    },
  };
}
