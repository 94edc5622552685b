import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { writeBatched } from './batch.js';

/** A stream that records each call of the underlying write: one entry per write or writev, with its pieces. */
function recorder() {
  const calls: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      calls.push([chunk.toString('latin1')]);
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.map((c) => (c.chunk as Buffer).toString('latin1')));
      done();
    },
  });
  return { stream, calls };
}

test('writes of one turn reach the stream together after the turn, in order', async () => {
  const a = recorder();
  const b = recorder();
  assert.equal(writeBatched(a.stream, 'GET / HTTP/1.1\r\n\r\n'), true);
  writeBatched(b.stream, Buffer.from('HTTP/1.1 200 OK\r\n\r\n'));
  writeBatched(a.stream, 'GET /2 HTTP/1.1\r\n\r\n');
  // A direct write after a batched one queues behind it.
  a.stream.write('tail');
  assert.deepEqual(a.calls, [], 'nothing written during the turn');
  assert.deepEqual(b.calls, []);
  await nextTurn();
  assert.deepEqual(a.calls, [['GET / HTTP/1.1\r\n\r\n', 'GET /2 HTTP/1.1\r\n\r\n', 'tail']], 'one writev, in order');
  assert.deepEqual(b.calls, [['HTTP/1.1 200 OK\r\n\r\n']]);
  assert.equal(a.stream.writableCorked, 0);
});

test('strings are written as latin1: every byte value round-trips', async () => {
  const a = recorder();
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  writeBatched(a.stream, bytes.toString('latin1'));
  await nextTurn();
  assert.deepEqual(Buffer.from(a.calls[0]![0]!, 'latin1'), bytes);
});

test('a stream corked by its owner keeps its own cork: the write goes out with the owner’s uncork', async () => {
  const a = recorder();
  a.stream.cork();
  writeBatched(a.stream, 'x');
  await nextTurn();
  assert.deepEqual(a.calls, [], 'still corked by the owner');
  a.stream.uncork();
  assert.deepEqual(a.calls, [['x']]);
});

test('a stream ended or destroyed before the turn ends: no error, nothing thrown at the flush', async () => {
  const ended = recorder();
  writeBatched(ended.stream, 'last');
  ended.stream.end(); // end() uncorks: the write goes out now
  assert.deepEqual(ended.calls, [['last']]);
  const gone = recorder();
  gone.stream.on('error', () => assert.fail('no error expected'));
  writeBatched(gone.stream, 'lost');
  gone.stream.destroy();
  await nextTurn();
  assert.deepEqual(gone.calls, []);
});

test('a write made while the batch is flushed (a write callback writing again): in order, cork released', async () => {
  const calls: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      calls.push(chunk.toString('latin1'));
      done();
      if (calls.length === 1) writeBatched(stream, 'two');
    },
  });
  writeBatched(stream, 'one');
  await nextTurn();
  await nextTurn();
  assert.deepEqual(calls, ['one', 'two']);
  assert.equal(stream.writableCorked, 0, 'the second cork is released by a later flush');
});
