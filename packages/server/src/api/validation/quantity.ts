// k8s.io/apimachinery/pkg/api/resource.Quantity, enough of it to compare quantities (QoS, requests <= limits)
// and to write them back in canonical form as kube-apiserver does (`0.5` -> `500m`, `1024Mi` -> `1Gi`).
import { hasKey } from '../ownkeys.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** Exact value in units of 10^-9 (the finest scale a Quantity keeps; finer values round up). */
  nano: bigint;
  format: QuantityFormat;
}

export const quantityRegexpError =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const decSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binSuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const NANO = 1_000_000_000n;

/** Integer division rounding away from zero (inf.RoundUp). */
function divUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/** Parses a quantity string (or JSON number); undefined when it is not one. */
export function parseQuantity(input: string | number): Quantity | undefined {
  const str = typeof input === 'number' ? String(input) : input.trim();
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(str);
  if (!str || !m || (m[2] === '' && m[3] === undefined)) return undefined;
  const negative = m[1] === '-';
  const num = m[2] || '0';
  const denom = m[3] ?? '';
  const suffix = m[4]!;
  let base: 2 | 10;
  let exponent: number;
  let format: QuantityFormat;
  if (hasKey(decSuffixes, suffix)) [base, exponent, format] = [10, decSuffixes[suffix]!, 'DecimalSI'];
  else if (hasKey(binSuffixes, suffix)) [base, exponent, format] = [2, binSuffixes[suffix]!, 'BinarySI'];
  else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[-+]?[0-9]+$/.test(suffix.slice(1)))
    [base, exponent, format] = [10, Number(suffix.slice(1)), 'DecimalExponent'];
  else return undefined;
  // digits × 10^-len(denom) × base^exponent, expressed in nano units.
  let digits = BigInt(num + denom);
  let scale10 = 9 - denom.length;
  if (base === 10) scale10 += exponent;
  else digits *= 1n << BigInt(exponent);
  let nano = scale10 >= 0 ? digits * 10n ** BigInt(scale10) : divUp(digits, 10n ** BigInt(-scale10));
  // A binary quantity below one (in magnitude) is written as a decimal one.
  if (format === 'BinarySI' && nano > 0n && nano < NANO) format = 'DecimalSI';
  if (negative) nano = -nano;
  return { nano, format };
}

/** Quantity.RoundUp(scale) for scale -3 (milli), as SetDefaults_ResourceList applies to resource lists. */
export function roundUpMilli(q: Quantity): Quantity {
  return { nano: divUp(q.nano, 1_000_000n) * 1_000_000n, format: q.format };
}

export function compareQuantity(a: Quantity, b: Quantity): number {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.format };
}

/** Quantity.String(): the canonical form. */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    // Small or fractional binary values are shown in decimal rather than rounded.
    if ((q.nano > -1024n * NANO && q.nano < 1024n * NANO) || q.nano % NANO !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let amount = q.nano / NANO;
    let exp = 0;
    while (amount % 1024n === 0n && exp < 60) {
      amount /= 1024n;
      exp += 10;
    }
    const suffix = Object.entries(binSuffixes).find(([, e]) => e === exp)?.[0] ?? '';
    return `${amount}${suffix}`;
  }
  // Decimal: mantissa × 10^exp with all factors of ten in exp, then exp lowered to a multiple of three.
  let amount = q.nano;
  let exp = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exp++;
  }
  while (exp % 3 !== 0) {
    amount *= 10n;
    exp--;
  }
  if (format === 'DecimalExponent') return exp === 0 ? `${amount}` : `${amount}e${exp}`;
  const suffix = Object.entries(decSuffixes).find(([, e]) => e === exp)?.[0];
  return suffix === undefined ? `${amount}e${exp}` : `${amount}${suffix}`;
}

/** The canonical text of a quantity value as written in JSON, or the value unchanged if it is not one. */
export function canonicalQuantity(value: unknown, roundMilli = false): unknown {
  if (typeof value !== 'string' && typeof value !== 'number') return value;
  const q = parseQuantity(value);
  if (!q) return value;
  return formatQuantity(roundMilli ? roundUpMilli(q) : q);
}
