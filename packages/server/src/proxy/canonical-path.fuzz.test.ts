// Property tests of the canonical request target: whatever the client sends, the reading is refused with
// BadRequestTarget or is a fixed point with no dot segment and no '#', whose path the forwarded target decodes to.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BadRequestTarget, canonicalTarget } from './canonical-path.js';
import { fuzzRuns as RUNS, withinCaseBudget } from '../testing/fuzz.js';

// Pieces that make path tricks likely: dots and slashes in every spelling, escapes good and bad, '?', '#'.
const PIECES = [
  '/',
  '//',
  '.',
  '..',
  '...',
  'a',
  'B',
  '~',
  '-',
  '%2e',
  '%2E',
  '.%2e',
  '%2e.',
  '%2f',
  '%2F',
  '%252f',
  '%255c',
  '%5c',
  '%5C',
  '\\',
  '#',
  '?',
  '&',
  '=',
  '%',
  '%Z',
  '%ZZ',
  '%4',
  '%00',
  '%0a',
  '%7f',
  '%20',
  ' ',
  '%23',
  '%3f',
  '%25',
  'é',
  '%c3%a9',
  '%C0%AF',
  '%ff',
  '%F0%9F%98%80',
  ';',
  ':',
  '@',
  '{',
  '"',
  '\t',
  '\r\n',
  'http://h',
  '*',
];

const pieced = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((p) => p.join(''));
const targets = fc.oneof(
  pieced.map((p) => '/' + p),
  pieced,
  fc.string({ maxLength: 80 }).map((s) => '/' + s),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webPath(),
);

// What a forwarded path may hold: '/', characters left unencoded, and %XX with upper-case hex.
const ESCAPED_PATH = /^(?:\/|[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-F]{2})*$/;

/** Runs `body` and fails if it took more CPU than a case may. */
function withinCpuBudget(input: string, body: () => void): void {
  withinCaseBudget(body, JSON.stringify(input));
}

test('a canonical target is a fixed point with no dot segment and no #; anything else is BadRequestTarget', () => {
  fc.assert(
    fc.property(targets, (raw) => {
      withinCpuBudget(raw, () => {
        let c;
        try {
          c = canonicalTarget(raw);
        } catch (err) {
          if (err instanceof BadRequestTarget) return;
          throw err; // a TypeError or RangeError here would be a 500
        }
        assert.equal(canonicalTarget(c.target).target, c.target, 'fixed point');
        assert.equal(canonicalTarget(c.target).path, c.path);
        assert.ok(c.escapedPath.startsWith('/') && c.path.startsWith('/'));
        assert.match(c.escapedPath, ESCAPED_PATH);
        assert.equal(decodeURIComponent(c.escapedPath), c.path, 'the forwarded path decodes to the decided one');
        assert.ok(!c.target.includes('#'));
        assert.equal(c.target, c.query === undefined ? c.escapedPath : `${c.escapedPath}?${c.query}`);
        // Segments: none empty (but after a trailing '/'), none '.' or '..', in the decided path and the forwarded.
        for (const p of [c.path, c.escapedPath]) {
          const segments = p.split('/').slice(1);
          if (segments.at(-1) === '') segments.pop();
          for (const s of segments) assert.ok(s !== '' && s !== '.' && s !== '..', `${JSON.stringify(p)}`);
        }
        // The decided path holds no character a refusal was about.
        assert.doesNotMatch(c.path, /[\x00-\x1f\x7f\\]/);
      });
    }),
    { numRuns: RUNS },
  );
});
