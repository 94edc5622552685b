// The proxy's client side: a lean HTTP/1.1 server for the requests a reverse proxy sees most, handing every other
// connection to node's http server.
//
// node's http server costs 30–50 µs of CPU per request on a small host (the llhttp bindings, an IncomingMessage and a
// ServerResponse stream per request, a headers object), as much as TLS and the socket calls together. Most proxied
// requests are simple: HTTP/1.1, keep-alive, no body (GET, HEAD, DELETE, OPTIONS). The front answers those itself:
// the head is found with one indexOf, checked with one regular expression and split with indexOf, and the answer
// goes out as one write. A request that is anything else (a body, Upgrade, Expect, `Connection: close`, HTTP/1.0, a
// syntax error, an oversized head) hands the connection over, with every byte read so far, to node's http server,
// which then serves that connection to its end: the edge cases of HTTP/1.1 stay with a parser that has seen them all.
import http from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { writeBatched } from './batch.js';
import { FieldKinds, TCHAR, VALUE_CHAR, isOws } from './http1.js';

/** A client request as the proxy sees it: node's IncomingMessage has these too (the handed-over path). */
export interface FrontRequest {
  readonly method: string;
  /** The request target as sent (origin form on the front's own path). */
  readonly url: string;
  /** Field lines as received: [name, value, name, value, ...], names in the client's spelling, duplicates kept. */
  readonly rawHeaders: readonly string[];
  readonly socket: Socket;
}

/** What the proxy needs of a response: node's ServerResponse has these too. */
export interface ClientResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  readonly writableFinished: boolean;
  /** The status of the head written (200 before any). */
  readonly statusCode: number;
  /**
   * Keeps the head to send it with the first body piece; `headers` is a flat [name, value, ...] list. A
   * `Connection: close` field among them makes this the connection's last response.
   */
  writeHead(status: number, statusMessage: string, headers: string[]): unknown;
  /** Sends the head now (a slow upstream: the client sees it without waiting for the body). */
  flushHeaders(): void;
  /** false: the client is slow, wait for 'drain'. */
  write(chunk: Buffer): boolean;
  end(last?: Buffer | string): unknown;
  destroy(): unknown;
  on(event: 'close' | 'drain' | 'finish', listener: () => void): unknown;
}

export interface FrontOptions {
  /** Serving certificate and key, and the client-certificate settings (node's tls.createServer options). */
  tls: tls.TlsOptions;
  /** A request the front handles itself: no body, HTTP/1.1, keep-alive. */
  onRequest(req: FrontRequest, res: ClientResponse): void;
  /** node's http server that takes every other connection ('request', 'upgrade', 'clientError' set by the caller). */
  fallback: http.Server;
  /** Idle keep-alive connections are closed after this (default 5 s, node's keepAliveTimeout). */
  keepAliveTimeoutMs?: number;
  /** A request head must be complete this long after its first byte (default 60 s, node's headersTimeout). */
  headersTimeoutMs?: number;
  /** Largest request head the front parses (default 16 KiB, node's maxHeaderSize); node answers larger ones. */
  maxHeadBytes?: number;
}

// RFC 9112 §3 request-line and §5 field lines in the form the front accepts: a token method, an origin-form target of
// visible ASCII, HTTP/1.1, CRLF line ends, no obs-fold; field values are RFC 9110 §5.5 (HTAB, SP, VCHAR, obs-text).
// A head that does not match goes to node's parser, which accepts or refuses it as node does.
const REQUEST_HEAD = new RegExp(
  `^[${TCHAR}]+ /[\\x21-\\x7e]* HTTP/1\\.1\\r\\n(?:[${TCHAR}]+:[${VALUE_CHAR}]*\\r\\n)*$`,
);

// Fields that decide whether the front may serve a request. Any of them but Host (once), Connection: keep-alive and
// Content-Length: 0 sends the request to node.
const HOST = 1;
const CONNECTION = 2;
const HAND_OVER = 3; // transfer-encoding, upgrade, expect: node frames or answers these
const CONTENT_LENGTH = 4;
const REQUEST_FIELDS = new FieldKinds([
  ['host', HOST],
  ['connection', CONNECTION],
  ['content-length', CONTENT_LENGTH],
  ['transfer-encoding', HAND_OVER],
  ['upgrade', HAND_OVER],
  ['expect', HAND_OVER],
]);

/** The value of a field line: text[start, end) without leading and trailing whitespace (RFC 9112 §5.1). */
function fieldValue(text: string, start: number, end: number): string {
  while (start < end && isOws(text.charCodeAt(start))) start++;
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** The IMF-fixdate of now, made at most once a second (node's http server does the same). */
let dateText = '';
let dateSecond = -1;
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * Makes a TLS server, ready to listen, whose connections the front serves. `server.close()` stops listening (and
 * closes node's server with it); `closeAllConnections()` ends every connection, the front's and node's.
 */
export function createFront(o: FrontOptions): { server: tls.Server; closeAllConnections(): void } {
  const keepAliveMs = o.keepAliveTimeoutMs ?? 5000;
  const headersMs = o.headersTimeoutMs ?? 60_000;
  const maxHead = o.maxHeadBytes ?? 16 * 1024;
  const keepAliveField = `Keep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n`;
  const connections = new Set<FrontConnection>();
  // Not allowHalfOpen (as https.Server): a TLS socket whose client left mid-handshake would otherwise linger until
  // the handshake timeout, holding up close().
  const server = tls.createServer({ ALPNProtocols: ['http/1.1'], ...o.tls });
  // node's http server tracks its connections' timeouts from 'listening'; it never listens itself.
  o.fallback.emit('listening');

  server.on('secureConnection', (socket: tls.TLSSocket) => {
    connections.add(new FrontConnection(socket));
  });
  // Idle and slow connections, checked once a second rather than with a timer per request.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.checkTimeouts(now);
  }, 1000);
  sweep.unref();
  server.on('close', () => {
    clearInterval(sweep);
    o.fallback.close();
  });

  /** One client connection while the front serves it. */
  class FrontConnection {
    /** Bytes received and not yet parsed, as latin1 text (a byte per character, so they convert back exactly). */
    private pending = '';
    /** When `pending` got the first byte of a request head still incomplete; 0: none. */
    private headSince = 0;
    /** The response in progress; null between requests. */
    current: FrontResponse | null = null;
    private idleSince = Date.now();
    private paused = false;
    /** An answer said `Connection: close`: nothing more is read or served. */
    private closing = false;

    constructor(readonly socket: tls.TLSSocket) {
      socket.setNoDelay(true);
      socket.on('data', this.onData);
      socket.on('end', this.onEnd);
      socket.on('error', this.onError);
      socket.on('close', this.onClose);
      socket.on('drain', this.onDrain);
    }

    private readonly onData = (data: Buffer): void => {
      if (this.closing) return;
      const text = data.toString('latin1');
      this.pending = this.pending.length === 0 ? text : this.pending + text;
      if (this.current !== null) {
        // Pipelined requests: served in order once this answer is out; reading waits when too much has come.
        if (this.pending.length > maxHead && !this.paused) {
          this.paused = true;
          this.socket.pause();
        }
        return;
      }
      this.next();
    };

    // The client closed its side: it is gone, as node's and Go's servers take it. An answer in progress is abandoned
    // (its upstream exchange aborted); what was written before goes out, then the connection closes (the socket
    // ends its side by itself too, as it is not half-open).
    private readonly onEnd = (): void => {
      this.pending = '';
      const r = this.current;
      this.current = null;
      r?.closed();
      this.socket.end();
    };

    private readonly onError = (): void => {
      this.socket.destroy();
    };

    private readonly onClose = (): void => {
      connections.delete(this);
      const r = this.current;
      this.current = null;
      r?.closed();
    };

    private readonly onDrain = (): void => {
      this.current?.drained();
    };

    /** Serves the next complete request in `pending`, or hands the connection over when the front may not. */
    private next(): void {
      const text = this.pending;
      if (text.length === 0) return;
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) {
        if (text.length > maxHead) this.handOver();
        else if (this.headSince === 0) this.headSince = Date.now();
        return;
      }
      this.headSince = 0;
      const req = end + 2 <= maxHead ? this.parse(text, end + 2) : undefined;
      if (req === undefined) return this.handOver();
      this.pending = text.length === end + 4 ? '' : text.slice(end + 4);
      const res = new FrontResponse(this, req.method === 'HEAD');
      this.current = res;
      o.onRequest(req, res);
    }

    /** The request in text[0, headEnd) if the front may serve it (headEnd: after the last field line's CRLF). */
    private parse(text: string, headEnd: number): FrontRequest | undefined {
      const head = headEnd === text.length ? text : text.slice(0, headEnd);
      if (!REQUEST_HEAD.test(head)) return undefined;
      const sp1 = head.indexOf(' ');
      const sp2 = head.indexOf(' ', sp1 + 1);
      const rawHeaders: string[] = [];
      let hosts = 0;
      let at = head.indexOf('\r\n', sp2) + 2;
      while (at < headEnd) {
        const eol = head.indexOf('\r\n', at);
        const colon = head.indexOf(':', at);
        const kind = REQUEST_FIELDS.of(head, at, colon);
        const value = fieldValue(head, colon + 1, eol);
        if (kind !== 0) {
          if (kind === HAND_OVER) return undefined;
          if (kind === HOST && ++hosts > 1) return undefined;
          if (kind === CONNECTION && value.toLowerCase() !== 'keep-alive') return undefined;
          if (kind === CONTENT_LENGTH && value !== '0') return undefined;
        }
        rawHeaders.push(head.slice(at, colon), value);
        at = eol + 2;
      }
      // HTTP/1.1 requires Host (RFC 9112 §3.2); node answers its absence with 400.
      if (hosts === 0) return undefined;
      return { method: head.slice(0, sp1), url: head.slice(sp1 + 1, sp2), rawHeaders, socket: this.socket };
    }

    /** Gives the connection, and every byte not yet served, to node's http server for the rest of its life. */
    private handOver(): void {
      connections.delete(this);
      const socket = this.socket;
      socket.pause();
      socket.off('data', this.onData);
      socket.off('end', this.onEnd);
      socket.off('error', this.onError);
      socket.off('close', this.onClose);
      socket.off('drain', this.onDrain);
      if (this.pending.length > 0) socket.unshift(Buffer.from(this.pending, 'latin1'));
      this.pending = '';
      // node's server would read the TLS stream natively, past the bytes given back above; read through JS instead.
      const handle = (socket as unknown as { _handle?: { _consumed?: boolean } })._handle;
      if (handle) handle._consumed = true;
      o.fallback.emit('connection', socket);
      socket.resume();
    }

    /** The response in progress is complete: the next request, if one came. */
    finished(): void {
      this.current = null;
      this.idleSince = Date.now();
      if (this.paused) {
        this.paused = false;
        this.socket.resume();
      }
      this.next();
    }

    /** The response in progress was the last: the connection ends once it is written (RFC 9112 §9.6). */
    close(): void {
      this.closing = true;
      this.current = null;
      this.pending = '';
      // end() uncorks a socket held by writeBatched first, so the answer goes out before the FIN.
      this.socket.end();
    }

    checkTimeouts(now: number): void {
      if (this.current !== null) return;
      if (this.headSince !== 0) {
        // node's answer to a slow head (slowloris), then close.
        if (now - this.headSince >= headersMs) {
          this.socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
          this.socket.destroySoon();
        }
      } else if (this.pending.length === 0 && now - this.idleSince >= keepAliveMs) {
        this.socket.destroy();
      }
    }
  }

  /** One response on a front connection. */
  class FrontResponse implements ClientResponse {
    headersSent = false;
    destroyed = false;
    writableFinished = false;
    private status = 200;
    private message = 'OK';
    private fields: string[] = [];
    /** The head sent, its body is chunked (no length was known when it went). */
    private chunked = false;
    /** The fields carry `Connection: close`: the connection ends with this response. */
    private closeAfter = false;
    private onClose: (() => void) | undefined;
    private onDrain: (() => void) | undefined;
    private onFinish: (() => void) | undefined;

    constructor(
      private readonly conn: FrontConnection,
      /** HEAD: the answer has no body whatever its fields say. */
      private readonly isHead: boolean,
    ) {}

    get statusCode(): number {
      return this.status;
    }

    writeHead(status: number, statusMessage: string, headers: string[]): this {
      this.status = status;
      this.message = statusMessage;
      this.fields = headers;
      return this;
    }

    on(event: 'close' | 'drain' | 'finish', listener: () => void): this {
      if (event === 'close') this.onClose = listener;
      else if (event === 'finish') this.onFinish = listener;
      else this.onDrain = listener;
      return this;
    }

    flushHeaders(): void {
      if (!this.headersSent && !this.destroyed) this.conn.socket.write(this.head(-1), 'latin1');
    }

    write(chunk: Buffer): boolean {
      if (this.destroyed || this.writableFinished) return false;
      const socket = this.conn.socket;
      if (!this.headersSent) return socket.write(this.withHead(this.head(-1), chunk));
      if (this.bodyless()) return true;
      if (!this.chunked) return socket.write(chunk);
      return socket.write(this.withHead(`${chunk.length.toString(16)}\r\n`, chunk, '\r\n'));
    }

    end(last?: Buffer | string): this {
      if (this.destroyed || this.writableFinished) return this;
      const socket = this.conn.socket;
      const body = typeof last === 'string' ? Buffer.from(last) : last;
      const length = body?.length ?? 0;
      if (!this.headersSent) {
        const head = this.head(length);
        if (length > 0 && !this.bodyless()) writeBatched(socket, this.withHead(head, body!));
        else writeBatched(socket, head);
      } else if (this.chunked) {
        socket.write(
          length > 0 ? this.withHead(`${length.toString(16)}\r\n`, body!, '\r\n0\r\n\r\n') : '0\r\n\r\n',
          'latin1',
        );
      } else if (length > 0 && !this.bodyless()) socket.write(body!);
      this.writableFinished = true;
      this.onFinish?.();
      if (this.closeAfter) this.conn.close();
      else this.conn.finished();
      return this;
    }

    destroy(): this {
      if (!this.destroyed) {
        this.destroyed = true;
        this.conn.socket.destroy();
      }
      return this;
    }

    /** The client connection closed while this response was in progress. */
    closed(): void {
      this.destroyed = true;
      this.onClose?.();
    }

    drained(): void {
      this.onDrain?.();
    }

    private bodyless(): boolean {
      const s = this.status;
      return this.isHead || s === 204 || s === 304 || s < 200;
    }

    /**
     * The response head. `length` ≥ 0: the whole body's length, known because the answer is complete (sent as
     * Content-Length unless the fields carry one); -1: body to follow, chunked unless the fields carry a length.
     */
    private head(length: number): string {
      this.headersSent = true;
      const f = this.fields;
      let fields = '';
      let hasLength = false;
      let hasDate = false;
      for (let i = 0; i + 1 < f.length; i += 2) {
        const name = f[i]!;
        if (name.length === 14 && name.toLowerCase() === 'content-length') hasLength = true;
        else if (name.length === 4 && name.toLowerCase() === 'date') hasDate = true;
        else if (name.length === 10 && name.toLowerCase() === 'connection' && f[i + 1]!.toLowerCase() === 'close') {
          this.closeAfter = true;
        }
        fields += `${name}: ${f[i + 1]!}\r\n`;
      }
      if (!hasDate) fields += `Date: ${httpDate()}\r\n`;
      if (!hasLength && !this.bodyless()) {
        if (length >= 0) fields += `Content-Length: ${length}\r\n`;
        else {
          this.chunked = true;
          fields += 'Transfer-Encoding: chunked\r\n';
        }
      }
      const persist = this.closeAfter ? '' : `Connection: keep-alive\r\n${keepAliveField}`;
      return `HTTP/1.1 ${this.status} ${this.message}\r\n${fields}${persist}\r\n`;
    }

    /** `before` (latin1) + `chunk` + `after` as one buffer: one write, one TLS record. */
    private withHead(before: string, chunk: Buffer, after = ''): Buffer {
      const out = Buffer.allocUnsafe(before.length + chunk.length + after.length);
      out.write(before, 0, 'latin1');
      chunk.copy(out, before.length);
      if (after.length > 0) out.write(after, before.length + chunk.length, 'latin1');
      return out;
    }
  }

  return {
    server,
    closeAllConnections(): void {
      for (const c of connections) c.socket.destroy();
      connections.clear();
      o.fallback.closeAllConnections();
    },
  };
}
