// Property-based fuzzing with fast-check: each target runs FUZZ_RUNS cases (2,000 by default, as in CI;
// `npm run fuzz` runs 100,000), and every case must end in an outcome the target allows within 200 ms of CPU.
import fc from 'fast-check';
import { isStatusError } from '../api/errors.js';

export const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 2000);
export const maxCaseCpuMs = 200;

/** Runs `body` and fails when it took more CPU than one case may; returns what `body` returned. */
export function withinCaseBudget<T>(body: () => T, what = 'one case'): T {
  const start = process.cpuUsage();
  const out = body();
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  if (ms > maxCaseCpuMs) throw new Error(`${what} took ${ms.toFixed(0)} ms of CPU`);
  return out;
}

/** Runs `body` on arbitrary values; a throw is allowed only when `allowed` says so. */
export function fuzz<T>(arb: fc.Arbitrary<T>, body: (v: T) => void, allowed: (e: unknown) => boolean): void {
  fc.assert(
    fc.property(arb, (v) =>
      withinCaseBudget(() => {
        try {
          body(v);
        } catch (e) {
          if (!allowed(e)) throw e;
        }
      }),
    ),
    { numRuns: fuzzRuns },
  );
}

/** A Kubernetes Status error with a client-error code: what bad input must become. */
export function isClientError(e: unknown): boolean {
  return isStatusError(e) && e.status.code !== undefined && e.status.code >= 400 && e.status.code < 500;
}

/** Text that is often almost JSON: valid documents, and the same with a byte cut, doubled or replaced. */
export function nearJson(): fc.Arbitrary<string> {
  const doc = fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v));
  return fc.oneof(
    doc,
    fc.tuple(doc, fc.nat(), fc.string({ maxLength: 3 })).map(([s, i, x]) => {
      const at = s.length ? i % s.length : 0;
      return s.slice(0, at) + x + s.slice(at + 1);
    }),
    fc.tuple(fc.nat({ max: 1500 }), fc.constantFrom('[', '{"a":', '[{"b":')).map(([n, open]) => open.repeat(n)),
    fc.string(),
  );
}

/** Text that is often YAML: block and flow collections, anchors, aliases, tags, merges, odd scalars. */
export function nearYaml(): fc.Arbitrary<string> {
  const scalar = fc.constantFrom(
    'a',
    'yes',
    'no',
    '~',
    '0777',
    '0x1F',
    '1_000',
    '.inf',
    '.nan',
    '"q"',
    "'s'",
    '2001-01-01',
    '!!binary aGk=',
    '!!str 1',
    '|\n  x',
    '>\n  y',
    '',
  );
  const key = fc.constantFrom('a', 'b', '__proto__', 'constructor', '<<', '? x', '"k"', 'on', '1');
  const line = fc.oneof(
    fc.tuple(fc.nat({ max: 6 }), key, scalar).map(([i, k, v]) => `${' '.repeat(i)}${k}: ${v}`),
    fc.tuple(fc.nat({ max: 6 }), scalar).map(([i, v]) => `${' '.repeat(i)}- ${v}`),
    fc
      .tuple(key, fc.constantFrom('&x', '*x', '&y [*x, *x]', '{a: *x}', '[*y, *y]', '&x', '*nope'))
      .map(([k, v]) => `${k}: ${v}`),
    fc.constantFrom('---', '...', '%YAML 1.1', '\t- tab', '[', ']', '{', '}', '#c', '- - - 1', 'a: [b, {c: d}]'),
  );
  return fc.oneof(
    fc.array(line, { maxLength: 30 }).map((ls) => ls.join('\n')),
    nearJson(),
    fc.string(),
  );
}
