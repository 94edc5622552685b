// HTTP/1.1 syntax shared by the proxy's two parsers: the front (client requests) and the upstream pool (responses).

/** RFC 9110 §5.6.2 tchar, as a regular-expression character class body. */
export const TCHAR = "!#$%&'*+\\-.^_`|~0-9A-Za-z";
/** RFC 9110 §5.5 field-value characters (HTAB, SP, VCHAR, obs-text), as a character class body. */
export const VALUE_CHAR = '\\t\\x20-\\x7e\\x80-\\xff';

/** Optional whitespace (RFC 9110 §5.6.3): SP or HTAB. */
export const isOws = (c: number): boolean => c === 32 || c === 9;

/**
 * text[start, start + lower.length) equals `lower` (letters and '-') ignoring ASCII case. `| 0x20` lower-cases a
 * letter and maps no other character allowed in a field name or value onto a letter or '-' (only CR would be).
 */
export function sameLowerCase(text: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(start + i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The few field names a parser acts on, told apart by their length first: most field lines are none of them, and
 * are classified without a lower-cased copy or a hash of a new string.
 */
export class FieldKinds {
  private readonly byLength: Array<Array<[lowerName: string, kind: number]>> = [];

  /** `kinds`: lower-case name → kind (non-zero; 0 means "none of these"). */
  constructor(kinds: Iterable<readonly [string, number]>) {
    for (const [name, kind] of kinds) (this.byLength[name.length] ??= []).push([name, kind]);
  }

  /** The kind of the field named by text[start, end) (a token), or 0. */
  of(text: string, start: number, end: number): number {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return 0;
    for (const [lower, kind] of candidates) if (sameLowerCase(text, start, lower)) return kind;
    return 0;
  }
}
