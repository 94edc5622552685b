// encoding/json's syntax check (checkValid) with its exact messages ("invalid character 'x' looking for beginning
// of value", "unexpected end of JSON input", "invalid character '[' exceeded max depth"): kube-apiserver returns
// those texts verbatim in 400 responses. V8's JSON.parse messages differ and it has no nesting limit, so this
// scanner names the error and JSON.parse (which accepts exactly the same texts) builds the value.
// Checked against Go's own output (corpus.test.ts).
import { goQuoteByte } from './quote.js';

/** encoding/json's maxNestingDepth. */
export const goMaxNestingDepth = 10000;

export class GoJSONSyntaxError extends Error {}

const EOF = 'unexpected end of JSON input';

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
/** The escapes after `\` other than u: " \ / b f n r t. */
const isEscape = (c: number) =>
  c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;

/**
 * Go's error text for the first syntax error in `data`, or undefined when it is valid JSON nesting at most
 * `maxDepth` levels. A string is the UTF-8 text of the bytes Go would see; bytes may be any bytes (invalid UTF-8
 * is named byte by byte, as Go does).
 */
export function scan(data: string | Uint8Array, maxDepth = goMaxNestingDepth): string | undefined {
  // Bytes are scanned as Latin-1 text: one character per byte, so a character's code is the byte Go names.
  if (typeof data === 'string') return scanText(data, false, maxDepth);
  return scanText(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'), true, maxDepth);
}

/** Parses JSON text; throws GoJSONSyntaxError with Go's message when it is not valid JSON. */
export function parseGoJSON(data: string | Uint8Array, maxDepth = goMaxNestingDepth): unknown {
  const err = scan(data, maxDepth);
  if (err) throw new GoJSONSyntaxError(err);
  return JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')) as unknown;
}

/** The first byte of the UTF-8 encoding of the character at i (a lone surrogate encodes as U+FFFD, EF BF BD). */
function firstByte(s: string, i: number): number {
  const cp = s.codePointAt(i)!;
  if (cp < 0x80) return cp;
  if (cp < 0x800) return 0xc0 | (cp >> 6);
  if (cp < 0x10000) return cp >= 0xd800 && cp <= 0xdfff ? 0xef : 0xe0 | (cp >> 12);
  return 0xf0 | (cp >> 18);
}

function scanText(s: string, latin1: boolean, maxDepth: number): string | undefined {
  let i = 0;
  const n = s.length;
  const bad = (what: string): string =>
    `invalid character ${goQuoteByte(latin1 ? s.charCodeAt(i) : firstByte(s, i))} ${what}`;
  // At the end of input Go's scanner steps once more with a space: inside a number, literal or escape that
  // space is the invalid character ("invalid character ' ' in numeric literal"), elsewhere the input just ended.
  const atEnd = (what: string): string => `invalid character ' ' ${what}`;
  const ws = (): void => {
    while (i < n && isSpace(s.charCodeAt(i))) i++;
  };

  function str(): string | undefined {
    i++; // opening quote
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        i++;
        if (i >= n) return atEnd('in string escape code');
        const e = s.charCodeAt(i);
        if (isEscape(e)) {
          i++;
          continue;
        }
        if (e !== 0x75) return bad('in string escape code');
        i++;
        for (let k = 0; k < 4; k++, i++) {
          if (i >= n) return atEnd('in \\u hexadecimal character escape');
          if (!isHex(s.charCodeAt(i))) return bad('in \\u hexadecimal character escape');
        }
        continue;
      }
      if (c < 0x20) return bad('in string literal');
      i++;
    }
    return EOF;
  }

  function num(): string | undefined {
    if (s.charCodeAt(i) === 0x2d) {
      i++;
      if (i >= n) return atEnd('in numeric literal');
      if (!isDigit(s.charCodeAt(i))) return bad('in numeric literal');
    }
    if (s.charCodeAt(i) === 0x30) i++;
    else while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i < n && s.charCodeAt(i) === 0x2e) {
      i++;
      if (i >= n) return atEnd('after decimal point in numeric literal');
      if (!isDigit(s.charCodeAt(i))) return bad('after decimal point in numeric literal');
      while (i < n && isDigit(s.charCodeAt(i))) i++;
    }
    const e = s.charCodeAt(i);
    if (i < n && (e === 0x65 || e === 0x45)) {
      i++;
      const sign = s.charCodeAt(i);
      if (i < n && (sign === 0x2b || sign === 0x2d)) i++;
      if (i >= n) return atEnd('in exponent of numeric literal');
      if (!isDigit(s.charCodeAt(i))) return bad('in exponent of numeric literal');
      while (i < n && isDigit(s.charCodeAt(i))) i++;
    }
    return undefined;
  }

  function lit(word: string): string | undefined {
    i++;
    for (let k = 1; k < word.length; k++, i++) {
      const what = `in literal ${word} (expecting '${word[k]}')`;
      if (i >= n) return atEnd(what);
      if (s.charCodeAt(i) !== word.charCodeAt(k)) return bad(what);
    }
    return undefined;
  }

  /** After `{` and any space: an object key and its colon. */
  function key(): string | undefined {
    if (i >= n) return EOF;
    if (s.charCodeAt(i) !== 0x22) return bad('looking for beginning of object key string');
    const e = str();
    if (e) return e;
    ws();
    if (i >= n) return EOF;
    if (s.charCodeAt(i) !== 0x3a) return bad('after object key');
    i++;
    return undefined;
  }

  // Iterative over containers (0x7b `{`, 0x5b `[`) so deeply nested input cannot overflow the stack.
  const stack: number[] = [];
  const PUSHED = '';
  function value(): string | undefined {
    ws();
    if (i >= n) return EOF;
    const c = s.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      // Go pushes its parse state on the bracket itself, so even an empty container one level too deep fails.
      if (stack.length >= maxDepth) return bad('exceeded max depth');
      i++;
      ws();
      if (c === 0x7b) {
        if (i < n && s.charCodeAt(i) === 0x7d) {
          i++;
          return undefined;
        }
        const e = key();
        if (e) return e;
      } else if (i < n && s.charCodeAt(i) === 0x5d) {
        i++;
        return undefined;
      }
      stack.push(c);
      return PUSHED;
    }
    if (c === 0x22) return str();
    if (c === 0x2d || isDigit(c)) return num();
    if (c === 0x74) return lit('true');
    if (c === 0x66) return lit('false');
    if (c === 0x6e) return lit('null');
    return bad('looking for beginning of value');
  }

  for (;;) {
    const e = value();
    if (e === PUSHED) continue;
    if (e !== undefined) return e;
    // A value ended: close containers or move to the next element.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? bad('after top-level value') : undefined;
      if (i >= n) return EOF;
      const c = s.charCodeAt(i);
      if (top === 0x7b) {
        if (c === 0x7d) {
          i++;
          stack.pop();
          continue;
        }
        if (c !== 0x2c) return bad('after object key:value pair');
        i++;
        ws();
        const ke = key();
        if (ke) return ke;
        break;
      }
      if (c === 0x5d) {
        i++;
        stack.pop();
        continue;
      }
      if (c !== 0x2c) return bad('after array element');
      i++;
      break;
    }
  }
}
