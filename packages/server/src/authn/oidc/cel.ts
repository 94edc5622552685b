// CEL for AuthenticationConfiguration expressions, on @marcbachmann/cel-js (zero dependencies, type
// checker, macros, optionals). Two environments as in k8s.io/apiserver/pkg/authentication/cel: `claims`
// (map(string, dyn)) for claim mappings and claim validation rules, `user` (kubernetes.UserInfo) for user
// validation rules. Compile errors read like kube's `compilation failed: ERROR: <input>:1:3: …`; the
// parser's own wording differs from cel-go's. Not supported: kube's `__dot__`-style escaped field names.
import { Environment, Optional, type ASTNode } from '@marcbachmann/cel-js';

export type CelVar = 'claims' | 'user';

export interface CompiledExpression {
  expression: string;
  ast: ASTNode;
  run(vars: Record<string, unknown>): unknown;
}

/** Mirrors apiserver's cel.Error: Invalid → field.Invalid, Internal → field.InternalError. */
export interface CelCompileError {
  type: 'invalid' | 'internal';
  detail: string;
}

let envs: Record<CelVar, Environment> | undefined;

/** The receiver of cel-go's ext.Sets functions (`sets.contains(...)`): a constant with no fields. */
class CelSetsLibrary {}

/** CEL equality for set membership: numbers of any kind compare by value, lists and maps element-wise. */
function celEqual(a: unknown, b: unknown): boolean {
  // cel-js: int is a bigint, double a number, uint an object holding its value.
  const num = (v: unknown): number | bigint | undefined => {
    if (typeof v === 'number' || typeof v === 'bigint') return v;
    if (v && typeof v === 'object' && /Unsigned/.test(v.constructor?.name ?? '')) {
      const x = (v as { value?: unknown }).value;
      if (typeof x === 'number' || typeof x === 'bigint') return x;
    }
    return undefined;
  };
  const na = num(a);
  const nb = num(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false;
    return typeof na === 'bigint' && typeof nb === 'bigint' ? na === nb : Number(na) === Number(nb);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEqual(x, b[i]));
  if (a instanceof Map && b instanceof Map)
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && celEqual(v, b.get(k)));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && celEqual(ra[k], rb[k]));
  }
  return a === b;
}
const has = (list: unknown[], x: unknown) => list.some((y) => celEqual(x, y));

/**
 * k8s.io/apiserver's base CEL environment (cel/environment/base.go) includes cel-go's ext.Sets library since 1.29:
 * `sets.contains(a, b)` (every element of b is in a), `sets.equivalent(a, b)` (each contains the other) and
 * `sets.intersects(a, b)` (an element in common), with CEL's equality (1 == 1.0 == 1u).
 */
function withSets(env: Environment): Environment {
  return env
    .registerType('CelSetsLibrary', { fields: {}, ctor: CelSetsLibrary })
    .registerConstant('sets', 'CelSetsLibrary', new CelSetsLibrary())
    .registerFunction('CelSetsLibrary.contains(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
      b.every((x) => has(a, x)),
    )
    .registerFunction(
      'CelSetsLibrary.equivalent(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) => b.every((x) => has(a, x)) && a.every((x) => has(b, x)),
    )
    .registerFunction('CelSetsLibrary.intersects(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
      b.some((x) => has(a, x)),
    );
}

function environments(): Record<CelVar, Environment> {
  return (envs ??= {
    claims: withSets(
      new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false }),
    ).registerVariable('claims', 'map<string, dyn>'),
    user: withSets(
      new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false }),
    ).registerVariable('user', {
      schema: {
        username: 'string',
        uid: 'string',
        groups: 'list<string>',
        extra: 'map<string, list<string>>',
      },
    }),
  });
}

interface CelError {
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

/** cel-go's issue rendering: `ERROR: <input>:line:col: msg` plus the source line and a caret. */
function renderIssue(expression: string, e: CelError): string {
  const summary = e.summary ?? String(e.message ?? e).split('\n')[0];
  const at = Math.min(e.range?.start ?? 0, expression.length);
  const before = expression.slice(0, at);
  const line = before.split('\n').length;
  const col = at - (before.lastIndexOf('\n') + 1) + 1;
  const src = expression.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col}: ${summary}\n | ${src}\n | ${'.'.repeat(col - 1)}^`;
}

/**
 * Compiles an expression for `claims` or `user`. `want` is the required output type ('bool' for
 * validation rules) or 'any' (claim mappings: checked when evaluated, as kube does).
 */
export function compile(
  variable: CelVar,
  expression: string,
  want: 'any' | 'bool',
): CompiledExpression | CelCompileError {
  const env = environments()[variable];
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(expression);
  } catch (e) {
    return { type: 'invalid', detail: 'compilation failed: ' + renderIssue(expression, e as CelError) };
  }
  const checked = parsed.check();
  if (!checked.valid)
    return { type: 'invalid', detail: 'compilation failed: ' + renderIssue(expression, checked.error as CelError) };
  if (want === 'bool' && checked.type !== 'bool') return { type: 'invalid', detail: 'must evaluate to bool' };
  return { expression, ast: parsed.ast, run: (vars) => parsed(vars) };
}

const celInputs = new WeakMap<object, unknown>();

/**
 * A decoded JSON value as CEL input: objects become Maps. cel-js tells a map from other objects by reading
 * `value.constructor`, so a claim or extra key named `constructor` would make it fail ("Unsupported type"),
 * while in a Map any key is data, as in cel-go's map(string, dyn). Converted once per value.
 */
export function celInput(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  let out = celInputs.get(v);
  if (out === undefined) {
    out = Array.isArray(v) ? v.map(celInput) : new Map(Object.entries(v).map(([k, x]) => [k, celInput(x)]));
    celInputs.set(v, out);
  }
  return out;
}

/** Evaluates; errors read like cel-go's (`no such key: foo`). */
export function evaluate(c: CompiledExpression, vars: Record<string, unknown>): { value: unknown } | { error: string } {
  try {
    return { value: c.run(vars) };
  } catch (e) {
    const err = e as CelError;
    let msg = err.summary ?? String(err.message ?? e).split('\n')[0]!;
    if (msg.startsWith('No such key')) msg = 'n' + msg.slice(1);
    return { error: msg };
  }
}

/** The CEL type name of an evaluation result, for kube's "must return a string" checks. */
export function celKind(v: unknown): 'string' | 'list' | 'null' | 'bool' | 'other' {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return 'other';
}

/**
 * convertCELValueToStringList: a string, a list of strings or null. "" and empty items are dropped;
 * anything else is `expression must return a string or a list of strings`.
 */
export function toStringList(v: unknown): { value: string[] } | { error: string } {
  const err = { error: 'expression must return a string or a list of strings' };
  switch (celKind(v)) {
    case 'string':
      return { value: v ? [v as string] : [] };
    case 'null':
      return { value: [] };
    case 'list': {
      const out: string[] = [];
      for (const item of v as unknown[]) {
        if (typeof item !== 'string') return err;
        if (item) out.push(item);
      }
      return { value: out };
    }
    default:
      return err;
  }
}

export function isOptional(v: unknown): boolean {
  return v instanceof Optional;
}

function isNode(v: unknown): v is ASTNode {
  return !!v && typeof v === 'object' && 'op' in v && 'args' in v;
}

/**
 * hasSelectExp(ast, "claims", field): whether the expression selects `claims.<field>` (or `claims.?<field>`)
 * anywhere — kube's test for `claims.email` / `claims.email_verified` use.
 */
export function selectsClaim(ast: ASTNode, field: string): boolean {
  const visit = (n: unknown): boolean => {
    if (Array.isArray(n)) return n.some(visit);
    if (!isNode(n)) return false;
    if (n.op === '.' || n.op === '.?') {
      const [operand, name] = n.args as [ASTNode, string];
      if (operand.op === 'id' && operand.args === 'claims' && name === field) return true;
      return visit(operand);
    }
    return visit(n.args);
  };
  return visit(ast);
}
