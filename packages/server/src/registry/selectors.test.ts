import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesLabels, parseLabelSelector, parseFieldSelector, matchesFields } from './selectors.js';

test('label selectors', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['a=b', { a: 'b' }, true],
    ['a=b', { a: 'c' }, false],
    ['a==b,c!=d', { a: 'b', c: 'e' }, true],
    ['a in (x, y)', { a: 'y' }, true],
    ['a notin (x,y)', { a: 'z' }, true],
    ['a notin (x,y)', {}, true],
    ['a', { a: '' }, true],
    ['!a', { a: '' }, false],
    ['!a', {}, true],
    ['', {}, true],
  ];
  for (const [s, labels, want] of cases) assert.equal(matchesLabels(parseLabelSelector(s), labels), want, s);
});

test('label selectors on keys named after Object.prototype members see own labels only', () => {
  const proto = JSON.parse('{"__proto__":"p"}') as Record<string, string>;
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['constructor', {}, false],
    ['!constructor', {}, true],
    ['toString in (x)', {}, false],
    ['valueOf notin (x)', {}, true],
    ['constructor=x', { constructor: 'x' }, true],
    ['__proto__', {}, false],
    ['!__proto__', {}, true],
    ['__proto__=p', proto, true],
    ['!__proto__', proto, false],
  ];
  for (const [s, labels, want] of cases) assert.equal(matchesLabels(parseLabelSelector(s), labels), want, s);
});

test('bad label selectors are 400', () => {
  for (const s of ['a b', 'a in x', 'a in (x', '=b']) {
    assert.throws(
      () => parseLabelSelector(s),
      (e: unknown) => (e as { code: number }).code === 400,
      s,
    );
  }
});

test('field selectors', () => {
  const sel = parseFieldSelector('metadata.name=x,spec.nodeName!=n1', ['metadata.name', 'spec.nodeName']);
  assert.equal(matchesFields(sel, { metadata: { name: 'x' }, spec: { nodeName: 'n2' } }), true);
  assert.equal(matchesFields(sel, { metadata: { name: 'x' }, spec: { nodeName: 'n1' } }), false);
  assert.throws(() => parseFieldSelector('foo=bar', ['metadata.name']), /field label not supported: foo/);
});
