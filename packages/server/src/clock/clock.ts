// One injectable source of "now" for everything whose answer depends on the time: token issuance (iat, exp,
// warnafter), token validation (expiry, nbf), cache TTLs, creation timestamps and table ages. The server uses
// the wall clock; the testing API can hand it a ManualClock so a test moves time instead of waiting for it.
// Timers that only pace work (watch bookmarks, timeouts, storage history) stay on real time on purpose:
// advancing a manual clock must not fire or starve them.

export interface Clock {
  /** Milliseconds since the Unix epoch, like Date.now(). */
  now(): number;
}

export const wallClock: Clock = { now: () => Date.now() };

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration: a number of milliseconds, or Go-style text such as `90s`, `2h`, `1h30m`, `500ms`, `7d`.
 * Throws a TypeError naming the input otherwise.
 */
export function parseDuration(d: number | string): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d)) throw new TypeError(`invalid duration ${d}: not a finite number of milliseconds`);
    return d;
  }
  const text = d.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let seen = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * unitMs[m[2]!]!;
    seen = re.lastIndex;
  }
  if (seen === 0 || seen !== text.length)
    throw new TypeError(`invalid duration ${JSON.stringify(d)}: want a number of ms or e.g. "90s", "2h", "1h30m"`);
  return total;
}

/** A clock that moves only when told to. Starts at `start` (default: the wall clock's now). */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: number | Date = Date.now()) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }
  now = (): number => this.ms;
  /** Moves the clock forward by a duration (`'2h'`, `'90s'`, or ms); returns the new time in ms. */
  advance(d: number | string): number {
    const by = parseDuration(d);
    if (by < 0) throw new RangeError(`cannot advance the clock by a negative duration (${String(d)})`);
    return (this.ms += by);
  }
  /** Sets the clock to an absolute time (ms since the epoch or a Date). Going back is allowed (restore does). */
  set(to: number | Date): void {
    this.ms = typeof to === 'number' ? to : to.getTime();
  }
}
