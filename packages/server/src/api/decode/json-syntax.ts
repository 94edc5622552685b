// JSON decoding that fails with Go's encoding/json messages ("invalid character 'x' looking for beginning of
// value", "unexpected end of JSON input", "invalid character '[' exceeded max depth"): kube-apiserver returns
// those texts verbatim in 400 responses. A small scanner finds the first syntax error the way Go's does; valid
// input is then handed to JSON.parse. Hand-written because V8's JSON.parse messages differ from Go's and it has
// no nesting limit.
import { maxNestingDepth } from './limits.js';

export class GoJSONSyntaxError extends Error {}

/** Parses JSON text; throws GoJSONSyntaxError with Go's message when the text is not valid JSON. */
export function parseGoJSON(text: string): unknown {
  const err = scan(text);
  if (err) throw new GoJSONSyntaxError(err);
  return JSON.parse(text) as unknown;
}

/** Go's quoteChar: the first UTF-8 byte of the offending character, quoted like a Go rune. */
function quoteChar(ch: string): string {
  if (ch === "'") return `'\\''`;
  if (ch === '"') return `'"'`;
  const b = Buffer.from(ch, 'utf8')[0]!;
  if (b === 0x0a) return `'\\n'`;
  if (b === 0x0d) return `'\\r'`;
  if (b === 0x09) return `'\\t'`;
  // strconv.Quote's other named escapes.
  if (b === 0x07) return `'\\a'`;
  if (b === 0x08) return `'\\b'`;
  if (b === 0x0c) return `'\\f'`;
  if (b === 0x0b) return `'\\v'`;
  if (b === 0x5c) return `'\\\\'`;
  if (b < 0x20 || b === 0x7f) return `'\\x${b.toString(16).padStart(2, '0')}'`;
  // bytes >= 0x80 print as the Latin-1 rune of that value; the non-printable ones as \u00XX.
  if (b >= 0x80 && (b < 0xa1 || b === 0xad)) return `'\\u${b.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(b)}'`;
}

const EOF = 'unexpected end of JSON input';

/** Returns Go's error text for the first syntax error, or undefined when the text is valid JSON. */
export function scan(s: string): string | undefined {
  let i = 0;
  const n = s.length;
  const bad = (what: string): string => `invalid character ${quoteChar(s[i]!)} ${what}`;
  const ws = (): void => {
    while (i < n) {
      const c = s[i];
      if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n') break;
      i++;
    }
  };
  const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const hex = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);

  function str(): string | undefined {
    i++; // opening quote
    while (i < n) {
      const c = s[i]!;
      if (c === '"') {
        i++;
        return undefined;
      }
      if (c === '\\') {
        i++;
        if (i >= n) return EOF;
        const e = s[i]!;
        if ('"\\/bfnrt'.includes(e)) {
          i++;
          continue;
        }
        if (e !== 'u') return bad('in string escape code');
        i++;
        for (let k = 0; k < 4; k++, i++) {
          if (i >= n) return EOF;
          if (!hex(s[i])) return bad('in \\u hexadecimal character escape');
        }
        continue;
      }
      if (c < ' ') return bad('in string literal');
      i++;
    }
    return EOF;
  }

  function num(): string | undefined {
    if (s[i] === '-') {
      i++;
      if (i >= n) return EOF;
      if (!digit(s[i])) return bad('in numeric literal');
    }
    if (s[i] === '0') i++;
    else while (digit(s[i])) i++;
    if (s[i] === '.') {
      i++;
      if (i >= n) return EOF;
      if (!digit(s[i])) return bad('after decimal point in numeric literal');
      while (digit(s[i])) i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (i >= n) return EOF;
      if (!digit(s[i])) return bad('in exponent of numeric literal');
      while (digit(s[i])) i++;
    }
    return undefined;
  }

  function lit(word: string): string | undefined {
    i++;
    for (let k = 1; k < word.length; k++, i++) {
      if (i >= n) return EOF;
      if (s[i] !== word[k]) return bad(`in literal ${word} (expecting '${word[k]}')`);
    }
    return undefined;
  }

  // Iterative over containers so deeply nested input cannot overflow the stack.
  const stack: ('{' | '[')[] = [];
  function value(): string | undefined {
    ws();
    if (i >= n) return EOF;
    const c = s[i]!;
    if (c === '{' || c === '[') {
      // Go pushes the parse state before looking inside, so even an empty container one level too deep fails.
      if (stack.length >= maxNestingDepth) return bad('exceeded max depth');
      i++;
      ws();
      if (i >= n) return EOF;
      if (c === '{') {
        if (s[i] === '}') {
          i++;
          return undefined;
        }
        if (s[i] !== '"') return bad('looking for beginning of object key string');
        const e = str();
        if (e) return e;
        ws();
        if (i >= n) return EOF;
        if (s[i] !== ':') return bad('after object key');
        i++;
      } else if (s[i] === ']') {
        i++;
        return undefined;
      }
      stack.push(c);
      return 'push';
    }
    if (c === '"') return str();
    if (c === '-' || digit(c)) return num();
    if (c === 't') return lit('true');
    if (c === 'f') return lit('false');
    if (c === 'n') return lit('null');
    return bad('looking for beginning of value');
  }

  for (;;) {
    const e = value();
    if (e && e !== 'push') return e;
    if (e === 'push') continue;
    // a value ended: close containers or move to the next element
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (!top) {
        if (i < n) return bad('after top-level value');
        return undefined;
      }
      if (i >= n) return EOF;
      if (top === '{') {
        if (s[i] === '}') {
          i++;
          stack.pop();
          continue;
        }
        if (s[i] !== ',') return bad('after object key:value pair');
        i++;
        ws();
        if (i >= n) return EOF;
        if (s[i] !== '"') return bad('looking for beginning of object key string');
        const ke = str();
        if (ke) return ke;
        ws();
        if (i >= n) return EOF;
        if (s[i] !== ':') return bad('after object key');
        i++;
        break;
      }
      if (s[i] === ']') {
        i++;
        stack.pop();
        continue;
      }
      if (s[i] !== ',') return bad('after array element');
      i++;
      break;
    }
  }
}
