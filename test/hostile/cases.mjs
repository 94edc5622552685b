// The hostile-input table: what an attacker sends, and exactly what kube-apiserver's answer is (kubeauth's where it
// deliberately does better: the nesting limit is 1,000, not 10,000, see docs/architecture.md).
import assert from 'node:assert/strict';
import { aliasBomb, fill } from './bodies.mjs';
const J = { 'Content-Type': 'application/json' };
const Y = { 'Content-Type': 'application/yaml' };
const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const SMP = { 'Content-Type': 'application/strategic-merge-patch+json' };
const JSONPATCH = { 'Content-Type': 'application/json-patch+json' };

const cms = '/api/v1/namespaces/hostile/configmaps';
const target = `${cms}/target`;
const ssr = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const tokenreviews = '/apis/authentication.k8s.io/v1/tokenreviews';
const limit = 3 * 1024 * 1024;
const depth = 1000;

const jsonErr = (m) => `couldn't get version/kind; json parse error: ${m}`;
const yamlErr = (m) => `error converting YAML to JSON: yaml: ${m}`;
const applyErr = (m) => `error decoding YAML: error converting YAML to JSON: yaml: ${m}`;
const arrays = (n) => '['.repeat(n) + ']'.repeat(n);
const objects = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const cm = (name, extra = '') => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"}${extra}}`;
const ssrYaml = (lines) => `apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\n${lines}`;
const bomb = aliasBomb();

/** @type {Array<{name: string, method?: string, path: string, body?: string | (() => string), headers?: object, anonymous?: boolean, token?: string, status: number, reason?: string, message?: string | RegExp, writes?: boolean, check?: (r: any) => void}>} */
export const cases = [
  // JSON syntax: Go's encoding/json texts.
  {
    name: 'empty JSON body',
    path: cms,
    body: '',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: "Object 'Kind' is missing in ''",
  },
  {
    name: 'truncated JSON',
    path: cms,
    body: '{',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr('unexpected end of JSON input'),
  },
  {
    name: 'missing colon',
    path: cms,
    body: '{"a" 1}',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character '1' after object key"),
  },
  {
    name: 'trailing comma in array',
    path: cms,
    body: '[1,]',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character ']' looking for beginning of value"),
  },
  {
    name: 'trailing comma in object',
    path: cms,
    body: '{"a":1,}',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character '}' looking for beginning of object key string"),
  },
  {
    name: 'control character in string',
    path: cms,
    body: '{"a":"\u0007"}',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character '\\a' in string literal"),
  },
  {
    name: 'bad literal',
    path: cms,
    body: '{"a":tru}',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character '}' in literal true (expecting 'e')"),
  },
  {
    name: 'garbage after value',
    path: cms,
    body: '{}x',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character 'x' after top-level value"),
  },
  {
    name: 'a JSON array, not an object',
    path: cms,
    body: '[]',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: "Object 'Kind' is missing in '[]'",
  },
  // Nesting.
  {
    name: `arrays nested ${depth + 1} deep`,
    path: cms,
    body: arrays(depth + 1),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character '[' exceeded max depth"),
  },
  {
    name: `objects nested ${depth + 1} deep`,
    path: cms,
    body: objects(depth + 1),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character '{' exceeded max depth"),
  },
  {
    name: 'arrays nested 100,000 deep in an unknown field',
    path: cms,
    body: () => cm('deep1', `,"x":${arrays(100_000)}`),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character '[' exceeded max depth"),
  },
  {
    name: 'objects nested 500,000 deep',
    path: cms,
    body: () => objects(500_000),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: jsonErr("invalid character '{' exceeded max depth"),
  },
  {
    name: `arrays at the depth limit in an unknown field`,
    path: cms,
    body: () => cm('deep-ok-1', `,"x":${arrays(depth - 1)}`),
    headers: J,
    status: 201,
    writes: true,
  },
  {
    name: `objects at the depth limit in an unknown field`,
    path: cms,
    body: () => cm('deep-ok-2', `,"x":${objects(depth - 1)}`),
    headers: J,
    status: 201,
    writes: true,
  },
  {
    name: 'deep value where a string map belongs',
    path: cms,
    body: () => cm('deep3', `,"data":${objects(depth - 1)}`),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: /cannot unmarshal object into Go struct field ConfigMap\.data of type string/,
  },
  {
    name: 'deep value in labels',
    path: cms,
    body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep4","labels":${objects(depth - 2)}}}`,
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: /cannot unmarshal object into Go struct field ObjectMeta\.metadata\.labels of type string/,
  },
  {
    name: 'deep JSON in the tolerations annotation of a Pod',
    path: '/api/v1/namespaces/hostile/pods',
    body: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1', annotations: { 'scheduler.alpha.kubernetes.io/tolerations': arrays(depth + 5) } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    }),
    headers: J,
    status: 422,
    reason: 'Invalid',
  },
  // Size.
  {
    name: 'JSON body one byte over 3 MiB',
    path: cms,
    body: () => cm('big', `,"x":"${'a'.repeat(limit)}"`),
    headers: J,
    status: 413,
    reason: 'RequestEntityTooLarge',
    message: `Request entity too large: limit is ${limit}`,
  },
  {
    name: 'TokenReview over 3 MiB',
    path: tokenreviews,
    body: () =>
      `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"${'a'.repeat(limit)}"}}`,
    headers: J,
    status: 413,
    reason: 'RequestEntityTooLarge',
  },
  {
    name: 'YAML body over 3 MiB',
    path: cms,
    body: () => 'a: ' + 'b'.repeat(limit),
    headers: Y,
    status: 413,
    reason: 'RequestEntityTooLarge',
  },
  {
    name: 'apply body over 3 MiB',
    method: 'PATCH',
    path: `${target}?fieldManager=h`,
    body: () => 'a: ' + 'b'.repeat(limit),
    headers: APPLY,
    status: 413,
    reason: 'RequestEntityTooLarge',
  },
  {
    name: 'merge patch over 3 MiB',
    method: 'PATCH',
    path: target,
    body: () => `{"data":{"a":"${'b'.repeat(limit)}"}}`,
    headers: MERGE,
    status: 413,
    reason: 'RequestEntityTooLarge',
  },
  {
    name: 'protobuf body over 3 MiB',
    path: cms,
    body: () => 'k8s\0' + 'x'.repeat(limit),
    headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
    status: 413,
    reason: 'RequestEntityTooLarge',
  },
  // Content types.
  {
    name: 'unknown content type',
    path: cms,
    body: '{}',
    headers: { 'Content-Type': 'text/plain' },
    status: 415,
    reason: 'UnsupportedMediaType',
  },
  {
    name: 'protobuf garbage',
    path: cms,
    body: 'k8s\0\xff\xff\xff',
    headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'protobuf without the magic',
    path: cms,
    body: 'hello',
    headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
    status: 400,
    reason: 'BadRequest',
  },
  // YAML: sizes and shapes that were quadratic or deep.
  {
    name: 'YAML with 30,000 keys',
    path: ssr,
    body: () => ssrYaml(fill((i) => `k${i}: v\n`, 340_000)),
    headers: Y,
    status: 201,
  },
  {
    name: 'YAML with 150,000 keys',
    path: ssr,
    body: () => ssrYaml(fill((i) => `k${i}: v\n`, 2_200_000)),
    headers: Y,
    status: 201,
  },
  {
    name: 'YAML with 3 MiB of tiny keys',
    path: ssr,
    body: () => ssrYaml(fill((i) => `${i.toString(36)}x: v\n`, limit - 200)),
    headers: Y,
    status: 201,
  },
  {
    name: 'YAML flow mapping of 3 MiB',
    path: ssr,
    body: () =>
      `{apiVersion: authentication.k8s.io/v1, kind: SelfSubjectReview, ${fill((i) => `k${i}: v, `, limit - 200)}z: 1}`,
    headers: Y,
    status: 201,
  },
  {
    name: 'YAML list of 400,000 elements',
    path: ssr,
    body: () => ssrYaml('x:\n' + '- 1\n'.repeat(400_000)),
    headers: Y,
    status: 201,
  },
  {
    name: 'YAML flow sequence nested 1.5M deep',
    path: cms,
    body: () => '['.repeat(1_500_000),
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: yamlErr(`exceeded max depth of ${depth}`),
  },
  {
    name: 'YAML block mappings nested past the limit',
    path: cms,
    body: () => fill((i) => ' '.repeat(i) + 'a:\n', 600_000).slice(0, 1_100_000),
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: yamlErr(`exceeded max depth of ${depth}`),
  },
  {
    name: 'YAML compact sequences nested 20,000 deep',
    path: cms,
    body: '- '.repeat(20_000) + '1',
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: yamlErr(`exceeded max depth of ${depth}`),
  },
  {
    name: 'YAML scalar alias',
    path: cms,
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alias1\ndata:\n  a: &x v\n  b: *x\n',
    headers: Y,
    status: 201,
    writes: true,
    check: (r) => {
      if (r.json.data.b !== 'v') throw new Error('alias not resolved');
    },
  },
  {
    name: 'YAML with 99 aliases',
    path: cms,
    body:
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alias99\ndata:\n  a: &x v\n' +
      Array.from({ length: 99 }, (_, i) => `  b${i}: *x\n`).join(''),
    headers: Y,
    status: 201,
    writes: true,
  },
  {
    name: 'YAML billion laughs',
    path: cms,
    body: bomb,
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: yamlErr('document contains excessive aliasing'),
  },
  {
    name: 'YAML long scalar aliased past the expansion budget',
    path: cms,
    body: () => `a: &x ${'v'.repeat(1_000_000)}\nb: [${Array(20).fill('*x').join(',')}]\n`,
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: yamlErr('document contains excessive aliasing'),
  },
  {
    name: 'YAML anchor that contains itself',
    path: cms,
    body: 'a: &a [*a]\n',
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: yamlErr('anchor value contains itself'),
  },
  {
    name: 'YAML unknown alias',
    path: cms,
    body: 'a: *nope\n',
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: /^error converting YAML to JSON: yaml: line 1: /,
  },
  {
    name: 'YAML tab indentation',
    path: cms,
    body: 'a:\n\t- b\n',
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: /^error converting YAML to JSON: yaml: line 2: /,
  },
  {
    name: 'YAML NaN',
    path: cms,
    body: 'a: .nan\n',
    headers: Y,
    status: 400,
    reason: 'BadRequest',
    message: 'error converting YAML to JSON: json: unsupported value: NaN',
  },
  {
    name: 'YAML 1.1 scalars read as go-yaml v2 reads them',
    path: cms,
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml11\n  labels: {a: "yes"}\nimmutable: yes\n',
    headers: Y,
    status: 201,
    writes: true,
    check: (r) => {
      if (r.json.immutable !== true) throw new Error('yes is not true');
    },
  },
  {
    name: 'YAML second document is ignored',
    path: cms,
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: multidoc\n---\nkind: Secret\n',
    headers: Y,
    status: 201,
    writes: true,
  },
  { name: 'YAML empty document', path: cms, body: '# nothing\n', headers: Y, status: 400, reason: 'BadRequest' },
  // Patches.
  {
    name: 'merge patch nested past the limit',
    method: 'PATCH',
    path: target,
    body: `{"x":${arrays(depth + 1)}}`,
    headers: MERGE,
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'strategic merge patch nested past the limit',
    method: 'PATCH',
    path: target,
    body: `{"x":${objects(depth + 1)}}`,
    headers: SMP,
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'JSON patch nested past the limit',
    method: 'PATCH',
    path: target,
    body: `[{"op":"add","path":"/x","value":${arrays(depth + 1)}}]`,
    headers: JSONPATCH,
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'merge patch at the depth limit in an unknown field',
    method: 'PATCH',
    path: target,
    body: `{"x":${objects(depth - 1)}}`,
    headers: MERGE,
    status: 200,
    writes: true,
  },
  {
    name: 'strategic merge patch at the depth limit in an unknown field',
    method: 'PATCH',
    path: target,
    body: `{"x":${objects(depth - 1)}}`,
    headers: SMP,
    status: 200,
    writes: true,
  },
  {
    name: 'apply configuration nested 700,000 deep (JSON)',
    method: 'PATCH',
    path: `${target}?fieldManager=h`,
    body: () => cm('target', `,"x":${arrays(700_000)}`),
    headers: APPLY,
    status: 400,
    reason: 'BadRequest',
    message: applyErr(`exceeded max depth of ${depth}`),
  },
  {
    name: 'apply configuration: YAML billion laughs',
    method: 'PATCH',
    path: `${target}?fieldManager=h`,
    body: bomb,
    headers: APPLY,
    status: 400,
    reason: 'BadRequest',
    message: applyErr('document contains excessive aliasing'),
  },
  {
    name: 'unknown patch type',
    method: 'PATCH',
    path: target,
    body: '{}',
    headers: { 'Content-Type': 'application/x-patch' },
    status: 415,
    reason: 'UnsupportedMediaType',
  },
  {
    name: 'JSON patch that is not a list',
    method: 'PATCH',
    path: target,
    body: '{"op":"add"}',
    headers: JSONPATCH,
    status: 400,
    reason: 'BadRequest',
  },
  // Query parameters.
  {
    name: 'broken label selector',
    method: 'GET',
    path: `${cms}?labelSelector=${encodeURIComponent('a in (')}`,
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'unknown field selector',
    method: 'GET',
    path: `${cms}?fieldSelector=spec.nope%3Dx`,
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'garbage continue token',
    method: 'GET',
    path: `${cms}?limit=1&continue=%25%25%25`,
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'continue token holding deep JSON',
    method: 'GET',
    path: `${cms}?limit=1&continue=${Buffer.from(arrays(100_000)).toString('base64url')}`,
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'label selector of 100,000 terms',
    method: 'GET',
    path: `${cms}?labelSelector=${Array.from({ length: 20_000 }, (_, i) => `k${i}`).join(',')}`,
    status: 200,
  },
  // Headers and paths.
  {
    name: 'path with an invalid escape',
    method: 'GET',
    path: '/api/v1/namespaces/%ZZ/configmaps',
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'anonymous impersonation',
    method: 'GET',
    path: '/api/v1/namespaces',
    anonymous: true,
    headers: { 'Impersonate-User': 'admin' },
    status: 403,
    reason: 'Forbidden',
  },
  {
    name: 'an unknown token',
    method: 'GET',
    path: '/version',
    token: 'not-a-token',
    status: 401,
    reason: 'Unauthorized',
  },
  {
    name: 'a forged JWT',
    method: 'GET',
    path: '/version',
    token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    status: 401,
    reason: 'Unauthorized',
  },
  // Header tricks.
  {
    name: 'an invalid escape in an Impersonate-Extra key, anonymously, on /version',
    method: 'GET',
    path: '/version',
    anonymous: true,
    headers: { 'Impersonate-Extra-%ZZ': 'v' },
    // kube-apiserver 1.33's impersonation filter: responsewriters.InternalError, plain text (1.35 made it a 400).
    status: 500,
    check: (r) => {
      assert.equal(
        r.body,
        'Internal Server Error: "/version": requested [{UserExtra  v  authentication.k8s.io/v1  %zz}] without impersonating a user\n',
      );
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    },
  },
  {
    name: 'an invalid escape in an Impersonate-Extra key with a user',
    method: 'GET',
    path: '/api/v1/namespaces/hostile/configmaps/target',
    headers: { 'Impersonate-User': 'nobody', 'Impersonate-Extra-%ZZ': 'v' },
    status: 403,
    reason: 'Forbidden',
  },
  {
    name: 'a bearer token after two spaces is ignored with a warning',
    method: 'GET',
    path: '/api/v1/namespaces',
    anonymous: true,
    headers: { Authorization: 'Bearer  whatever' },
    status: 403,
    reason: 'Forbidden',
    check: (r) => {
      if (!String(r.headers.warning).includes('extra space before the bearer token'))
        throw new Error(`no warning: ${r.headers.warning}`);
    },
  },
  // Object content.
  {
    name: 'unknown fields are dropped, never stored',
    path: cms,
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"unknown1","bogus":1},"x":{"y":2},"data":{"a":"b"}}',
    headers: J,
    status: 201,
    writes: true,
    check: (r) => {
      if ('x' in r.json || 'bogus' in r.json.metadata) throw new Error(`unknown fields returned: ${r.body}`);
      // The Warning header quotes its text: `299 - "unknown field \\"x\\""`.
      if (!String(r.headers.warning).includes('unknown field \\"x\\"'))
        throw new Error(`no warning: ${r.headers.warning}`);
    },
  },
  {
    name: 'unknown field with fieldValidation=Strict',
    path: `${cms}?fieldValidation=Strict`,
    body: cm('strict1', ',"x":1'),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "x"',
  },
  {
    name: 'unknown fields in a large body are dropped on the decoding worker',
    path: `${cms}?fieldValidation=Strict`,
    body: () => cm('strict2', `,"x":"${'a'.repeat(200_000)}"`),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "x"',
  },
  {
    name: 'ConfigMap keys named after Object.prototype members',
    path: cms,
    body: cm('proto1', ',"data":{"constructor":"1","toString":"2","__proto__":"3","hasOwnProperty":"4"}'),
    headers: J,
    status: 201,
    writes: true,
    check: (r) => {
      const want = '{"constructor":"1","toString":"2","__proto__":"3","hasOwnProperty":"4"}';
      if (JSON.stringify(r.json.data) !== want) throw new Error(r.body);
    },
  },
  {
    name: "metadata.__proto__ does not become the metadata's prototype",
    path: cms,
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto2","__proto__":{"labels":{"evil":"1"}}}}',
    headers: J,
    status: 201,
    writes: true,
    check: (r) => {
      if (r.json.metadata.labels) throw new Error(r.body);
    },
  },
  {
    name: 'a PUT that changes metadata.uid',
    method: 'PUT',
    path: target,
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target","uid":"00000000-0000-0000-0000-000000000000"},"data":{"a":"b"}}',
    headers: J,
    status: 409,
    reason: 'Conflict',
    message:
      /Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000, UID in object meta: [0-9a-f-]{36}$/,
  },
  {
    name: 'a merge patch that changes metadata.uid',
    method: 'PATCH',
    path: target,
    body: '{"metadata":{"uid":"other"}}',
    headers: MERGE,
    status: 422,
    reason: 'Invalid',
    message: 'ConfigMap "target" is invalid: metadata.uid: Invalid value: "other": field is immutable',
  },
  // Patches of 128 KiB or more are computed on the decoding worker: the same answers as small ones.
  {
    name: 'large merge patch with an unknown field, fieldValidation=Strict (on the worker)',
    method: 'PATCH',
    path: `${target}?fieldValidation=Strict`,
    body: () => `{"data":{${fill((i) => `"k${i}":"v",`, 200 * 1024)}"z":"v"},"x":1}`,
    headers: MERGE,
    status: 422,
    reason: 'Invalid',
    message: /^ "" is invalid: patch: Invalid value: ".*": strict decoding error: unknown field "x"$/s,
  },
  {
    name: 'large strategic merge patch with an unknown field warns (on the worker)',
    method: 'PATCH',
    path: `${target}?dryRun=All`,
    body: () => `{"data":{${fill((i) => `"k${i}":"v",`, 200 * 1024)}"z":"v"},"x":1}`,
    headers: SMP,
    status: 200,
    check: (r) => {
      assert.equal(r.headers.warning, '299 - "unknown field \\"x\\""');
      assert.equal(r.json.x, undefined);
      assert.equal(r.json.data.z, 'v');
    },
  },
  {
    name: 'large merge patch whose result does not decode (on the worker)',
    method: 'PATCH',
    path: target,
    body: () => `{"metadata":{"annotations":{"pad":"${'x'.repeat(200 * 1024)}"}},"data":5}`,
    headers: MERGE,
    status: 400,
    reason: 'BadRequest',
    message:
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type map[string]string',
  },
  // Last: it stores a large object (values count toward the 1 MiB limit, keys do not), which slows later lists.
  {
    name: 'apply configuration: YAML 3 MiB of keys',
    method: 'PATCH',
    path: `${cms}/big-apply?fieldManager=h`,
    body: () =>
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-apply\ndata:\n' +
      fill((i) => `  k${i}: v\n`, limit - 200),
    headers: APPLY,
    status: 201,
    writes: true,
  },
  // Numbers beyond float64: Go's decoder refuses them as it converts them; JSON.parse made them Infinity (a 500).
  {
    name: 'number beyond float64 in a JSON create',
    path: cms,
    body: cm('inf', ',"data":{"a":"b"},"x":1e400'),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message:
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number 1e400 into Go value of type float64',
  },
  {
    name: 'number beyond float64 in a large JSON create (decoded on the worker)',
    path: cms,
    body: () => cm('inf', `,"data":{${fill((i) => `"k${i}":"v",`, 200 * 1024)}"z":"v"},"x":-${'9'.repeat(400)}`),
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message: `ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number -${'9'.repeat(400)} into Go value of type float64`,
  },
  {
    name: 'number beyond float64 in a review anyone may send',
    path: ssr,
    body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview","x":[1E+999]}',
    headers: J,
    status: 400,
    reason: 'BadRequest',
    message:
      'SelfSubjectReview in version "v1" cannot be handled as a SelfSubjectReview: json: cannot unmarshal number 1E+999 into Go value of type float64',
  },
  {
    name: 'merge patch array whose number overflows (fuzz finding)',
    method: 'PATCH',
    path: target,
    body: '["",-7144929688169362e+293]',
    headers: MERGE,
    status: 422,
    reason: 'Invalid',
    message:
      ' "" is invalid: patch: Invalid value: "[\\"\\",-7144929688169362e+293]": json: cannot unmarshal number -7144929688169362e+293 into Go value of type float64',
  },
  {
    name: 'strategic merge patch with a number beyond float64',
    method: 'PATCH',
    path: target,
    body: '{"data":{"a":1e400}}',
    headers: SMP,
    status: 400,
    reason: 'BadRequest',
    message: 'json: cannot unmarshal number 1e400 into Go value of type float64',
  },
  {
    name: 'JSON patch value beyond float64',
    method: 'PATCH',
    path: target,
    body: '[{"op":"add","path":"/data/x","value":1e400}]',
    headers: JSONPATCH,
    status: 400,
    reason: 'BadRequest',
    message: 'json: cannot unmarshal number 1e400 into Go value of type float64',
  },
  {
    name: 'apply configuration with a number beyond float64',
    method: 'PATCH',
    path: `${cms}/applied?fieldManager=h`,
    body: cm('applied', ',"x":1e400'),
    headers: APPLY,
    status: 400,
    reason: 'BadRequest',
    message:
      'error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number 1e400 into Go value of type float64',
  },
];
