// YAML to JSON text as sigs.k8s.io/yaml's YAMLToJSON does it with go-yaml v2: YAML 1.1 plain scalars (yes/no/on/
// off booleans, 0777 octal, 0x/0o/0b integers, `_` separators), timestamps kept as strings, duplicate keys keep
// the last value, merge keys, only the first document. js-yaml parses (linear, with a depth limit); this walk
// then counts alias expansion with go-yaml's rule and caps the expanded size.

import type * as JsYaml from 'js-yaml';
import type { YamlResult } from './job.js';

/** js-yaml 4.1+, with what its type definitions leave out (the built-in types, the depth option). */
export type JsYamlModule = typeof JsYaml & { types: { merge: JsYaml.Type; binary: JsYaml.Type } };

export interface YamlLimits {
  maxDepth: number;
  ratioLow: number;
  ratioHigh: number;
  maxExpandedBytes: number;
}

export function createYamlConverter(jsyaml: JsYamlModule, limits: YamlLimits): (text: string) => YamlResult {
  const { Type } = jsyaml;
  const trueWords = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
  const falseWords = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
  const nullWords = new Set(['', '~', 'null', 'Null', 'NULL']);
  const specialFloats = new Map<string, number>([
    ['.nan', NaN],
    ['.NaN', NaN],
    ['.NAN', NaN],
    ['.inf', Infinity],
    ['.Inf', Infinity],
    ['.INF', Infinity],
    ['+.inf', Infinity],
    ['+.Inf', Infinity],
    ['+.INF', Infinity],
    ['-.inf', -Infinity],
    ['-.Inf', -Infinity],
    ['-.INF', -Infinity],
  ]);
  // strconv.ParseInt/ParseUint with base 0 (after go-yaml removed every `_`), then go-yaml's yamlStyleFloat.
  const goInt = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
  const goFloat = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
  const dotFloat = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

  /** go-yaml's resolve() for a plain scalar that is not in its word table: a number, or undefined (a string). */
  function number(s: string): number | undefined {
    const c = s.charCodeAt(0);
    if (c === 0x2e) return dotFloat.test(s) ? Number(s) : undefined; // '.'
    const digitOrSign = (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d;
    if (!digitOrSign) return undefined;
    const plain = s.includes('_') ? s.split('_').join('') : s;
    if (goInt.test(plain)) {
      const neg = plain[0] === '-';
      let body = plain[0] === '-' || plain[0] === '+' ? plain.slice(1) : plain;
      // A leading 0 means octal to Go; BigInt wants 0o.
      if (body.length > 1 && body[0] === '0' && /[0-7]/.test(body[1]!)) body = '0o' + body.slice(1);
      const n = Number(BigInt(body));
      return neg ? -n : n;
    }
    if (goFloat.test(plain)) return Number(plain);
    return undefined;
  }

  const types = [
    new Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (d: string | null) => d === null || nullWords.has(d),
      construct: () => null,
    }),
    new Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (d: string | null) => d !== null && (trueWords.has(d) || falseWords.has(d)),
      construct: (d: string) => trueWords.has(d),
    }),
    new Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (d: string | null) => d !== null && (specialFloats.has(d) || number(d) !== undefined),
      construct: (d: string) => specialFloats.get(d) ?? number(d),
    }),
  ];
  const schema = jsyaml.FAILSAFE_SCHEMA.extend({
    implicit: [...types, jsyaml.types.merge],
    explicit: [
      new Type('tag:yaml.org,2002:int', {
        kind: 'scalar',
        resolve: (d: string | null) => d !== null && number(d) !== undefined && Number.isInteger(number(d)),
        construct: (d: string) => number(d),
      }),
      jsyaml.types.binary,
    ],
  });
  const utf8 = new TextDecoder();

  function ratio(decoded: number): number {
    if (decoded <= limits.ratioLow) return 0.99;
    if (decoded >= limits.ratioHigh) return 0.1;
    return 0.99 - (0.89 * (decoded - limits.ratioLow)) / (limits.ratioHigh - limits.ratioLow);
  }

  class Refusal extends Error {}

  /**
   * Checks the parsed value: alias expansion (a container reached twice is an alias; everything under it counts as
   * aliased, as go-yaml counts nodes decoded under an alias), the expanded size, values JSON cannot carry, and
   * !!binary values, which become the decoded bytes as a string, as go-yaml gives them.
   */
  function check(root: unknown): void {
    const seen = new Set<object>();
    const open = new Set<object>();
    let decoded = 0;
    let aliased = 0;
    let bytes = 0;
    const visit = (v: unknown, underAlias: boolean): unknown => {
      decoded++;
      if (underAlias) aliased++;
      if (aliased > 100 && decoded > 1000 && aliased / decoded > ratio(decoded))
        throw new Refusal('yaml: document contains excessive aliasing');
      if (typeof v === 'string') {
        bytes += v.length + 3;
        if (bytes > limits.maxExpandedBytes) throw new Refusal('yaml: document contains excessive aliasing');
        return v;
      }
      if (typeof v === 'number') {
        if (!Number.isFinite(v))
          throw new Refusal(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
        bytes += 8;
        return v;
      }
      if (v === null || typeof v !== 'object') {
        bytes += 5;
        return v;
      }
      if (v instanceof Uint8Array) return visit(utf8.decode(v), underAlias);
      if (open.has(v)) throw new Refusal('yaml: anchor value contains itself');
      const again = seen.has(v);
      seen.add(v);
      open.add(v);
      const under = underAlias || again;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const x = visit(v[i], under);
          if (x !== v[i]) v[i] = x;
        }
      } else {
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) {
          bytes += k.length + 4;
          const x = visit(o[k], under);
          if (x !== o[k])
            Object.defineProperty(o, k, { value: x, enumerable: true, writable: true, configurable: true });
        }
      }
      open.delete(v);
      return v;
    };
    visit(root, false);
  }

  return (text: string): YamlResult => {
    let first: unknown = null;
    let taken = false;
    try {
      // Only the first document counts (go-yaml's Unmarshal); the rest are still parsed, within the size limit.
      jsyaml.loadAll(
        text,
        (doc) => {
          if (!taken) first = doc;
          taken = true;
        },
        { schema, json: true, maxDepth: limits.maxDepth } as JsYaml.LoadOptions,
      );
      if (first === undefined) first = null;
      check(first);
      return { value: first };
    } catch (e) {
      if (e instanceof Refusal) return { error: e.message };
      if (e instanceof jsyaml.YAMLException) {
        const reason = e.reason ?? e.message;
        if (reason.startsWith('nesting exceeded maxDepth'))
          return { error: `yaml: exceeded max depth of ${limits.maxDepth}` };
        const line = e.mark ? e.mark.line + 1 : 0;
        return { error: `yaml: line ${line}: ${reason}` };
      }
      // Deeper recursion than this thread's stack allows (only outside the decoding worker, whose stack is sized
      // for maxDepth): the same answer as the depth limit.
      if (e instanceof RangeError) return { error: `yaml: exceeded max depth of ${limits.maxDepth}` };
      throw e;
    }
  };
}
