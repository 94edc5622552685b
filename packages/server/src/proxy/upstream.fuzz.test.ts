// Property tests of the upstream pool's response parser: random and mutated responses, in random packet splits,
// are fed to a real exchange over an in-memory connection. The handler hears a well-formed sequence (a head, data,
// then one end or one error), errors are UpstreamProtocolError only (never a TypeError or RangeError that would
// become a 500 with a half-sent answer), and hop-by-hop fields never reach it.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import fc from 'fast-check';
import { HOP_BY_HOP_FIELDS, UpstreamPool, UpstreamProtocolError, type ResponseHandler } from './upstream.js';
import { fuzzRuns as RUNS, withinCaseBudget } from '../testing/fuzz.js';

const MAX_HEAD = 1024; // small, so oversized heads are generated too

/** The socket members the pool uses. */
class MemorySocket extends EventEmitter {
  destroyed = false;
  writableCorked = 0;
  written = '';
  setNoDelay(): void {}
  setKeepAlive(): void {}
  ref(): void {}
  unref(): void {}
  pause(): void {}
  resume(): void {}
  cork(): void {}
  uncork(): void {}
  write(data: string | Buffer): boolean {
    this.written += data.toString();
    return true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** Stands in for the pool's Connection: the exchange reads these members only. */
class MemoryConnection {
  exchange: unknown = null;
  idle = false;
  reused = false;
  expiresAt = Infinity;
  readonly socket = new MemorySocket();
  destroy(): void {
    this.socket.destroy();
  }
}

class Recorder implements ResponseHandler {
  events: string[] = [];
  status = 0;
  headers: string[] = [];
  bodyBytes = 0;
  error: Error | undefined;
  onHead(status: number, _message: string, headers: string[]): void {
    this.events.push('head');
    this.status = status;
    this.headers = headers;
  }
  onHeadAlone(): void {
    this.events.push('alone');
  }
  onData(chunk: Buffer): void {
    this.events.push('data');
    this.bodyBytes += chunk.length;
  }
  onEnd(last: Buffer | undefined): void {
    this.events.push('end');
    this.bodyBytes += last?.length ?? 0;
  }
  onError(error: Error): void {
    this.events.push('error');
    this.error = error;
  }
  get done(): boolean {
    const last = this.events.at(-1);
    return last === 'end' || last === 'error';
  }
}

const FIELDS: Array<[string, string]> = [
  ['Content-Length', '0'],
  ['Content-Length', '5'],
  ['content-length', ' 5 '],
  ['Content-Length', '-1'],
  ['Content-Length', '99999999999999999'],
  ['Content-Length', '5, 5'],
  ['Transfer-Encoding', 'chunked'],
  ['TRANSFER-ENCODING', 'gzip, chunked'],
  ['Connection', 'close'],
  ['Connection', 'keep-alive, X-Hop'],
  ['Keep-Alive', 'timeout=1'],
  ['Keep-Alive', 'timeout=abc'],
  ['X-Hop', 'h'],
  ['Upgrade', 'h2c'],
  ['X-End', ' kept\t'],
  ['X-Empty', ''],
  ['Bad Name', 'v'],
];
const BODIES = ['', 'hello', '5\r\nhello\r\n0\r\n\r\n', '0\r\n\r\n', 'ZZ\r\n', '3;ext=1\r\nabc\r\n0\r\nT: x\r\n\r\n'];
const response = fc
  .record({
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/1.1'),
    status: fc.constantFrom('200', '204', '304', '100', '101', '404', '099', '999', '2000', 'abc'),
    reason: fc.constantFrom('', ' ', ' OK', ' Not Found', ' \x80obs'),
    fields: fc.array(fc.constantFrom(...FIELDS), { maxLength: 5 }),
    eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
    body: fc.constantFrom(...BODIES),
  })
  .map(
    ({ version, status, reason, fields, eol, body }) =>
      `${version} ${status}${reason}${eol}${fields.map(([n, v]) => `${n}: ${v}${eol}`).join('')}${eol}${body}`,
  );
const edit = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'insert', 'replace'),
  byte: fc.constantFrom(0, 9, 10, 13, 32, 48, 53, 58, 59, 127, 200, 255, 65, 97),
});
function mutate(text: string, edits: Array<{ at: number; op: string; byte: number }>): string {
  for (const e of edits) {
    const at = text.length === 0 ? 0 : e.at % text.length;
    const c = String.fromCharCode(e.byte);
    if (e.op === 'delete') text = text.slice(0, at) + text.slice(at + 1);
    else if (e.op === 'insert') text = text.slice(0, at) + c + text.slice(at);
    else text = text.slice(0, at) + c + text.slice(at + 1);
  }
  return text;
}
const input = fc.oneof(
  response,
  fc
    .tuple(fc.array(response, { minLength: 1, maxLength: 3 }), fc.array(edit, { maxLength: 4 }))
    .map(([r, e]) => mutate(r.join(''), e)),
  fc.tuple(response, fc.string({ unit: 'binary', maxLength: 200 })).map(([r, tail]) => r + tail),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constant('HTTP/1.1 200 OK\r\nX: ' + 'y'.repeat(MAX_HEAD) + '\r\n\r\n'),
);

const HOP = new Set(HOP_BY_HOP_FIELDS);
const SEQUENCE = /^(?:head(?:,alone)?(?:,data)*,end|(?:head(?:,alone)?(?:,data)*,)?error)$/;

test('the response parser hears every response out with one end or one UpstreamProtocolError', () => {
  fc.assert(
    fc.property(input, fc.array(fc.nat(), { maxLength: 4 }), fc.constantFrom('GET', 'HEAD'), (text, cuts, method) => {
      const bytes = Buffer.from(text, 'latin1');
      const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
      const pool = new UpstreamPool({ url: new URL('http://127.0.0.1:1'), maxHeadBytes: MAX_HEAD });
      const conn = new MemoryConnection();
      // The exchange gets the in-memory connection instead of a socket to the upstream.
      (pool as unknown as { connect(): MemoryConnection }).connect = () => conn;
      const recorder = new Recorder();
      withinCaseBudget(() => {
        const exchange = pool.request({ method, target: '/x', headers: [] }, recorder);
        let from = 0;
        for (const to of [...points, bytes.length]) {
          if (to > from && !recorder.done) exchange.receive(bytes.subarray(from, to));
          from = to;
        }
        // The upstream closes: a response framed by the close ends here, any other is cut short.
        if (!recorder.done) exchange.eof();
      });
      pool.destroy();

      assert.match(recorder.events.join(','), SEQUENCE);
      if (recorder.error !== undefined) {
        assert.ok(recorder.error instanceof UpstreamProtocolError, String(recorder.error.stack));
      }
      if (recorder.events[0] === 'head') {
        assert.ok(Number.isInteger(recorder.status) && recorder.status >= 200 && recorder.status <= 999);
        assert.equal(recorder.headers.length % 2, 0);
        for (let i = 0; i < recorder.headers.length; i += 2) {
          assert.ok(!HOP.has(recorder.headers[i]!.toLowerCase()), recorder.headers[i]);
          assert.match(recorder.headers[i]!, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
          assert.doesNotMatch(recorder.headers[i + 1]!, /[\r\n\0]/);
        }
      }
      assert.ok(recorder.bodyBytes <= bytes.length);
      if (method === 'HEAD') assert.equal(recorder.bodyBytes, 0);
    }),
    { numRuns: RUNS },
  );
});
