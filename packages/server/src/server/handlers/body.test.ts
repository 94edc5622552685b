import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { isStatusError } from '../../api/errors.js';
import { mediaType } from '../../api/decode/body.js';
import { readBody, type AnyRequest } from './body.js';

function fakeRequest(headers: Record<string, string> = {}): PassThrough & { headers: Record<string, string> } {
  return Object.assign(new PassThrough(), { headers });
}

test('readBody: chunks joined; one chunk returned as is; empty body', async () => {
  const req = fakeRequest();
  const p = readBody(req as unknown as AnyRequest);
  req.write('{"a":');
  req.end('1}');
  assert.equal((await p).toString(), '{"a":1}');
  const one = fakeRequest();
  const q = readBody(one as unknown as AnyRequest);
  one.end(Buffer.from('x'));
  assert.equal((await q).toString(), 'x');
  const none = fakeRequest();
  const r = readBody(none as unknown as AnyRequest);
  none.end();
  assert.equal((await r).length, 0);
});

test('readBody: 413 for a declared or streamed size over the limit, the rest drained', async () => {
  const declared = fakeRequest({ 'content-length': '11' });
  await assert.rejects(readBody(declared as unknown as AnyRequest, 10), (e: unknown) => {
    assert.ok(isStatusError(e) && e.code === 413 && e.status.message === 'Request entity too large: limit is 10');
    return true;
  });
  const streamed = fakeRequest();
  const p = readBody(streamed as unknown as AnyRequest, 10);
  streamed.write('0123456789');
  streamed.write('overflow');
  await assert.rejects(p, (e: unknown) => isStatusError(e) && e.code === 413);
  streamed.end('more'); // keeps flowing to the end without buffering
  await new Promise((r) => streamed.once('end', r));
  assert.equal(streamed.listenerCount('data'), 0);
});

test('readBody: a request closed before its end rejects, once', async () => {
  const req = fakeRequest();
  const p = readBody(req as unknown as AnyRequest);
  req.write('partial');
  req.destroy();
  await assert.rejects(p, /aborted/);
});

test('mediaType: the lowercased type without parameters, for ordinary and oversized headers alike', () => {
  assert.equal(mediaType(undefined), '');
  assert.equal(mediaType('Application/JSON; charset=utf-8'), 'application/json');
  assert.equal(mediaType('Application/JSON; charset=utf-8'), 'application/json');
  assert.equal(mediaType(`application/yaml; x=${'y'.repeat(1000)}`), 'application/yaml');
});
