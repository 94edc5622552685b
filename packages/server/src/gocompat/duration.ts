// time.Duration's String() and time.ParseDuration, exactly (int64 nanoseconds, kept as bigint so that
// durations past 104 days stay exact). Checked against Go's own output (corpus.test.ts).

const NS = { ns: 1n, us: 1_000n, µs: 1_000n, μs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n } as const;
const minute = 60n * NS.s;
const hour = 60n * minute;

/** `n` with `digits` decimals, trailing zeros (and a bare point) dropped: 1500 with 3 digits is "1.5". */
function fixed(n: bigint, digits: number): string {
  const unit = 10n ** BigInt(digits);
  const frac = (n % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return (n / unit).toString() + (frac ? '.' + frac : '');
}

/** time.Duration(ns).String(): "1h30m0s", "1.5s", "100ms", "1µs", "0s". */
export function goDurationNs(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < NS.s) {
    if (u < NS.us) return `${sign}${u}ns`;
    if (u < NS.ms) return `${sign}${fixed(u, 3)}µs`;
    return `${sign}${fixed(u, 6)}ms`;
  }
  const h = u / hour;
  const m = (u % hour) / minute;
  const s = fixed(u % minute, 9) + 's';
  if (h > 0n) return `${sign}${h}h${m}m${s}`;
  if (m > 0n) return `${sign}${m}m${s}`;
  return sign + s;
}

/** time.Duration.String() of a duration given in (possibly fractional) seconds. */
export function goDuration(seconds: number): string {
  const whole = Math.trunc(seconds);
  return goDurationNs(BigInt(whole) * NS.s + BigInt(Math.round((seconds - whole) * 1e9)));
}

/** The time package's quote: printable ASCII as is (`"` and `\` backslashed), every other byte as \xXX. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x80) out += c === 0x22 || c === 0x5c ? '\\' + ch : ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
  }
  return out + '"';
}

const two63 = 1n << 63n;

/**
 * time.ParseDuration: a signed sequence of decimal numbers with units (ns, us, µs, ms, s, m, h), in nanoseconds;
 * or Go's error text (`time: invalid duration "x"`, `time: missing unit in duration "1"`,
 * `time: unknown unit "x" in duration "1x"`).
 */
export function parseGoDurationNs(orig: string): { ns: bigint } | { error: string } {
  const invalid = { error: `time: invalid duration ${timeQuote(orig)}` };
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ns: 0n };
  if (s === '') return invalid;
  let d = 0n;
  while (s !== '') {
    // [0-9]* then (\.[0-9]*)?, with at least one digit.
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const pre = m[1]!;
    const post = m[2] ?? '';
    if (pre === '' && post === '') return invalid;
    s = s.slice(m[0].length);
    const u = /^[^0-9.]*/.exec(s)![0];
    if (u === '') return { error: `time: missing unit in duration ${timeQuote(orig)}` };
    s = s.slice(u.length);
    const unit = units[u];
    if (unit === undefined) return { error: `time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}` };
    let v = BigInt(pre || '0');
    if (v > two63 / unit) return invalid;
    v *= unit;
    // Go keeps the fraction's digits while they fit in int64 and scales them in float64.
    let f = 0n;
    let scale = 1;
    for (const c of post) {
      const y = f * 10n + BigInt(c);
      if (y > two63 || f > (two63 - 1n) / 10n) break;
      f = y;
      scale *= 10;
    }
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > two63) return invalid;
    }
    d += v;
    if (d > two63) return invalid;
  }
  if (neg) return { ns: -d };
  if (d > two63 - 1n) return invalid;
  return { ns: d };
}

const units: Record<string, bigint> = { ...NS, m: minute, h: hour };
