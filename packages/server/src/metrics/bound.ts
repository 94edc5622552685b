// The per-request counters and histograms (every request adds to six of them). prom-client validates and hashes
// the label object on every inc/observe, a measured share of a GET's CPU; here a label set is looked up by its
// values joined once, and the registry reads the totals only when /metrics is scraped. The exposition is
// prom-client's own (its Registry formats what get() returns, as for its own metrics).
import type { Registry } from 'prom-client';

export type Labels = Readonly<Record<string, string>>;
/** Label values by name: a plain object or an interface such as RequestLabels (extra members are not labels). */
type LabelInput = object;

interface Series {
  readonly labels: Labels;
  /** Set when the metric is reset: a handle holding this series looks it up again. */
  dead: boolean;
}

interface CounterChild extends Series {
  value: number;
}

interface HistogramChild extends Series {
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

abstract class Labelled<C extends Series> {
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

  /** The series of `labels` (only this metric's label names count; a missing one is left out, as prom-client does). */
  child(input: LabelInput): C {
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

  protected series(): IterableIterator<C> {
    return this.children.values();
  }

  reset(): void {
    for (const c of this.children.values()) c.dead = true;
    this.children.clear();
  }
}

/**
 * One series of a metric, resolved on its first use and kept: a request path that knows its labels ahead (a route,
 * an authentication result) adds to it without building a label object or a key. The series is created only when
 * something is counted (as prom-client's are), and looked up again after a reset.
 */
abstract class Handle<C extends Series> {
  private c: C | undefined;

  constructor(
    private readonly metric: Labelled<C>,
    readonly labels: LabelInput,
  ) {}

  protected series(): C {
    let c = this.c;
    if (c === undefined || c.dead) c = this.c = this.metric.child(this.labels);
    return c;
  }
}

export class CounterHandle extends Handle<CounterChild> {
  inc(n = 1): void {
    this.series().value += n;
  }
}

export class HistogramHandle extends Handle<HistogramChild> {
  constructor(
    private readonly h: BoundHistogram,
    labels: LabelInput,
  ) {
    super(h, labels);
  }

  observe(value: number): void {
    observeInto(this.series(), this.h.buckets, value);
  }
}

function observeInto(c: HistogramChild, b: readonly number[], value: number): void {
  let i = 0;
  while (i < b.length && value > b[i]!) i++;
  c.counts[i]!++;
  c.sum += value;
  c.count++;
}

export class BoundCounter extends Labelled<CounterChild> {
  readonly type = 'counter';

  protected create(labels: Labels): CounterChild {
    return { labels, value: 0, dead: false };
  }

  inc(labels: LabelInput, n = 1): void {
    this.child(labels).value += n;
  }

  /** The series of `labels`, to add to without looking it up each time. */
  handle(labels: LabelInput): CounterHandle {
    return new CounterHandle(this, labels);
  }

  get() {
    const values = [...this.series()].map((c) => ({ labels: c.labels, value: c.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class BoundHistogram extends Labelled<HistogramChild> {
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

  protected create(labels: Labels): HistogramChild {
    return { labels, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0, dead: false };
  }

  observe(labels: LabelInput, value: number): void {
    observeInto(this.child(labels), this.buckets, value);
  }

  /** The series of `labels`, to observe into without looking it up each time. */
  handle(labels: LabelInput): HistogramHandle {
    return new HistogramHandle(this, labels);
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
