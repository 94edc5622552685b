// Tests of the proxy's upstream HTTP/1.1 client against real node:http / node:https servers and raw TCP servers
// that send exactly the bytes under test, all on 127.0.0.1.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import { createCa } from '../pki/ca.js';
import { issueClientCert, issueServingCert } from '../pki/certs.js';
import {
  UpstreamPool,
  UpstreamProtocolError,
  type ResponseHandler,
  type UpstreamExchange,
  type UpstreamOptions,
  type UpstreamRequest,
} from './upstream.js';

interface Collected {
  status: number;
  message: string;
  headers: string[];
  body: Buffer;
  /** What the handler was told, in order: head, alone, data, end, error. */
  events: string[];
}

/** A handler that collects the response; `done` settles with onEnd / onError. */
class Collector implements ResponseHandler {
  status = 0;
  message = '';
  headers: string[] = [];
  chunks: Buffer[] = [];
  events: string[] = [];
  exchange: UpstreamExchange | undefined;
  readonly done: Promise<Collected>;
  private readonly waiting: { event: string; resolve: () => void }[] = [];
  private resolve!: (r: Collected) => void;
  private reject!: (e: Error) => void;

  constructor(private readonly onChunk?: (c: Collector, chunk: Buffer) => void) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Settles when the handler has been told `event` (at once if it already has). */
  next(event: string): Promise<void> {
    if (this.events.includes(event)) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ event, resolve }));
  }

  private told(event: string): void {
    this.events.push(event);
    for (const w of this.waiting.filter((w) => w.event === event)) w.resolve();
  }

  get received(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }

  onHead(status: number, message: string, headers: string[]): void {
    this.told('head');
    this.status = status;
    this.message = message;
    this.headers = headers;
  }

  onHeadAlone(): void {
    this.told('alone');
  }

  onData(chunk: Buffer): void {
    this.told('data');
    this.chunks.push(chunk);
    this.onChunk?.(this, chunk);
  }

  onEnd(last: Buffer | undefined): void {
    this.told('end');
    if (last) this.chunks.push(last);
    const { status, message, headers, events } = this;
    this.resolve({ status, message, headers, body: Buffer.concat(this.chunks), events });
  }

  onError(error: Error): void {
    this.told('error');
    this.reject(error);
  }
}

const GET: UpstreamRequest = { method: 'GET', target: '/', headers: {} };

function send(pool: UpstreamPool, r: Partial<UpstreamRequest> = {}, c = new Collector()): Promise<Collected> {
  c.exchange = pool.request({ ...GET, ...r }, c);
  return c.done;
}

/** Listens on 127.0.0.1:0; the server and every connection it accepted are closed after the test. */
async function listen(t: TestContext, server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  );
  return (server.address() as AddressInfo).port;
}

function poolFor(t: TestContext, url: string, o: Partial<UpstreamOptions> = {}): UpstreamPool {
  const pool = new UpstreamPool({ url: new URL(url), ...o });
  t.after(() => pool.destroy());
  return pool;
}

interface RawRequest {
  head: string;
  /** Which connection (1, 2, ...) and which request on it (1, 2, ...). */
  connection: number;
  index: number;
  socket: net.Socket;
}

/**
 * A TCP server that reads request heads (no bodies) and lets the test answer each with raw bytes. Returns the port
 * and the list of requests seen.
 */
async function rawServer(
  t: TestContext,
  answer: (r: RawRequest) => void,
): Promise<{ port: number; seen: RawRequest[] }> {
  const seen: RawRequest[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    const connection = ++connections;
    let index = 0;
    let buf = '';
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) !== -1) {
        const head = buf.slice(0, end + 4);
        buf = buf.slice(end + 4);
        const r = { head, connection, index: ++index, socket };
        seen.push(r);
        answer(r);
      }
    });
  });
  return { port: await listen(t, server), seen };
}

const pathOf = (head: string) => head.split(' ')[1]!;
const names = (headers: string[]) => headers.filter((_, i) => i % 2 === 0);

/** Writes `data` in pieces of `size` bytes, a millisecond apart: the reader sees many small packets. */
async function dribble(socket: net.Socket, data: string, size = 1): Promise<void> {
  socket.setNoDelay(true);
  for (let i = 0; i < data.length && !socket.destroyed; i += size) {
    socket.write(data.slice(i, i + size), 'latin1');
    await sleep(1);
  }
}

test('Content-Length bodies; sequential requests reuse one keep-alive connection', async (t) => {
  const server = http.createServer((req, res) => {
    const body = JSON.stringify({ port: req.socket.remotePort, url: req.url, host: req.headers.host });
    res.writeHead(200, 'Fine', { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  const port = await listen(t, server);
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const ports = new Set<number>();
  for (let i = 0; i < 3; i++) {
    const r = await send(pool, { target: `/x/${i}?q=1` });
    assert.equal(r.status, 200);
    assert.equal(r.message, 'Fine');
    // Connection and Keep-Alive (node sends both) are hop-by-hop: gone.
    assert.deepEqual(names(r.headers), ['Content-Type', 'Content-Length', 'Date']);
    const seen = JSON.parse(r.body.toString()) as { port: number; url: string; host: string };
    assert.equal(seen.url, `/x/${i}?q=1`);
    assert.equal(seen.host, `127.0.0.1:${port}`, 'Host defaults to the upstream origin');
    ports.add(seen.port);
    // A small answer arrives with its head: passed as onEnd's last piece, no separate onData, no onHeadAlone.
    assert.deepEqual(r.events, ['head', 'end']);
  }
  assert.equal(ports.size, 1, 'one connection for all three');
  assert.equal(pool.connections, 1);
  assert.equal(pool.idleConnections, 1);
});

test('chunked bodies with chunk extensions and trailers, whole and split into 1-byte packets', async (t) => {
  const response =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\nContent-Type: text/plain\r\n\r\n' +
    '5;name=value\r\nhello\r\n' +
    '7 ; quoted="a;b" ; flag\r\n, world\r\n' +
    '000A\r\n0123456789\r\n' +
    '0;last\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n';
  const { port, seen } = await rawServer(t, (r) => {
    if (pathOf(r.head) === '/dribble') void dribble(r.socket, response);
    else if (pathOf(r.head) === '/empty')
      r.socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    else r.socket.write(response);
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  for (const target of ['/whole', '/dribble', '/whole', '/empty']) {
    const r = await send(pool, { target });
    assert.equal(r.status, 200, target);
    assert.equal(r.body.toString(), target === '/empty' ? '' : 'hello, world0123456789', target);
    // Transfer-Encoding and Trailer are hop-by-hop; the trailer fields are dropped.
    assert.deepEqual(r.headers, target === '/empty' ? [] : ['Content-Type', 'text/plain'], target);
  }
  assert.deepEqual(
    seen.map((r) => r.connection),
    [1, 1, 1, 1],
    'the connection stays in step and is reused after each chunked body',
  );
});

test('a response head split across packets, a body in many packets', async (t) => {
  const { port } = await rawServer(t, (r) => {
    void dribble(r.socket, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-A: b\r\n\r\n0123456789', 3);
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const r = await send(pool);
  assert.equal(r.body.toString(), '0123456789');
  assert.deepEqual(r.headers, ['Content-Length', '10', 'X-A', 'b']);
  assert.equal(pool.idleConnections, 1);
});

test('a body delimited by the connection closing is complete at the close, and that connection is not reused', async (t) => {
  const { port } = await rawServer(t, (r) => {
    if (pathOf(r.head) === '/http10') {
      // HTTP/1.0 without Connection: keep-alive closes after the response (RFC 9112 §9.3).
      r.socket.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
      return;
    }
    r.socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst part, ');
    setTimeout(() => r.socket.end('second part'), 20);
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const r = await send(pool, { target: '/close' });
  assert.equal(r.body.toString(), 'first part, second part');
  assert.equal(pool.connections, 0);
  const old = await send(pool, { target: '/http10' });
  assert.equal(old.body.toString(), 'ok');
  assert.equal(pool.connections, 0, 'an HTTP/1.0 response without keep-alive: closed');
});

test('HEAD, 204 and 304 responses have no body whatever their framing fields say', async (t) => {
  const { port, seen } = await rawServer(t, (r) => {
    const answers: Record<string, string> = {
      '/head': 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n',
      '/204': 'HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n',
      '/304': 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nETag: "x"\r\n\r\n',
      '/after': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter',
    };
    r.socket.write(answers[pathOf(r.head)]!);
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const head = await send(pool, { method: 'HEAD', target: '/head' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.deepEqual(head.headers, ['Content-Length', '100'], 'the length of the GET answer, passed on');
  const noContent = await send(pool, { target: '/204' });
  assert.equal(noContent.status, 204);
  assert.equal(noContent.body.length, 0);
  const notModified = await send(pool, { target: '/304' });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body.length, 0);
  assert.deepEqual(notModified.headers, ['Content-Length', '5', 'ETag', '"x"']);
  const after = await send(pool, { target: '/after' });
  assert.equal(after.body.toString(), 'after', 'no body bytes were expected after HEAD, 204 or 304');
  assert.deepEqual(
    seen.map((r) => r.connection),
    [1, 1, 1, 1],
  );
});

test('1xx informational responses (100 Continue, 103 Early Hints) are skipped', async (t) => {
  const { port } = await rawServer(t, (r) => {
    r.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    setTimeout(() => {
      r.socket.write(
        'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n' +
          'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      );
    }, 10);
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const r = await send(pool);
  assert.equal(r.status, 200);
  assert.deepEqual(r.headers, ['Content-Length', '2']);
  assert.equal(r.body.toString(), 'ok');
  assert.deepEqual(r.events, ['head', 'end'], 'one head only');

  // And from node's own server: writeContinue and writeEarlyHints before the answer.
  const server = http.createServer((req, res) => {
    res.writeContinue();
    res.writeEarlyHints({ link: '</a.js>; rel=preload' });
    req.resume();
    req.on('end', () => res.end('done'));
  });
  const nodePort = await listen(t, server);
  const nodePool = poolFor(t, `http://127.0.0.1:${nodePort}`);
  const n = await send(nodePool, { method: 'POST', body: Readable.from([Buffer.from('x')]), bodyLength: 1 });
  assert.equal(n.status, 200);
  assert.equal(n.body.toString(), 'done');
});

test('request bodies: Content-Length streamed as is, chunked re-encoded, none for a bodiless POST', async (t) => {
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (c: Buffer) => {
      hash.update(c);
      length += c.length;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          method: req.method,
          cl: req.headers['content-length'] ?? null,
          te: req.headers['transfer-encoding'] ?? null,
          length,
          sha: hash.digest('hex'),
        }),
      );
    });
  });
  const port = await listen(t, server);
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
  const json = (r: Collected) => JSON.parse(r.body.toString()) as Record<string, unknown>;

  const big = Buffer.alloc(3 * 1024 * 1024, 'y');
  const small = Buffer.from('abc');
  const withLength = await send(pool, {
    method: 'POST',
    // Framing fields given by the caller are ignored: the pool writes its own from bodyLength.
    headers: { 'content-length': '999', 'transfer-encoding': 'gzip' },
    body: Readable.from([small, big]),
    bodyLength: small.length + big.length,
  });
  assert.deepEqual(json(withLength), {
    method: 'POST',
    cl: String(small.length + big.length),
    te: null,
    length: small.length + big.length,
    sha: sha(small, big),
  });

  const chunked = await send(pool, {
    method: 'PUT',
    // An empty piece must not end the chunked body early (a zero-size chunk is the last chunk).
    body: Readable.from([small, Buffer.alloc(0), big, Buffer.from('end')]),
  });
  assert.deepEqual(json(chunked), {
    method: 'PUT',
    cl: null,
    te: 'chunked',
    length: small.length + big.length + 3,
    sha: sha(small, big, Buffer.from('end')),
  });

  const emptyChunked = await send(pool, { method: 'POST', body: Readable.from([]) });
  assert.deepEqual(json(emptyChunked), { method: 'POST', cl: null, te: 'chunked', length: 0, sha: sha() });

  const none = await send(pool, { method: 'POST' });
  assert.deepEqual(json(none), { method: 'POST', cl: '0', te: null, length: 0, sha: sha() });
  const get = await send(pool, { method: 'GET' });
  assert.deepEqual(json(get), { method: 'GET', cl: null, te: null, length: 0, sha: sha() });
  assert.equal(pool.connections, 1, 'all on one connection');
});

test('a request body is sent with backpressure: a slow upstream holds the producer back', async (t) => {
  const TOTAL = 32 * 1024 * 1024;
  const CHUNK = Buffer.alloc(64 * 1024, 'b');
  let produced = 0;
  let received = 0;
  let release: () => void = () => {};
  const server = http.createServer((req, res) => {
    req.once('data', (c: Buffer) => {
      received += c.length;
      req.pause(); // read nothing more until the test has looked
      release = () => {
        req.on('data', (d: Buffer) => (received += d.length));
        req.resume();
      };
    });
    req.on('end', () => res.end(String(received)));
  });
  const port = await listen(t, server);
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const body = new Readable({
    read() {
      if (produced >= TOTAL) return void this.push(null);
      produced += CHUNK.length;
      this.push(CHUNK);
    },
  });
  const answer = send(pool, { method: 'POST', body, bodyLength: TOTAL });
  await sleep(300);
  // Only socket and kernel buffers' worth has been produced, not the whole body.
  assert.ok(produced < TOTAL / 2, `produced ${produced} of ${TOTAL} while the upstream was not reading`);
  release();
  const r = await answer;
  assert.equal(r.body.toString(), String(TOTAL));
});

test('a large response streams with backpressure and is never buffered whole', async (t) => {
  const TOTAL = 24 * 1024 * 1024;
  const CHUNK = Buffer.alloc(64 * 1024, 'z');
  let sent = 0;
  let finished = false;
  const server = http.createServer((req, res) => {
    if (req.url === '/small') return void res.end('small');
    res.writeHead(200, { 'content-length': TOTAL });
    const pump = () => {
      while (sent < TOTAL) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      finished = true;
      res.end();
    };
    pump();
  });
  const port = await listen(t, server);
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  let receivedAtPause = -1;
  let bytes = 0;
  const c = new Collector((self, chunk) => {
    bytes += chunk.length;
    self.chunks.length = 0; // keep nothing: the test holds no body either
    if (receivedAtPause === -1) {
      receivedAtPause = bytes;
      self.exchange!.pause();
    }
  });
  const done = send(pool, {}, c);
  await c.next('data');
  await sleep(300);
  assert.equal(bytes, receivedAtPause, 'nothing delivered while paused');
  assert.equal(finished, false, 'the upstream is held back');
  assert.ok(sent < TOTAL, `sent ${sent}`);
  c.exchange!.resume();
  await done;
  bytes += c.received; // the last piece, passed with onEnd
  assert.equal(bytes, TOTAL);
  assert.equal(finished, true);
  assert.equal(pool.idleConnections, 1, 'resumed before going back to the pool');
  assert.equal((await send(pool, { target: '/small' })).body.toString(), 'small', 'and usable');
});

test('the head of a slow response is reported alone (onHeadAlone) before its body', async (t) => {
  let release: () => void = () => {};
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.flushHeaders();
    release = () => res.end('late body');
  });
  const port = await listen(t, server);
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const c = new Collector();
  const done = send(pool, {}, c);
  await c.next('alone');
  assert.deepEqual(c.events, ['head', 'alone']);
  release();
  const r = await done;
  assert.equal(r.body.toString(), 'late body');
});

test('Connection: close, HTTP/1.0 and a short Keep-Alive timeout hint: the connection is not reused', async (t) => {
  const server = http.createServer((req, res) => {
    if (req.url === '/close') res.setHeader('connection', 'close');
    res.end(String(req.socket.remotePort));
  });
  const port = await listen(t, server);
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const a = await send(pool, { target: '/close' });
  assert.equal(pool.connections, 0);
  const b = await send(pool, { target: '/keep' });
  assert.notEqual(a.body.toString(), b.body.toString(), 'a new connection');
  assert.equal(pool.idleConnections, 1);

  const { port: rawPort } = await rawServer(t, (r) => {
    const hint = pathOf(r.head) === '/short' ? 1 : 30;
    r.socket.write(`HTTP/1.1 200 OK\r\nKeep-Alive: timeout=${hint}\r\nContent-Length: 0\r\n\r\n`);
  });
  const rawPool = poolFor(t, `http://127.0.0.1:${rawPort}`);
  await send(rawPool, { target: '/short' });
  assert.equal(rawPool.connections, 0, 'the upstream closes idle connections within a second: not kept');
  await send(rawPool, { target: '/long' });
  assert.equal(rawPool.idleConnections, 1);
});

test('an idle connection the upstream closes leaves the pool', async (t) => {
  const { port } = await rawServer(t, (r) => {
    r.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    setTimeout(() => r.socket.end(), 50);
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  await send(pool);
  assert.equal(pool.idleConnections, 1);
  await sleep(200);
  assert.equal(pool.idleConnections, 0);
  assert.equal(pool.connections, 0);
});

test('a stale pooled connection: an idempotent request without a body is retried once on a new connection', async (t) => {
  // Each connection answers its first request, and closes on the second without answering: the race of an upstream
  // closing an idle connection just as a request is written to it.
  const { port, seen } = await rawServer(t, (r) => {
    if (r.index === 1) r.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${r.connection}`);
    else r.socket.destroy();
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  assert.equal((await send(pool, { target: '/1' })).body.toString(), '1');
  const retried = await send(pool, { target: '/2' });
  assert.equal(retried.status, 200);
  assert.equal(retried.body.toString(), '2', 'answered on the second connection');
  assert.deepEqual(
    seen.map((r) => `${pathOf(r.head)}@${r.connection}`),
    ['/1@1', '/2@1', '/2@2'],
  );
  // Not retried: a request with a body, and a non-idempotent one (RFC 9112 §9.3.1).
  await assert.rejects(send(pool, { method: 'PUT', target: '/3', body: Readable.from(['x']), bodyLength: 1 }));
  assert.equal((await send(pool, { target: '/4' })).body.toString(), '3');
  await assert.rejects(send(pool, { method: 'POST', target: '/5' }));
  assert.deepEqual(
    seen.slice(3).map((r) => `${pathOf(r.head)}@${r.connection}`),
    ['/3@2', '/4@3', '/5@3'],
  );
  // A fresh connection that fails is not retried either.
  const down = await rawServer(t, (r) => r.socket.destroy());
  const fresh = poolFor(t, `http://127.0.0.1:${down.port}`);
  await assert.rejects(send(fresh));
  assert.equal(down.seen.length, 1);
});

test('an upstream that is down: an error, no head', async (t) => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const c = new Collector();
  await assert.rejects(send(pool, {}, c), { code: 'ECONNREFUSED' });
  assert.deepEqual(c.events, ['error']);
  assert.equal(pool.connections, 0);
});

test('malformed responses are errors', async (t) => {
  const beforeHead: Record<string, string> = {
    '/status-4-digits': 'HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n',
    '/status-below-100': 'HTTP/1.1 099 Hmm\r\nContent-Length: 0\r\n\r\n',
    '/http2': 'HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n',
    '/lowercase-http': 'http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    '/garbage': 'garbage\r\n\r\n',
    '/space-in-name': 'HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n',
    '/space-before-colon': 'HTTP/1.1 200 OK\r\nX-A : x\r\nContent-Length: 0\r\n\r\n',
    '/no-colon': 'HTTP/1.1 200 OK\r\nX-A\r\nContent-Length: 0\r\n\r\n',
    '/obs-fold': 'HTTP/1.1 200 OK\r\nX-A: x\r\n folded\r\nContent-Length: 0\r\n\r\n',
    '/control-char': 'HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 0\r\n\r\n',
    '/nul': 'HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 0\r\n\r\n',
    '/bare-cr': 'HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n',
    '/bare-lf': 'HTTP/1.1 200 OK\nContent-Length: 0\n\n',
    '/bad-length': 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n',
    '/negative-length': 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
    '/two-lengths': 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    '/length-and-chunked': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    '/gzip-chunked': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
    '/chunked-http10': 'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    '/101': 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n',
  };
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
  const afterHead: Record<string, string> = {
    '/chunk-size-not-hex': `${chunked}zz\r\nhello\r\n0\r\n\r\n`,
    '/chunk-size-trailing-junk': `${chunked}5x\r\nhello\r\n0\r\n\r\n`,
    '/chunk-without-crlf': `${chunked}5\r\nhelloXX0\r\n\r\n`,
    '/chunk-size-bare-lf': `${chunked}5\nhello\r\n0\r\n\r\n`,
    '/chunk-ext-control': `${chunked}5;a=\x01\r\nhello\r\n0\r\n\r\n`,
    '/chunk-size-huge': `${chunked}fffffffffffffffff\r\n`,
  };
  const { port } = await rawServer(t, (r) => {
    const path = pathOf(r.head);
    const answer = beforeHead[path] ?? afterHead[path];
    if (answer !== undefined)
      r.socket.write(answer); // the connection stays open: the parser must see the error
    else if (path === '/truncated') r.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello');
    else if (path === '/truncated-chunked') r.socket.end(`${chunked}5\r\nhello\r\n`);
    else if (path === '/truncated-head') r.socket.end('HTTP/1.1 200 OK\r\nContent-Le');
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  for (const target of Object.keys(beforeHead)) {
    const c = new Collector();
    await assert.rejects(send(pool, { target }, c), UpstreamProtocolError, target);
    assert.deepEqual(c.events, ['error'], target);
  }
  for (const target of Object.keys(afterHead)) {
    const c = new Collector();
    await assert.rejects(send(pool, { target }, c), UpstreamProtocolError, target);
    assert.equal(c.events[0], 'head', target);
  }
  await assert.rejects(send(pool, { target: '/truncated' }), /before the response was complete/);
  await assert.rejects(send(pool, { target: '/truncated-chunked' }), /before the response was complete/);
  await assert.rejects(send(pool, { target: '/truncated-head' }), /before the response was complete/);
  assert.equal(pool.connections, 0, 'every failed connection closed');
});

test('a response head larger than the limit is an error, complete or endless', async (t) => {
  const { port } = await rawServer(t, (r) => {
    if (pathOf(r.head) === '/big') {
      r.socket.write(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\nContent-Length: 0\r\n\r\n`);
    } else if (pathOf(r.head) === '/endless') {
      r.socket.write('HTTP/1.1 200 OK\r\n');
      const line = `X-More: ${'b'.repeat(1000)}\r\n`;
      const timer = setInterval(() => (r.socket.destroyed ? clearInterval(timer) : r.socket.write(line)), 1);
    } else r.socket.write(`HTTP/1.1 200 OK\r\nX-Fits: ${'c'.repeat(2000)}\r\nContent-Length: 0\r\n\r\n`);
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`, { maxHeadBytes: 8 * 1024 });
  await assert.rejects(send(pool, { target: '/big' }), /too large/);
  await assert.rejects(send(pool, { target: '/endless' }), /too large/);
  assert.equal((await send(pool, { target: '/fits' })).status, 200);
  const defaults = poolFor(t, `http://127.0.0.1:${port}`);
  await assert.rejects(send(defaults, { target: '/big' }), /too large/, '64 KiB by default');
});

test('abort (the client went away): the upstream connection is closed, not pooled, and nothing more is reported', async (t) => {
  let upstreamClosed!: Promise<void>;
  const server = http.createServer((req, res) => {
    upstreamClosed = new Promise((r) => req.socket.once('close', () => r()));
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('tick\n'), 10);
    res.on('close', () => clearInterval(timer));
  });
  const port = await listen(t, server);
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const c = new Collector((self) => self.exchange!.abort());
  const done = send(pool, {}, c);
  await c.next('data');
  await upstreamClosed;
  await sleep(50);
  assert.deepEqual(c.events, ['head', 'data'], 'no end, no error after abort');
  assert.equal(pool.connections, 0);
  void done.catch(() => {});
  c.exchange!.abort(); // again: harmless
  c.exchange!.resume();
});

test('duplicate Set-Cookie fields are kept, names keep their case, Connection-listed fields are dropped', async (t) => {
  const { port } = await rawServer(t, (r) => {
    r.socket.write(
      'HTTP/1.1 201 Made It\r\nSet-Cookie: a=1; Path=/\r\nX-Custom:  Yes \t\r\nset-cookie: b=2\r\n' +
        'Connection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=30\r\nProxy-Authenticate: Basic\r\n' +
        'Upgrade: h2c\r\nTE: trailers\r\nContent-Length: 0\r\nX-Empty:\r\n\r\n',
    );
  });
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  const r = await send(pool);
  assert.equal(r.status, 201);
  assert.equal(r.message, 'Made It');
  assert.deepEqual(r.headers, [
    'Set-Cookie',
    'a=1; Path=/',
    'X-Custom',
    'Yes', // OWS around a value is not part of it
    'set-cookie',
    'b=2',
    'Content-Length',
    '0',
    'X-Empty',
    '',
  ]);

  // Relayed by a node:http server with writeHead(status, message, rawHeaderArray), as the proxy does.
  const front = http.createServer((_req, res) => {
    const relay = new Collector();
    relay.onHead = (status, message, headers) => res.writeHead(status, message, headers);
    relay.onEnd = (last) => res.end(last);
    pool.request(GET, relay);
  });
  const frontPort = await listen(t, front);
  const seen = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(`http://127.0.0.1:${frontPort}/`, (res) => resolve(res.resume())).on('error', reject);
  });
  assert.equal(seen.statusCode, 201);
  assert.equal(seen.statusMessage, 'Made It');
  assert.deepEqual(seen.headers['set-cookie'], ['a=1; Path=/', 'b=2']);
  assert.ok(seen.rawHeaders.includes('X-Custom'));
  assert.equal(seen.headers['x-hop'], undefined);
});

test('https upstream: verified against a CA, SNI for names only, client certificate; unknown CA refused', async (t) => {
  const ca = await createCa('upstream-test-ca', 1);
  const leaf = await issueServingCert(ca, { sans: ['localhost', '127.0.0.1'] });
  const clientCa = await createCa('client-test-ca', 1);
  const client = await issueClientCert(clientCa, { commonName: 'proxy-client' });
  const server = https.createServer(
    { cert: leaf.certPem, key: leaf.keyPem, ca: clientCa.certPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const cn = socket.authorized ? (socket.getPeerCertificate().subject?.CN ?? null) : null;
      res.end(JSON.stringify({ servername: socket.servername || null, cn, url: req.url }));
    },
  );
  const port = await listen(t, server);
  const json = async (pool: UpstreamPool) => JSON.parse((await send(pool, { target: '/s' })).body.toString()) as object;

  const byName = poolFor(t, `https://localhost:${port}`, { ca: ca.certPem });
  assert.deepEqual(await json(byName), { servername: 'localhost', cn: null, url: '/s' });
  assert.deepEqual(await json(byName), { servername: 'localhost', cn: null, url: '/s' });
  assert.equal(byName.connections, 1, 'TLS connections are kept alive too');

  const byIp = poolFor(t, `https://127.0.0.1:${port}`, { ca: ca.certPem });
  assert.deepEqual(await json(byIp), { servername: null, cn: null, url: '/s' });

  const withCert = poolFor(t, `https://localhost:${port}`, {
    ca: ca.certPem,
    cert: client.certPem,
    key: client.keyPem,
  });
  assert.deepEqual(await json(withCert), { servername: 'localhost', cn: 'proxy-client', url: '/s' });

  const unknownCa = poolFor(t, `https://localhost:${port}`);
  await assert.rejects(send(unknownCa), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  // A certificate for another name, by name and by IP address.
  const other = await issueServingCert(ca, { sans: ['other.example'] });
  const otherPort = await listen(
    t,
    https.createServer({ cert: other.certPem, key: other.keyPem }, (_q, s) => s.end()),
  );
  for (const host of ['localhost', '127.0.0.1']) {
    const wrongName = poolFor(t, `https://${host}:${otherPort}`, { ca: ca.certPem });
    await assert.rejects(send(wrongName), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, host);
  }
});

test('the request head: Host first if missing, one line per array value or flat-list pair, invalid fields refused unsent', async (t) => {
  const { port, seen } = await rawServer(t, (r) => r.socket.write('HTTP/1.1 204 No Content\r\n\r\n'));
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  await send(pool, {
    target: '/p?q=1',
    headers: { host: 'app.example', 'x-multi': ['a', 'b'], 'X-Case': 'v', 'x-empty': '', skipped: undefined },
  });
  assert.equal(
    seen[0]!.head,
    'GET /p?q=1 HTTP/1.1\r\nhost: app.example\r\nx-multi: a\r\nx-multi: b\r\nX-Case: v\r\nx-empty: \r\n\r\n',
  );
  await send(pool, { method: 'DELETE', headers: { accept: '*/*' } });
  assert.equal(seen[1]!.head, `DELETE / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\naccept: */*\r\n\r\n`);
  await send(pool, { headers: { 'x-latin1': 'caf\u00e9' } });
  assert.ok(seen[2]!.head.includes('x-latin1: caf\u00e9\r\n'), 'latin1 is sent byte for byte');
  // A flat [name, value, ...] list, as node's rawHeaders: lines in order, duplicates kept, framing fields dropped.
  await send(pool, { headers: ['Host', 'h', 'X-Dup', '1', 'x-dup', '2', 'Content-Length', '9', '__proto__', 'p'] });
  assert.equal(seen[3]!.head, 'GET / HTTP/1.1\r\nHost: h\r\nX-Dup: 1\r\nx-dup: 2\r\n__proto__: p\r\n\r\n');

  const invalid: Array<Partial<UpstreamRequest>> = [
    { headers: { 'x-a': 'a\r\nx-injected: 1' } },
    { headers: { 'x-a': 'a\nb' } },
    { headers: { 'x-a': ['ok', 'a\rb'] } },
    { headers: { 'x-a': 'a\u0000b' } },
    { headers: { 'x-a': 'a\u010ab' } }, // would be truncated to a LF byte
    { headers: { 'x-a': '\u{1f600}' } },
    { headers: { 'bad name': 'x' } },
    { headers: { 'x-a:': 'x' } },
    { headers: ['x-a', 'a\r\nx-injected: 1'] },
    { headers: ['bad name', 'x'] },
    { method: 'GE T' },
    { target: '/a b' },
    { target: '/a\r\nb' },
    { method: 'POST', body: Readable.from([]), bodyLength: -1 },
  ];
  for (const r of invalid) {
    assert.throws(() => pool.request({ ...GET, ...r }, new Collector()), TypeError, JSON.stringify(r));
  }
  await sleep(20);
  assert.equal(seen.length, 4, 'nothing was sent');
});

test('destroy() closes idle and busy connections; later requests fail', async (t) => {
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') res.writeHead(200).flushHeaders();
    else res.end('ok');
  });
  const port = await listen(t, server);
  const pool = poolFor(t, `http://127.0.0.1:${port}`);
  await send(pool, { target: '/fast' });
  const slow = new Collector();
  const slowDone = send(pool, { target: '/slow' }, slow);
  await send(pool, { target: '/fast' });
  await slow.next('head');
  assert.equal(pool.connections, 2);
  pool.destroy();
  await assert.rejects(slowDone, /closed/);
  assert.equal(pool.connections, 0);
  await assert.rejects(send(pool), /closed/);
});
