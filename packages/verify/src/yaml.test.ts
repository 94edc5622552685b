import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { YamlError, parseYaml } from './yaml.js';

describe('parseYaml', () => {
  it('reads a kubeconfig as kubectl writes it (lists at the key indentation, compact items)', () => {
    const text = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTg==
    server: https://127.0.0.1:6443
  name: kind-kind
contexts:
- context:
    cluster: kind-kind
    user: kind-kind
  name: kind-kind
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    token: abc.def
`;
    assert.deepEqual(parseYaml(text), {
      apiVersion: 'v1',
      clusters: [
        {
          cluster: { 'certificate-authority-data': 'LS0tLS1CRUdJTg==', server: 'https://127.0.0.1:6443' },
          name: 'kind-kind',
        },
      ],
      contexts: [{ context: { cluster: 'kind-kind', user: 'kind-kind' }, name: 'kind-kind' }],
      'current-context': 'kind-kind',
      kind: 'Config',
      preferences: {},
      users: [{ name: 'kind-kind', user: { token: 'abc.def' } }],
    });
  });

  it('reads indented lists, quoted strings, comments, scalars and flow collections', () => {
    const text = `--- # doc
# comment
a:
  - 'it''s'
  - "tab\\tquote\\" \\u00e9"
  - plain # trailing comment
  - "# not a comment"
b: {x: 1, "y": [true, null, ~, 1.5]}
c: []
d: 'single # kept'
e: https://host:443/path#frag
f: False
g: 007
h: -12
`;
    assert.deepEqual(parseYaml(text), {
      a: ["it's", 'tab\tquote" é', 'plain', '# not a comment'],
      b: { x: 1, y: [true, null, null, 1.5] },
      c: [],
      d: 'single # kept',
      e: 'https://host:443/path#frag',
      f: false,
      g: 7,
      h: -12,
    });
  });

  it('reads nested sequences and maps inside sequence items', () => {
    const text = `items:
  - name: one
    args:
      - --flag
      - value
  -
    name: two
  - - nested
    - list
`;
    assert.deepEqual(parseYaml(text), {
      items: [{ name: 'one', args: ['--flag', 'value'] }, { name: 'two' }, ['nested', 'list']],
    });
  });

  it('reads block scalars with chomping', () => {
    const text = `lit: |
  line1
  line2

keep: |+
  x

strip: >-
  folded
  text
next: 1
`;
    assert.deepEqual(parseYaml(text), { lit: 'line1\nline2\n', keep: 'x\n\n', strip: 'folded text', next: 1 });
  });

  it('accepts JSON documents, CRLF and an empty document', () => {
    assert.deepEqual(parseYaml('{\n  "a": [1, {"b": "c"}]\n}\n'), { a: [1, { b: 'c' }] });
    assert.deepEqual(parseYaml('a: 1\r\nb: x\r\n'), { a: 1, b: 'x' });
    assert.equal(parseYaml('# nothing\n'), null);
    assert.deepEqual(parseYaml('key:\n'), { key: null });
  });

  it('keeps "__proto__" an ordinary key', () => {
    const v = parseYaml('__proto__:\n  polluted: yes\n') as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(v), ['__proto__']);
  });

  it('reads what kubectl reads: anchors and aliases, tags, multi-line plain scalars, complex keys', () => {
    assert.deepEqual(parseYaml('a: &anchor 1\nb: *anchor\n'), { a: 1, b: 1 });
    assert.deepEqual(parseYaml('a: !!str 1\n'), { a: '1' });
    assert.deepEqual(parseYaml('a: one\n  two\n'), { a: 'one two' });
    assert.deepEqual(parseYaml('? complex\n'), { complex: null });
  });

  it('rejects what is not one YAML document, naming the line', () => {
    const cases: [string, RegExp][] = [
      ['a: *alias\n', /Unresolved alias/],
      ['a: b\n---\nc: d\n', /^line 2: several YAML documents/],
      ['a: "unterminated\n', /^line 2: Missing closing "quote/],
      ['a:\n\tb: 1\n', /^line 2: Tabs are not allowed/],
      ['a: 1\n   b: 2\n', /^line 1: Nested mappings/],
      ['a: 1\na: 2\n', /^line 2: Map keys must be unique/],
      [
        `a: &a [1,2,3]\n${Array.from(
          { length: 8 },
          (_, i) =>
            `b${i}: &b${i} [${Array(9)
              .fill(i ? `*b${i - 1}` : '*a')
              .join(',')}]`,
        ).join('\n')}\n`,
        /resource exhaustion/,
      ],
    ];
    for (const [text, re] of cases) {
      assert.throws(
        () => parseYaml(text),
        (err: unknown) => err instanceof YamlError && re.test(err.message),
        text,
      );
    }
  });
});
