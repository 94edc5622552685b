// The error text of Go's json.Unmarshal(data, &map[string]interface{}{}), which secret validation reports for
// malformed .dockercfg / .dockerconfigjson data: encoding/json's scanner messages, byte for byte.

/** Go's quoteChar: how the scanner names the offending byte. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const ch = String.fromCharCode(c);
  let q: string;
  if (c === 0x5c) q = '\\\\';
  else if (c === 0x0a) q = '\\n';
  else if (c === 0x0d) q = '\\r';
  else if (c === 0x09) q = '\\t';
  else if (c === 0x07) q = '\\a';
  else if (c === 0x08) q = '\\b';
  else if (c === 0x0c) q = '\\f';
  else if (c === 0x0b) q = '\\v';
  else if (c < 0x20 || c === 0x7f) q = '\\x' + c.toString(16).padStart(2, '0');
  else q = ch;
  return `'${q}'`;
}

class SyntaxError extends Error {}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Returns Go's error text for `data`, or undefined when it unmarshals into a map. */
export function goJSONMapError(data: Uint8Array): string | undefined {
  let i = 0;
  const n = data.length;
  const eof = () => new SyntaxError('unexpected end of JSON input');
  const bad = (ctx: string) => new SyntaxError(`invalid character ${quoteChar(data[i]!)} ${ctx}`);
  const skip = () => {
    while (i < n && isSpace(data[i]!)) i++;
  };

  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= n) throw eof();
      if (data[i] !== word.charCodeAt(k)) throw bad(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const number = () => {
    if (data[i] === 0x2d) {
      i++;
      if (i >= n) throw eof();
      if (!isDigit(data[i]!)) throw bad('in numeric literal');
    }
    if (data[i] === 0x30) i++;
    else while (i < n && isDigit(data[i]!)) i++;
    if (i < n && data[i] === 0x2e) {
      i++;
      if (i >= n) throw eof();
      if (!isDigit(data[i]!)) throw bad('after decimal point in numeric literal');
      while (i < n && isDigit(data[i]!)) i++;
    }
    if (i < n && (data[i] === 0x65 || data[i] === 0x45)) {
      i++;
      if (i < n && (data[i] === 0x2b || data[i] === 0x2d)) i++;
      if (i >= n) throw eof();
      if (!isDigit(data[i]!)) throw bad('in exponent of numeric literal');
      while (i < n && isDigit(data[i]!)) i++;
    }
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= n) throw eof();
      const c = data[i]!;
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw bad('in string literal');
      if (c === 0x5c) {
        i++;
        if (i >= n) throw eof();
        const e = data[i]!;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= n) throw eof();
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(data[i]!))) throw bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) throw bad('in string escape code');
      }
      i++;
    }
  };
  const value = (): string => {
    skip();
    if (i >= n) throw eof();
    const c = data[i]!;
    if (c === 0x7b) {
      i++;
      skip();
      if (i >= n) throw eof();
      if (data[i] === 0x7d) {
        i++;
        return 'object';
      }
      for (;;) {
        skip();
        if (i >= n) throw eof();
        if (data[i] !== 0x22) throw bad('looking for beginning of object key string');
        string();
        skip();
        if (i >= n) throw eof();
        if (data[i] !== 0x3a) throw bad('after object key');
        i++;
        value();
        skip();
        if (i >= n) throw eof();
        if (data[i] === 0x2c) {
          i++;
          continue;
        }
        if (data[i] === 0x7d) {
          i++;
          return 'object';
        }
        throw bad('after object key:value pair');
      }
    }
    if (c === 0x5b) {
      i++;
      skip();
      if (i >= n) throw eof();
      if (data[i] === 0x5d) {
        i++;
        return 'array';
      }
      for (;;) {
        value();
        skip();
        if (i >= n) throw eof();
        if (data[i] === 0x2c) {
          i++;
          continue;
        }
        if (data[i] === 0x5d) {
          i++;
          return 'array';
        }
        throw bad('after array element');
      }
    }
    if (c === 0x22) {
      string();
      return 'string';
    }
    if (c === 0x2d || isDigit(c)) {
      number();
      return 'number';
    }
    if (c === 0x74) return (literal('true'), 'bool');
    if (c === 0x66) return (literal('false'), 'bool');
    if (c === 0x6e) return (literal('null'), 'null');
    throw bad('looking for beginning of value');
  };

  try {
    const kind = value();
    skip();
    if (i < n) throw bad('after top-level value');
    if (kind === 'object' || kind === 'null') return undefined;
    return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
  } catch (e) {
    if (e instanceof SyntaxError) return e.message;
    throw e;
  }
}
