import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runApply, type ApplyJob } from './apply-job.js';
import { applyPatchRequest } from '../../patch/index.js';
import { resolve } from '../schema/index.js';

const job = (body: string, live?: object): ApplyJob => ({
  contentType: 'application/apply-patch+yaml',
  live: live && JSON.stringify(live),
  body,
  ctx: {
    schemaName: 'io.k8s.api.core.v1.ConfigMap',
    apiVersion: 'v1',
    resetFields: [[{ field: 'status' }]],
    gr: { group: '', resource: 'configmaps' },
    name: 'cm',
    namespace: 'default',
    kind: 'ConfigMap',
    fieldManager: 'm',
    now: Date.parse('2024-05-01T10:00:00Z'),
  },
});

test('an apply computed from text gives what the serving thread computes, as JSON text', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default', uid: 'u', resourceVersion: '3' },
    data: { a: '1' },
  };
  const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"b":"2"}}';
  const j = job(body, live);
  const out = runApply(j);
  assert.ok('applied' in out);
  const inPlace = applyPatchRequest(j.contentType, structuredClone(live) as never, body, {
    ...j.ctx,
    resolver: resolve,
    now: new Date(j.ctx.now),
  });
  assert.deepEqual(JSON.parse(out.applied), JSON.parse(JSON.stringify(inPlace.object)));
});

test('refusals come back as the Status kube-apiserver answers', () => {
  const out = runApply(job('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}}'));
  assert.ok('status' in out);
  assert.equal(out.status.code, 400);
  assert.equal(out.status.message, 'the name of the object (other) does not match the name on the URL (cm)');
  const range = runApply(job('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"x":1e400}'));
  assert.ok('status' in range && range.status.code === 400);
});

test('json, merge and strategic patches on the worker decode the result into the kind as the serving thread does', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default', uid: 'u', resourceVersion: '3' },
    data: { a: '1' },
  };
  const cases: [string, string][] = [
    ['application/merge-patch+json', '{"data":{"b":"2"},"x":1,"metadata":{"y":2}}'],
    ['application/strategic-merge-patch+json', '{"data":{"b":"2"},"x":1,"metadata":{"y":2}}'],
    ['application/json-patch+json', '[{"op":"add","path":"/x","value":1},{"op":"add","path":"/data/b","value":"2"}]'],
  ];
  for (const [contentType, body] of cases) {
    const j = { ...job(body, live), contentType };
    // Warn (the default): unknown fields dropped, one warning each, as handlers/patch.go gives them.
    const warn = runApply({ ...j, fieldValidation: '' });
    assert.ok('applied' in warn, contentType);
    const got = JSON.parse(warn.applied);
    assert.equal(got.x, undefined);
    assert.deepEqual(got.data, { a: '1', b: '2' });
    const expected = contentType.includes('json-patch')
      ? ['unknown field "x"']
      : ['unknown field "metadata.y"', 'unknown field "x"'];
    assert.deepEqual([...(warn.warnings ?? [])].sort(), expected, contentType);
    // Ignore: nothing reported; Strict: the 422 with the patched document.
    const ignore = runApply({ ...j, fieldValidation: 'Ignore' });
    assert.ok('applied' in ignore && ignore.warnings === undefined);
    const strict = runApply({ ...j, fieldValidation: 'Strict' });
    assert.ok('status' in strict, contentType);
    assert.equal(strict.status.code, 422);
    assert.match(strict.status.message ?? '', /strict decoding error: .*unknown field "x"/);
    const bad = runApply({ ...j, fieldValidation: 'Bogus' });
    assert.ok('status' in bad && bad.status.code === 400);
    assert.equal(bad.status.message, 'fieldValidation parameter unsupported: Bogus');
  }
});

test("a patch result's decoding errors come back for the serving thread's decoding", () => {
  const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', uid: 'u' } };
  const j = { ...job('{"data":5}', live), contentType: 'application/merge-patch+json', fieldValidation: '' };
  const out = runApply(j);
  assert.ok('applied' in out);
  assert.equal(out.typeErrors?.length, 1);
  const ok = runApply({ ...j, body: '{"data":{"a":"b"}}' });
  assert.ok('applied' in ok);
  assert.deepEqual(ok.typeErrors, []);
  // An apply is checked by the serving thread, as before.
  const apply = runApply(job('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}'));
  assert.ok('applied' in apply && apply.typeErrors === undefined);
});
