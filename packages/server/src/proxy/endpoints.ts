// --proxy-endpoints-port: the proxy's own endpoints (`/healthz`) on a second HTTPS port, for kubelet probes that
// must not need a token. kube-rbac-proxy serves them with a copy of its secure-serving options (the host of
// --secure-listen-address, the same certificate and TLS settings, no client-certificate request) and a ServeMux with
// one route, `/healthz` → "ok" (cmd/kube-rbac-proxy/app/kube-rbac-proxy.go). `/metrics` serves the proxy's own
// metrics (./metrics.ts) to a bearer token allowed the non-resource URL, as every path of the proxy is checked; on
// the proxied port `/metrics` belongs to the upstream (the usual reason for the proxy is an exporter's /metrics).
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { SecureContextOptions } from 'node:tls';

const HEALTHZ = '/healthz';
const TEXT = 'text/plain; charset=utf-8';
const METRICS = '/metrics';
const PROM = 'text/plain; version=0.0.4; charset=utf-8';

async function serveMetrics(
  m: MetricsEndpoint,
  req: http2.Http2ServerRequest,
  res: http2.Http2ServerResponse,
): Promise<void> {
  const refused = await m.check(req.method ?? 'GET', req.headers.authorization);
  if (refused) {
    res.writeHead(refused.status, { ...refused.headers, 'content-length': String(Buffer.byteLength(refused.body)) });
    res.end(refused.body);
    return;
  }
  const body = await m.text();
  res.writeHead(200, { 'content-type': PROM, 'content-length': String(Buffer.byteLength(body)) });
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

/** The proxy's metrics and how a request for them is checked (undefined: allowed; else the error answer). */
export interface MetricsEndpoint {
  check(
    method: string,
    authorization: string | undefined,
  ): Promise<{ status: number; headers: Readonly<Record<string, string>>; body: string } | undefined>;
  text(): Promise<string>;
}

export interface EndpointsServer {
  /** HTTP/2 and HTTP/1.1 over TLS (Go's server offers both by ALPN); not listening yet. */
  readonly server: http2.Http2SecureServer;
  /** Stops listening and ends every connection (probes keep theirs alive); `done` once all are closed. */
  close(done: () => void): void;
}

/**
 * Any method on `/healthz` (the query aside) gets 200 "ok" with the Content-Type Go's `Write` sniffs for it; every
 * other path Go's `NotFound`. `tls`: the serving context options (certificate, key, minimum version, ciphers).
 */
export function createEndpointsServer(tls: SecureContextOptions, metrics?: MetricsEndpoint): EndpointsServer {
  const server = http2.createSecureServer({ ...tls, allowHTTP1: true });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    const target = req.url ?? '';
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    if (metrics && path === METRICS) {
      serveMetrics(metrics, req, res).catch(() => res.destroy());
      return;
    }
    const healthz = path === HEALTHZ;
    const body = healthz ? 'ok' : '404 page not found\n';
    res.writeHead(healthz ? 200 : 404, {
      'content-type': TEXT,
      ...(healthz ? {} : { 'x-content-type-options': 'nosniff' }),
      'content-length': String(body.length),
    });
    if (req.method === 'HEAD') res.end();
    else res.end(body);
  });
  // A client that fails the handshake or breaks the protocol loses its connection; the server goes on.
  server.on('tlsClientError', () => {});
  server.on('sessionError', () => {});
  return {
    server,
    close(done) {
      server.close(() => done());
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}
