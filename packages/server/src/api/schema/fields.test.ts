import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFields, decodeError, findDuplicateFields } from './fields.js';
import { fullPod } from './testdata.js';

const pod = 'io.k8s.api.core.v1.Pod';
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('a Pod using most of PodSpec and PodStatus has no unknown fields or type errors', () => {
  const r = checkFields(fullPod(), pod, JSON.stringify(fullPod()));
  assert.deepEqual(r, { unknown: [], typeErrors: [] });
});

test('unknown fields are reported with kube-apiserver paths, deep and shallow', () => {
  const p = fullPod() as Obj;
  p.metadata.lables = { a: 'b' };
  p.spec.containers[0].imagee = 'nginx';
  p.spec.containers[0].livenessProbe.httpGet.prot = 80;
  p.spec.volumes[0].projected.sources[0].serviceAccountToken.audiance = 'vault';
  p.spec.volumes[0].projected.sources[2].downwardAPI.items[0].fieldRef.feildPath = 'x';
  p.spec.tolerations[0].Key = 'case matters';
  p.spec.bogus = { nested: { ignored: 1 } };
  p.extra = 1;
  const r = checkFields(p, pod);
  assert.deepEqual(r.unknown, [
    'metadata.lables',
    'spec.volumes[0].projected.sources[0].serviceAccountToken.audiance',
    'spec.volumes[0].projected.sources[2].downwardAPI.items[0].fieldRef.feildPath',
    'spec.containers[0].livenessProbe.httpGet.prot',
    'spec.containers[0].imagee', // added last: keys are reported in document order
    'spec.tolerations[0].Key',
    'spec.bogus',
    'extra',
  ]);
  assert.deepEqual(r.typeErrors, []);
});

test('map keys are free; opaque fields (fieldsV1, RawExtension) accept anything', () => {
  const r = checkFields(
    { metadata: { labels: { 'any.key/x': 'v' }, managedFields: [{ fieldsV1: { 'f:x': { '.': {} } } }] } },
    pod,
  );
  assert.deepEqual(r.unknown, []);
  const ev = checkFields(
    { type: 'ADDED', object: { kind: 'Pod', whatever: [1, 'x'] } },
    'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
  );
  assert.deepEqual(ev, { unknown: [], typeErrors: [] });
});

test('int-or-string ports and quantities accept both forms', () => {
  const p = {
    spec: {
      containers: [
        { name: 'c', readinessProbe: { httpGet: { port: 'http' } }, livenessProbe: { tcpSocket: { port: 80 } } },
      ],
    },
  } as Obj;
  p.spec.containers[0].resources = {
    limits: { cpu: 1.5, memory: '1Gi', 'example.com/dev': 2 },
    requests: { cpu: '100m', memory: '1e3' },
  };
  p.spec.overhead = { cpu: '+0.5' };
  assert.deepEqual(checkFields(p, pod), { unknown: [], typeErrors: [] });
});

test('type mismatches use the Go decoder wording; the first is what kube-apiserver reports', () => {
  const cases: [Obj, string][] = [
    [
      { metadata: { name: 5 } },
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    ],
    [
      { metadata: { labels: { a: true } } },
      'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      { metadata: { labels: ['a'] } },
      'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string',
    ],
    [
      { spec: { containers: [{ ports: [{ containerPort: '80' }] }] } },
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    ],
    [
      { spec: { containers: [{ ports: [{ containerPort: 1.5 }] }] } },
      'json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    ],
    [
      { spec: { containers: [{ ports: [{ protocol: 6 }] }] } },
      'json: cannot unmarshal number into Go struct field ContainerPort.spec.containers.ports.protocol of type v1.Protocol',
    ],
    [
      { spec: { containers: {} } },
      'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
    ],
    [{ spec: [] }, 'json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec'],
    [
      { spec: { hostNetwork: 'true' } },
      'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool',
    ],
    [
      { spec: { containers: [{ resources: { limits: 'x' } }] } },
      'json: cannot unmarshal string into Go struct field ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList',
    ],
    [
      { spec: { containers: [{ livenessProbe: { httpGet: { port: true } } }] } },
      'json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.livenessProbe.httpGet.port of type int32',
    ],
    [
      { metadata: { creationTimestamp: 1700000000 } },
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string',
    ],
  ];
  for (const [obj, msg] of cases) assert.deepEqual(checkFields(obj, pod).typeErrors, [msg], JSON.stringify(obj));
  // Values the custom unmarshalers reject end decoding and win over earlier errors.
  const r = checkFields({ metadata: { name: 1, creationTimestamp: 'yesterday' }, spec: { hostPID: 'x' } }, pod);
  assert.deepEqual(r.typeErrors, [
    'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
  ]);
});

test('time, quantity and base64 errors match Go', () => {
  const t = (v: string) => checkFields({ metadata: { creationTimestamp: v } }, pod).typeErrors[0];
  assert.equal(t('2025-01-02T03:04:05Z'), undefined);
  assert.equal(t('2025-01-02T03:04:05.123+02:00'), undefined);
  assert.equal(t('2025-13-02T03:04:05Z'), 'parsing time "2025-13-02T03:04:05Z": month out of range');
  assert.equal(t('2025-02-30T03:04:05Z'), 'parsing time "2025-02-30T03:04:05Z": day out of range');
  assert.equal(
    t('2025-01-02 03:04:05Z'),
    'parsing time "2025-01-02 03:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 03:04:05Z" as "T"',
  );
  assert.equal(
    t('2025-01-02T03:04:05'),
    'parsing time "2025-01-02T03:04:05" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"',
  );
  assert.equal(t('2025-01-02T03:04:05Zjunk'), 'parsing time "2025-01-02T03:04:05Zjunk": extra text: "junk"');
  const micro = (v: string) => checkFields({ eventTime: v }, 'io.k8s.api.core.v1.Event').typeErrors[0];
  assert.equal(micro('2025-01-02T03:04:05.000001Z'), undefined);
  assert.equal(
    micro('2025-01-02T03:04:05Z'),
    'parsing time "2025-01-02T03:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
  );
  const q = (v: unknown) => checkFields({ spec: { overhead: { cpu: v } } }, pod).typeErrors[0];
  const format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  for (const ok of ['1', '0.5', '100m', '1Gi', '2e3', '1E-3', ' 3 ', 0.1, -2, '.5'])
    assert.equal(q(ok), undefined, String(ok));
  for (const bad of ['', 'abc', '1x', '1.5.5', true, {}]) assert.equal(q(bad), format, JSON.stringify(bad));
  assert.equal(q('1Qi'), format);
  assert.equal(q('1ki'), "unable to parse quantity's suffix");
  const b = (v: string) => checkFields({ data: { k: v } }, 'io.k8s.api.core.v1.Secret').typeErrors[0];
  assert.equal(b('aGVsbG8='), undefined);
  assert.equal(b('aGVs\nbG8='), undefined);
  assert.equal(b('aGVsbG8'), 'illegal base64 data at input byte 4');
  assert.equal(b('aGVs!G8='), 'illegal base64 data at input byte 4');
  assert.equal(b('aGVsbG8=x'), 'illegal base64 data at input byte 8');
});

test('decodeError formats the BadRequest message', () => {
  assert.equal(
    decodeError(
      'Pod',
      'v1',
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    ),
    'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
  );
});

test('findDuplicateFields finds repeated keys at any depth, with escapes', () => {
  const text = '{"a":1,"b":{"c":[1,{"d":1,"d":2},[{"e":0,"e":1}]],"c":3},"a":{"x":"y\\"z","x":null},"\\u0061":2}';
  assert.deepEqual(findDuplicateFields(text), ['b.c[1].d', 'b.c[2][0].e', 'b.c', 'a', 'a.x', 'a']);
  assert.deepEqual(findDuplicateFields('{"a":{},"b":[],"c":"{\\"a\\":1,\\"a\\":2}"}'), []);
});

test('checkFields reports only duplicates the decoder would see', () => {
  const raw =
    '{"kind":"Pod","metadata":{"name":"a","name":"b","labels":{"x":"1","x":"2"}},' +
    '"spec":{"containers":[{"name":"c","image":"i","image":"j"}],"foo":{"z":1,"z":2}},' +
    '"status":{"conditions":[{"type":"Ready","type":"Ready"}]},"kind":"Pod"}';
  const r = checkFields(JSON.parse(raw), pod, raw);
  assert.deepEqual(r.unknown, ['spec.foo']);
  assert.deepEqual(r.duplicates, [
    'metadata.name',
    'metadata.labels.x',
    'spec.containers[0].image',
    'status.conditions[0].type',
    'kind',
  ]);
});

// Its speed (linear in the input) is measured by the bench (bench/schema.mjs), not here.
test('checkFields: a large list of valid pods has no unknown fields or type errors', () => {
  const items = Array.from({ length: 2000 }, () => fullPod());
  const list = { apiVersion: 'v1', kind: 'PodList', metadata: {}, items };
  const raw = JSON.stringify(list);
  const r = checkFields(list, 'io.k8s.api.core.v1.PodList', raw);
  assert.deepEqual(r, { unknown: [], typeErrors: [] });
});

test('duplicate scan: a string after an empty object inside an array is an element, not a key', () => {
  assert.deepEqual(findDuplicateFields('[{},[""]]'), []);
  assert.deepEqual(findDuplicateFields('{"a":[{},"x",{"b":1,"b":2}],"a":1}'), ['a[2].b', 'a']);
});

test('the duplicate scan stops quietly on text that is not JSON', () => {
  // Found by fuzzing: a key where an array element belongs used to throw a TypeError (a 500).
  assert.deepEqual(findDuplicateFields('{["'), []);
  assert.deepEqual(findDuplicateFields('{["a","a"]'), []);
});
