// The error texts kube-apiserver's JSON decoder produces for values its custom unmarshalers reject:
// metav1.Time (Go time.Parse), resource.Quantity (ParseQuantity) and []byte (base64.StdEncoding).

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339Micro = '2006-01-02T15:04:05.000000Z07:00';

const quote = (s: string) => JSON.stringify(s);
const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** Go's time.Parse error for `value` against an RFC 3339 layout, or undefined when it parses. */
export function timeParseError(layout: string, value: string): string | undefined {
  // The layout as Go splits it: literal prefixes and std chunks.
  const chunks = layout === RFC3339Micro ? microChunks : rfcChunks;
  const fail = (elem: string, rest: string) =>
    `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(elem)}`;
  const range = (what: string) => `parsing time ${quote(value)}: ${what} out of range`;
  let v = value;
  let year = 0;
  let month = 0;
  let day = 0;
  for (const c of chunks) {
    const hold = v;
    if (c === '2006') {
      if (v.length < 4 || !/^[+-]?\d+$/.test(v.slice(0, 4))) return fail(c, hold);
      year = Number(v.slice(0, 4));
      v = v.slice(4);
    } else if (c === '01' || c === '02' || c === '15' || c === '04' || c === '05') {
      // getnum: two digits (the hour also accepts one)
      if (!isDigit(v, 0) || (!isDigit(v, 1) && c !== '15')) return fail(c, hold);
      const n = isDigit(v, 1) ? Number(v.slice(0, 2)) : Number(v[0]);
      v = v.slice(isDigit(v, 1) ? 2 : 1);
      if (c === '01') {
        if (n < 1 || n > 12) return range('month');
        month = n;
      } else if (c === '02') day = n;
      else if ((c === '15' && n > 23) || (c !== '15' && n > 59))
        return range({ '15': 'hour', '04': 'minute', '05': 'second' }[c]);
      if (c === '05' && chunks === rfcChunks && /^[.,]\d/.test(v)) v = v.replace(/^[.,]\d+/, '');
    } else if (c === '.000000') {
      if (v.length < 7 || !/^[.,]\d{6}/.test(v)) return fail(c, hold);
      v = v.slice(7);
    } else if (c === 'Z07:00') {
      if (v[0] === 'Z') v = v.slice(1);
      else {
        if (v.length < 6 || v[3] !== ':' || (v[0] !== '+' && v[0] !== '-')) return fail(c, hold);
        if (!/^\d\d$/.test(v.slice(1, 3)) || !/^\d\d$/.test(v.slice(4, 6))) return fail(c, hold);
        v = v.slice(6);
      }
    } else {
      // a literal prefix: Go reports the remaining input at the first mismatch
      let i = 0;
      while (i < c.length && v[i] === c[i]) i++;
      if (i < c.length) return fail(c, v.slice(i));
      v = v.slice(c.length);
    }
  }
  if (v.length) return `parsing time ${quote(value)}: extra text: ${quote(v)}`;
  if (day < 1 || day > daysIn(month, year)) return range('day');
  return undefined;
}
const rfcChunks = ['2006', '-', '01', '-', '02', 'T', '15', ':', '04', ':', '05', 'Z07:00'];
const microChunks = ['2006', '-', '01', '-', '02', 'T', '15', ':', '04', ':', '05', '.000000', 'Z07:00'];

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
}

export const quantityFormatError =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const quantitySuffixes = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/** resource.ParseQuantity's error for `raw` (the JSON text, quotes stripped), or undefined when it parses. */
export function quantityError(raw: string): string | undefined {
  const s = raw.trim();
  if (!s) return quantityFormatError;
  // sign, digits, optional fraction, then suffix letters, an optional exponent sign and digits
  const m = /^[+-]?[0-9]*(?:\.[0-9]*)?/.exec(s)!;
  let rest = s.slice(m[0].length);
  const suffixStart = rest;
  rest = rest.replace(/^[eEinumkKMGTP]*/, '').replace(/^[-+]/, '');
  if (!/^[0-9]*$/.test(rest)) return quantityFormatError;
  if (!quantitySuffixes.has(suffixStart) && !/^[eE][-+]?[0-9]+$/.test(suffixStart))
    return "unable to parse quantity's suffix";
  return undefined;
}

const b64 = new Int16Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries())
  b64[c.charCodeAt(0)] = i;

/** base64.StdEncoding.Decode's error for `s`, or undefined when it decodes (Go's decodeQuantum offsets). */
export function base64Error(s: string): string | undefined {
  const bad = (n: number) => `illegal base64 data at input byte ${n}`;
  const nl = (c: string | undefined) => c === '\n' || c === '\r';
  let si = 0;
  while (si < s.length) {
    for (let j = 0; j < 4; j++) {
      if (si === s.length) {
        if (j === 0) return undefined;
        return bad(si - j);
      }
      const c = s[si++]!;
      const code = c.charCodeAt(0);
      if (code < 128 && b64[code]! >= 0) continue;
      if (nl(c)) {
        j--;
        continue;
      }
      if (c !== '=' || j < 2) return bad(si - 1);
      if (j === 2) {
        while (si < s.length && nl(s[si])) si++;
        if (si === s.length) return bad(s.length);
        if (s[si] !== '=') return bad(si - 1);
        si++;
      }
      while (si < s.length && nl(s[si])) si++;
      return si < s.length ? bad(si) : undefined;
    }
  }
  return undefined;
}
