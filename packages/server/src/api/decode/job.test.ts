import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as JsYaml from 'js-yaml';
import { runJob } from './job.js';
import { yamlLimits } from './limits.js';
import { createYamlConverter, type JsYamlModule } from './yaml-convert.js';

const convert = createYamlConverter(JsYaml as JsYamlModule, yamlLimits);
const schema = 'io.k8s.api.core.v1.ConfigMap';

test('a YAML document is checked as a value: pruned, unknown fields named, no duplicates left to report', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  bogus: 1\ndata:\n  k: on\n  k: "2"\nx: 1\n';
  const out = runJob({ text, yaml: true, schema, raw: true }, convert);
  assert.deepEqual(out, {
    json: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"2"}}',
    fields: { unknown: ['metadata.bogus', 'x'], typeErrors: [] },
  });
});

test('JSON sent as YAML is parsed once and its repeated keys are still reported', () => {
  const text = '{"apiVersion":"v1","kind":"ConfigMap","data":{"k":"1","k":"2"},"x":1}';
  const out = runJob({ text, yaml: true, schema, raw: true }, convert);
  assert.deepEqual(out, {
    json: '{"apiVersion":"v1","kind":"ConfigMap","data":{"k":"2"}}',
    fields: { unknown: ['x'], typeErrors: [], duplicates: ['data.k'] },
  });
});

test('a document that is not an object goes back as it came (JSON) or as its JSON (YAML)', () => {
  assert.deepEqual(runJob({ text: ' [1, 2] ', yaml: false, schema }, convert), { json: ' [1, 2] ' });
  assert.deepEqual(runJob({ text: '- 1\n- 0x10\n', yaml: true, schema }, convert), { json: '[1,16]' });
  assert.deepEqual(runJob({ text: 'a: [', yaml: true, schema }, convert), {
    error: 'yaml: line 2: unexpected end of the stream within a flow collection',
    syntax: 'yaml',
  });
});
