// Fair queuing of expensive work by flow (the requesting user), as kube-apiserver's API Priority and Fairness
// does for requests: each flow has its own queue, and flows are served round-robin, so a user who sends many
// costly bodies waits behind their own bodies, not in front of everyone else's. A flow may hold only so many
// jobs; past that, or past the total, the caller answers 429.

export class FairQueue<T> {
  /** Queued items per flow; a flow is present only while it has items. Map order is the round-robin order. */
  private readonly flows = new Map<string, T[]>();
  private count = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerFlow: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Queues `item` for `flow`; false when the flow's queue or the total is full. */
  push(flow: string, item: T): boolean {
    if (this.count >= this.maxTotal) return false;
    const q = this.flows.get(flow);
    if (q && q.length >= this.maxPerFlow) return false;
    if (q) q.push(item);
    else this.flows.set(flow, [item]);
    this.count++;
    return true;
  }

  /** The next item: the oldest of the flow whose turn it is; that flow then goes to the back of the line. */
  shift(): T | undefined {
    for (const [flow, q] of this.flows) {
      const item = q.shift()!;
      this.flows.delete(flow);
      if (q.length) this.flows.set(flow, q);
      this.count--;
      return item;
    }
    return undefined;
  }

  /** Removes and returns every queued item. */
  drain(): T[] {
    const all = [...this.flows.values()].flat();
    this.flows.clear();
    this.count = 0;
    return all;
  }
}
