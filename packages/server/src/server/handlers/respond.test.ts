import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from './respond.js';

const json = { kind: 'json' as const, contentType: 'application/json', pretty: false };

test('serialize: kept UTF-8 bytes go out as they are, or re-rendered for pretty JSON and YAML', () => {
  const bytes = Buffer.from('{"kind":"TokenReview","status":{"user":{"username":"é"}}}');
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(serialize(bytes, json), bytes);
  assert.equal(serialize(view, undefined), view);
  assert.equal(
    serialize(view, { ...json, pretty: true }),
    '{\n  "kind": "TokenReview",\n  "status": {\n    "user": {\n      "username": "é"\n    }\n  }\n}\n',
  );
  assert.equal(
    serialize(bytes, { kind: 'yaml', contentType: 'application/yaml', pretty: false }),
    'kind: TokenReview\nstatus:\n  user:\n    username: é\n',
  );
  assert.equal(serialize('{"a":1}', json), '{"a":1}');
  assert.equal(serialize({ a: 1 }, json), '{"a":1}');
});
