// The recent authentication and authorization decisions, kept in memory for the web inspector's live trace: a
// ring of the last N requests as the audit pipeline sees them (user, request attributes, decision, reason,
// status code, latency). Nothing here is written anywhere; the oldest entry is dropped when the ring is full.

export interface Decision {
  /** Increases by one per entry: a reader asks for what came after the last one it saw. */
  seq: number;
  /** RFC 3339 with milliseconds. */
  time: string;
  auditID: string;
  /** '' when the request was not authenticated. */
  user: string;
  groups: string[];
  /** The user impersonated, when Impersonate-User was sent. */
  impersonatedUser?: string;
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
  /** allow / forbid (the authorizer's), unauthenticated (401 before authorization). */
  decision: 'allow' | 'forbid' | 'unauthenticated';
  /** The authorizer's reason, or why authentication failed. */
  reason: string;
  code: number;
  latencyMs: number;
}

export type DecisionInput = Omit<Decision, 'seq'>;

export class DecisionRing {
  private readonly items: Decision[] = [];
  private next = 1;

  constructor(readonly capacity = 2000) {}

  record(d: DecisionInput): void {
    const e = d as Decision;
    e.seq = this.next++;
    this.items.push(e);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Entries after `since` (a seq), oldest first, at most `limit` of the newest. */
  list(since = 0, limit = this.capacity): Decision[] {
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.seq > since) i--;
    const out = this.items.slice(i);
    return out.length > limit ? out.slice(out.length - limit) : out;
  }

  get last(): number {
    return this.next - 1;
  }
}
