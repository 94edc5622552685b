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

test('a Kubernetes protobuf body is decoded and checked on the worker; a bad one answers the decoder text', () => {
  // runtime.Unknown{typeMeta: {v1, ConfigMap}, raw: ConfigMap{metadata: {name: a}, data: {k: v}}}
  const f = (no: number, b: Buffer) => Buffer.concat([Buffer.from([(no << 3) | 2, b.length]), b]);
  const s = (t: string) => Buffer.from(t);
  const cm = Buffer.concat([f(1, f(1, s('a'))), f(2, Buffer.concat([f(1, s('k')), f(2, s('v'))]))]);
  const body = Buffer.concat([s('k8s\0'), f(1, Buffer.concat([f(1, s('v1')), f(2, s('ConfigMap'))])), f(2, cm)]);
  const protobuf = { bytes: new Uint8Array(body), apiVersion: 'v1', kind: 'ConfigMap' };
  assert.deepEqual(runJob({ text: '', protobuf, yaml: false, schema }, convert), {
    json: '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","creationTimestamp":null},"data":{"k":"v"}}',
    fields: { unknown: [], typeErrors: [] },
  });
  const garbage = { ...protobuf, bytes: new Uint8Array(Buffer.from('k8s\0\xff', 'latin1')) };
  const out = runJob({ text: '', protobuf: garbage, yaml: false, schema }, convert);
  assert.ok('error' in out && out.syntax === 'protobuf');
});
