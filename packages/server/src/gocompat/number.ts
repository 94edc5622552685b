// Go's renderings of numbers outside encoding/json's own (json-encode.ts): fmt's %v of a float64, and %v of a
// number decoded the way Kubernetes decodes JSON (integers as int64, others as float64). Checked against Go's own
// output (corpus.test.ts).

/**
 * strconv.FormatFloat(n, 'g', -1, 64), which fmt's %v of a float64 is: the shortest digits, in exponent form
 * (two-digit exponent at least) when the exponent is below -4 or from 6 up — 1.234567e+06, 1e-05, 0.0001.
 */
export function goFormatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // toExponential() gives the same shortest digits as Go's shortest formatting.
  const [mant, expStr] = n.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

/**
 * %v of a JSON number as Kubernetes decodes it (sigs.k8s.io/json keeps integers as int64) and as go-jose's JSON
 * fork writes a number: an integer that fits int64 plainly, anything else as a float64.
 */
export function goNumberV(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? String(n) : goFormatFloat(n);
}
