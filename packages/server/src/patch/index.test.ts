import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import { applyPatchRequest, managerOrUserAgent, type PatchContext, updateManagedFields } from './index.js';
import { catchStatus, resolver } from './testing.js';

const LA = 'kubectl.kubernetes.io/last-applied-configuration';
const ctx = (over: Partial<PatchContext> = {}): PatchContext => ({
  resolver,
  schemaName: 'ConfigMap',
  apiVersion: 'v1',
  kind: 'ConfigMap',
  gr: { group: '', resource: 'configmaps' },
  name: 'cm',
  namespace: 'default',
  now: new Date('2024-05-01T10:00:00Z'),
  ...over,
});

function stored(o: KObject, rv = '1'): KObject {
  return {
    ...o,
    metadata: { ...o.metadata, uid: 'uid-1', resourceVersion: rv, creationTimestamp: '2024-05-01T09:00:00Z' },
  };
}

const live = (): KObject =>
  stored({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default' },
    data: { a: '1' },
  } as KObject);

test('Content-Type selects the patch type; unknown ones are 415', () => {
  const body = '{"data":{"b":"2"}}';
  for (const ct of ['application/merge-patch+json', 'application/merge-patch+json; charset=utf-8']) {
    const r = applyPatchRequest(ct, live(), body, ctx({ fieldManager: 'm' }));
    assert.deepEqual(r.object.data, { a: '1', b: '2' });
  }
  let e = catchStatus(() => applyPatchRequest('application/json', live(), body, ctx()));
  assert.deepEqual(e.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: '415: Unsupported Media Type',
    reason: 'UnsupportedMediaType',
    details: {},
    code: 415,
  });
  e = catchStatus(() => applyPatchRequest(undefined, live(), body, ctx()));
  assert.equal(e.code, 415);
  // passes go-restful's per-type check but not the handler's whole-header one
  e = catchStatus(() => applyPatchRequest('application/json, application/merge-patch+json', live(), body, ctx()));
  assert.equal(e.code, 415);
  assert.equal(
    e.status.message,
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
  );
});

test('patch options are validated like kube-apiserver', () => {
  let e = catchStatus(() => applyPatchRequest('application/apply-patch+yaml', live(), '{}', ctx()));
  assert.equal(e.code, 422);
  assert.equal(
    e.status.message,
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  );
  e = catchStatus(() => applyPatchRequest('application/merge-patch+json', live(), '{}', ctx({ force: true })));
  assert.equal(
    e.status.message,
    'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
  );
  e = catchStatus(() =>
    applyPatchRequest('application/merge-patch+json', live(), '{}', ctx({ fieldManager: 'x'.repeat(129) })),
  );
  assert.equal(
    e.status.message,
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
  );
});

test('patching a missing object is 404 (only apply creates)', () => {
  const e = catchStatus(() => applyPatchRequest('application/merge-patch+json', undefined, '{}', ctx()));
  assert.equal(e.code, 404);
  assert.equal(e.status.message, 'configmaps "cm" not found');
});

test('name and namespace must match the URL', () => {
  let e = catchStatus(() =>
    applyPatchRequest('application/merge-patch+json', live(), '{"metadata":{"name":"other"}}', ctx()),
  );
  assert.equal(e.status.message, 'the name of the object (other) does not match the name on the URL (cm)');
  e = catchStatus(() =>
    applyPatchRequest('application/merge-patch+json', live(), '{"metadata":{"namespace":"x"}}', ctx()),
  );
  assert.equal(
    e.status.message,
    'the namespace of the provided object does not match the namespace sent on the request',
  );
});

test('the field manager defaults to the User-Agent prefix', () => {
  assert.equal(managerOrUserAgent(undefined, 'kubectl/v1.33.0 (linux/amd64) kubernetes/8adc0f0'), 'kubectl');
  const r = applyPatchRequest(
    'application/json-patch+json',
    trackedLive(),
    '[{"op":"add","path":"/data/b","value":"2"}]',
    ctx({ userAgent: 'curl/8.0' }),
  );
  assert.deepEqual(
    r.managedFields?.map((m) => m.manager),
    ['creator', 'curl'],
  );
});

function trackedLive(): KObject {
  return stored(
    updateManagedFields({
      ...ctx(),
      old: undefined,
      new: live(),
      manager: 'creator',
      now: new Date('2024-05-01T09:00:00Z'),
    }).object,
  );
}

test('apply creates a missing object (system fields wiped, namespace from the URL)', () => {
  const body =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  creationTimestamp: "2020-01-01T00:00:00Z"\ndata:\n  enabled: "yes"\n';
  const r = applyPatchRequest('application/apply-patch+yaml', undefined, body, ctx({ fieldManager: 'kubectl' }));
  assert.equal(r.created, true);
  assert.deepEqual(r.object.metadata.namespace, 'default');
  assert.equal(r.object.metadata.creationTimestamp, undefined);
  assert.deepEqual(r.object.data, { enabled: 'yes' });
  // YAML 1.1, as go-yaml v2 reads it: a bare yes is a boolean
  const yes = catchStatus(() =>
    applyPatchRequest(
      'application/apply-patch+yaml',
      undefined,
      body.replace('"yes"', 'yes'),
      ctx({ fieldManager: 'k' }),
    ),
  );
  assert.equal(
    yes.status.message,
    'failed to create typed patch object (/cm; /v1, Kind=ConfigMap): .data.enabled: expected string, got &value.valueUnstructured{Value:true}',
  );
  assert.equal(r.object.metadata.managedFields?.[0]?.manager, 'kubectl');

  const e = catchStatus(() =>
    applyPatchRequest(
      'application/apply-patch+yaml',
      undefined,
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","uid":"u"}}',
      ctx({ fieldManager: 'k' }),
    ),
  );
  assert.equal(e.code, 409);
  assert.equal(
    e.status.message,
    'Operation cannot be fulfilled on configmaps "cm": uid mismatch: the provided object specified uid u, and no existing object was found',
  );

  const bad = catchStatus(() =>
    applyPatchRequest('application/apply-patch+yaml', undefined, 'a: [', ctx({ fieldManager: 'k' })),
  );
  assert.equal(bad.code, 400);
  assert.match(bad.status.message ?? '', /^error decoding YAML: error converting YAML to JSON: yaml: /);
});

test('kubectl flow: create, client-side apply, label, then apply --server-side', () => {
  const c = ctx();
  const config1 = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default' },
    data: { a: '1' },
  };
  // kubectl apply (create): POST with the annotation, fieldManager=kubectl-client-side-apply
  const posted = structuredClone(config1) as unknown as KObject;
  posted.metadata.annotations = { [LA]: JSON.stringify(config1) + '\n' };
  const v1 = stored(
    updateManagedFields({ ...c, old: undefined, new: posted, manager: 'kubectl-client-side-apply', now: c.now! })
      .object,
  );

  // kubectl apply again with data.a=2 and a new label: a three-way strategic merge patch
  const config2 = { ...config1, metadata: { ...config1.metadata, labels: { tier: 'web' } }, data: { a: '2' } };
  const smp = {
    data: { a: '2' },
    metadata: { annotations: { [LA]: JSON.stringify(config2) + '\n' }, labels: { tier: 'web' } },
  };
  const t1 = new Date('2024-05-01T10:01:00Z');
  const r2 = applyPatchRequest('application/strategic-merge-patch+json', v1, JSON.stringify(smp), {
    ...c,
    fieldManager: 'kubectl-client-side-apply',
    now: t1,
  });
  assert.deepEqual(r2.object.data, { a: '2' });
  assert.deepEqual(r2.managedFields, [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2024-05-01T10:01:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:data': { '.': {}, 'f:a': {} },
        'f:metadata': { 'f:annotations': { '.': {}, [`f:${LA}`]: {} }, 'f:labels': { '.': {}, 'f:tier': {} } },
      },
    },
  ]);

  // kubectl label cm env=prod: a merge patch by "kubectl-label"
  const v3 = applyPatchRequest(
    'application/merge-patch+json',
    stored(r2.object, '2'),
    '{"metadata":{"labels":{"env":"prod"}}}',
    {
      ...c,
      fieldManager: 'kubectl-label',
      now: new Date('2024-05-01T10:02:00Z'),
    },
  ).object;
  assert.deepEqual(
    v3.metadata.managedFields?.map((m) => [m.manager, m.fieldsV1]),
    [
      ['kubectl-client-side-apply', r2.managedFields?.[0]?.fieldsV1],
      ['kubectl-label', { 'f:metadata': { 'f:labels': { 'f:env': {} } } }],
    ],
  );

  // kubectl apply --server-side, changing a field client-side apply set: allowed through last-applied
  const config3 = { ...config2, data: { a: '3' } };
  const r4 = applyPatchRequest('application/apply-patch+yaml', stored(v3, '3'), JSON.stringify(config3), {
    ...c,
    fieldManager: 'kubectl',
    now: new Date('2024-05-01T10:03:00Z'),
  });
  assert.equal(r4.created, false);
  assert.deepEqual(r4.object.data, { a: '3' });
  assert.deepEqual(r4.object.metadata.labels, { tier: 'web', env: 'prod' });
  assert.deepEqual(
    r4.managedFields?.map((m) => [m.manager, m.operation]),
    [
      ['kubectl', 'Apply'],
      ['kubectl-client-side-apply', 'Update'],
      ['kubectl-label', 'Update'],
    ],
  );
  assert.equal(
    r4.object.metadata.annotations?.[LA],
    JSON.stringify({
      apiVersion: 'v1',
      data: { a: '3' },
      kind: 'ConfigMap',
      metadata: { labels: { tier: 'web' }, name: 'cm', namespace: 'default' },
    }) + '\n',
  );

  // another server-side applier touching the label kubectl-label owns conflicts
  const e = catchStatus(() =>
    applyPatchRequest(
      'application/apply-patch+yaml',
      stored(r4.object, '4'),
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":{"env":"dev"}}}',
      { ...c, fieldManager: 'argo' },
    ),
  );
  assert.equal(
    e.status.message,
    'Apply failed with 1 conflict: conflict with "kubectl-label" using v1: .metadata.labels.env',
  );
  // --force-conflicts
  const forced = applyPatchRequest(
    'application/apply-patch+yaml',
    stored(r4.object, '4'),
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":{"env":"dev"}}}',
    { ...c, fieldManager: 'argo', force: true },
  );
  assert.deepEqual(forced.object.metadata.labels, { tier: 'web', env: 'dev' });
  assert.deepEqual(
    forced.managedFields?.map((m) => m.manager),
    ['argo', 'kubectl', 'kubectl-client-side-apply'],
  );
});

test('JSON patches see the zero-valued fields of the typed object (status: {})', () => {
  const pod = stored({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c' }] },
  } as unknown as KObject);
  const r = applyPatchRequest(
    'application/json-patch+json',
    pod,
    '[{"op":"add","path":"/status/phase","value":"Running"}]',
    ctx({ schemaName: 'Pod', kind: 'Pod', name: 'p', gr: { group: '', resource: 'pods' } }),
  );
  assert.deepEqual((r.object as unknown as { status: unknown }).status, { phase: 'Running' });
});

test('numbers beyond float64 in any patch type are a 4xx with Go’s decoding text, never a 500', () => {
  const range = (lit: string) => `json: cannot unmarshal number ${lit} into Go value of type float64`;
  const status = (type: string, body: string) => {
    const e = catchStatus(() => applyPatchRequest(type, live(), body, ctx({ fieldManager: 'm' })));
    return [e.status.code, e.status.reason, e.status.message];
  };
  // The fuzz finding: a merge patch array whose number overflows to -Infinity answered 500 (TypeError).
  const fuzzed = '["",-7144929688169362e+293]';
  assert.deepEqual(status('application/merge-patch+json', fuzzed), [
    422,
    'Invalid',
    ` "" is invalid: patch: Invalid value: ${JSON.stringify(fuzzed)}: ${range('-7144929688169362e+293')}`,
  ]);
  assert.deepEqual(status('application/merge-patch+json', '{"data":{"x":1e400}}'), [
    422,
    'Invalid',
    ` "" is invalid: patch: Invalid value: "{\\"data\\":{\\"x\\":1e400}}": ${range('1e400')}`,
  ]);
  assert.deepEqual(status('application/merge-patch+json', '1e400'), [400, 'BadRequest', 'Invalid JSON Patch']);
  assert.deepEqual(status('application/strategic-merge-patch+json', '{"metadata":{"x":-1E+999}}'), [
    400,
    'BadRequest',
    range('-1E+999'),
  ]);
  const digits = '9'.repeat(400);
  assert.deepEqual(status('application/json-patch+json', `[{"op":"add","path":"/data/x","value":${digits}}]`), [
    400,
    'BadRequest',
    range(digits),
  ]);
  assert.deepEqual(
    status('application/apply-patch+yaml', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"x":1e999}'),
    [400, 'BadRequest', `error decoding YAML: error unmarshaling JSON: while decoding JSON: ${range('1e999')}`],
  );
  // Literal-looking text inside strings is data, and large finite numbers are numbers.
  const ok = applyPatchRequest(
    'application/merge-patch+json',
    live(),
    '{"data":{"e":"1e400 \\"9e999\\\\\\""},"metadata":{"labels":{"x":"1"}},"y":1.7976931348623157e308}',
    ctx(),
  );
  assert.equal((ok.object as unknown as { data: Record<string, string> }).data.e, '1e400 "9e999\\"');
});
