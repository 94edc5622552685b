// JSON exactly as Go's encoding/json (and go-jose's fork of it) writes it for the values we emit: object
// keys sorted at every level (go-jose marshals claims and headers from maps), `<`, `>`, `&`, U+2028 and
// U+2029 escaped as \u00XX / \u20XX, control characters other than \n \r \t as \u00XX (lowercase hex),
// invalid UTF-16 replaced by U+FFFD. JSON.stringify differs on every one of those points.

const needsEscape = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

function hex4(c: number): string {
  return '\\u' + c.toString(16).padStart(4, '0');
}

export function goQuoteJson(s: string): string {
  if (!needsEscape.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) out += hex4(c);
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += s[i]!;
  }
  return out + '"';
}

/** Go's float formatting ('f' below 1e21, else 'e' with a two-digit exponent); integers print plainly. */
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`json: unsupported value: ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(n);
}

/** Compact Go-style JSON. `undefined` object members are dropped (our stand-in for omitempty). */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return goQuoteJson(value);
    case 'number':
      return goNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${goQuoteJson(k)}:${goJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
}

/** Compact JSON keeping the given member order (Go structs marshal in field order, not sorted). */
export function goJsonOrdered(members: ReadonlyArray<readonly [string, unknown]>): string {
  return `{${members.map(([k, v]) => `${goQuoteJson(k)}:${goJson(v)}`).join(',')}}`;
}

/** How Go's decoder names a JSON value's kind in "cannot unmarshal <kind> into …" errors. */
export function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}
