// The HTTPS listener: HTTP/2 with the HTTP/1.1 fallback, sized and timed like kube-apiserver's secure serving
// (k8s.io/apiserver/pkg/server/secure_serving.go).
import { createSecureServer, type Http2SecureServer, type Http2Session } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

/**
 * kube-apiserver's `ReadHeaderTimeout: 32 * time.Second` ("just shy of requestTimeoutUpperBound"); Go's
 * http.Server bounds the TLS handshake by the same deadline (tlsHandshakeTimeout takes the smallest read
 * timeout set).
 */
export const readHeaderTimeoutMs = 32_000;

export interface ListenerOptions {
  cert: string;
  key: string;
  /** CAs for client certificates (requested, verified by the authenticator, never required by TLS). */
  ca: string;
  /** Time a connection has to finish its TLS handshake and then its (first) request headers. Tests shorten it. */
  readHeaderTimeoutMs?: number;
}

type Listener = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void;

export function createListener(o: ListenerOptions, listener: Listener): Http2SecureServer {
  const timeout = o.readHeaderTimeoutMs ?? readHeaderTimeoutMs;
  const server = createSecureServer(
    {
      allowHTTP1: true,
      settings: { maxHeaderListSize: 1 << 20 },
      cert: o.cert,
      key: o.key,
      ca: o.ca,
      requestCert: true,
      rejectUnauthorized: false,
      // A TCP connection that never starts (or finishes) TLS (node's default is 120 s).
      handshakeTimeout: timeout,
      // Go's HTTP/2 server keeps a header value with surrounding whitespace (bearertoken trims it), where
      // nghttp2's RFC 9113 check drops the field silently, which would turn `Authorization: Bearer x ` into no
      // credential at all. Node >= 24.2 honours this; older runtimes ignore it (see chain.ts).
      strictFieldWhitespaceValidation: false,
    } as Parameters<typeof createSecureServer>[0],
    listener as Parameters<typeof createSecureServer>[1],
  );
  // Go's http.DefaultMaxHeaderBytes (1 MiB): large bearer tokens get a 401, not a 431. The HTTP/1.1
  // fallback's parser reads maxHeaderSize from the server object.
  const h1 = server as unknown as {
    maxHeaderSize: number;
    headersTimeout: number;
    connectionsCheckingInterval: number;
  };
  h1.maxHeaderSize = 1 << 20;
  // HTTP/1.1: node checks header deadlines on an interval (30 s by default, on top of a 60 s headersTimeout);
  // a finer interval keeps the close near the deadline. Only unfinished headers are timed: a watch, whose
  // request is complete, is never cut by this. (requestTimeout, node's bound on receiving a whole request,
  // stays at its default: it too ends when the request has been read.)
  h1.headersTimeout = timeout;
  h1.connectionsCheckingInterval = Math.min(1000, Math.max(10, Math.floor(timeout / 32)));
  // HTTP/2: a session that never completes a first HEADERS block (no preface, no frames, or a header block
  // left open) is closed at the same deadline; once a stream has started, the session is a client's to keep.
  server.on('session', (session: Http2Session) => {
    const t = setTimeout(() => session.destroy(), timeout);
    t.unref();
    const done = () => clearTimeout(t);
    session.once('stream', done);
    session.once('close', done);
  });
  server.on('sessionError', () => undefined);
  server.on('tlsClientError', () => undefined);
  return server;
}
