// Label and field selector parsers, fuzzed: a selector or a 400, never another throw, never slow.
import { test } from 'node:test';
import fc from 'fast-check';
import { matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { fuzz, isClientError } from '../testing/fuzz.js';

const piece = fc.constantFrom(
  'a',
  'b.c/d',
  '=',
  '==',
  '!=',
  ',',
  ' in ',
  ' notin ',
  '(',
  ')',
  '!',
  ' ',
  '\\,',
  'x',
  '-',
  '_',
  '',
  'é',
);
const selector = fc.oneof(
  fc.string(),
  fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
);

test('label selectors', () => {
  fuzz(selector, (s) => matchesLabels(parseLabelSelector(s), { a: 'x', 'b.c/d': '' }), isClientError);
});

test('field selectors', () => {
  fuzz(selector, (s) => parseFieldSelector(s, ['metadata.name', 'metadata.namespace', 'a']), isClientError);
});
