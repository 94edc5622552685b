import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic.js';
import type { JsonObject } from './json.js';
import { catchStatus, view } from './testing.js';

const LA = 'kubectl.kubernetes.io/last-applied-configuration';
const pod = view.named('Pod');

function live(): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u-1',
      labels: { app: 'web' },
      annotations: { [LA]: '{"old":true}\n', keep: 'me' },
      finalizers: ['a', 'b'],
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }],
        },
        { name: 'sidecar', image: 'busybox' },
      ],
      volumes: [{ name: 'v', emptyDir: {} }],
      nodeSelector: { disk: 'ssd' },
    },
  };
}

const smp = (patch: unknown, doc = live()): JsonObject => strategicMergePatch(view, pod, doc, JSON.stringify(patch));
const at = (o: JsonObject, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], o);

// The shapes kubectl apply (client side) sends: CreateThreeWayMergePatch(last-applied, new config, live).
test('kubectl apply: add a label (annotation refreshed)', () => {
  const got = smp({ metadata: { annotations: { [LA]: '{"new":true}\n' }, labels: { tier: 'web' } } });
  assert.deepEqual(at(got, 'metadata', 'labels'), { app: 'web', tier: 'web' });
  assert.deepEqual(at(got, 'metadata', 'annotations'), { [LA]: '{"new":true}\n', keep: 'me' });
  assert.deepEqual(got.spec, live().spec);
});

test('kubectl apply: change an image keeps the container order', () => {
  const got = smp({
    metadata: { annotations: { [LA]: 'x' } },
    spec: {
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
      containers: [{ image: 'nginx:1.26', name: 'app' }],
    },
  });
  assert.deepEqual(at(got, 'spec', 'containers'), [
    {
      name: 'app',
      image: 'nginx:1.26',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      env: [{ name: 'A', value: '1' }],
    },
    { name: 'sidecar', image: 'busybox' },
  ]);
});

test('kubectl apply: remove a container', () => {
  const got = smp({
    spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ $patch: 'delete', name: 'sidecar' }] },
  });
  assert.deepEqual(
    (at(got, 'spec', 'containers') as JsonObject[]).map((c) => c.name),
    ['app'],
  );
});

test('kubectl apply: add a container between existing ones ($setElementOrder wins)', () => {
  const got = smp({
    spec: {
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'mid' }, { name: 'sidecar' }],
      containers: [{ image: 'x', name: 'mid' }],
    },
  });
  assert.deepEqual(
    (at(got, 'spec', 'containers') as JsonObject[]).map((c) => c.name),
    ['app', 'mid', 'sidecar'],
  );
});

test('kubectl apply: remove a label and an env var, change a nested list-map item', () => {
  const got = smp({
    metadata: { labels: { app: null } },
    spec: {
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
      containers: [
        {
          name: 'app',
          '$setElementOrder/env': [],
          env: [{ $patch: 'delete', name: 'A' }],
          '$setElementOrder/ports': [{ containerPort: 80 }],
          ports: [{ containerPort: 80, name: 'http' }],
        },
      ],
    },
  });
  assert.deepEqual(at(got, 'metadata', 'labels'), {});
  assert.deepEqual(at(got, 'spec', 'containers', 0), {
    name: 'app',
    image: 'nginx:1.25',
    ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }],
    env: [],
  });
});

test('kubectl apply: remove a finalizer from a merged primitive list', () => {
  const got = smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a'] } });
  assert.deepEqual(at(got, 'metadata', 'finalizers'), ['a']);
});

test('kubectl apply: switch a volume source ($retainKeys)', () => {
  const got = smp({
    spec: {
      '$setElementOrder/volumes': [{ name: 'v' }],
      volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, emptyDir: null, name: 'v' }],
    },
  });
  assert.deepEqual(at(got, 'spec', 'volumes'), [{ name: 'v', configMap: { name: 'cm' } }]);
});

test('strategic: merge lists add new items first without $setElementOrder (as kubectl patch sees it)', () => {
  const got = smp({ spec: { containers: [{ name: 'app', ports: [{ containerPort: 443 }] }] } });
  assert.deepEqual(at(got, 'spec', 'containers', 0, 'ports'), [
    { containerPort: 443 },
    { containerPort: 80, protocol: 'TCP' },
  ]);
  const f = smp({ metadata: { finalizers: ['c', 'a'] } });
  assert.deepEqual(at(f, 'metadata', 'finalizers'), ['c', 'a', 'b']);
});

test('strategic: lists without merge strategy and atomic maps are replaced', () => {
  const got = smp({ spec: { containers: [{ name: 'app', args: ['x'] }], nodeSelector: { zone: 'a' } } });
  assert.deepEqual(at(got, 'spec', 'containers', 0, 'args'), ['x']);
  // nodeSelector has no patch strategy: maps still merge (atomicity is an apply notion)
  assert.deepEqual(at(got, 'spec', 'nodeSelector'), { disk: 'ssd', zone: 'a' });
});

test('strategic: $patch directives', () => {
  assert.deepEqual(at(smp({ metadata: { labels: { $patch: 'replace', x: '1' } } }), 'metadata', 'labels'), { x: '1' });
  assert.deepEqual(smp({ spec: { $patch: 'delete' } }).spec, {});
  assert.deepEqual(
    at(
      smp({ spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } }),
      'spec',
      'containers',
    ) as JsonObject[],
    [{ name: 'only', image: 'x' }],
  );
});

test('strategic: a new subtree loses nulls and directives', () => {
  const got = smp({
    spec: { affinity: { a: null, b: { c: 1, d: null } }, extra: [{ $patch: 'delete', x: 1 }, { y: 2 }] },
  });
  assert.deepEqual(at(got, 'spec', 'affinity'), { b: { c: 1 } });
  assert.deepEqual(at(got, 'spec', 'extra'), [{ y: 2 }]);
});

test('strategic: null body is a no-op, input is never mutated', () => {
  const input = live();
  assert.deepEqual(strategicMergePatch(view, pod, input, 'null'), live());
  smp({ metadata: { labels: { app: null } } }, input);
  assert.deepEqual(input, live());
});

test('strategic: errors and their status codes', () => {
  const cases: [unknown, number, string][] = [
    [{ spec: { containers: [{ image: 'x' }] } }, 500, 'map: map[image:x] does not contain declared merge key: name'],
    [{ metadata: { $retainKeys: 'x' } }, 400, 'invalid patch format of retainKeys'],
    [{ metadata: { $retainKeys: ['name'], labels: { a: 'b' } } }, 400, 'invalid patch format of retainKeys'],
    [{ metadata: { $deleteFromPrimitiveList: ['a'] } }, 400, 'invalid patch format of primitive list'],
    [{ metadata: { $patch: 'merge' } }, 500, 'unknown patch type: merge in map: map[$patch:merge]'],
    [
      { spec: { containers: [{ $patch: 'merge', name: 'app' }] } },
      500,
      'merging lists cannot yet be specified in the patch',
    ],
    [
      { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'zzz' }] } },
      500,
      "The order in patch list:\n[map[name:zzz]]\n doesn't match $setElementOrder list:\n[map[name:app]]\n",
    ],
  ];
  for (const [patch, code, message] of cases) {
    const e = catchStatus(() => smp(patch));
    assert.equal(e.code, code, JSON.stringify(patch));
    assert.equal(e.status.message, message, JSON.stringify(patch));
  }
  const noLists = live();
  (noLists.metadata as JsonObject).finalizers = [];
  const e = catchStatus(() => smp({ metadata: { finalizers: [['a']] } }, noLists));
  assert.equal(e.code, 422);
  assert.equal(e.status.message, 'the server rejected our request due to an error in our request');

  assert.equal(
    catchStatus(() => strategicMergePatch(view, pod, live(), '{"a":')).status.message,
    'unexpected end of JSON input',
  );
  assert.equal(
    catchStatus(() => strategicMergePatch(view, pod, live(), '[]')).status.message,
    'json: cannot unmarshal array into Go value of type map[string]interface {}',
  );
});
