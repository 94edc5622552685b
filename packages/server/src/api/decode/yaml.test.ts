import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusError } from '../errors.js';
import { YamlError, yamlToJsonSync } from './yaml.js';
import { BodyDecoder } from './decoder.js';

test('plain scalars resolve as go-yaml v2 resolves them', () => {
  const doc = [
    'a: yes',
    'b: Off',
    'c: "yes"',
    'd: 0777',
    'e: 0x1F',
    'f: 1_000',
    'g: 08',
    'h: 2001-12-14',
    'i: .5',
    'j: ~',
    'k:',
    'l: 1e3',
    'm: +12',
    'o: -0b11',
    'p: 0o17',
    'q: 1.5.1',
    'r: .inf.x',
  ].join('\n');
  assert.deepEqual(JSON.parse(yamlToJsonSync(doc)), {
    a: true,
    b: false,
    c: 'yes',
    d: 511,
    e: 31,
    f: 1000,
    g: 8,
    h: '2001-12-14',
    i: 0.5,
    j: null,
    k: null,
    l: 1000,
    m: 12,
    o: -3,
    p: 15,
    q: '1.5.1',
    r: '.inf.x',
  });
  // Keys resolve too, as go-yaml's do before sigs.k8s.io/yaml writes them as JSON keys.
  assert.equal(yamlToJsonSync('on: 1\n1: 2\nn: 3'), '{"1":2,"true":1,"false":3}');
});

test('duplicates keep the last value; merge keys; the first document; binary as its bytes', () => {
  assert.equal(yamlToJsonSync('a: 1\na: 2'), '{"a":2}');
  assert.equal(yamlToJsonSync('b: &b {x: 1, z: 2}\nd:\n  <<: *b\n  x: 3'), '{"b":{"x":1,"z":2},"d":{"x":3,"z":2}}');
  assert.equal(yamlToJsonSync('a: 1\n---\nb: 2'), '{"a":1}');
  assert.equal(yamlToJsonSync('a: !!binary aGVsbG8='), '{"a":"hello"}');
  assert.equal(yamlToJsonSync(''), 'null');
});

test('keys named after Object.prototype members are data', () => {
  assert.equal(
    yamlToJsonSync('__proto__: {x: 1}\nconstructor: 2\ntoString: 3'),
    '{"__proto__":{"x":1},"constructor":2,"toString":3}',
  );
});

test('refusals carry go-yaml texts', () => {
  const refused = (doc: string) => {
    try {
      yamlToJsonSync(doc);
    } catch (e) {
      assert.ok(e instanceof YamlError);
      return e.message;
    }
    assert.fail('accepted');
  };
  assert.equal(refused('['.repeat(1001)), 'yaml: exceeded max depth of 1000');
  assert.equal(refused('- '.repeat(1001) + '1'), 'yaml: exceeded max depth of 1000');
  assert.equal(refused('a: &a [*a]'), 'yaml: anchor value contains itself');
  assert.equal(refused('a: .nan'), 'json: unsupported value: NaN');
  assert.equal(refused('a: -.inf'), 'json: unsupported value: -Inf');
  assert.match(refused('a: [b'), /^yaml: line \d+: /);
  let bomb = 'a: &x0 [1,2,3,4,5,6,7,8,9,10]\n';
  for (let i = 1; i <= 12; i++)
    bomb += `l${i}: &x${i} [${Array(9)
      .fill(`*x${i - 1}`)
      .join(',')}]\n`;
  assert.equal(refused(bomb), 'yaml: document contains excessive aliasing');
  assert.equal(
    refused(`a: &x ${'v'.repeat(1_000_000)}\nb: [${Array(14).fill('*x').join(',')}]`),
    'yaml: document contains excessive aliasing',
  );
  // 99 aliases to a small value are fine (go-yaml counts only past 100 aliases and 1,000 nodes).
  assert.doesNotThrow(() =>
    yamlToJsonSync('a: &x [1]\n' + Array.from({ length: 99 }, (_, i) => `b${i}: *x`).join('\n')),
  );
});

test('the worker converts, refuses with the same texts, and a full queue answers 429', async () => {
  const d = new BodyDecoder();
  try {
    assert.deepEqual(await d.decode({ text: 'a: yes', yaml: true }), { json: '{"a":true}' });
    assert.deepEqual(await d.decode({ text: '['.repeat(5000), yaml: true }), {
      error: 'yaml: exceeded max depth of 1000',
      syntax: 'yaml',
    });
    const many = Array.from({ length: 40 }, () =>
      d.decode({ text: 'a: 1', yaml: true }).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    const outcomes = await Promise.all(many);
    const refused = outcomes.filter((o) => isStatusError(o));
    assert.ok(refused.length >= 1, 'some requests beyond the queue limit are refused');
    for (const r of refused) {
      assert.ok(isStatusError(r));
      assert.equal(r.status.code, 429);
      assert.equal(r.status.message, 'Too many requests, please try again later.');
    }
    assert.equal(outcomes.filter((o) => o === 'ok').length + refused.length, 40);
  } finally {
    d.close();
  }
  await assert.rejects(d.decode({ text: 'a: 1', yaml: true }), (e) => isStatusError(e) && e.status.code === 503);
});
