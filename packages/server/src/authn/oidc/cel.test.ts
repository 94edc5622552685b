import { test } from 'node:test';
import assert from 'node:assert/strict';
import { celInput, compile, evaluate } from './cel.js';

const run = (expr: string, claims: unknown): unknown => {
  const c = compile('claims', expr, 'bool');
  if (!('run' in c)) assert.fail(c.detail);
  const r = evaluate(c, { claims: celInput(claims) });
  if (!('value' in r)) assert.fail(r.error);
  return r.value;
};

test('cel: the ext.Sets library of kube base environment (contains, equivalent, intersects)', () => {
  const aud = { aud: ['foo', 'bar', 'baz'] };
  assert.equal(run('sets.equivalent(claims.aud, ["bar", "foo", "baz"])', aud), true);
  assert.equal(run('sets.equivalent(claims.aud, ["bar", "foo", "baz", "baz"])', aud), true);
  assert.equal(run('sets.equivalent(claims.aud, ["bar", "foo"])', aud), false);
  assert.equal(run('sets.contains(claims.aud, ["foo"])', aud), true);
  assert.equal(run('sets.contains(claims.aud, [])', aud), true);
  assert.equal(run('sets.contains(claims.aud, ["qux"])', aud), false);
  assert.equal(run('sets.intersects(claims.aud, ["qux", "baz"])', aud), true);
  assert.equal(run('sets.intersects(claims.aud, [])', aud), false);
  // CEL equality across numeric kinds, as cel-go's sets.contains([1], [1.0, 1u]).
  assert.equal(run('sets.contains([1], [1.0, 1u])', {}), true);
  assert.equal(run('sets.contains([[1], [2]], [[2]])', {}), true);
});

test('cel: a sets function with the wrong arity does not compile', () => {
  const c = compile('claims', 'sets.equivalent(claims.aud)', 'bool');
  assert.ok('detail' in c);
  assert.match(c.detail, /^compilation failed: ERROR: <input>:1:/);
});
