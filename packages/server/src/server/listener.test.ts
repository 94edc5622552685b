import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connect as h2Connect, type Http2SecureServer } from 'node:http2';
import type { ServerResponse } from 'node:http';
import { createCa } from '../pki/ca.js';
import { issueServingCert } from '../pki/certs.js';
import { createListener, readHeaderTimeoutMs } from './listener.js';

const timeout = 200;
/** A regression must fail, not hang the run. */
const bounded = { timeout: 20_000 };
let server: Http2SecureServer;
let port = 0;

before(async () => {
  const ca = await createCa('listener-test-ca', 1);
  const leaf = await issueServingCert(ca, { sans: ['localhost'] });
  server = createListener(
    { cert: leaf.certPem, key: leaf.keyPem, ca: ca.certPem, readHeaderTimeoutMs: timeout },
    (req, res) => {
      if (req.url !== '/long') return void res.end('ok');
      // A watch-like answer that lasts several header timeouts: chunks until the twelfth, then the end.
      let n = 0;
      const iv = setInterval(() => {
        if (++n < 12) return void (res as ServerResponse).write(`${n},`);
        clearInterval(iv);
        res.end('end');
      }, timeout / 4);
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

/** Resolves when the server has closed the connection (the socket reads, so it sees the end). */
const closed = (s: Socket) => {
  s.resume();
  return new Promise<void>((r) => s.once('close', () => r()));
};

test('the default header deadline is kube-apiserver ReadHeaderTimeout, 32 s', async () => {
  assert.equal(readHeaderTimeoutMs, 32_000);
  const ca = await createCa('listener-default-ca', 1);
  const s = createListener({ cert: ca.certPem, key: ca.keyPem, ca: ca.certPem }, () => undefined);
  assert.equal((s as unknown as { headersTimeout: number }).headersTimeout, 32_000);
  // tls.Server keeps handshakeTimeout under a private symbol.
  const sym = Object.getOwnPropertySymbols(s).find((x) => x.description === 'handshake-timeout');
  assert.equal(sym && (s as unknown as Record<symbol, unknown>)[sym], 32_000);
});

test('a TCP connection that never starts TLS is closed at the header deadline', bounded, async () => {
  const s = tcpConnect(port, '127.0.0.1');
  s.on('error', () => undefined);
  await closed(s);
});

test('HTTP/1.1: a request whose headers never finish is closed at the deadline', bounded, async () => {
  const s = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () =>
    s.write('GET /version HTTP/1.1\r\nHost: x\r\n'),
  );
  s.on('error', () => undefined);
  await closed(s);
});

test('HTTP/2: a session that never sends HEADERS is closed at the deadline', bounded, async () => {
  const s = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['h2'] });
  s.on('error', () => undefined);
  await new Promise((r) => s.once('secureConnect', r));
  assert.equal(s.alpnProtocol, 'h2');
  // The client preface and an empty SETTINGS frame, then nothing.
  s.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
  await closed(s);
});

test('HTTP/1.1: a long-running answer (watch) outlives the header deadline', bounded, async () => {
  const s = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () =>
    s.write('GET /long HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
  );
  let body = '';
  s.on('data', (d: Buffer) => (body += d.toString()));
  await closed(s);
  assert.match(body, /^HTTP\/1\.1 200 /);
  assert.match(body, /11,\r\n3\r\nend\r\n0\r\n\r\n$/);
});

test('HTTP/2: a long-running answer (watch) outlives the header deadline', bounded, async () => {
  const c = h2Connect(`https://localhost:${port}`, { rejectUnauthorized: false });
  c.on('error', () => undefined);
  const body = await new Promise<string>((res, rej) => {
    const r = c.request({ ':path': '/long' });
    let b = '';
    r.setEncoding('utf8');
    r.on('data', (d: string) => (b += d));
    r.on('end', () => res(b));
    r.on('error', rej);
  });
  c.close();
  assert.equal(body, '1,2,3,4,5,6,7,8,9,10,11,end');
});
