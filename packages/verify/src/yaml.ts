/**
 * A small YAML reader for the subset kubeconfig files use, so the package needs no YAML dependency.
 *
 * Supported: block mappings and sequences (including `- key: value` items and sequences written at their parent
 * key's indentation, as kubectl writes them), single-line flow collections (`{}`, `[a, "b"]`, `{a: 1}`), plain,
 * single- and double-quoted scalars, `|` / `>` block scalars, comments, one `---` document, and JSON input.
 * Not supported (rejected with a {@link YamlError} naming the line): anchors, aliases, tags, complex keys,
 * multi-line plain or flow scalars, several documents.
 *
 * @module
 */

/** The input is not YAML this reader understands. `line` is 1-based (0 when unknown). */
export class YamlError extends Error {
  override readonly name = 'YamlError';
  readonly line: number;

  constructor(message: string, line: number) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.line = line;
  }
}

interface Line {
  /** Column of the first non-space character. */
  indent: number;
  /** Text from `indent` on, comment stripped and right-trimmed. */
  content: string;
  /** 1-based line number. */
  readonly no: number;
  /** The original line (for block scalars). */
  readonly raw: string;
  /** Blank or comment-only. */
  readonly blank: boolean;
}

/**
 * Parses YAML (the kubeconfig subset described in the module comment) or JSON text into plain values.
 *
 * @throws {@link YamlError} for input outside the subset, with the line number.
 */
export function parseYaml(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    // JSON kubeconfigs are valid YAML; JSON.parse reads them exactly (and multi-line).
    try {
      return JSON.parse(trimmed);
    } catch {
      // fall through: maybe single-line flow YAML such as {a: b}
    }
  }
  return new Parser(text).parseDocument();
}

class Parser {
  private readonly lines: Line[];
  private pos = 0;

  constructor(text: string) {
    this.lines = text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .map((raw, i) => toLine(raw, i + 1));
  }

  parseDocument(): unknown {
    let started = false;
    // Directives and document markers: accept one document.
    for (const line of this.lines) {
      if (line.blank) continue;
      if (line.indent === 0 && line.content.startsWith('%')) {
        if (started) throw new YamlError('directive inside a document', line.no);
        markBlank(line);
        continue;
      }
      if (line.indent === 0 && (line.content === '---' || line.content.startsWith('--- '))) {
        if (started) throw new YamlError('several YAML documents are not supported', line.no);
        const rest = line.content.slice(3).trim();
        if (rest === '') markBlank(line);
        else line.content = rest;
        started = true;
        continue;
      }
      if (line.indent === 0 && line.content === '...') {
        markBlank(line);
        // everything after the end marker is ignored unless it starts another document
        const i = this.lines.indexOf(line);
        for (const later of this.lines.slice(i + 1)) {
          if (!later.blank) throw new YamlError('several YAML documents are not supported', later.no);
        }
        break;
      }
      started = true;
    }
    const first = this.peek();
    if (!first) return null;
    const value = this.parseNode(-1);
    const extra = this.peek();
    if (extra) throw new YamlError(`unexpected content "${extra.content}"`, extra.no);
    return value;
  }

  /** The next significant line, without consuming it. */
  private peek(): Line | undefined {
    while (this.pos < this.lines.length && this.lines[this.pos]!.blank) this.pos++;
    return this.lines[this.pos];
  }

  private parseNode(parentIndent: number): unknown {
    const line = this.peek();
    if (!line || line.indent <= parentIndent) return null;
    if (isSeqItem(line.content)) return this.parseSeq(line.indent);
    if (splitKey(line.content, line.no)) return this.parseMap(line.indent);
    this.pos++;
    const value = this.parseInlineOrBlock(line.content, line, parentIndent);
    this.assertNoContinuation(line.indent - 1, line);
    return value;
  }

  private parseMap(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (;;) {
      const line = this.peek();
      if (!line || line.indent < indent) break;
      if (line.indent > indent) throw new YamlError('unexpected indentation', line.no);
      if (isSeqItem(line.content)) break;
      const entry = splitKey(line.content, line.no);
      if (!entry) throw new YamlError(`expected "key: value", got "${line.content}"`, line.no);
      this.pos++;
      let value: unknown;
      if (entry.rest === '') {
        const next = this.peek();
        // kubectl writes list values at the key's own indentation ("clusters:\n- cluster: ...").
        value =
          next && next.indent === indent && isSeqItem(next.content) ? this.parseSeq(indent) : this.parseNode(indent);
      } else {
        value = this.parseInlineOrBlock(entry.rest, line, indent);
        if (!isBlockScalarHeader(entry.rest)) this.assertNoContinuation(indent, line);
      }
      // Object.defineProperty keeps a "__proto__" key an ordinary property.
      Object.defineProperty(map, entry.key, { value, enumerable: true, writable: true, configurable: true });
    }
    return map;
  }

  private parseSeq(indent: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      const line = this.peek();
      if (!line || line.indent < indent) break;
      if (line.indent > indent) throw new YamlError('unexpected indentation', line.no);
      if (!isSeqItem(line.content)) break;
      const afterDash = line.content.slice(1);
      const rest = afterDash.trimStart();
      if (rest === '') {
        this.pos++;
        items.push(this.parseNode(indent));
        continue;
      }
      if (isSeqItem(rest) || splitKey(rest, line.no)) {
        // "- key: value": the item is a node that starts at the column of "key"; re-read this line from there.
        line.indent = indent + 1 + (afterDash.length - rest.length);
        line.content = rest;
        items.push(this.parseNode(indent));
        continue;
      }
      this.pos++;
      items.push(this.parseInlineOrBlock(rest, line, indent));
      if (!isBlockScalarHeader(rest)) this.assertNoContinuation(indent, line);
    }
    return items;
  }

  private assertNoContinuation(indent: number, line: Line): void {
    const next = this.peek();
    if (next && next.indent > indent && next !== line) {
      throw new YamlError('multi-line plain scalars are not supported (quote the value)', next.no);
    }
  }

  private parseInlineOrBlock(text: string, line: Line, parentIndent: number): unknown {
    if (isBlockScalarHeader(text)) return this.parseBlockScalar(text, line, parentIndent);
    return parseInline(text, line.no);
  }

  private parseBlockScalar(header: string, line: Line, parentIndent: number): string {
    const m = /^([|>])([-+]?)([1-9]?)([-+]?)$/.exec(header);
    if (!m) throw new YamlError(`bad block scalar header "${header}"`, line.no);
    const folded = m[1] === '>';
    const chomp = m[2] || m[4];
    const body: string[] = [];
    let contentIndent = m[3] ? parentIndent + Number(m[3]) : -1;
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      const isEmpty = l.raw.trim() === '';
      const rawIndent = l.raw.length - l.raw.trimStart().length;
      if (!isEmpty && rawIndent <= parentIndent) break;
      if (!isEmpty && contentIndent < 0) contentIndent = rawIndent;
      if (!isEmpty && rawIndent < contentIndent) break;
      body.push(isEmpty ? '' : l.raw.slice(contentIndent));
      this.pos++;
    }
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing++;
    }
    let text = folded ? foldLines(body) : body.join('\n');
    if (body.length > 0) {
      if (chomp === '+') text += '\n'.repeat(trailing + 1);
      else if (chomp !== '-') text += '\n';
    }
    return text;
  }
}

function toLine(raw: string, no: number): Line {
  const stripped = raw.replace(/^ +/, '');
  const indent = raw.length - stripped.length;
  if (stripped.startsWith('\t')) throw new YamlError('tabs are not allowed for indentation', no);
  const content = stripComment(stripped).trimEnd();
  return { indent, content, no, raw, blank: content === '' };
}

function markBlank(line: Line): void {
  (line as { blank: boolean }).blank = true;
}

function isSeqItem(content: string): boolean {
  return content === '-' || content.startsWith('- ');
}

function isBlockScalarHeader(text: string): boolean {
  return /^[|>][-+1-9]*$/.test(text);
}

function foldLines(lines: string[]): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (i === 0) out = l;
    else if (l === '' || lines[i - 1] === '') out += '\n' + l;
    else out += ' ' + l;
  }
  return out;
}

/** Removes a `# comment` that is outside quotes and preceded by whitespace (or starts the line). */
function stripComment(s: string): string {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
    } else if (quote === "'") {
      if (c === "'") {
        if (s[i + 1] === "'") i++;
        else quote = undefined;
      }
    } else if (c === '#' && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '\t')) {
      return s.slice(0, i);
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s:,[{-]/.test(s[i - 1]!))) {
      quote = c;
    }
  }
  return s;
}

/** Splits `key: rest` when `content` is a mapping entry; `undefined` otherwise. */
function splitKey(content: string, no: number): { key: string; rest: string } | undefined {
  if (content.startsWith('? ')) throw new YamlError('complex mapping keys are not supported', no);
  if (content.startsWith('"') || content.startsWith("'")) {
    const [key, end] = readQuoted(content, 0, no);
    const after = content.slice(end).trimStart();
    if (after === ':' || after.startsWith(': ')) return { key, rest: after.slice(1).trim() };
    return undefined;
  }
  if (/^[[{&*!|>%@`]/.test(content)) return undefined;
  for (let i = 0; i < content.length; i++) {
    if (content[i] === ':' && (i === content.length - 1 || content[i + 1] === ' ')) {
      const key = content.slice(0, i).trimEnd();
      if (key === '') return undefined;
      return { key, rest: content.slice(i + 1).trim() };
    }
  }
  return undefined;
}

function parseInline(text: string, no: number): unknown {
  const c = text[0];
  if (c === '"' || c === "'") {
    const [value, end] = readQuoted(text, 0, no);
    if (text.slice(end).trim() !== '') throw new YamlError(`unexpected text after quoted string: "${text}"`, no);
    return value;
  }
  if (c === '[' || c === '{') {
    const [value, end] = readFlow(text, 0, no);
    if (text.slice(end).trim() !== '') throw new YamlError(`unexpected text after flow collection: "${text}"`, no);
    return value;
  }
  if (c === '&' || c === '*') throw new YamlError('anchors and aliases are not supported', no);
  if (c === '!') throw new YamlError('tags are not supported', no);
  return resolvePlain(text);
}

/** Applies the YAML 1.2 core schema to a plain scalar. */
function resolvePlain(s: string): unknown {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (/^[-+]?[0-9]+$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : s;
  }
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  return s;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** Reads a quoted scalar starting at `start`; returns the value and the index after the closing quote. */
function readQuoted(s: string, start: number, no: number): [string, number] {
  const q = s[start];
  let out = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i]!;
    if (q === "'") {
      if (c === "'") {
        if (s[i + 1] === "'") {
          out += "'";
          i++;
          continue;
        }
        return [out, i + 1];
      }
      out += c;
      continue;
    }
    if (c === '"') return [out, i + 1];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === undefined) break;
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const hex = s.slice(i + 1, i + 1 + hexLen);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLen) throw new YamlError(`bad escape \\${e}${hex}`, no);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += hexLen;
      continue;
    }
    const mapped = ESCAPES[e];
    if (mapped === undefined) throw new YamlError(`unknown escape \\${e}`, no);
    out += mapped;
  }
  throw new YamlError('unterminated quoted string (multi-line quoted strings are not supported)', no);
}

/** Reads a single-line flow collection (`[...]` or `{...}`) starting at `start`. */
function readFlow(s: string, start: number, no: number): [unknown, number] {
  const open = s[start];
  const close = open === '[' ? ']' : '}';
  const seq: unknown[] = [];
  const map: Record<string, unknown> = {};
  let i = start + 1;
  const skipSpace = (): void => {
    while (s[i] === ' ') i++;
  };
  skipSpace();
  if (s[i] === close) return [open === '[' ? seq : map, i + 1];
  for (;;) {
    skipSpace();
    let key: unknown;
    [key, i] = readFlowScalar(s, i, no, open === '{');
    skipSpace();
    if (open === '{') {
      let value: unknown = null;
      if (s[i] === ':') {
        i++;
        skipSpace();
        [value, i] = readFlowScalar(s, i, no, false);
        skipSpace();
      }
      Object.defineProperty(map, String(key), { value, enumerable: true, writable: true, configurable: true });
    } else {
      seq.push(key);
    }
    if (s[i] === ',') {
      i++;
      skipSpace();
      if (s[i] === close) return [open === '[' ? seq : map, i + 1];
      continue;
    }
    if (s[i] === close) return [open === '[' ? seq : map, i + 1];
    throw new YamlError(`unterminated flow collection (multi-line flow collections are not supported)`, no);
  }
}

function readFlowScalar(s: string, i: number, no: number, isKey: boolean): [unknown, number] {
  const c = s[i];
  if (c === '"' || c === "'") return readQuoted(s, i, no);
  if (c === '[' || c === '{') return readFlow(s, i, no);
  if (c === '&' || c === '*' || c === '!') throw new YamlError('anchors, aliases and tags are not supported', no);
  let j = i;
  while (j < s.length && s[j] !== ',' && s[j] !== ']' && s[j] !== '}') {
    if (isKey && s[j] === ':' && (s[j + 1] === ' ' || s[j + 1] === undefined || s[j + 1] === ',')) break;
    j++;
  }
  return [resolvePlain(s.slice(i, j).trim()), j];
}
