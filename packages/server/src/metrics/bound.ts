// The per-request counters and histograms (every request adds to six of them). prom-client validates and hashes
// the label object on every inc/observe, a measured share of a GET's CPU; here a label set is looked up by its
// values joined once (`bind`), the request path keeps the series it got (observe/observer.ts), and the registry
// reads the totals only when /metrics is scraped. The exposition is
// prom-client's own (its Registry formats what get() returns, as for its own metrics).
import type { Registry } from 'prom-client';

export type Labels = Readonly<Record<string, string>>;
/** Label values by name: a plain object or an interface such as RequestLabels (extra members are not labels). */
type LabelInput = object;

/** One series of a counter: a handle callers may keep (`BoundCounter.bind`) and increment without a lookup. */
export class CounterSeries {
  value = 0;
  /** Not exposed: created, or reset, and not incremented since (prom-client has no such series then). */
  hidden = true;

  constructor(readonly labels: Labels) {}

  inc(n = 1): void {
    this.value += n;
    this.hidden = false;
  }

  reset(): void {
    this.value = 0;
    this.hidden = true;
  }
}

/** One series of a histogram: a handle callers may keep (`BoundHistogram.bind`) and observe into without a lookup. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  hidden = true;

  constructor(
    readonly labels: Labels,
    private readonly buckets: readonly number[],
  ) {
    this.counts = new Float64Array(buckets.length + 1);
  }

  observe(value: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
    this.hidden = false;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    this.hidden = true;
  }
}

abstract class Labelled<C extends { labels: Labels; hidden: boolean; reset(): void }> {
  readonly aggregator = 'sum';
  private readonly children = new Map<string, C>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  protected abstract create(labels: Labels): C;

  /**
   * The series of `labels` (only this metric's label names count; a missing one is left out, as prom-client does).
   * The handle stays valid for the metric's life (a reset empties it and hides it until it is used again), so hot
   * paths look it up once per label set and keep it.
   */
  bind(input: LabelInput): C {
    const labels = input as Readonly<Record<string, string | undefined>>;
    let key = '';
    for (const n of this.labelNames) key += (labels[n] ?? '\u0001') + '\u0000';
    let c = this.children.get(key);
    if (c === undefined) {
      const own: Record<string, string> = {};
      for (const n of this.labelNames) {
        const v = labels[n];
        if (v !== undefined) own[n] = v;
      }
      this.children.set(key, (c = this.create(own)));
    }
    return c;
  }

  /** The exposed series (those used since they were created or reset). */
  protected *series(): IterableIterator<C> {
    for (const c of this.children.values()) if (!c.hidden) yield c;
  }

  reset(): void {
    for (const c of this.children.values()) c.reset();
  }
}

export class BoundCounter extends Labelled<CounterSeries> {
  readonly type = 'counter';

  protected create(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }

  inc(labels: LabelInput, n = 1): void {
    this.bind(labels).inc(n);
  }

  get() {
    const values = [...this.series()].map((c) => ({ labels: c.labels, value: c.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class BoundHistogram extends Labelled<HistogramSeries> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    registry: Registry,
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames, registry);
  }

  protected create(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.buckets);
  }

  observe(labels: LabelInput, value: number): void {
    this.bind(labels).observe(value);
  }

  /** What prom-client's Histogram gives its Registry to format: cumulative buckets with `le` first, +Inf, sum, count. */
  getForPromString() {
    const values: Array<{
      labels: Record<string, string | number>;
      sharedLabels: Labels;
      value: number;
      metricName: string;
      exemplar: null | undefined;
    }> = [];
    const bucket = `${this.name}_bucket`;
    for (const c of this.series()) {
      let acc = 0;
      this.buckets.forEach((le, i) => {
        acc += c.counts[i]!;
        values.push({ labels: { le }, sharedLabels: c.labels, value: acc, metricName: bucket, exemplar: null });
      });
      values.push({
        labels: { le: '+Inf' },
        sharedLabels: c.labels,
        value: c.count,
        metricName: bucket,
        exemplar: null,
      });
      values.push({
        labels: {},
        sharedLabels: c.labels,
        value: c.sum,
        metricName: `${this.name}_sum`,
        exemplar: undefined,
      });
      values.push({
        labels: {},
        sharedLabels: c.labels,
        value: c.count,
        metricName: `${this.name}_count`,
        exemplar: undefined,
      });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form (Registry.getMetricsAsJSON): each value's labels with the series' labels merged in. */
  get() {
    const m = this.getForPromString();
    return {
      ...m,
      values: m.values.map(({ sharedLabels, labels, ...v }) => ({ ...v, labels: { ...labels, ...sharedLabels } })),
    };
  }
}
