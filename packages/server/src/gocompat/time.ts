// Go's renderings of time.Time and time.Duration that appear in kube-apiserver's error texts. kube-apiserver
// prints times in its local zone; its images run in UTC, and so do these. Checked against Go's own output
// (corpus.test.ts).

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The zero time.Time's String(). */
export const goZeroTime = '0001-01-01 00:00:00 +0000 UTC';

/**
 * time.Time.String() of an instant in milliseconds since the epoch: `2006-01-02 15:04:05.999999999 +0000 UTC`
 * (fraction trimmed, omitted when zero). With `monotonic`, the monotonic clock reading that time.Now() carries
 * (`m=+12.345678901`), as seconds since this process started.
 */
export function goTimeString(ms: number, monotonic = false): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return goZeroTime;
  const y = d.getUTCFullYear();
  let s = `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const frac = d.getUTCMilliseconds();
  if (frac) s += '.' + pad(frac, 3).replace(/0+$/, '');
  s += ' +0000 UTC';
  if (monotonic) s += ` m=+${process.uptime().toFixed(9)}`;
  return s;
}

/**
 * time.Time.GoString() (what %#v prints) of a metav1.Time given as its RFC 3339 text: metav1.Time decodes into
 * local time, so a set time prints `time.Local`; the zero time (absent or unparsable) prints `time.UTC`.
 */
export function goTimeGoString(ts: string | null | undefined): string {
  const ms = ts ? Date.parse(ts) : NaN;
  if (Number.isNaN(ms)) return 'time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)';
  const d = new Date(ms);
  return `time.Date(${d.getUTCFullYear()}, time.${months[d.getUTCMonth()]}, ${d.getUTCDate()}, ${d.getUTCHours()}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, ${d.getUTCMilliseconds() * 1e6}, time.Local)`;
}
