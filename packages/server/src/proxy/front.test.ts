// Tests of the proxy's front (its client-side HTTP/1.1 server) with a raw TLS client that sends exactly the bytes
// under test and reads exactly what comes back, on 127.0.0.1.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter, once } from 'node:events';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { createCa } from '../pki/ca.js';
import { issueServingCert } from '../pki/certs.js';
import { createFront, type ClientResponse, type FrontOptions, type FrontRequest } from './front.js';

const ca = await createCa('front-test-ca', 1);
const leaf = await issueServingCert(ca, { sans: ['localhost', '127.0.0.1'] });

type Handler = (req: FrontRequest, res: ClientResponse) => void;

/** What the front's handler saw, as JSON, answered in one piece. */
const echo: Handler = (req, res) => {
  res.writeHead(200, 'OK', ['Content-Type', 'application/json']);
  res.end(JSON.stringify({ method: req.method, url: req.url, rawHeaders: req.rawHeaders, path: 'front' }));
};

/** A front on a free port; node's fallback server echoes what it parsed, body included. */
async function start(t: TestContext, onRequest: Handler = echo, extra: Partial<FrontOptions> = {}) {
  const fallback = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString(), path: 'node' }),
      );
    });
  });
  const front = createFront({ tls: { cert: leaf.certPem, key: leaf.keyPem }, onRequest, fallback, ...extra });
  await new Promise<void>((resolve) => front.server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        front.server.close(() => resolve());
        front.closeAllConnections();
      }),
  );
  return (front.server.address() as AddressInfo).port;
}

/** A raw TLS connection: `send` bytes, `read` until a condition holds on everything received so far. */
async function connect(t: TestContext, port: number) {
  const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: ca.certPem });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  t.after(() => socket.destroy());
  let received = '';
  let ended = false;
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
    wake();
  });
  socket.on('end', () => {
    ended = true;
    wake();
  });
  socket.on('close', () => {
    ended = true;
    wake();
  });
  socket.on('error', () => {});
  return {
    socket,
    send: (text: string | Buffer) => socket.write(text),
    get ended() {
      return ended;
    },
    /** Waits until `done(received)` (woken by each arrival, not by a timer); returns everything received. */
    async read(done: (text: string) => boolean): Promise<string> {
      while (!done(received)) {
        if (ended) throw new Error(`connection ended; received ${JSON.stringify(received)}`);
        await new Promise<void>((r) => waiters.push(r));
      }
      return received;
    },
    /** Waits for the connection to end or close. */
    async closed(): Promise<void> {
      while (!ended) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

interface Parsed {
  status: number;
  message: string;
  headers: Map<string, string[]>;
  body: string;
}

/**
 * The complete responses at the start of `text`: Content-Length or chunked framing, or (`closed`: the connection
 * ended) a body that runs to the end.
 */
function responses(text: string, closed = false): Parsed[] {
  const out: Parsed[] = [];
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end === -1) return out;
    const [statusLine, ...lines] = text.slice(at, end).split('\r\n');
    const m = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine!);
    assert.ok(m, statusLine);
    const headers = new Map<string, string[]>();
    for (const l of lines) {
      const c = l.indexOf(':');
      const k = l.slice(0, c).toLowerCase();
      headers.set(k, [...(headers.get(k) ?? []), l.slice(c + 1).trim()]);
    }
    let body = '';
    let next = end + 4;
    const length = headers.get('content-length')?.[0];
    if (length !== undefined) {
      if (text.length < next + Number(length)) return out;
      body = text.slice(next, next + Number(length));
      next += Number(length);
    } else if (headers.get('transfer-encoding')?.[0] === 'chunked') {
      for (;;) {
        const eol = text.indexOf('\r\n', next);
        if (eol === -1) return out;
        const size = parseInt(text.slice(next, eol), 16);
        if (text.length < eol + 2 + size + 2) return out;
        body += text.slice(eol + 2, eol + 2 + size);
        next = eol + 2 + size + 2;
        if (size === 0) break;
      }
    } else if (closed) {
      body = text.slice(next);
      next = text.length;
    }
    out.push({ status: Number(m[1]), message: m[2]!, headers, body });
    at = next;
  }
}

const count = (n: number) => (text: string) => responses(text).length >= n;

test('pipelined bodiless requests are answered in order with keep-alive, Date and Content-Length', async (t) => {
  const port = await start(t);
  const c = await connect(t, port);
  c.send(
    'GET /a?x=1 HTTP/1.1\r\nHost: h\r\nX-Dup: 1\r\nx-dup:  2 \r\nAuthorization: Bearer t\r\n\r\n' +
      'DELETE /b HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\nOPTIONS /c HTTP/1.1\r\nHost: h\r\n\r\n',
  );
  const [a, b, o] = responses(await c.read(count(3)));
  assert.equal(a!.status, 200);
  assert.equal(a!.message, 'OK');
  assert.deepEqual(JSON.parse(a!.body), {
    method: 'GET',
    url: '/a?x=1',
    rawHeaders: ['Host', 'h', 'X-Dup', '1', 'x-dup', '2', 'Authorization', 'Bearer t'],
    path: 'front',
  });
  assert.deepEqual(a!.headers.get('connection'), ['keep-alive']);
  assert.deepEqual(a!.headers.get('keep-alive'), ['timeout=5']);
  assert.ok(!Number.isNaN(Date.parse(a!.headers.get('date')![0]!)));
  assert.equal(Number(a!.headers.get('content-length')![0]), Buffer.byteLength(a!.body));
  assert.equal((JSON.parse(b!.body) as { method: string }).method, 'DELETE');
  assert.equal((JSON.parse(o!.body) as { url: string }).url, '/c');
  // The connection stays open for more.
  c.send('GET /d HTTP/1.1\r\nHost: h\r\n\r\n');
  assert.equal((JSON.parse(responses(await c.read(count(4)))[3]!.body) as { url: string }).url, '/d');
});

test('a head split across packets is assembled; UTF-8 bodies are framed by their byte length', async (t) => {
  const port = await start(t, (req, res) => {
    res.writeHead(200, 'OK', ['content-type', 'text/plain; charset=utf-8']);
    res.end('héllo ✓');
  });
  const c = await connect(t, port);
  for (const piece of ['GE', 'T / HTTP/1.1\r', '\nHost: h\r\n', '\r', '\n']) {
    c.send(piece);
    await sleep(10);
  }
  const [r] = responses(await c.read(count(1)));
  assert.equal(Buffer.from(r!.body, 'latin1').toString('utf8'), 'héllo ✓');
});

test('HEAD, 204 and 304 answers carry no body; a streamed answer is chunked; flushHeaders sends the head alone', async (t) => {
  let release: () => void = () => {};
  const port = await start(t, (req, res) => {
    if (req.url === '/stream') {
      res.writeHead(200, 'OK', ['x-stream', '1']);
      res.flushHeaders();
      release = () => {
        res.write(Buffer.from('one,'));
        res.write(Buffer.from('two'));
        res.end(Buffer.from(',three'));
      };
      return;
    }
    const status = req.url === '/204' ? 204 : req.url === '/304' ? 304 : 200;
    res.writeHead(status, http.STATUS_CODES[status]!, ['Content-Length', '5', 'ETag', '"e"']);
    res.end(status === 200 ? 'hello' : undefined);
  });
  const c = await connect(t, port);
  c.send('HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /204 HTTP/1.1\r\nHost: h\r\n\r\nGET /304 HTTP/1.1\r\nHost: h\r\n\r\n');
  const text = await c.read((s) => s.split('HTTP/1.1 ').length === 4 && s.endsWith('\r\n\r\n'));
  const [head, noContent, notModified] = text.split(/(?=HTTP\/1\.1 )/);
  assert.match(head!, /^HTTP\/1\.1 200 OK\r\nContent-Length: 5\r\nETag: "e"\r\n/);
  assert.ok(head!.endsWith('\r\n\r\n'), 'no body after a HEAD answer');
  assert.match(noContent!, /^HTTP\/1\.1 204 No Content\r\n/);
  assert.match(notModified!, /^HTTP\/1\.1 304 Not Modified\r\n[^]*\r\n\r\n$/);

  const s = await connect(t, port);
  s.send('GET /stream HTTP/1.1\r\nHost: h\r\n\r\n');
  const alone = await s.read((x) => x.includes('\r\n\r\n'));
  assert.match(alone, /\r\nTransfer-Encoding: chunked\r\n/);
  assert.ok(alone.endsWith('\r\n\r\n'), 'the head came before any body');
  release();
  const [streamed] = responses(await s.read(count(1)));
  assert.equal(streamed!.body, 'one,two,three');
  assert.deepEqual(streamed!.headers.get('x-stream'), ['1']);
});

test('requests with bodies, Upgrade, Expect, Connection: close or HTTP/1.0 are handed to node, bytes and all', async (t) => {
  const port = await start(t);
  const cases: Array<[string, string, (body: Record<string, string>, r: Parsed) => void]> = [
    [
      'POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello',
      'content-length body',
      (b) => assert.deepEqual([b.path, b.method, b.body], ['node', 'POST', 'hello']),
    ],
    [
      'PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      'chunked body',
      (b) => assert.deepEqual([b.path, b.body], ['node', 'abcde']),
    ],
    [
      'GET /close HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
      'Connection: close',
      (b, r) => {
        assert.equal(b.path, 'node');
        assert.deepEqual(r.headers.get('connection'), ['close']);
      },
    ],
    ['GET /old HTTP/1.0\r\nHost: h\r\n\r\n', 'HTTP/1.0', (b) => assert.equal(b.path, 'node')],
    ['GET http://h/abs HTTP/1.1\r\nHost: h\r\n\r\n', 'absolute form', (b) => assert.equal(b.url, 'http://h/abs')],
    ['GET /two-hosts HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 'two Host fields', (b) => assert.equal(b.path, 'node')],
    [
      'GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      'Upgrade (no upgrade listener here: node serves it as a request)',
      (b) => assert.equal(b.path, 'node'),
    ],
  ];
  for (const [bytes, what, check] of cases) {
    const c = await connect(t, port);
    c.send(bytes);
    const http10 = bytes.includes('HTTP/1.0');
    if (http10) await c.closed(); // node answers HTTP/1.0 without a length, and closes
    const [r] = responses(await c.read(http10 ? () => true : count(1)), http10);
    assert.equal(r!.status, 200, what);
    check(JSON.parse(r!.body) as Record<string, string>, r!);
  }
  // Expect: 100-continue: node says continue, then reads the body.
  const e = await connect(t, port);
  e.send('POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n');
  assert.equal(await e.read((s) => s.endsWith('\r\n\r\n')), 'HTTP/1.1 100 Continue\r\n\r\n');
  e.send('ok');
  const final = await e.read((s) => responses(s.slice(s.indexOf('\r\n\r\n') + 4)).length === 1);
  assert.deepEqual(JSON.parse(responses(final.slice(final.indexOf('\r\n\r\n') + 4))[0]!.body), {
    method: 'POST',
    url: '/e',
    body: 'ok',
    path: 'node',
  });
  // A bodiless request first, then one with a body on the same connection: served by the front, then by node.
  const c = await connect(t, port);
  c.send('GET /first HTTP/1.1\r\nHost: h\r\n\r\nPOST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok');
  const [first, second] = responses(await c.read(count(2)));
  assert.equal((JSON.parse(first!.body) as { path: string }).path, 'front');
  assert.deepEqual(JSON.parse(second!.body), { method: 'POST', url: '/second', body: 'ok', path: 'node' });
  c.send('GET /third HTTP/1.1\r\nHost: h\r\n\r\n');
  const third = responses(await c.read(count(3)))[2]!;
  assert.equal((JSON.parse(third.body) as { path: string }).path, 'node', 'node keeps the connection');
});

test('malformed and oversized heads, and a missing Host, get node answers (400, 431)', async (t) => {
  const port = await start(t);
  for (const [bytes, status] of [
    ['GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\n\r\n', 400],
    [`GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ] as const) {
    const c = await connect(t, port);
    c.send(bytes);
    const text = await c.read((s) => s.includes('\r\n\r\n'));
    assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `), JSON.stringify(bytes.slice(0, 60)));
    await c.closed();
  }
});

test('idle connections close after the keep-alive timeout; a slow head gets 408', async (t) => {
  const port = await start(t, echo, { keepAliveTimeoutMs: 200, headersTimeoutMs: 300 });
  const idle = await connect(t, port);
  idle.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  const [r] = responses(await idle.read(count(1)));
  assert.deepEqual(r!.headers.get('keep-alive'), ['timeout=0']);
  await idle.closed();

  const slow = await connect(t, port);
  slow.send('GET / HTTP/1.1\r\nHost: h\r\n');
  const text = await slow.read((s) => s.includes('\r\n\r\n'));
  assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  await slow.closed();
});

test('a client that goes away mid-answer (half-close or reset) is noticed, and its connection closed', async (t) => {
  const noticed: string[] = [];
  const events = new EventEmitter();
  const port = await start(t, (req, res) => {
    events.emit('started', req.url);
    res.on('close', () => {
      noticed.push(req.url);
      events.emit('closed');
    });
  });
  const half = await connect(t, port);
  const halfStarted = once(events, 'started');
  half.send('GET /half HTTP/1.1\r\nHost: h\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n');
  await halfStarted;
  half.socket.end();
  await half.closed();
  const gone = await connect(t, port);
  const goneStarted = once(events, 'started');
  gone.send('GET /reset HTTP/1.1\r\nHost: h\r\n\r\n');
  await goneStarted;
  gone.socket.destroy();
  while (noticed.length < 2) await once(events, 'closed');
  assert.deepEqual(noticed, ['/half', '/reset'], 'the pipelined /never was not started');
});

test('a field named __proto__ or constructor is just a field', async (t) => {
  const port = await start(t);
  const c = await connect(t, port);
  c.send('GET / HTTP/1.1\r\nHost: h\r\n__proto__: x\r\nconstructor: y\r\n\r\n');
  const [r] = responses(await c.read(count(1)));
  assert.deepEqual((JSON.parse(r!.body) as { rawHeaders: string[] }).rawHeaders, [
    'Host',
    'h',
    '__proto__',
    'x',
    'constructor',
    'y',
  ]);
});

test('a client that leaves right after its handshake does not hold up close()', async (t) => {
  const port = await start(t);
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve, reject) => {
      const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: ca.certPem }, () => {
        s.destroy();
        resolve();
      });
      s.on('error', reject);
    });
  }
  // t.after closes the server: with a socket stuck in its handshake it would wait for the 120 s handshake timeout
  // and this test would time out.
});
