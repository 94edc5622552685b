// GET /openapi/v2 negotiation and caching, as kube-openapi's handler answers (pkg/handler/handler.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { NonResourceHandler } from './apiserver.js';
import { negotiateOpenAPIv2, openapiV2Handler, openapiV2ProtobufType, parseAccept } from './openapi-v2.js';

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
}
function call(h: NonResourceHandler, headers: Record<string, string>, method = 'GET'): Answer {
  let out: Answer | undefined;
  const res = {
    writeHead(status: number, hs: Record<string, unknown>) {
      out = { status, headers: hs, body: Buffer.alloc(0) };
    },
    end(b?: Uint8Array) {
      if (b) out!.body = Buffer.from(b);
    },
  };
  void h({ headers, method } as never, res as never, {
    user: {} as never,
    query: new URLSearchParams(),
    path: '/openapi/v2',
  });
  return out!;
}

const doc = {
  swagger: '2.0',
  info: { title: 'Kubernetes', version: 'v1.33.0' },
  definitions: { A: { description: 'x'.repeat(2000), type: 'object' } },
};
const json = Buffer.from(JSON.stringify(doc));
const etag = `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"`;

test('Accept: JSON for none, */* and application/json; protobuf for both gnostic names; else 406', () => {
  assert.equal(negotiateOpenAPIv2(undefined), 'json');
  assert.equal(negotiateOpenAPIv2(''), 'json');
  assert.equal(negotiateOpenAPIv2('*/*'), 'json');
  assert.equal(negotiateOpenAPIv2('application/json, */*'), 'json');
  assert.equal(negotiateOpenAPIv2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), 'proto');
  assert.equal(negotiateOpenAPIv2('application/com.github.proto-openapi.spec.v2.v1.0+protobuf'), 'proto');
  // kubectl's header: protobuf first, JSON as the fallback
  assert.equal(
    negotiateOpenAPIv2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json'),
    'proto',
  );
  assert.equal(
    negotiateOpenAPIv2('application/json;q=0.5, application/com.github.proto-openapi.spec.v2.v1.0+protobuf'),
    'proto',
  );
  assert.equal(negotiateOpenAPIv2('application/*'), 'json');
  assert.equal(negotiateOpenAPIv2('application/yaml'), undefined);
  assert.equal(negotiateOpenAPIv2('text/html, application/xml'), undefined);
  assert.equal(negotiateOpenAPIv2('application/json;q=0'), 'json', 'goautoneg keeps q=0 clauses');
  assert.deepEqual(parseAccept('*/*, text/html;q=0.9, application/json'), [
    { type: 'application', subType: 'json', q: 1 },
    { type: 'text', subType: 'html', q: 0.9 },
    { type: '*', subType: '*', q: 1 },
  ]);
});

test('200 with the content type, the JSON ETag on both representations, Vary and no-cache', () => {
  let builds = 0;
  const h = openapiV2Handler(() => (builds++, doc));
  assert.equal(builds, 0, 'nothing is built before the first request');
  const j = call(h, {});
  assert.equal(j.status, 200);
  assert.equal(j.headers['Content-Type'], 'application/json');
  assert.deepEqual(j.body, json);
  assert.equal(j.headers['ETag'], etag);
  assert.deepEqual(j.headers['Vary'], ['Accept-Encoding', 'Accept']);
  assert.equal(j.headers['Cache-Control'], 'no-cache, private');
  assert.equal(j.headers['Content-Length'], json.length);
  const p = call(h, { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.equal(p.status, 200);
  assert.equal(p.headers['Content-Type'], openapiV2ProtobufType);
  assert.equal(p.headers['ETag'], etag);
  assert.equal(p.body.subarray(0, 5).toString('hex'), '0a03322e30');
  const z = call(h, { 'accept-encoding': 'gzip' });
  assert.equal(z.headers['Content-Encoding'], 'gzip');
  assert.deepEqual(gunzipSync(z.body), json);
  assert.equal(call(h, { 'accept-encoding': 'gzip;q=0' }).headers['Content-Encoding'], undefined);
  assert.equal(builds, 1);
});

test('If-None-Match with the ETag (or *) answers 304 without a body; another ETag gets the document', () => {
  const h = openapiV2Handler(() => doc);
  for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const r = call(h, { 'if-none-match': inm });
    assert.equal(r.status, 304, inm);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers['ETag'], etag);
    assert.equal(r.headers['Content-Type'], undefined);
  }
  assert.equal(call(h, { 'if-none-match': '"other"' }).status, 200);
  const lm = call(h, {}).headers['Last-Modified'] as string;
  assert.equal(call(h, { 'if-modified-since': lm }).status, 304);
});

test('406 with an empty body for an Accept no representation matches', () => {
  const r = call(
    openapiV2Handler(() => doc),
    { accept: 'application/yaml' },
  );
  assert.equal(r.status, 406);
  assert.equal(r.body.length, 0);
  assert.deepEqual(r.headers['Vary'], ['Accept-Encoding', 'Accept']);
});
