// Property tests of the front's request-head parser and connection logic: random and mutated request bytes, in
// random packet splits, are fed to a real front connection over an in-memory socket. Nothing throws, every complete
// head is answered or handed to node's server (never left waiting), and each served request is what the proxy
// expects: a token method, an origin-form target of visible ASCII, field lines without CR or LF.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import type tls from 'node:tls';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { BadRequestTarget, canonicalTarget } from './canonical-path.js';
import { createFront, type ClientResponse, type FrontRequest } from './front.js';
import { fuzzRuns as RUNS, withinCaseBudget } from '../testing/fuzz.js';

const MAX_HEAD = 1024; // small, so oversized heads are generated too

/** The few socket members the front uses; writes are collected as latin1 text. */
class MemorySocket extends EventEmitter {
  written = '';
  ended = false;
  destroyed = false;
  writableCorked = 0;
  readonly _handle = {};
  setNoDelay(): void {}
  pause(): void {}
  resume(): void {}
  cork(): void {}
  uncork(): void {}
  destroySoon(): void {}
  unshift(): void {}
  write(data: string | Buffer): boolean {
    this.written += typeof data === 'string' ? data : data.toString('latin1');
    return true;
  }
  end(data?: string | Buffer): void {
    if (data !== undefined) this.write(data);
    this.ended = true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

/** Stands in for node's http server: the front only emits to it and closes it. */
class Fallback extends EventEmitter {
  close(): void {}
  closeAllConnections(): void {}
}

let served: FrontRequest[] = [];
const fallback = new Fallback();
let handedOver = false;
fallback.on('connection', () => (handedOver = true));

// The proxy's first step, in short: a target with no one reading is answered 400 and the connection closes.
function onRequest(req: FrontRequest, res: ClientResponse): void {
  served.push(req);
  try {
    canonicalTarget(req.url);
  } catch (err) {
    if (!(err instanceof BadRequestTarget)) throw err;
    res.writeHead(400, 'Bad Request', ['Connection', 'close']);
    res.end('400 Bad Request');
    return;
  }
  res.writeHead(200, 'OK', []);
  res.end('ok');
}

const front = createFront({
  tls: {},
  onRequest,
  fallback: fallback as unknown as http.Server,
  maxHeadBytes: MAX_HEAD,
});
after(() => front.server.close());

const METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'POST', 'get', 'G@T', ''];
const TARGETS = ['/', '/a/../b', '/public/..%2fsecret', '/healthz#/../x', '/%ZZ', '*', 'http://h/x', '/a b', '/é'];
const FIELDS: Array<[string, string]> = [
  ['Host', 'x'],
  ['host', 'y'],
  ['Connection', 'keep-alive'],
  ['Connection', 'close'],
  ['Content-Length', '0'],
  ['Content-Length', '5'],
  ['Transfer-Encoding', 'chunked'],
  ['Upgrade', 'websocket'],
  ['Expect', '100-continue'],
  ['X-A', ' spaced\t'],
  ['X-B', ''],
  ['Bad Name', 'v'],
  ['X-C', 'a\rb'],
];
const request = fc
  .record({
    method: fc.constantFrom(...METHODS),
    target: fc.constantFrom(...TARGETS),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'http/1.1'),
    fields: fc.array(fc.constantFrom(...FIELDS), { maxLength: 5 }),
    eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
  })
  .map(
    ({ method, target, version, fields, eol }) =>
      `${method} ${target} ${version}${eol}${fields.map(([n, v]) => `${n}: ${v}${eol}`).join('')}${eol}`,
  );
/** A byte-level edit: delete, insert or replace at a position. */
const edit = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'insert', 'replace'),
  byte: fc.constantFrom(
    0,
    9,
    10,
    13,
    32,
    35,
    37,
    47,
    58,
    127,
    200,
    255,
    ...Array.from({ length: 8 }, (_, i) => 65 + i),
  ),
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
  fc.array(request, { minLength: 1, maxLength: 4 }).map((r) => r.join('')),
  fc
    .tuple(fc.array(request, { minLength: 1, maxLength: 3 }), fc.array(edit, { maxLength: 4 }))
    .map(([r, e]) => mutate(r.join(''), e)),
  fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')),
  fc.constantFrom('', 'GET / HTTP/1.1\r\nHost: x\r\nX: ' + 'y'.repeat(MAX_HEAD) + '\r\n\r\n'),
);

// Ends every input: a request whose last field line, X-Probe, is what the final head must end with when served.
const PROBE = 'GET /probe HTTP/1.1\r\nHost: p\r\nX-Probe: 1\r\n\r\n';

test('the front parses or hands over every head, never throws, never leaves a complete head waiting', () => {
  fc.assert(
    fc.property(input, fc.array(fc.nat(), { maxLength: 4 }), (prefix, cuts) => {
      const bytes = Buffer.from(prefix + PROBE, 'latin1');
      const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
      served = [];
      handedOver = false;
      const socket = new MemorySocket();
      withinCaseBudget(() => {
        front.server.emit('secureConnection', socket as unknown as tls.TLSSocket);
        let from = 0;
        for (const to of [...points, bytes.length]) {
          if (to > from && !handedOver) socket.emit('data', bytes.subarray(from, to));
          from = to;
        }
      });
      socket.destroy();

      for (const req of served) {
        assert.match(req.method, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
        assert.match(req.url, /^\/[\x21-\x7e]*$/);
        assert.equal(req.rawHeaders.length % 2, 0);
        for (const f of req.rawHeaders) assert.doesNotMatch(f, /[\r\n]/);
      }
      // Every answer is whole: a status line, fields, an empty line, the body.
      const answers = socket.written.split(/(?=HTTP\/1\.1 )/).filter((a) => a !== '');
      assert.equal(answers.length, served.length);
      for (const a of answers) assert.match(a, /^HTTP\/1\.1 (200 OK|400 Bad Request)\r\n(?:[^\r\n]+\r\n)+\r\n/);
      const closed = socket.ended;
      if (closed)
        assert.match(answers.at(-1)!, /^HTTP\/1\.1 400 Bad Request\r\n(?:[^\r\n]+\r\n)*Connection: close\r\n/);
      // Not handed over and not closed: the input, which ends with a complete head, was read to its end.
      if (!handedOver && !closed) {
        const last = served.at(-1);
        assert.ok(last !== undefined, 'a complete head was left waiting');
        assert.deepEqual(last.rawHeaders.slice(-2), ['X-Probe', '1']);
      }
    }),
    { numRuns: RUNS },
  );
});
