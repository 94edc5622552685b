// JSON request bodies: V8's JSON.parse (fast, iterative) for the value; Go's scanner (gocompat) for the error
// text and for the nesting limit, run only when the text could be too deep or did not parse.
import { scan } from '../../gocompat/json-scan.js';
import { maxNestingDepth } from './limits.js';

/** A body that is not valid JSON (or nests too deeply); the message is Go's encoding/json text. */
export class JsonError extends Error {}

/**
 * Valid JSON holding a number that no float64 can hold (`1e400`, 309+ digits): JSON.parse makes it ±Infinity,
 * which nothing after the decoder can write back. Go's decoder refuses it as it converts the number
 * (`json: cannot unmarshal number 1e400 into Go value of type float64`); so does this one, for every body.
 */
export class JsonRangeError extends JsonError {
  constructor(readonly literal: string) {
    super(`json: cannot unmarshal number ${literal} into Go value of type float64`);
  }
}

/**
 * Whether the text may hold a number literal that overflows float64: an exponent of three digits or more, or 309
 * digits in a row. A native-speed test; only texts that pass it are searched for the literal.
 */
const mayOverflow = /[eE]\+?0*[1-9]\d{2}|\d{309}/;

/**
 * The first number literal of valid JSON text that overflows float64, else undefined. Strings are stepped over
 * (a literal-looking run inside one is data).
 */
export function overflowingNumber(text: string): string | undefined {
  if (!mayOverflow.test(text)) return undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: its end is the first quote not escaped by an odd run of backslashes.
      let q = text.indexOf('"', i + 1);
      for (;;) {
        let b = q - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((q - 1 - b) % 2 === 0) break;
        q = text.indexOf('"', q + 1);
      }
      i = q + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)) break;
      }
      const literal = text.slice(i, j);
      if (!Number.isFinite(Number(literal))) return literal;
      i = j;
    } else i++;
  }
  return undefined;
}

/** JSON.parse of text known to be valid JSON, refusing numbers that overflow float64 (JsonRangeError). */
function parseFinite(text: string): unknown {
  const v = JSON.parse(text) as unknown;
  const literal = overflowingNumber(text);
  if (literal !== undefined) throw new JsonRangeError(literal);
  return v;
}

/** Go's syntax error text for the text with kubeauth's nesting limit, or undefined when it is valid. */
export function jsonSyntaxError(text: string): string | undefined {
  return scan(text, maxNestingDepth);
}

/** More opening brackets than the depth limit: only then can the text nest too deeply (a native-speed count). */
function couldBeTooDeep(text: string): boolean {
  if (text.length <= maxNestingDepth) return false;
  let n = 0;
  for (let i = text.indexOf('['); i >= 0 && n <= maxNestingDepth; i = text.indexOf('[', i + 1)) n++;
  for (let i = text.indexOf('{'); i >= 0 && n <= maxNestingDepth; i = text.indexOf('{', i + 1)) n++;
  return n > maxNestingDepth;
}

/**
 * The value of JSON text; JsonError with Go's encoding/json message when it is not valid or nests too deeply,
 * JsonRangeError when it is valid but holds a number beyond float64.
 */
export function decodeJson(text: string): unknown {
  if (couldBeTooDeep(text)) {
    const e = jsonSyntaxError(text);
    if (e) throw new JsonError(e);
  }
  let v: unknown;
  try {
    v = JSON.parse(text) as unknown;
  } catch {
    // JSON.parse refuses exactly the texts Go's scanner does; the scanner names the error.
    throw new JsonError(jsonSyntaxError(text) ?? 'unexpected end of JSON input');
  }
  const literal = overflowingNumber(text);
  if (literal !== undefined) throw new JsonRangeError(literal);
  return v;
}

/**
 * The value of text that Go's scanner finds valid (within the nesting limit), else undefined: what
 * `jsonSyntaxError(text) === undefined ? JSON.parse(text) : undefined` gives, without the scan when it is valid.
 * Valid text with a number beyond float64 throws JsonRangeError.
 */
export function parseValidJSON(text: string): unknown {
  if (couldBeTooDeep(text)) return jsonSyntaxError(text) === undefined ? parseFinite(text) : undefined;
  let v: unknown;
  try {
    v = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  const literal = overflowingNumber(text);
  if (literal !== undefined) throw new JsonRangeError(literal);
  return v;
}
