// k8s.io/apimachinery/pkg/util/duration: the AGE-column renderings kubectl shows (HumanDuration) and the
// printers' translateTimestampSince.

/** Go's int(x) for a float: truncation toward zero. */
const trunc = Math.trunc;

/** duration.HumanDuration: ~2-3 significant figures, e.g. `5s`, `2m3s`, `10m`, `3h4m`, `5d3h`, `2y3d`. */
export function humanDuration(ms: number): string {
  const seconds = trunc(ms / 1000);
  // Up to two seconds in the future is clock skew, shown as now; further is invalid.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = trunc(hours / 24) % 365;
    return dy === 0 ? `${trunc(hours / 24 / 365)}y` : `${trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/** duration.ShortHumanDuration: one unit only (`5s`, `3m`, `4h`, `12d`, `2y`). */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / 3_600_000);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(ms / 3_600_000 / 24 / 365)}y`;
}

const zeroTime = -62135596800000; // Date.parse("0001-01-01T00:00:00Z")

/** translateTimestampSince: the age of a timestamp, `<unknown>` when it is unset (or unparseable). */
export function age(timestamp: string | null | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  // Go's zero time (0001-01-01T00:00:00Z) is "unset" too.
  if (Number.isNaN(t) || t === zeroTime) return '<unknown>';
  return humanDuration(now - t);
}
