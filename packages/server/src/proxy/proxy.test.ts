// End-to-end tests of `kubeauth proxy`: a real kubeauth (TokenReview, SubjectAccessReview, RBAC, Pods), a real
// upstream node:http server and the proxy between a client and that upstream, all on 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Duplex } from 'node:stream';
import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { serverConfig } from '../cli/config.js';
import { parseServeOptions } from '../cli/options.js';
import { createCa } from '../pki/ca.js';
import { issueServingCert } from '../pki/certs.js';
import { startServer, type RunningServer } from '../server/app.js';
import { parseAuthorizationConfig, parseProxyOptions, compileGlob } from './config.js';
import { startProxy } from './command.js';
import { staticMatches, type RunningProxy } from './proxy.js';

const STREAM_BYTES = 50 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

interface Admin {
  server: URL;
  ca: string;
  cert: string;
  key: string;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function adminFrom(kubeconfigPath: string): Admin {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: Array<{ cluster: Record<string, string> }>;
    users: Array<{ user: Record<string, string> }>;
  };
  const c = kc.clusters[0]!.cluster;
  const u = kc.users[0]!.user;
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  return {
    server: new URL(c.server!),
    ca: b64(c['certificate-authority-data']),
    cert: b64(u['client-certificate-data']),
    key: b64(u['client-key-data']),
  };
}

/** A port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function send(url: URL, options: https.RequestOptions & { body?: string | Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('kubeauth proxy', () => {
  let dataDir: string;
  let kube: RunningServer;
  let admin: Admin;
  let upstream: http.Server;
  let upstreamUrl: string;
  let proxy: RunningProxy;
  let clock = Date.now();
  let resourceProxy: RunningProxy;
  let tokenReader: string;
  let tokenNobody: string;
  let tokenWrongAudience: string;
  /** Allowed only the non-resource URLs `/allowed*`. */
  let tokenAllowedOnly: string;
  /** Every request target the upstream received, in order. */
  const upstreamSaw: string[] = [];
  /** Resolved by the test once it saw the first bytes of /stream; the upstream waits for it before the rest. */
  let releaseStream: () => void = () => {};
  let streamFinished = false;
  /** Resolved by the test once it saw the response head of /data/head-first; the upstream then sends the body. */
  let releaseHead: () => void = () => {};

  const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const r = await send(new URL(path, admin.server), {
      method,
      ca: admin.ca,
      cert: admin.cert,
      key: admin.key,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`);
    return JSON.parse(r.body) as unknown;
  };

  const mintToken = async (sa: string, audience: string, boundPod?: { name: string; uid: string }) => {
    const tr = (await api('POST', `/api/v1/namespaces/default/serviceaccounts/${sa}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: [audience],
        expirationSeconds: 3600,
        ...(boundPod ? { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', ...boundPod } } : {}),
      },
    })) as { status: { token: string } };
    return tr.status.token;
  };

  const viaProxy = (
    path: string,
    options: https.RequestOptions & { body?: string | Buffer; token?: string } = {},
    target: RunningProxy = proxy,
  ) =>
    send(new URL(path, target.url), {
      rejectUnauthorized: false, // the proxy's in-memory self-signed certificate
      ...options,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.headers as Record<string, string>),
      },
    });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kubeauth-proxy-'));
    kube = await startServer(
      await serverConfig(
        parseServeOptions([
          '--secure-port=0',
          `--data-dir=${dataDir}`,
          '--storage-backend=memory',
          '--log-level=error',
        ]),
      ),
    );
    await kube.settle();
    admin = adminFrom(join(dataDir, 'admin.kubeconfig'));

    // Heads up to 2 MiB, so the proxy's own limit is what the large-head test meets.
    upstream = http.createServer({ maxHeaderSize: 2 << 20 }, (req, res) => {
      upstreamSaw.push(req.url ?? '');
      if (naiveFilePath(req.url ?? '') === '/secret.txt') {
        // A naive static file server: decodes, then resolves dot segments, as many do.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('the secret');
        return;
      }
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': STREAM_BYTES });
        let sent = 0;
        const pump = () => {
          while (sent < STREAM_BYTES) {
            sent += CHUNK.length;
            if (!res.write(CHUNK)) return void res.once('drain', pump);
          }
          streamFinished = true;
          res.end();
        };
        // The first chunk, then nothing until the client has seen it: a buffering proxy would hang here.
        sent += CHUNK.length;
        res.write(CHUNK);
        new Promise<void>((r) => (releaseStream = r)).then(pump, () => {});
        return;
      }
      if (req.url === '/data/head-first') {
        // The head at once, the body only after the client has seen the head: a proxy holding the head back until
        // body data arrives would hang here.
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.flushHeaders();
        new Promise<void>((r) => (releaseHead = r)).then(
          () => res.end('late body'),
          () => {},
        );
        return;
      }
      if (req.url === '/echo-body') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        req.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
        res.end(
          JSON.stringify({
            method: req.method,
            url: req.url,
            headers: req.headers,
            rawHeaders: req.rawHeaders,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
    });
    upstream.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n' +
          `X-Seen-User: ${String(req.headers['x-remote-user'] ?? '')}\r\n` +
          `X-Seen-Authorization: ${req.headers.authorization ? 'yes' : 'no'}\r\n\r\n`,
      );
      if (head.length) socket.write(head);
      socket.pipe(socket);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    const caFile = join(dataDir, 'client-ca.pem');
    writeFileSync(caFile, kube.caPem);
    proxy = await startProxy({
      ...parseProxyOptions([
        `--upstream=${upstreamUrl}/`,
        '--secure-listen-address=127.0.0.1:0',
        `--kubeconfig=${join(dataDir, 'admin.kubeconfig')}`,
        `--client-ca-file=${caFile}`,
        '--auth-token-audiences=proxy-audience',
        '--ignore-paths=/healthz,/public/*',
        '--auth-header-fields-enabled',
        '--auth-cache-ttl=1s',
      ]),
      // The caches read this clock, so that a test moves past the TTL instead of sleeping through it.
      now: () => clock,
    });
    const configFile = join(dataDir, 'proxy-config.yaml');
    writeFileSync(
      configFile,
      [
        'authorization:',
        '  resourceAttributes:',
        '    namespace: default',
        '    apiVersion: v1',
        '    resource: services',
        '    subresource: proxy',
        '    name: my-app',
        '  static:',
        '    - user:',
        '        name: static-user',
        '      resourceRequest: true',
        '',
      ].join('\n'),
    );
    resourceProxy = await startProxy(
      parseProxyOptions([
        `--upstream=${upstreamUrl}`,
        '--secure-listen-address=127.0.0.1:0',
        `--kubeconfig=${join(dataDir, 'admin.kubeconfig')}`,
        '--auth-token-audiences=proxy-audience',
        '--allow-paths=/api/*,/exact',
        `--config-file=${configFile}`,
        '--auth-cache-ttl=1s',
      ]),
    );

    for (const name of ['reader', 'nobody']) {
      await api('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name } });
    }
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: 'proxy-reader' },
      rules: [
        { nonResourceURLs: ['/data', '/data/*', '/stream', '/echo-body', '/ws'], verbs: ['get', 'post'] },
        { apiGroups: [''], resources: ['services/proxy'], resourceNames: ['my-app'], verbs: ['get'] },
      ],
    });
    await api('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'allowed-only' } });
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: 'proxy-allowed-only' },
      rules: [{ nonResourceURLs: ['/allowed*'], verbs: ['get'] }],
    });
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'proxy-allowed-only' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'proxy-allowed-only' },
      subjects: [{ kind: 'ServiceAccount', name: 'allowed-only', namespace: 'default' }],
    });
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'proxy-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'proxy-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'default' }],
    });
    tokenReader = await mintToken('reader', 'proxy-audience');
    tokenNobody = await mintToken('nobody', 'proxy-audience');
    tokenWrongAudience = await mintToken('reader', 'someone-else');
    tokenAllowedOnly = await mintToken('allowed-only', 'proxy-audience');
  });

  after(async () => {
    releaseStream();
    releaseHead();
    await proxy?.close();
    await resourceProxy?.close();
    await new Promise<void>((r) => {
      upstream?.close(() => r());
      upstream?.closeAllConnections();
    });
    await kube?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('an allowed token is proxied; identity headers are injected and the token is not forwarded', async () => {
    const r = await viaProxy('/data/x?q=1', {
      token: tokenReader,
      headers: { 'x-remote-user': 'system:admin', 'X-Remote-Groups': 'system:masters', 'x-other': 'kept' },
    });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['x-upstream'], 'yes');
    const seen = JSON.parse(r.body) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/data/x?q=1');
    assert.equal(seen.headers['x-remote-user'], 'system:serviceaccount:default:reader');
    assert.equal(
      seen.headers['x-remote-groups'],
      'system:serviceaccounts|system:serviceaccounts:default|system:authenticated',
    );
    assert.equal(seen.headers['x-other'], 'kept');
    assert.equal(seen.headers.authorization, undefined);
    assert.ok(seen.headers['x-forwarded-for']);
  });

  test('field lines go upstream as sent: duplicates kept, identity spoofs in any spelling dropped, XFF appended', async () => {
    // A raw client: node's https.request would merge or refuse some of these lines.
    const socket = tls.connect({ port: proxy.port, host: '127.0.0.1', rejectUnauthorized: false });
    await once(socket, 'secureConnect');
    socket.write(
      'GET /data/lines HTTP/1.1\r\nHost: example.test\r\n' +
        `Authorization: Bearer ${tokenReader}\r\nX-Dup: 1\r\nx-dup: 2\r\nX-REMOTE-USER: system:admin\r\n` +
        'X-Forwarded-For: 10.0.0.1\r\n__proto__: p\r\nconstructor: c\r\nTE: trailers\r\n\r\n',
    );
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    while (!/\r\n\r\n[^]*\}$/.test(text)) await once(socket, 'data');
    socket.destroy();
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    const seen = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { rawHeaders: string[] };
    const lines: string[] = [];
    for (let i = 0; i < seen.rawHeaders.length; i += 2) lines.push(`${seen.rawHeaders[i]}: ${seen.rawHeaders[i + 1]}`);
    assert.deepEqual(lines, [
      'Host: example.test',
      'X-Dup: 1',
      'x-dup: 2',
      '__proto__: p',
      'constructor: c',
      'x-remote-user: system:serviceaccount:default:reader',
      'x-remote-groups: system:serviceaccounts|system:serviceaccounts:default|system:authenticated',
      'X-Forwarded-For: 10.0.0.1, 127.0.0.1',
    ]);
  });

  test('fields named on any Connection line are hop-by-hop and stay behind (node parser path)', async () => {
    const socket = tls.connect({ port: proxy.port, host: '127.0.0.1', rejectUnauthorized: false });
    await once(socket, 'secureConnect');
    socket.write(
      'GET /data/conn HTTP/1.1\r\nHost: example.test\r\n' +
        `Authorization: Bearer ${tokenReader}\r\nConnection: keep-alive, X-Hop-A\r\nConnection: x-hop-b\r\n` +
        'X-Hop-A: a\r\nX-Hop-B: b\r\nX-End: kept\r\n\r\n',
    );
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    // node's server answers this one: the body comes chunked, and ends with the last chunk.
    while (!text.endsWith('\r\n0\r\n\r\n')) await once(socket, 'data');
    socket.destroy();
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    const seen = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { rawHeaders: string[] };
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    assert.ok(names.includes('x-end'));
    for (const hop of ['connection', 'x-hop-a', 'x-hop-b']) assert.ok(!names.includes(hop), `${hop} forwarded`);
  });

  test('--tls-min-version and --tls-cipher-suites shape the handshake; --tls-reload-interval picks up a renewed pair', async () => {
    const ca = await createCa('proxy-tls-test-ca', 1);
    const [a, b] = [
      await issueServingCert(ca, { sans: ['localhost'] }),
      await issueServingCert(ca, { sans: ['localhost'] }),
    ];
    const certFile = join(dataDir, 'serving.crt');
    const keyFile = join(dataDir, 'serving.key');
    writeFileSync(certFile, a.certPem);
    writeFileSync(keyFile, a.keyPem);
    const common = [
      `--upstream=${upstreamUrl}/`,
      '--secure-listen-address=127.0.0.1:0',
      `--kubeconfig=${join(dataDir, 'admin.kubeconfig')}`,
      `--tls-cert-file=${certFile}`,
      `--tls-private-key-file=${keyFile}`,
    ];
    const handshake = (port: number, o: tls.ConnectionOptions) =>
      new Promise<{ protocol: string | null; cipher: string; fingerprint: string }>((resolve, reject) => {
        const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: ca.certPem, ...o }, () => {
          resolve({
            protocol: s.getProtocol(),
            cipher: s.getCipher().name,
            fingerprint: s.getPeerCertificate().fingerprint256,
          });
          s.destroy();
        });
        s.on('error', reject);
      });
    const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

    const suites = await startProxy(
      parseProxyOptions([
        ...common,
        '--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
        '--tls-reload-interval=100ms',
        `--proxy-endpoints-port=${await freePort()}`,
      ]),
    );
    try {
      const tls12 = { maxVersion: 'TLSv1.2' as const };
      assert.equal(
        (await handshake(suites.port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })).cipher,
        'ECDHE-ECDSA-AES256-GCM-SHA384',
      );
      await assert.rejects(handshake(suites.port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }));
      const t13 = await handshake(suites.port, {});
      assert.equal(t13.protocol, 'TLSv1.3', 'TLS 1.3 suites are not configurable, as in Go');
      assert.equal(t13.fingerprint, fingerprint(a.certPem));
      // The endpoints port serves with the same settings.
      await assert.rejects(handshake(suites.endpointsPort!, { ...tls12, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }));
      assert.equal((await handshake(suites.endpointsPort!, {})).fingerprint, fingerprint(a.certPem));
      // A renewed pair on disk serves new connections; a broken one is refused and the current pair kept.
      writeFileSync(keyFile, 'not a key');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await handshake(suites.port, {})).fingerprint, fingerprint(a.certPem));
      writeFileSync(certFile, b.certPem);
      writeFileSync(keyFile, b.keyPem);
      let seen = '';
      for (let i = 0; i < 50 && seen !== fingerprint(b.certPem); i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = (await handshake(suites.port, {})).fingerprint;
      }
      assert.equal(seen, fingerprint(b.certPem));
      assert.equal((await handshake(suites.endpointsPort!, {})).fingerprint, fingerprint(b.certPem));
    } finally {
      await suites.close();
    }

    const only13 = await startProxy(parseProxyOptions([...common, '--tls-min-version=VersionTLS13']));
    try {
      await assert.rejects(handshake(only13.port, { maxVersion: 'TLSv1.2' }));
      assert.equal((await handshake(only13.port, {})).protocol, 'TLSv1.3');
    } finally {
      await only13.close();
    }
  });

  test('--proxy-endpoints-port serves /healthz without a token, over HTTP/1.1 and HTTP/2; other paths 404', async () => {
    const p = await startProxy(
      parseProxyOptions([
        `--upstream=${upstreamUrl}/`,
        '--secure-listen-address=127.0.0.1:0',
        `--kubeconfig=${join(dataDir, 'admin.kubeconfig')}`,
        `--client-ca-file=${join(dataDir, 'client-ca.pem')}`,
        '--auth-token-audiences=proxy-audience',
        `--proxy-endpoints-port=${await freePort()}`,
      ]),
    );
    try {
      assert.equal(p.endpointsUrl, `https://127.0.0.1:${p.endpointsPort}`);
      const at = (path: string, method = 'GET') =>
        send(new URL(path, p.endpointsUrl), { method, rejectUnauthorized: false });
      for (const path of ['/healthz', '/healthz?verbose=1']) {
        const ok = await at(path);
        assert.equal(ok.status, 200, path);
        assert.equal(ok.body, 'ok');
        assert.equal(ok.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(ok.headers['content-length'], '2');
      }
      assert.equal((await at('/healthz', 'POST')).status, 200, 'any method, as a ServeMux route without one');
      const head = await at('/healthz', 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
      for (const path of ['/', '/healthz/', '/data/x']) {
        const nf = await at(path);
        assert.equal(nf.status, 404, path);
        assert.equal(nf.body, '404 page not found\n');
        assert.equal(nf.headers['x-content-type-options'], 'nosniff');
      }
      // HTTP/2, as Go's server offers it by ALPN.
      const session = http2.connect(p.endpointsUrl!, { rejectUnauthorized: false });
      try {
        const stream = session.request({ ':path': '/healthz' });
        const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
        let body = '';
        for await (const chunk of stream) body += String(chunk);
        assert.equal(headers[':status'], 200);
        assert.equal(body, 'ok');
      } finally {
        session.close();
      }
      // Garbage over either protocol costs only its own connection.
      for (const ALPNProtocols of [['http/1.1'], ['h2']]) {
        const raw = tls.connect({
          port: p.endpointsPort!,
          host: '127.0.0.1',
          rejectUnauthorized: false,
          ALPNProtocols,
        });
        raw.on('error', () => {});
        raw.resume();
        await once(raw, 'secureConnect');
        raw.end('\x00\x01 not http at all\r\n\r\n');
        await once(raw, 'close');
      }
      assert.equal((await at('/healthz')).status, 200, 'still serving');
      // The proxy's own port still wants a token for the same path.
      assert.equal((await send(new URL('/healthz', p.url), { rejectUnauthorized: false })).status, 401);
    } finally {
      await p.close();
    }
  });

  test("the proxy's /metrics on the endpoints port: token allowed get /metrics only; requests and auth outcomes counted", async () => {
    await api('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'scraper' } });
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'proxy-scraper' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:monitoring' },
      subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace: 'default' }],
    });
    const scraper = await mintToken('scraper', 'proxy-audience');
    const p = await startProxy(
      parseProxyOptions([
        `--upstream=${upstreamUrl}/`,
        '--secure-listen-address=127.0.0.1:0',
        `--kubeconfig=${join(dataDir, 'admin.kubeconfig')}`,
        '--auth-token-audiences=proxy-audience',
        `--proxy-endpoints-port=${await freePort()}`,
      ]),
    );
    try {
      assert.equal((await viaProxy('/data/x', { token: tokenReader }, p)).status, 200);
      assert.equal((await viaProxy('/data/y', { token: tokenReader }, p)).status, 200);
      assert.equal((await viaProxy('/data/x', {}, p)).status, 401);
      assert.equal((await viaProxy('/data/x', { token: tokenNobody }, p)).status, 403);
      assert.equal((await viaProxy('/data/x', { token: tokenReader, method: 'DELETE' }, p)).status, 403);
      // On the proxied port /metrics is the upstream's (checked and forwarded like any path).
      const up = await viaProxy('/metrics', { token: scraper }, p);
      assert.equal(up.status, 200);
      assert.equal((JSON.parse(up.body) as { url: string }).url, '/metrics');

      const metrics = (token?: string) =>
        send(new URL('/metrics', p.endpointsUrl), {
          rejectUnauthorized: false,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
      const anonymous = await metrics();
      assert.equal(anonymous.status, 401);
      assert.equal(
        anonymous.body,
        '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
      );
      const reader = await metrics(tokenReader);
      assert.equal(reader.status, 403);
      assert.match(
        reader.body,
        /forbidden: User \\"system:serviceaccount:default:reader\\" cannot get path \\"\/metrics\\"/,
      );
      const ok = await metrics(scraper);
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
      const samples = new Map(
        ok.body
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
      );
      const expected: Array<[string, number]> = [
        ['http_requests_total{code="200",method="get"}', 3],
        ['http_requests_total{code="401",method="get"}', 1],
        ['http_requests_total{code="403",method="get"}', 1],
        ['http_requests_total{code="403",method="delete"}', 1],
        ['http_request_duration_seconds_count{code="200",method="get"}', 3],
        ['authentication_attempts{result="success"}', 5],
        ['authentication_attempts{result="failure"}', 1],
        ['authorization_attempts_total{result="allowed"}', 3],
        ['authorization_attempts_total{result="denied"}', 2],
        ['authentication_duration_seconds_count{result="success"}', 5],
        ['authorization_duration_seconds_count{result="denied"}', 2],
      ];
      for (const [k, v] of expected) assert.equal(samples.get(k), v, k);
      assert.ok(samples.has('process_cpu_seconds_total'));
    } finally {
      await p.close();
    }
  });

  test('--proxy-endpoints-port: bad values are refused before start; a port in use fails the start, nothing left open', async () => {
    const base = [`--upstream=${upstreamUrl}/`, `--kubeconfig=${join(dataDir, 'admin.kubeconfig')}`];
    assert.equal(parseProxyOptions(base).endpointsPort, undefined, 'default 0: off');
    for (const [value, message] of [
      ['70000', /^Error: --proxy-endpoints-port 70000 must be between 1 and 65535, inclusive$/],
      ['-1', /^Error: --proxy-endpoints-port -1 must be between 1 and 65535, inclusive$/],
      ['x', /invalid argument "x" for "--proxy-endpoints-port" flag: strconv.ParseInt: parsing "x": invalid syntax/],
      ['8443', /^Error: --proxy-endpoints-port 8443 is the port of --secure-listen-address$/],
    ] as const) {
      assert.throws(() => parseProxyOptions([...base, `--proxy-endpoints-port=${value}`]), message);
    }
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      await assert.rejects(
        startProxy(
          parseProxyOptions([...base, '--secure-listen-address=127.0.0.1:0', `--proxy-endpoints-port=${port}`]),
        ),
        /EADDRINUSE/,
      );
    } finally {
      taken.close();
    }
  });

  test("request heads up to Go's 1 MiB pass (node's own limit is 16 KiB); larger ones get 431", async () => {
    const big = await viaProxy('/data/big', { token: tokenReader, headers: { 'x-big': 'b'.repeat(100_000) } });
    assert.equal(big.status, 200, big.body.slice(0, 200));
    assert.equal((JSON.parse(big.body) as { headers: Record<string, string> }).headers['x-big']!.length, 100_000);
    const huge = await viaProxy('/data/big', { token: tokenReader, headers: { 'x-big': 'b'.repeat(1_100_000) } });
    assert.equal(huge.status, 431);
  });

  test('401 without a token, with a garbled token, and with a token for another audience', async () => {
    const none = await viaProxy('/data/x');
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="kubernetes"');
    assert.equal(
      none.body,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
    );
    for (const token of ['garbage', 'a.b.c', tokenWrongAudience]) {
      const r = await viaProxy('/data/x', { token });
      assert.equal(r.status, 401, token);
      assert.equal(r.headers['www-authenticate'], 'Bearer realm="kubernetes", error="invalid_token"');
    }
    const spaced = await viaProxy('/data/x', { headers: { authorization: 'Bearer a b' } });
    assert.equal(spaced.status, 401);
  });

  test('403 for an authenticated user without permission, as a kube-apiserver Status', async () => {
    const r = await viaProxy('/data/x', { token: tokenNobody });
    assert.equal(r.status, 403);
    const s = JSON.parse(r.body) as { reason: string; message: string; code: number };
    assert.equal(s.reason, 'Forbidden');
    assert.equal(s.code, 403);
    assert.match(s.message, /^forbidden: User "system:serviceaccount:default:nobody" cannot get path "\/data\/x"/);
    const del = await viaProxy('/data/x', { token: tokenReader, method: 'DELETE' });
    assert.equal(del.status, 403, 'verb delete is not granted');
  });

  test('ignored paths bypass authentication, but spoofed identity headers are still stripped', async () => {
    for (const path of ['/healthz', '/public/a']) {
      const r = await viaProxy(path, { headers: { 'x-remote-user': 'system:admin', authorization: 'Bearer x' } });
      assert.equal(r.status, 200, path);
      const seen = JSON.parse(r.body) as { headers: Record<string, string> };
      assert.equal(seen.headers['x-remote-user'], undefined);
      assert.equal(seen.headers.authorization, 'Bearer x', 'not consumed, so passed through');
    }
    assert.equal((await viaProxy('/public/a/b')).status, 401, '* does not cross /');
  });

  /**
   * A request whose target is sent exactly as given (a WHATWG URL would resolve its dot segments and drop a `#`).
   * `close`: `Connection: close`, which the front hands to node's http server (the fallback leg).
   */
  const rawTarget = (target: string, options: { token?: string; close?: boolean } = {}) =>
    send(new URL(proxy.url), {
      path: target,
      rejectUnauthorized: false,
      ...(options.close ? { agent: false } : {}),
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    });

  const UNAUTHORIZED_BODY =
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}';

  test('--ignore-paths match the decoded, cleaned path: encoded dot segments do not escape /public/*', async () => {
    upstreamSaw.length = 0;
    for (const close of [false, true]) {
      for (const target of [
        '/public/..%2fsecret.txt',
        '/public/%2e%2e%2fsecret.txt',
        '/public/%2E%2E/secret.txt',
        '/public/.%2e/secret.txt',
        '/public/../secret.txt',
        '/public/x/..%2F..%2Fsecret.txt',
      ]) {
        const r = await rawTarget(target, { close });
        assert.equal(r.status, 401, `${target} close=${close}: ${r.body}`);
        assert.equal(r.body, UNAUTHORIZED_BODY);
      }
    }
    // Within /public/* after cleaning: ignored, and forwarded as cleaned.
    const inside = await rawTarget('/public/x/../y%2e%74xt?a=%2F');
    assert.equal(inside.status, 200, inside.body);
    assert.deepEqual(upstreamSaw, ['/public/y.txt?a=%2F']);
  });

  test('authorization sees the cleaned path: dot segments cannot climb out of an allowed prefix', async () => {
    upstreamSaw.length = 0;
    const forbidden = /^forbidden: User "system:serviceaccount:default:allowed-only" cannot get path "\/secret\.txt"/;
    for (const close of [false, true]) {
      for (const target of [
        '/secret.txt',
        '/allowed/../secret.txt',
        '/allowed/..%2fsecret.txt',
        '/allowed/%2e%2e/secret.txt',
        '/allowed/x/../../secret.txt',
        '/allowed/..',
      ]) {
        const r = await rawTarget(target, { token: tokenAllowedOnly, close });
        if (target === '/allowed/..') {
          assert.equal(r.status, 403, `${target}: ${r.body}`);
          assert.match((JSON.parse(r.body) as { message: string }).message, /cannot get path "\/"/);
          continue;
        }
        assert.equal(r.status, 403, `${target} close=${close}: ${r.body}`);
        assert.match((JSON.parse(r.body) as { message: string }).message, forbidden, target);
      }
    }
    assert.deepEqual(upstreamSaw, [], 'nothing reached the upstream');
    // Allowed paths reach the upstream as they were authorized: cleaned, decoded once, encoded one way.
    const cases: Array<[sent: string, forwarded: string]> = [
      ['/allowed/x', '/allowed/x'],
      ['/allowed/./x//y/', '/allowed/x/y/'],
      ['/allowed/%7e%41%2F', '/allowed/~A/'],
      ['/allowed/a%252fb?q=%252f', '/allowed/a%252fb?q=%252f'],
      ['/allowed/sp%20ace', '/allowed/sp%20ace'],
      ['/allowed/x/..', '/allowed'],
    ];
    for (const [sent, forwarded] of cases) {
      const r = await rawTarget(sent, { token: tokenAllowedOnly });
      assert.equal(r.status, 200, `${sent}: ${r.body}`);
      assert.equal((JSON.parse(r.body) as { url: string }).url, forwarded, sent);
    }
    assert.deepEqual(
      upstreamSaw,
      cases.map(([, forwarded]) => forwarded),
    );
  });

  test("a '#' or a malformed escape in the request target is Go's 400 Bad Request, on both server legs", async () => {
    upstreamSaw.length = 0;
    for (const close of [false, true]) {
      for (const [target, token] of [
        ['/healthz#/../secret', undefined],
        ['/healthz#', undefined],
        ['/allowed/x#y', tokenAllowedOnly],
        ['/healthz?x#y', undefined],
        ['/allowed/%ZZ', tokenAllowedOnly],
        ['/healthz%', undefined],
        ['/allowed/%00', tokenAllowedOnly],
        ['/allowed/%C0%AF', tokenAllowedOnly],
        ['/allowed\\..\\secret.txt', tokenAllowedOnly],
        ['/allowed/..%5csecret.txt', tokenAllowedOnly],
      ] as const) {
        const r = await rawTarget(target, { token, close });
        assert.equal(r.status, 400, `${target} close=${close}: ${r.body}`);
        assert.equal(r.body, '400 Bad Request');
        assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(r.headers.connection, 'close');
      }
    }
    assert.deepEqual(upstreamSaw, [], 'nothing reached the upstream');
    // An Upgrade with such a target is refused the same way, before the upstream is asked.
    const socket = tls.connect({ port: proxy.port, host: '127.0.0.1', rejectUnauthorized: false });
    await once(socket, 'secureConnect');
    socket.write('GET /healthz#/../ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    await once(socket, 'end');
    socket.destroy();
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.ok(text.endsWith('\r\n\r\n400 Bad Request'), text);
    assert.deepEqual(upstreamSaw, []);
  });

  test('client certificates verified against --client-ca-file authenticate as CN / O', async () => {
    const r = await viaProxy('/anything', { cert: admin.cert, key: admin.key });
    assert.equal(r.status, 200, r.body);
    const seen = JSON.parse(r.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-remote-user'], 'kubernetes-admin');
    assert.equal(seen.headers['x-remote-groups'], 'system:masters|system:authenticated');
  });

  test('request bodies and a 50 MB response stream through without buffering', async () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 'y');
    const echoed = await viaProxy('/echo-body', { token: tokenReader, method: 'POST', body: payload });
    assert.equal(echoed.status, 200);
    assert.equal(echoed.body.length, payload.length);

    const { total, finishedBeforeFirstByte } = await new Promise<{ total: number; finishedBeforeFirstByte: boolean }>(
      (resolve, reject) => {
        const req = https.request(
          new URL('/stream', proxy.url),
          { rejectUnauthorized: false, headers: { authorization: `Bearer ${tokenReader}` } },
          (res) => {
            assert.equal(res.statusCode, 200);
            assert.equal(res.headers['content-length'], String(STREAM_BYTES));
            let total = 0;
            let finishedBeforeFirstByte: boolean | undefined;
            res.on('data', (c: Buffer) => {
              if (finishedBeforeFirstByte === undefined) {
                finishedBeforeFirstByte = streamFinished;
                releaseStream(); // only now may the upstream send the remaining 50 MB
              }
              total += c.length;
            });
            res.on('end', () => resolve({ total, finishedBeforeFirstByte: finishedBeforeFirstByte ?? true }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    assert.equal(finishedBeforeFirstByte, false, 'first bytes arrived before the upstream finished');
    assert.equal(total, STREAM_BYTES);
    assert.equal(streamFinished, true);
  });

  test('a response head is relayed before its body arrives (slow and streaming upstreams)', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response head while the upstream held its body')), 5000);
      const req = https.request(
        new URL('/data/head-first', proxy.url),
        { rejectUnauthorized: false, headers: { authorization: `Bearer ${tokenReader}` } },
        (res) => {
          clearTimeout(timer);
          releaseHead(); // only now does the upstream send its body
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(answer, { status: 200, body: 'late body' });
  });

  test('Upgrade requests are authenticated, then the sockets are piped both ways', async () => {
    const upgrade = (token?: string) =>
      new Promise<{ status: number; echoed?: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
        const req = https.request(new URL('/ws', proxy.url), {
          rejectUnauthorized: false,
          headers: {
            connection: 'Upgrade',
            upgrade: 'echo',
            'x-remote-user': 'spoofed',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        });
        req.on('upgrade', (res, socket) => {
          socket.write('ping-through-proxy');
          socket.once('data', (d: Buffer) => {
            socket.destroy();
            resolve({ status: res.statusCode!, echoed: d.toString(), headers: res.headers });
          });
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode!, headers: res.headers });
        });
        req.on('error', reject);
        req.end();
      });
    const ok = await upgrade(tokenReader);
    assert.equal(ok.status, 101);
    assert.equal(ok.echoed, 'ping-through-proxy');
    assert.equal(ok.headers['x-seen-user'], 'system:serviceaccount:default:reader');
    assert.equal(ok.headers['x-seen-authorization'], 'no');
    assert.equal((await upgrade()).status, 401);
    assert.equal((await upgrade(tokenNobody)).status, 403);
  });

  test('config file: resourceAttributes with the verb from the method, static rules, allow-paths 404', async () => {
    const ok = await viaProxy('/api/x', { token: tokenReader }, resourceProxy);
    assert.equal(ok.status, 200, ok.body);
    const denied = await viaProxy('/api/x', { token: tokenReader, method: 'POST', body: '{}' }, resourceProxy);
    assert.equal(denied.status, 403);
    const s = JSON.parse(denied.body) as { message: string; details: Record<string, string> };
    assert.match(
      s.message,
      /^services "my-app" is forbidden: User "system:serviceaccount:default:reader" cannot create resource "services\/proxy" in API group "" in the namespace "default"/,
    );
    assert.deepEqual(s.details, { name: 'my-app', kind: 'services' });
    assert.equal((await viaProxy('/exact', { token: tokenReader }, resourceProxy)).status, 200);
    const notAllowed = await viaProxy('/metrics', { token: tokenReader }, resourceProxy);
    assert.equal(notAllowed.status, 404);
    assert.equal((await viaProxy('/api/x/y', {}, resourceProxy)).status, 404);
  });

  test('https upstream with --upstream-ca-file and a path prefix; 502 when the upstream is down', async () => {
    const ca = await createCa('upstream-ca', 1);
    const leaf = await issueServingCert(ca, { sans: ['localhost'] });
    const tlsUpstream = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, host: req.headers.host, user: req.headers['x-remote-user'] }));
    });
    await new Promise<void>((r) => tlsUpstream.listen(0, '127.0.0.1', r));
    const port = (tlsUpstream.address() as AddressInfo).port;
    const caFile = join(dataDir, 'upstream-ca.pem');
    writeFileSync(caFile, ca.certPem);
    const common = [
      '--secure-listen-address=127.0.0.1:0',
      `--kubeconfig=${join(dataDir, 'admin.kubeconfig')}`,
      '--auth-token-audiences=proxy-audience',
      '--auth-header-fields-enabled',
    ];
    const p = await startProxy(
      parseProxyOptions([`--upstream=https://localhost:${port}/prefix/`, `--upstream-ca-file=${caFile}`, ...common]),
    );
    try {
      const r = await viaProxy('/data/x?a=b', { token: tokenReader, headers: { host: 'app.example' } }, p);
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), {
        url: '/prefix/data/x?a=b',
        host: 'app.example',
        user: 'system:serviceaccount:default:reader',
      });
    } finally {
      await p.close();
      await new Promise<void>((r) => {
        tlsUpstream.close(() => r());
        tlsUpstream.closeAllConnections();
      });
    }
    const down = await startProxy(
      parseProxyOptions([`--upstream=https://localhost:${port}/`, `--upstream-ca-file=${caFile}`, ...common]),
    );
    try {
      const r = await viaProxy('/data/x', { token: tokenReader }, down);
      assert.equal(r.status, 502);
    } finally {
      await down.close();
    }
  });

  test('config file rewrites: byQueryParameter templates {{ .Value }} into the attributes', async () => {
    const configFile = join(dataDir, 'rewrites.yaml');
    writeFileSync(
      configFile,
      [
        'authorization:',
        '  rewrites:',
        '    byQueryParameter:',
        '      name: namespace',
        '  resourceAttributes:',
        '    resource: pods',
        '    namespace: "{{ .Value }}"',
        '',
      ].join('\n'),
    );
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      metadata: { name: 'reader-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'default' }],
    });
    const p = await startProxy(
      parseProxyOptions([
        `--upstream=${upstreamUrl}`,
        '--secure-listen-address=127.0.0.1:0',
        `--kubeconfig=${join(dataDir, 'admin.kubeconfig')}`,
        '--auth-token-audiences=proxy-audience',
        `--config-file=${configFile}`,
      ]),
    );
    try {
      assert.equal((await viaProxy('/q?namespace=default', { token: tokenReader }, p)).status, 200);
      const other = await viaProxy('/q?namespace=default&namespace=kube-system', { token: tokenReader }, p);
      assert.equal(other.status, 403);
      assert.match(other.body, /cannot get resource \\"pods\\" in API group \\"\\" in the namespace \\"kube-system\\"/);
      const none = await viaProxy('/q', { token: tokenReader }, p);
      assert.equal(none.status, 403);
      assert.match(none.body, /No attribute combination matched/);
    } finally {
      await p.close();
    }
  });

  test('a token bound to a Pod is refused once the Pod is deleted and the cache TTL (1s here) has passed', async () => {
    const pod = (await api('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'bound-pod' },
      spec: { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'busybox' }] },
    })) as { metadata: { uid: string } };
    const token = await mintToken('reader', 'proxy-audience', { name: 'bound-pod', uid: pod.metadata.uid });
    assert.equal((await viaProxy('/data/bound', { token })).status, 200);
    await api('DELETE', '/api/v1/namespaces/default/pods/bound-pod');
    await kube.settle();
    const cached = await viaProxy('/data/bound', { token });
    // Within the TTL the cached TokenReview still admits the token (the documented revocation delay).
    assert.equal(cached.status, 200);
    clock += 1001;
    const r = await viaProxy('/data/bound', { token });
    assert.equal(r.status, 401);
  });
});

/** The file a naive static server would serve for a target: decoded, then dot segments resolved. */
function naiveFilePath(target: string): string | undefined {
  try {
    return posix.normalize(decodeURIComponent(target.split(/[?#]/)[0]!));
  } catch {
    return undefined;
  }
}

describe('proxy flags and config', () => {
  test('TLS flags with component-base names and errors; klog flags accepted, the removed ones listed', () => {
    const base = ['--upstream=http://127.0.0.1:8080/'];
    const d = parseProxyOptions(base);
    assert.equal(d.tlsMinVersion, 'TLSv1.2', "kube-rbac-proxy's default VersionTLS12");
    assert.equal(d.tlsCiphers, undefined);
    assert.equal(d.tlsReloadIntervalMs, 60_000);
    assert.equal(parseProxyOptions([...base, '--tls-min-version=VersionTLS13']).tlsMinVersion, 'TLSv1.3');
    assert.equal(parseProxyOptions([...base, '--tls-min-version=']).tlsMinVersion, 'TLSv1.2', 'empty: the default');
    for (const bad of ['TLS13', 'toString', '__proto__']) {
      assert.throws(
        () => parseProxyOptions([...base, `--tls-min-version=${bad}`]),
        new RegExp(`^Error: unknown tls version "${bad}"$`),
      );
    }
    const c = parseProxyOptions([
      ...base,
      '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
    ]);
    assert.equal(
      c.tlsCiphers,
      'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305',
    );
    assert.throws(
      () => parseProxyOptions([...base, '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_NOPE']),
      /^Error: Cipher suite TLS_NOPE not supported or doesn't exist$/,
    );
    assert.equal(parseProxyOptions([...base, '--tls-reload-interval=250ms']).tlsReloadIntervalMs, 250);
    assert.throws(() => parseProxyOptions([...base, '--tls-reload-interval=0']), /must be positive/);
    const k = parseProxyOptions([...base, '-v=10', '--logtostderr=true', '--log-file', '/tmp/x', '--v', '4']);
    assert.deepEqual(k.removedFlags, ['logtostderr', 'log-file']);
    assert.deepEqual(parseProxyOptions([...base, '-v', '2']).removedFlags, []);
    assert.throws(() => parseProxyOptions([...base, '-x']), /unknown shorthand flag: 'x' in -x/);
  });

  test('kube-rbac-proxy flag rules', () => {
    assert.throws(() => parseProxyOptions([]), /--upstream is required/);
    assert.throws(() => parseProxyOptions(['--upstream=ftp://x']), /http:\/\/ or https:\/\//);
    assert.throws(
      () => parseProxyOptions(['--upstream=http://x', '--allow-paths=/a', '--ignore-paths=/b']),
      /cannot use --allow-paths and --ignore-paths together/,
    );
    const o = parseProxyOptions(['--upstream=http://127.0.0.1:8080/']);
    assert.equal(o.listenHost, '127.0.0.1');
    assert.equal(o.listenPort, 8443);
    assert.deepEqual(o.authHeader, {
      enabled: false,
      userFieldName: 'x-remote-user',
      groupsFieldName: 'x-remote-groups',
      groupsSeparator: '|',
    });
    assert.equal(o.cacheTtlMs, undefined);
  });

  test('path.Match globs', () => {
    assert.ok(compileGlob('/metrics').test('/metrics'));
    assert.ok(compileGlob('/api/*').test('/api/v1'));
    assert.ok(!compileGlob('/api/*').test('/api/v1/x'));
    assert.ok(compileGlob('/a?c').test('/abc'));
    assert.ok(compileGlob('/[a-c]x').test('/bx'));
    assert.ok(!compileGlob('/[^a-c]x').test('/bx'));
    assert.ok(!compileGlob('/m.trics').test('/metrics'));
  });

  test('static authorization entries', () => {
    const user = { username: 'u', uid: '', groups: ['g1', 'system:authenticated'], extra: {} };
    const res = { resourceAttributes: { verb: 'get', resource: 'services', namespace: 'ns', name: 'a' } };
    const nonRes = { nonResourceAttributes: { verb: 'get', path: '/metrics' } };
    assert.ok(staticMatches({ user: { name: 'u' } }, user, res));
    assert.ok(staticMatches({ user: { groups: ['g1'] }, resourceRequest: true, verb: 'get' }, user, res));
    assert.ok(!staticMatches({ user: { name: 'v' } }, user, res));
    assert.ok(!staticMatches({ user: { name: 'u' }, resourceRequest: false }, user, res));
    assert.ok(staticMatches({ user: { name: 'u' }, resourceRequest: false, path: '/metrics' }, user, nonRes));
    assert.ok(!staticMatches({ user: { name: 'u' }, path: '/other' }, user, nonRes));
    assert.ok(!staticMatches({ namespace: 'other' }, user, res));
  });

  test('config file parsing', () => {
    const c = parseAuthorizationConfig(
      'authorization:\n  resourceAttributes:\n    namespace: ns\n    apiGroup: g\n    resource: r\n  static:\n  - user: {name: u}\n    verb: get\n',
    );
    assert.deepEqual(c, {
      resourceAttributes: { namespace: 'ns', apiGroup: 'g', resource: 'r' },
      static: [{ user: { name: 'u', groups: [] }, verb: 'get' }],
    });
    assert.throws(() => parseAuthorizationConfig('authorization:\n  rewrites: {}\n'), /needs byQueryParameter/);
    assert.throws(
      () => parseAuthorizationConfig('authorization:\n  rewrites: {byHttpHeader: {name: x}}\n'),
      /needs authorization.resourceAttributes/,
    );
  });
});
