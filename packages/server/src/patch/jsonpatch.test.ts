import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatch } from './jsonpatch.js';
import type { JsonObject } from './json.js';
import { catchStatus } from './testing.js';
import { jsonSyntaxError } from '../api/decode/json.js';

const doc = (): JsonObject => ({
  metadata: { name: 'p', labels: { app: 'a', 'a/b': 'x', 'c~d': 'y' }, finalizers: ['f1', 'f2'] },
  spec: {
    containers: [
      { name: 'c1', image: 'i1' },
      { name: 'c2', image: 'i2' },
    ],
    nodeName: null,
  },
});

const ok: [string, unknown[], (d: JsonObject) => void][] = [
  [
    'add a map key',
    [{ op: 'add', path: '/metadata/labels/new', value: 'v' }],
    (d) => (((d.metadata as JsonObject).labels as JsonObject).new = 'v'),
  ],
  [
    'add replaces an existing key',
    [{ op: 'add', path: '/metadata/name', value: 'q' }],
    (d) => ((d.metadata as JsonObject).name = 'q'),
  ],
  [
    '~1 and ~0 escapes',
    [
      { op: 'replace', path: '/metadata/labels/a~1b', value: 'X' },
      { op: 'remove', path: '/metadata/labels/c~0d' },
    ],
    (d) => {
      const l = (d.metadata as JsonObject).labels as JsonObject;
      l['a/b'] = 'X';
      delete l['c~d'];
    },
  ],
  [
    'append with -',
    [{ op: 'add', path: '/metadata/finalizers/-', value: 'f3' }],
    (d) => ((d.metadata as JsonObject).finalizers as string[]).push('f3'),
  ],
  [
    'insert at index',
    [{ op: 'add', path: '/metadata/finalizers/0', value: 'f0' }],
    (d) => ((d.metadata as JsonObject).finalizers as string[]).unshift('f0'),
  ],
  [
    'add at len appends',
    [{ op: 'add', path: '/metadata/finalizers/2', value: 'f3' }],
    (d) => ((d.metadata as JsonObject).finalizers as string[]).push('f3'),
  ],
  [
    'negative index (evanphx)',
    [{ op: 'remove', path: '/metadata/finalizers/-1' }],
    (d) => ((d.metadata as JsonObject).finalizers as string[]).pop(),
  ],
  [
    'replace of a missing object key adds it (v4 quirk)',
    [{ op: 'replace', path: '/spec/restartPolicy', value: 'Never' }],
    (d) => ((d.spec as JsonObject).restartPolicy = 'Never'),
  ],
  [
    'move',
    [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/app2' }],
    (d) => {
      const l = (d.metadata as JsonObject).labels as JsonObject;
      l.app2 = l.app!;
      delete l.app;
    },
  ],
  [
    'copy deep-copies',
    [
      { op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' },
      { op: 'replace', path: '/spec/containers/2/name', value: 'c3' },
    ],
    (d) => ((d.spec as JsonObject).containers as JsonObject[]).push({ name: 'c3', image: 'i1' }),
  ],
  ['test passes', [{ op: 'test', path: '/spec/containers/1', value: { image: 'i2', name: 'c2' } }], () => {}],
  [
    'test null matches a null or missing value',
    [
      { op: 'test', path: '/spec/nodeName', value: null },
      { op: 'test', path: '/spec/nope', value: null },
    ],
    () => {},
  ],
  ['the first path token is ignored (evanphx)', [{ op: 'add', path: 'x/extra', value: 1 }], (d) => (d.extra = 1)],
];

for (const [name, ops, edit] of ok) {
  test(`json patch: ${name}`, () => {
    const input = doc();
    const before = JSON.stringify(input);
    const got = jsonPatch(input, JSON.stringify(ops));
    const want = doc();
    edit(want);
    assert.deepEqual(got, want);
    assert.equal(JSON.stringify(input), before, 'input not mutated');
  });
}

test('json patch: null is an empty patch', () => {
  assert.deepEqual(jsonPatch(doc(), 'null'), doc());
});

const generic422 = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server rejected our request due to an error in our request',
  reason: 'Invalid',
  details: {},
  code: 422,
};

const failing: [string, unknown[]][] = [
  ['failed test', [{ op: 'test', path: '/metadata/name', value: 'other' }]],
  ['test on a missing key', [{ op: 'test', path: '/metadata/labels/none', value: 'x' }]],
  ['remove of a missing key', [{ op: 'remove', path: '/metadata/annotations' }]],
  ['missing parent', [{ op: 'add', path: '/metadata/annotations/x', value: 'y' }]],
  ['index out of range', [{ op: 'replace', path: '/metadata/finalizers/5', value: 'x' }]],
  ['add beyond the end', [{ op: 'add', path: '/metadata/finalizers/3', value: 'x' }]],
  ['bad index', [{ op: 'add', path: '/metadata/finalizers/x', value: 'x' }]],
  ['unknown op', [{ op: 'frobnicate', path: '/x' }]],
  ['missing op', [{ path: '/x' }]],
  ['missing path', [{ op: 'add', value: 1 }]],
  ['move from a missing key', [{ op: 'move', from: '/nope', path: '/x' }]],
  ['traversing through null', [{ op: 'add', path: '/spec/nodeName/x', value: 1 }]],
];

for (const [name, ops] of failing) {
  test(`json patch failure is the generic 422: ${name}`, () => {
    const e = catchStatus(() => jsonPatch(doc(), JSON.stringify(ops)));
    assert.deepEqual(e.status, generic422);
  });
}

test('json patch: a failing op leaves nothing applied', () => {
  const input = doc();
  catchStatus(() =>
    jsonPatch(
      input,
      JSON.stringify([
        { op: 'add', path: '/a', value: 1 },
        { op: 'test', path: '/a', value: 2 },
      ]),
    ),
  );
  assert.equal(input.a, undefined);
});

test('json patch: undecodable documents are 400s with Go decoder texts', () => {
  const cases: [string, string][] = [
    ['{"op":"add"}', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['["x"]', 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
    ['[{"op":"add",}]', `invalid character '}' looking for beginning of object key string`],
    ['[', 'unexpected end of JSON input'],
    ['', 'unexpected end of JSON input'],
    ['[] x', `invalid character 'x' after top-level value`],
  ];
  for (const [body, msg] of cases) {
    const e = catchStatus(() => jsonPatch(doc(), body));
    assert.equal(e.code, 400, body);
    assert.equal(e.reason, 'BadRequest');
    assert.equal(e.status.message, msg, body);
  }
});

test('json patch: more than 10000 operations is 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'p' }));
  const e = catchStatus(() => jsonPatch(doc(), JSON.stringify(ops)));
  assert.equal(e.code, 413);
  assert.equal(
    e.status.message,
    'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
  );
});

test('json patch: copies are capped at 3 MiB in total', () => {
  const big = 'x'.repeat(1024 * 1024);
  const ops = [
    { op: 'add', path: '/blob', value: big },
    ...Array.from({ length: 4 }, (_, i) => ({ op: 'copy', from: '/blob', path: `/c${i}` })),
  ];
  assert.equal(catchStatus(() => jsonPatch(doc(), JSON.stringify(ops))).code, 422);
});

test('json patch: "__proto__" stays a plain key', () => {
  const got = jsonPatch(doc(), '[{"op":"add","path":"/__proto__","value":{"polluted":true}}]');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.getOwnPropertyDescriptor(got, '__proto__')?.value, { polluted: true });
});

test('Go JSON scanner messages', () => {
  const cases: [string, string | undefined][] = [
    ['{"a":1}', undefined],
    ['{"a" 1}', `invalid character '1' after object key`],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', `invalid character '2' after array element`],
    // Go's scanner steps once more with a space at the end of input: a cut literal names that space.
    ['tru', `invalid character ' ' in literal true (expecting 'e')`],
    ['trux', `invalid character 'x' in literal true (expecting 'e')`],
    ['01', `invalid character '1' after top-level value`],
    ['-x', `invalid character 'x' in numeric literal`],
    ['1.x', `invalid character 'x' after decimal point in numeric literal`],
    ['1ex', `invalid character 'x' in exponent of numeric literal`],
    ['"\\q"', `invalid character 'q' in string escape code`],
    ['"a\nb"', `invalid character '\\n' in string literal`],
    ["'a'", `invalid character '\\'' looking for beginning of value`],
    ['é', `invalid character 'Ã' looking for beginning of value`],
  ];
  for (const [s, want] of cases) assert.equal(jsonSyntaxError(s), want, s);
});
