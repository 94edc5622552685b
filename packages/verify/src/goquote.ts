// Go's strconv.Quote, which fmt's %q uses for strings: printable runes as they are, `"` and `\` backslashed,
// \a \b \f \n \r \t \v by name, other bytes below 0x20 and 0x7f as \xXX, other non-printable runes as \uXXXX or
// \UXXXXXXXX, and each byte of invalid UTF-8 as \xXX. Its one home: the server re-exports it (gocompat/quote.ts),
// whose corpus test checks it against Go's own output.

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space (no other spaces). */
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

const named: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** One rune as strconv.Quote writes it inside double quotes. */
function escapeRune(r: number): string {
  if (r === 0x22) return '\\"';
  if (r === 0x5c) return '\\\\';
  if (r >= 0x20 && r < 0x7f) return String.fromCharCode(r);
  const name = named[r];
  if (name) return name;
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  const ch = String.fromCodePoint(r);
  if (printable.test(ch)) return ch;
  return r < 0x10000 ? '\\u' + hex(r, 4) : '\\U' + hex(r, 8);
}

/** Plain ASCII without `"`, `\` or control characters quotes as itself. */
const plain = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * strconv.Quote of a string (`%q`). A JS string is Go's UTF-8 text of it; a lone surrogate (which UTF-8 cannot
 * carry) stands for U+FFFD, as Buffer.from would encode it. Bytes may be invalid UTF-8: each bad byte is \xXX.
 */
export function goQuote(s: string | Uint8Array): string {
  if (typeof s === 'string') {
    if (plain.test(s)) return `"${s}"`;
    let out = '"';
    for (const ch of s) {
      const r = ch.codePointAt(0)!;
      out += escapeRune(r >= 0xd800 && r <= 0xdfff ? 0xfffd : r);
    }
    return out + '"';
  }
  let out = '"';
  for (let i = 0; i < s.length;) {
    const [r, width] = decodeRune(s, i);
    out += r < 0 ? '\\x' + hex(s[i]!, 2) : escapeRune(r);
    i += width;
  }
  return out + '"';
}

/** fmt's %q of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map((s) => goQuote(s)).join(' ')}]`;
}

/**
 * How encoding/json's scanner names an offending byte (its quoteChar): the byte read as the rune of the same
 * value, quoted like a Go rune literal ('\'' and '"').
 */
export function goQuoteByte(b: number): string {
  if (b === 0x27) return "'\\''";
  if (b === 0x22) return `'"'`;
  return `'${escapeRune(b)}'`;
}

/** utf8.DecodeRune: the rune at i and its width, or -1 and width 1 for an invalid byte. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i]!;
  if (c0 < 0x80) return [c0, 1];
  const cont = (k: number) => {
    const c = b[i + k];
    return c !== undefined && (c & 0xc0) === 0x80 ? c & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [-1, 1] : [((c0 & 0x1f) << 6) | c1, 2];
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    // Overlong forms (E0 below A0) and surrogates (ED from A0) are invalid.
    if (c1 < 0 || (c0 === 0xe0 && c1 < 0x20) || (c0 === 0xed && c1 >= 0x20)) return [-1, 1];
    const c2 = cont(2);
    return c2 < 0 ? [-1, 1] : [((c0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    // Overlong forms (F0 below 90) and runes past U+10FFFF (F4 from 90) are invalid.
    if (c1 < 0 || (c0 === 0xf0 && c1 < 0x10) || (c0 === 0xf4 && c1 >= 0x10)) return [-1, 1];
    const c2 = cont(2);
    if (c2 < 0) return [-1, 1];
    const c3 = cont(3);
    return c3 < 0 ? [-1, 1] : [((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [-1, 1];
}
