// metav1's time formats, in one home: Time (RFC 3339, seconds) and MicroTime (six fractional digits), UTC.

/** RFC 3339 with second precision, as metav1.Time marshals. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime's JSON form: RFC 3339 with exactly six fractional digits, UTC. */
export function microTime(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - whole) * 1000);
  // Audit events take two stamps each, thousands a second: the date and time are formatted once per second, the
  // fraction (milliseconds and microseconds, six digits) from integers.
  const second = Math.floor(whole / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastPrefix = new Date(second * 1000).toISOString().slice(0, -4); // through the '.'
  }
  return lastPrefix + String(1_000_000 + (whole - second * 1000) * 1000 + micros).slice(1) + 'Z';
}
let lastSecond = NaN;
let lastPrefix = '';
