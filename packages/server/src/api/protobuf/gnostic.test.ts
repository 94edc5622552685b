// The gnostic encoding of /openapi/v2, decoded back with a reader written here from OpenAPIv2.proto's field
// numbers (independent of the encoder's tables), equals the JSON document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { openapiV2Document, type OpenAPIV3Doc } from '../schema/openapi-v2.js';
import { openapiV3Document, type OpenAPIResource } from '../schema/openapi.js';
import { encodeOpenAPIv2 } from './gnostic.js';
import { Reader, WireType } from './wire.js';

type Json = Record<string, unknown>;
type Field = (r: Reader, out: Json) => void;

/** Reads one message with `fields[number]`; unknown fields fail the test. */
function read(buf: Uint8Array, name: string, fields: Record<number, Field>): Json {
  const r = new Reader(buf);
  const out: Json = {};
  while (!r.done) {
    const [no, wire] = r.tag(name);
    const f = fields[no];
    if (!f) throw new Error(`${name}: unexpected field ${no} (wire ${wire})`);
    f(r, out);
  }
  return out;
}
const s =
  (key: string): Field =>
  (r, o) =>
    void (o[key] = r.string());
const b =
  (key: string): Field =>
  (r, o) =>
    void (o[key] = r.bool());
const list =
  (key: string, value: (r: Reader) => unknown): Field =>
  (r, o) =>
    void ((o[key] ??= []) as unknown[]).push(value(r));
const sub =
  (key: string, m: (buf: Uint8Array) => unknown): Field =>
  (r, o) =>
    void (o[key] = m(r.bytes()));
const anyYaml = (buf: Uint8Array) => parseYaml(read(buf, 'Any', { 2: s('yaml') }).yaml as string) as unknown;
// vendor_extension: NamedAny{name = 1, value = Any{yaml = 2}}, merged into the object as `x-` keys.
const ext: Field = (r, o) => {
  const n = read(r.bytes(), 'NamedAny', { 1: s('name'), 2: sub('value', anyYaml) });
  o[n.name as string] = n.value;
};
// Named<X>{name = 1, value = 2} pairs into an object.
const pairs =
  (key: string, value: (buf: Uint8Array) => unknown): Field =>
  (r, o) => {
    const n = read(r.bytes(), 'Named', { 1: s('name'), 2: sub('value', value) });
    ((o[key] ??= {}) as Json)[n.name as string] = n.value;
  };
const unwrap = (buf: Uint8Array, no: number, inner: (buf: Uint8Array) => unknown) =>
  read(buf, 'wrapper', { [no]: sub('v', inner) }).v;

const schema = (buf: Uint8Array): Json =>
  read(buf, 'Schema', {
    1: s('$ref'),
    2: s('format'),
    4: s('description'),
    5: sub('default', anyYaml),
    16: b('uniqueItems'),
    19: list('required', (r) => r.string()),
    20: list('enum', (r) => anyYaml(r.bytes())),
    21: sub('additionalProperties', (x) => {
      const a = read(x, 'AdditionalPropertiesItem', { 1: sub('schema', schema), 2: b('boolean') });
      return a.schema ?? a.boolean;
    }),
    22: sub('type', (x) => (read(x, 'TypeItem', { 1: list('v', (r) => r.string()) }).v as string[])[0]),
    23: sub('items', (x) => (read(x, 'ItemsItem', { 1: list('v', (r) => schema(r.bytes())) }).v as Json[])[0]),
    25: sub('properties', (x) => read(x, 'Properties', { 1: pairs('p', schema) }).p),
    31: ext,
  });
const nonBodyFields = (offset: number) => ({
  1: b('required'),
  2: s('in'),
  3: s('description'),
  4: s('name'),
  [offset]: s('type'),
  [offset + 14]: b('uniqueItems'),
});
const parametersItem = (buf: Uint8Array) =>
  unwrap(buf, 1, (p) => {
    const param = read(p, 'Parameter', {
      1: sub('body', (x) =>
        read(x, 'BodyParameter', { 2: s('name'), 3: s('in'), 4: b('required'), 5: sub('schema', schema) }),
      ),
      2: sub('nonBody', (x) =>
        read(x, 'NonBodyParameter', {
          3: sub('q', (q) => read(q, 'QueryParameterSubSchema', nonBodyFields(6))),
          4: sub('p', (q) => read(q, 'PathParameterSubSchema', nonBodyFields(5))),
        }),
      ),
    });
    return param.body ?? Object.values(param.nonBody as Json)[0];
  });
const operation = (buf: Uint8Array) =>
  read(buf, 'Operation', {
    1: list('tags', (r) => r.string()),
    3: s('description'),
    5: s('operationId'),
    6: list('produces', (r) => r.string()),
    7: list('consumes', (r) => r.string()),
    8: list('parameters', (r) => parametersItem(r.bytes())),
    9: sub(
      'responses',
      (x) =>
        read(x, 'Responses', {
          1: pairs('r', (v) =>
            unwrap(v, 1, (resp) =>
              read(resp, 'Response', { 1: s('description'), 2: sub('schema', (si) => unwrap(si, 1, schema)) }),
            ),
          ),
        }).r,
    ),
    10: list('schemes', (r) => r.string()),
    13: ext,
  });
const pathItem = (buf: Uint8Array) =>
  read(buf, 'PathItem', {
    2: sub('get', operation),
    3: sub('put', operation),
    4: sub('post', operation),
    5: sub('delete', operation),
    8: sub('patch', operation),
    9: list('parameters', (r) => parametersItem(r.bytes())),
  });
function decodeDocument(buf: Uint8Array): Json {
  return read(buf, 'Document', {
    1: s('swagger'),
    2: sub('info', (x) => read(x, 'Info', { 1: s('title'), 2: s('version') })),
    8: sub('paths', (x) => read(x, 'Paths', { 2: pairs('p', pathItem) }).p),
    9: sub('definitions', (x) => read(x, 'Definitions', { 1: pairs('d', schema) }).d),
    12: list(
      'security',
      (r) =>
        read(r.bytes(), 'SecurityRequirement', {
          1: pairs('x', (v) => read(v, 'StringArray', { 1: list('v', (q) => q.string()) }).v ?? []),
        }).x,
    ),
    13: sub(
      'securityDefinitions',
      (x) =>
        read(x, 'SecurityDefinitions', {
          1: pairs('d', (v) =>
            unwrap(v, 2, (a) =>
              read(a, 'ApiKeySecurity', { 1: s('type'), 2: s('name'), 3: s('in'), 4: s('description') }),
            ),
          ),
        }).d,
    ),
  });
}

const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const core: OpenAPIResource[] = [
  {
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    verbs: crud,
    subresources: [{ name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] }],
  },
  {
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    verbs: crud,
    subresources: [
      { name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
    ],
  },
];
const docs = [
  openapiV3Document({ group: '', version: 'v1' }, core),
  openapiV3Document({ group: 'authentication.k8s.io', version: 'v1' }, [
    { resource: 'tokenreviews', kind: 'TokenReview', namespaced: false, verbs: ['create'] },
  ]),
] as unknown as OpenAPIV3Doc[];

test('the protobuf document decodes to the JSON document', () => {
  const doc = openapiV2Document(docs, 'v1.33.0');
  const json = JSON.parse(JSON.stringify(doc)) as Json;
  const decoded = decodeDocument(encodeOpenAPIv2(doc));
  assert.deepEqual(decoded, json);
  // spot checks that the comparison saw the interesting parts
  const pod = (decoded.definitions as Json)['io.k8s.api.core.v1.Pod'] as Json;
  assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  const containers = ((decoded.definitions as Json)['io.k8s.api.core.v1.PodSpec'] as Json).properties as Json;
  assert.equal((containers.containers as Json)['x-kubernetes-patch-merge-key'], 'name');
});

test('the encoding starts as gnostic writes it: swagger (1), info (2) in field order', () => {
  const b = Buffer.from(encodeOpenAPIv2({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.33.2' } }));
  assert.equal(
    b.toString('hex'),
    '0a03322e30' +
      '1215' +
      '0a0a' +
      Buffer.from('Kubernetes').toString('hex') +
      '1207' +
      Buffer.from('v1.33.2').toString('hex'),
  );
  assert.equal(WireType.bytes, 2);
});

test('a key the gnostic message has no field for is refused', () => {
  assert.throws(
    () => encodeOpenAPIv2({ swagger: '2.0', definitions: { A: { oneOf: [] } } }),
    /Schema has no field for "oneOf"/,
  );
  assert.deepEqual(decodeDocument(encodeOpenAPIv2({ definitions: { A: { additionalProperties: false } } })), {
    definitions: { A: { additionalProperties: false } },
  });
});
