// The proxy's HTTP/1.1 client: a keep-alive connection pool for one upstream origin on raw net/tls sockets.
//
// node's http.request cost ~100 µs of CPU per request on a small host (ClientRequest and IncomingMessage streams, the
// llhttp bindings, the Agent's bookkeeping). This client does only what a reverse proxy needs, for a fraction of
// that: the request head is written as one string, the response head is found with one indexOf and parsed from a
// latin1 string, and body bytes are handed on as views of the socket's buffers, never collected. Framing follows
// RFC 9112 (HTTP/1.1); one request at a time per connection, no pipelining.
import net from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import { writeBatched } from './batch.js';
import { FieldKinds, TCHAR, VALUE_CHAR, isOws, sameLowerCase } from './http1.js';

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection and are never forwarded. The pool drops them
 * (and any field named in Connection) from responses; the proxy drops them from requests before calling it.
 */
export const HOP_BY_HOP_FIELDS: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

export interface UpstreamOptions {
  /** The origin: `http:` or `https:`, host and port (a path is ignored: requests carry their own target). */
  url: URL;
  /** https: the CA bundle (PEM) to verify the upstream with, instead of node's root store. */
  ca?: string;
  /** https: a client certificate and key (PEM). */
  cert?: string;
  key?: string;
  /** https: verify the upstream's certificate (default true). */
  rejectUnauthorized?: boolean;
  /** Idle keep-alive connections kept at most (default 256); a connection coming free beyond that is closed. */
  maxIdle?: number;
  /** Largest response head, and largest trailer section, in bytes (default 64 KiB). */
  maxHeadBytes?: number;
}

export type OutgoingHeaders = Record<string, string | readonly string[] | undefined>;

export interface UpstreamRequest {
  method: string;
  /** The request target in origin form: path and query. */
  target: string;
  /**
   * The fields to send, hop-by-hop ones already removed: a record (an array value is sent as one field line per
   * element) or a flat [name, value, ...] list, as node's rawHeaders. The pool owns the message framing:
   * Content-Length and Transfer-Encoding given here are ignored, it writes its own from `body` / `bodyLength`.
   * Without Host, the upstream's host:port is sent.
   */
  headers: OutgoingHeaders | readonly string[];
  /** The request body, streamed with backpressure; absent: no body. */
  body?: Readable;
  /** The body's length in bytes, sent as Content-Length; absent (with a body): the body is sent chunked. */
  bodyLength?: number;
}

/** Receives one response. After onEnd or onError nothing more is called; after abort() nothing at all. */
export interface ResponseHandler {
  /**
   * The final response head (1xx informational responses are skipped): `headers` is a flat [name, value, ...] list
   * in the upstream's order and spelling, duplicates kept, without hop-by-hop fields and fields named in Connection.
   * Body bytes that arrived in the same packet follow synchronously (onData / onEnd).
   */
  onHead(status: number, statusMessage: string, headers: string[]): void;
  /** The head arrived without any body bytes and the body is still to come (a slow or streaming upstream). */
  onHeadAlone(): void;
  /** A piece of the body (de-chunked); a view of the socket's buffer, valid as long as the caller keeps it. */
  onData(chunk: Buffer): void;
  /** The response is complete; `last` is its final body piece when that arrived with the end (one write less). */
  onEnd(last: Buffer | undefined): void;
  /** The exchange failed: before the head (nothing was delivered) or mid-body. */
  onError(error: Error): void;
}

/** A protocol violation by the upstream (malformed or oversized response, broken framing). */
export class UpstreamProtocolError extends Error {
  override name = 'UpstreamProtocolError';
}

// Parser states of one exchange.
const HEAD = 0; // reading a response head
const LENGTH = 1; // Content-Length body: `remaining` bytes to go
const CHUNK_SIZE = 2; // chunked: reading a chunk-size line
const CHUNK_DATA = 3; // chunked: `remaining` bytes of chunk data to go
const CHUNK_END = 4; // chunked: the CRLF after chunk data
const TRAILERS = 5; // chunked: the trailer section after the last chunk
const UNTIL_CLOSE = 6; // no framing: the body ends when the upstream closes
const DONE = 7;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
/** A chunk-size line (size and extensions) longer than this is refused, as node's parser does. */
const MAX_CHUNK_LINE = 16 * 1024;

// RFC 9112 §4 status-line and §5 field lines, the whole head checked with one regular expression (V8 runs it in
// native code; lines are then split with indexOf). field-value characters are RFC 9110 §5.5 (HTAB, SP, VCHAR,
// obs-text); obs-fold continuation lines are refused (§5.2 allows a proxy to reject them). The reason phrase
// after the status code may be absent, with or without its SP.
const HEAD_SYNTAX = new RegExp(
  `^HTTP/1\\.[01] [1-9][0-9][0-9](?: [${VALUE_CHAR}]*)?\\r\\n(?:[${TCHAR}]+:[${VALUE_CHAR}]*\\r\\n)*$`,
);
/**
 * A character that may not appear anywhere in a request head: controls other than HTAB (CR and LF are checked per
 * field value), DEL, and anything beyond latin1. Listing the bad characters runs twice as fast as a negated class.
 */
const INVALID_HEAD_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0100-\uffff]/;
/** Not in a request target: whitespace, controls, beyond latin1 (node's http.request refused the same). */
const INVALID_TARGET_CHAR = /[^\x21-\x7e\x80-\xff]/;

const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN[c.charCodeAt(0)] = 1;
}

/** RFC 9110 §5.6.2 token (method, field name). */
function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] === 0) return false;
  }
  return true;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

// What the response parser does with a field, by name: most fields are none of these, and are told apart by their
// length alone (no lower-cased copy, no hashing of a new string per field line).
const OTHER = 0; // end-to-end: passed on
const HOP = 1; // hop-by-hop: dropped
const CONNECTION = 2;
const KEEP_ALIVE = 3;
const TRANSFER_ENCODING = 4;
const CONTENT_LENGTH = 5; // passed on, and frames the body
const KINDS: Readonly<Record<string, number>> = {
  connection: CONNECTION,
  'keep-alive': KEEP_ALIVE,
  'transfer-encoding': TRANSFER_ENCODING,
  'content-length': CONTENT_LENGTH,
};
const RESPONSE_FIELDS = new FieldKinds(
  [...HOP_BY_HOP_FIELDS, 'content-length'].map((name) => [name, KINDS[name] ?? HOP] as const),
);

// Methods whose requests carry no content by definition; others get `Content-Length: 0` when sent without a body
// (RFC 9110 §8.6 "SHOULD", and what node's http.request did).
const NO_CONTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
// RFC 9110 §9.2.2; RFC 9112 §9.3.1: a proxy MUST NOT automatically retry non-idempotent requests.
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** A keep-alive HTTP/1.1 connection pool for one upstream origin. */
export class UpstreamPool {
  readonly maxHeadBytes: number;
  private readonly maxIdle: number;
  /** Idle connections, most recently used last (taken LIFO: the warmest socket, the others may time out). */
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly hostField: string;
  private readonly connectOptions: net.NetConnectOpts | tls.ConnectionOptions;
  private readonly secure: boolean;
  private destroyed = false;

  constructor(o: UpstreamOptions) {
    this.secure = o.url.protocol === 'https:';
    if (!this.secure && o.url.protocol !== 'http:') throw new TypeError(`unsupported upstream ${o.url.href}`);
    this.maxIdle = o.maxIdle ?? 256;
    this.maxHeadBytes = o.maxHeadBytes ?? 64 * 1024;
    const host = o.url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(o.url.port) || (this.secure ? 443 : 80);
    this.hostField = `Host: ${o.url.host}\r\n`;
    this.connectOptions = this.secure
      ? {
          host,
          port,
          // The upstream's identity is its --upstream host; SNI carries no IP address (RFC 6066 §3), so '' then
          // (node then checks the certificate against the IP).
          servername: net.isIP(host) ? '' : host,
          // One secure context for all connections: the PEM is parsed once, and bad PEM fails here, at start-up.
          secureContext: tls.createSecureContext({
            ...(o.ca !== undefined ? { ca: o.ca } : {}),
            ...(o.cert !== undefined ? { cert: o.cert } : {}),
            ...(o.key !== undefined ? { key: o.key } : {}),
          }),
          rejectUnauthorized: o.rejectUnauthorized ?? true,
        }
      : { host, port };
  }

  /** Connections open (idle and busy). */
  get connections(): number {
    return this.all.size;
  }

  /** Idle keep-alive connections. */
  get idleConnections(): number {
    return this.idle.length;
  }

  /** destroy() was called. */
  get closed(): boolean {
    return this.destroyed;
  }

  /**
   * Sends a request; the response goes to `handler`. Throws a TypeError (and sends nothing) when the method, target
   * or a field is not valid HTTP: CR, LF or NUL in a value, characters beyond latin1, a name that is no token.
   */
  request(r: UpstreamRequest, handler: ResponseHandler): UpstreamExchange {
    const length = r.bodyLength;
    if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
      throw new TypeError(`invalid body length ${length}`);
    }
    const body = r.body !== undefined && length !== 0 ? r.body : undefined;
    const head = this.head(r, body !== undefined && length === undefined);
    const exchange = new UpstreamExchange(
      this,
      handler,
      head,
      r.method === 'HEAD',
      body === undefined && IDEMPOTENT_METHODS.has(r.method),
      body,
      length ?? -1,
    );
    if (this.destroyed) process.nextTick(() => handler.onError(new Error('the upstream connection pool is closed')));
    else exchange.start(this.acquire());
    return exchange;
  }

  /** Closes every connection, idle or busy (busy exchanges fail); later requests fail. */
  destroy(): void {
    this.destroyed = true;
    this.idle.length = 0;
    for (const c of this.all) c.socket.destroy();
    this.all.clear();
  }

  /** The request head: request line, fields, framing, empty line (RFC 9112 §3, §2.1). */
  private head(r: UpstreamRequest, chunked: boolean): string {
    if (!isToken(r.method)) throw new TypeError(`invalid HTTP method ${JSON.stringify(r.method)}`);
    const target = r.target;
    if (target.length === 0 || INVALID_TARGET_CHAR.test(target)) {
      throw new TypeError(`invalid request target ${JSON.stringify(target)}`);
    }
    let fields = '';
    let hasHost = false;
    /** The line(s) of one field, or none for a framing field (the framing is ours). */
    const add = (name: string, value: string | readonly string[]) => {
      const n = name.length;
      if (n === 4 || n === 14 || n === 17) {
        const lower = name.toLowerCase();
        if (lower === 'host') hasHost = true;
        else if (lower === 'content-length' || lower === 'transfer-encoding') return;
      }
      if (!isToken(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
      if (typeof value === 'string') fields += fieldLine(name, value);
      else for (const v of value) fields += fieldLine(name, v);
    };
    const headers = r.headers;
    if (isFlatList(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i]!, headers[i + 1]!);
    } else {
      for (const name in headers) {
        const value = headers[name];
        if (value !== undefined) add(name, value);
      }
    }
    if (chunked) fields += 'transfer-encoding: chunked\r\n';
    else if (r.bodyLength !== undefined && r.body !== undefined) fields += `content-length: ${r.bodyLength}\r\n`;
    else if (!NO_CONTENT_METHODS.has(r.method)) fields += 'content-length: 0\r\n';
    // RFC 9112 §3.2: Host is required, and goes first.
    const head = `${r.method} ${target} HTTP/1.1\r\n${hasHost ? '' : this.hostField}${fields}\r\n`;
    // Values came from node's parser or from the proxy; beyond latin1 a character would be truncated to a byte.
    if (INVALID_HEAD_CHAR.test(head)) throw new TypeError('invalid character in the request head');
    return head;
  }

  private acquire(): Connection {
    const idle = this.idle;
    let now = 0;
    while (idle.length > 0) {
      const c = idle.pop()!;
      c.idle = false;
      // Past the upstream's announced keep-alive timeout the upstream may close it as we write: take another.
      if (c.socket.destroyed || (c.expiresAt !== Infinity && c.expiresAt <= (now ||= Date.now()))) {
        c.destroy();
        continue;
      }
      c.socket.ref();
      return c;
    }
    return this.connect();
  }

  // The rest is for UpstreamExchange and Connection.

  /** A new connection (requests written before it is established are queued by the socket). */
  connect(): Connection {
    const socket = this.secure
      ? tls.connect(this.connectOptions as tls.ConnectionOptions)
      : net.connect(this.connectOptions as net.NetConnectOpts);
    const c = new Connection(this, socket);
    this.all.add(c);
    return c;
  }

  /** A connection whose exchange completed cleanly: kept for the next request, or closed. */
  release(c: Connection, keepAliveMs: number): void {
    if (this.destroyed || this.idle.length >= this.maxIdle || c.socket.destroyed) {
      c.destroy();
      return;
    }
    c.reused = true;
    c.expiresAt = keepAliveMs === Infinity ? Infinity : Date.now() + keepAliveMs;
    c.idle = true;
    // An idle pooled connection does not keep the process alive (as node's Agent).
    c.socket.unref();
    this.idle.push(c);
  }

  forget(c: Connection): void {
    this.all.delete(c);
    if (c.idle) {
      c.idle = false;
      const i = this.idle.lastIndexOf(c);
      if (i !== -1) this.idle.splice(i, 1);
    }
  }
}

function isFlatList(h: OutgoingHeaders | readonly string[]): h is readonly string[] {
  return Array.isArray(h);
}

function fieldLine(name: string, value: string): string {
  if (value.indexOf('\r') !== -1 || value.indexOf('\n') !== -1) {
    throw new TypeError(`invalid value for header ${JSON.stringify(name)}`);
  }
  return `${name}: ${value}\r\n`;
}

/** One socket; its listeners are set once and dispatch to the exchange in progress, if any. */
class Connection {
  exchange: UpstreamExchange | null = null;
  /** In the pool's idle list. */
  idle = false;
  /** Has completed an exchange (so it may have gone stale while idle). */
  reused = false;
  /** When the upstream may close it (its Keep-Alive timeout hint, less a second); Infinity: no hint. */
  expiresAt = Infinity;

  constructor(
    private readonly pool: UpstreamPool,
    readonly socket: net.Socket,
  ) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('drain', this.onDrain);
  }

  destroy(): void {
    this.pool.forget(this);
    this.socket.destroy();
  }

  private readonly onData = (data: Buffer): void => {
    if (this.exchange !== null) this.exchange.receive(data);
    else this.destroy(); // bytes nobody asked for (an idle connection): the stream is out of step
  };

  private readonly onEnd = (): void => {
    if (this.exchange !== null) this.exchange.eof();
    else this.destroy();
  };

  private readonly onError = (err: Error): void => {
    if (this.exchange !== null) this.exchange.fail(err);
    this.destroy();
  };

  private readonly onClose = (): void => {
    this.pool.forget(this);
    if (this.exchange !== null) this.exchange.fail(new Error('upstream connection closed'));
  };

  private readonly onDrain = (): void => {
    if (this.exchange !== null) this.exchange.drain();
  };
}

/** One request and its response, on one connection (two if a stale pooled connection made it retry). */
export class UpstreamExchange {
  /** The connection while the exchange is in progress; null once it completed, failed or was aborted. */
  private conn: Connection | null = null;
  private state = HEAD;
  /** Bytes of an incomplete head, chunk-size line, chunk CRLF or trailer section, waiting for the next packet. */
  private pending: Buffer | null = null;
  /** Bytes left in the Content-Length body or the current chunk. */
  private remaining = 0;
  /** The latest body piece, passed on when the next one comes or the packet is done, or as onEnd's `last`. */
  private held: Buffer | null = null;
  /** Body bytes were passed on since the head. */
  private delivered = false;
  private gotBytes = false;
  private retried = false;
  private paused = false;
  private keepAlive = false;
  private keepAliveMs = Infinity;
  private requestDone: boolean;
  private bodySent = 0;
  private bodyPaused = false;
  private bodyListeners: { data: (c: Buffer) => void; end: () => void; close: () => void } | null = null;

  constructor(
    private readonly pool: UpstreamPool,
    private readonly handler: ResponseHandler,
    private readonly head: string,
    private readonly isHeadRequest: boolean,
    /** No body and an idempotent method: may be sent again if a pooled connection turns out stale. */
    private readonly retryable: boolean,
    private readonly body: Readable | undefined,
    /** The body's Content-Length; -1: chunked. */
    private readonly bodyLength: number,
  ) {
    this.requestDone = body === undefined;
  }

  /** Stops reading from the upstream (from the next packet on) until resume(): the caller's backpressure. */
  pause(): void {
    if (this.conn !== null && !this.paused) {
      this.paused = true;
      this.conn.socket.pause();
    }
  }

  resume(): void {
    if (this.paused) {
      this.paused = false;
      this.conn?.socket.resume();
    }
  }

  /** Gives up (the client went away): the connection is closed, not reused, and the handler hears nothing more. */
  abort(): void {
    const conn = this.detach();
    if (conn !== null) conn.destroy();
  }

  start(conn: Connection): void {
    this.conn = conn;
    conn.exchange = this;
    const socket = conn.socket;
    if (this.body === undefined) {
      writeBatched(socket, this.head);
      return;
    }
    // The head and the body's first data in one segment when that is at hand (a small body usually is: it arrived
    // while the proxy was authorizing, and flows on the next tick).
    socket.cork();
    socket.write(this.head, 'latin1');
    const body = this.body;
    const listeners = {
      data: (chunk: Buffer) => this.sendBody(chunk),
      end: () => this.endBody(),
      // A body that closes before its end: the client went away mid-request.
      close: () => this.fail(new Error('the request body was aborted')),
    };
    this.bodyListeners = listeners;
    body.on('data', listeners.data);
    body.on('end', listeners.end);
    body.on('close', listeners.close);
    body.on('error', listeners.close);
    process.nextTick(uncork, socket);
  }

  private sendBody(chunk: Buffer | string): void {
    const socket = this.conn!.socket;
    if (typeof chunk === 'string') chunk = Buffer.from(chunk);
    // A zero-length chunk would end a chunked body (RFC 9112 §7.1).
    if (chunk.length === 0) return;
    let ok: boolean;
    if (this.bodyLength === -1) {
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      ok = socket.write('\r\n', 'latin1');
      socket.uncork();
    } else {
      this.bodySent += chunk.length;
      if (this.bodySent > this.bodyLength) {
        this.fail(new Error('the request body is longer than its Content-Length'));
        return;
      }
      ok = socket.write(chunk);
    }
    if (!ok) {
      this.bodyPaused = true;
      this.body!.pause();
    }
  }

  private endBody(): void {
    if (this.bodyLength === -1) this.conn!.socket.write('0\r\n\r\n', 'latin1');
    else if (this.bodySent !== this.bodyLength) {
      this.fail(new Error('the request body is shorter than its Content-Length'));
      return;
    }
    this.requestDone = true;
    this.detachBody();
  }

  /** The socket drained: let the request body flow again. */
  drain(): void {
    if (this.bodyPaused) {
      this.bodyPaused = false;
      this.body!.resume();
    }
  }

  private detachBody(): void {
    const listeners = this.bodyListeners;
    if (listeners === null) return;
    this.bodyListeners = null;
    const body = this.body!;
    body.off('data', listeners.data);
    body.off('end', listeners.end);
    body.off('close', listeners.close);
    body.off('error', listeners.close);
    // Unsent rest of a body whose response is over (or failed): drain it, so its connection can go on, and ignore
    // its errors, which are no longer ours to report.
    if (!this.requestDone) {
      body.on('error', ignore);
      body.resume();
    }
  }

  /** Ends the exchange on its connection (which the caller releases or destroys); null if it had ended already. */
  private detach(): Connection | null {
    const conn = this.conn;
    if (conn === null) return null;
    this.conn = null;
    conn.exchange = null;
    this.detachBody();
    if (this.paused) {
      this.paused = false;
      conn.socket.resume();
    }
    return conn;
  }

  /** The exchange failed; a request that can be sent again is, once, on a new connection if a pooled one was stale. */
  fail(err: Error): void {
    const conn = this.detach();
    if (conn === null) return;
    conn.destroy();
    // RFC 9112 §9.3.1: the upstream may close an idle connection just as we send on it; nothing was answered then.
    if (conn.reused && !this.gotBytes && this.retryable && !this.retried && !this.pool.closed) {
      this.retried = true;
      this.start(this.pool.connect());
      return;
    }
    this.handler.onError(err);
  }

  /** The upstream closed its side. */
  eof(): void {
    if (this.state === UNTIL_CLOSE) {
      // RFC 9112 §6.3 item 8: the body is everything up to the close.
      this.state = DONE;
      this.complete(false);
    } else {
      this.fail(
        new UpstreamProtocolError(
          this.gotBytes
            ? 'the upstream closed the connection before the response was complete'
            : 'the upstream closed the connection without responding',
        ),
      );
    }
  }

  /** Parses one packet from the upstream and hands on what it completes. */
  receive(data: Buffer): void {
    if (this.pending !== null) {
      data = Buffer.concat([this.pending, data]);
      this.pending = null;
    }
    this.gotBytes = true;
    const len = data.length;
    let pos = 0;
    let headNow = false;
    try {
      while (pos < len && this.state !== DONE && this.conn !== null) {
        switch (this.state) {
          case HEAD:
            pos = this.readHead(data, pos);
            if (this.state !== HEAD) headNow = true;
            break;
          case LENGTH:
          case CHUNK_DATA: {
            const end = pos + this.remaining;
            if (end > len) {
              this.deliver(pos === 0 ? data : data.subarray(pos));
              this.remaining -= len - pos;
              pos = len;
            } else {
              this.deliver(pos === 0 && end === len ? data : data.subarray(pos, end));
              this.remaining = 0;
              pos = end;
              this.state = this.state === LENGTH ? DONE : CHUNK_END;
            }
            break;
          }
          case CHUNK_SIZE:
            pos = this.readChunkSize(data, pos);
            break;
          case CHUNK_END:
            // RFC 9112 §7.1: chunk-data is followed by CRLF.
            if (data[pos] !== 13 || (pos + 1 < len && data[pos + 1] !== 10)) {
              throw new UpstreamProtocolError('malformed chunked body: no CRLF after chunk data');
            }
            if (pos + 1 < len) {
              pos += 2;
              this.state = CHUNK_SIZE;
            } else pos = this.stash(data, pos, 2);
            break;
          case TRAILERS:
            pos = this.readTrailers(data, pos);
            break;
          case UNTIL_CLOSE:
            this.deliver(pos === 0 ? data : data.subarray(pos));
            pos = len;
            break;
        }
      }
      if (this.conn === null) return; // aborted by the handler
      if (this.state === DONE) {
        // Bytes after a complete response belong to no request: the connection is out of step, not reused.
        this.complete(pos < len);
        return;
      }
      const held = this.held;
      if (held !== null) {
        this.held = null;
        this.handler.onData(held);
      } else if (headNow && !this.delivered) this.handler.onHeadAlone();
    } catch (err) {
      // A protocol error, or a handler that threw: the connection cannot go on either way.
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private deliver(chunk: Buffer): void {
    if (this.held !== null) this.handler.onData(this.held);
    this.held = chunk;
    this.delivered = true;
  }

  /** Keeps data[pos..] for the next packet; `limit` bounds what may pile up. Returns the new position (the end). */
  private stash(data: Buffer, pos: number, limit: number): number {
    if (data.length - pos > limit) throw new UpstreamProtocolError('response framing line too long');
    this.pending = data.subarray(pos);
    return data.length;
  }

  /** The response is complete: its connection goes back to the pool, or is closed. */
  private complete(extraBytes: boolean): void {
    const conn = this.detach()!;
    if (this.keepAlive && this.requestDone && !extraBytes) this.pool.release(conn, this.keepAliveMs);
    else conn.destroy();
    const last = this.held;
    this.held = null;
    this.handler.onEnd(last ?? undefined);
  }

  /** Reads a response head starting at data[pos]; returns the position after it. */
  private readHead(data: Buffer, pos: number): number {
    const max = this.pool.maxHeadBytes;
    const end = data.indexOf(CRLFCRLF, pos);
    if (end === -1) {
      if (data.length - pos > max) throw new UpstreamProtocolError('response head too large');
      // A head with bare LF line ends (RFC 9112 §2.2 lets a recipient refuse them) would never end here.
      if (data.indexOf(LFLF, pos) !== -1) throw new UpstreamProtocolError('malformed response head (bare LF)');
      this.pending = data.subarray(pos);
      return data.length;
    }
    const next = end + 4;
    if (next - pos > max) throw new UpstreamProtocolError('response head too large');
    // latin1: one character per byte, so obs-text round-trips to the client unchanged.
    const text = data.toString('latin1', pos, end + 2);
    if (!HEAD_SYNTAX.test(text)) throw new UpstreamProtocolError('malformed response head');
    const status = (text.charCodeAt(9) - 48) * 100 + (text.charCodeAt(10) - 48) * 10 + (text.charCodeAt(11) - 48);
    if (status < 200) {
      // RFC 9110 §15.2: 1xx responses are interim; the final response follows on the same connection. 101 would
      // switch protocols, which a request without Upgrade never asks for.
      if (status === 101) throw new UpstreamProtocolError('unexpected 101 Switching Protocols');
      return next;
    }
    const http11 = text.charCodeAt(7) === 49;
    const statusEnd = text.indexOf('\r\n');
    const message = statusEnd > 13 ? text.slice(13, statusEnd) : '';

    const headers: string[] = [];
    let contentLength = -1;
    let chunked = false;
    let close = false;
    let keepAliveToken = false;
    let listed: string[] | null = null;
    let hint = -1;
    for (let i = statusEnd + 2; i < text.length;) {
      // HEAD_SYNTAX passed: the first ':' ends the name, and the first CR ends the line.
      const colon = text.indexOf(':', i);
      const lineEnd = text.indexOf('\r', colon);
      const nameStart = i;
      // RFC 9112 §5.1: OWS around the value is not part of it.
      let vs = colon + 1;
      let ve = lineEnd;
      while (vs < ve && isOws(text.charCodeAt(vs))) vs++;
      while (ve > vs && isOws(text.charCodeAt(ve - 1))) ve--;
      i = lineEnd + 2;
      const kind = RESPONSE_FIELDS.of(text, nameStart, colon);
      if (kind === OTHER) {
        headers.push(text.slice(nameStart, colon), text.slice(vs, ve));
        continue;
      }
      const value = text.slice(vs, ve);
      switch (kind) {
        case CONTENT_LENGTH: {
          const n = parseLength(value);
          // RFC 9112 §6.3 item 5: differing (or invalid) lengths are an unrecoverable framing error; a repeated
          // identical one is sent on once (node's HTTP parsers refuse duplicates).
          if (n < 0 || (contentLength !== -1 && n !== contentLength)) {
            throw new UpstreamProtocolError('invalid Content-Length in the response');
          }
          if (contentLength === -1) headers.push(text.slice(nameStart, colon), value);
          contentLength = n;
          break;
        }
        case TRANSFER_ENCODING:
          // Only "chunked" is understood; a coding under it (gzip, chunked) would be forwarded undeclared.
          if (chunked || value.length !== 7 || !sameLowerCase(value, 0, 'chunked')) {
            throw new UpstreamProtocolError(`unsupported Transfer-Encoding ${JSON.stringify(value)}`);
          }
          chunked = true;
          break;
        case CONNECTION:
          if (value.length === 10 && sameLowerCase(value, 0, 'keep-alive')) keepAliveToken = true;
          else if (value.length === 5 && sameLowerCase(value, 0, 'close')) close = true;
          else {
            for (const part of value.toLowerCase().split(',')) {
              const token = part.trim();
              if (token === 'close') close = true;
              else if (token === 'keep-alive') keepAliveToken = true;
              else if (token !== '') (listed ??= []).push(token);
            }
          }
          break;
        case KEEP_ALIVE: {
          const t = value.toLowerCase().indexOf('timeout=');
          if (t !== -1) hint = parseInt(value.slice(t + 8), 10);
          break;
        }
      }
    }
    if (listed !== null) dropListed(headers, listed);

    // RFC 9112 §6.3 item 3: both framings at once may be a smuggling attempt; node's parser refuses it too. And a
    // Transfer-Encoding in an HTTP/1.0 message means faulty framing (§6.1).
    if (chunked && (contentLength !== -1 || !http11)) {
      throw new UpstreamProtocolError('conflicting response framing (Transfer-Encoding)');
    }
    // RFC 9112 §9.3: HTTP/1.1 connections persist unless "close"; HTTP/1.0 ones only with "keep-alive".
    this.keepAlive = !close && (http11 || keepAliveToken);
    if (hint >= 0) {
      // The upstream closes idle connections after `hint` seconds: stop using them a second before (node's Agent).
      if (hint <= 1) this.keepAlive = false;
      else this.keepAliveMs = hint * 1000 - 1000;
    }
    // RFC 9112 §6.3: items 1 (HEAD, 204, 304: no body), 4 (chunked), 6 (Content-Length), 8 (until close).
    if (this.isHeadRequest || status === 204 || status === 304) this.state = DONE;
    else if (chunked) this.state = CHUNK_SIZE;
    else if (contentLength !== -1) {
      this.remaining = contentLength;
      this.state = contentLength === 0 ? DONE : LENGTH;
    } else {
      this.state = UNTIL_CLOSE;
      this.keepAlive = false;
    }
    this.delivered = false;
    this.handler.onHead(status, message, headers);
    return next;
  }

  /** RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF. Extensions are checked for stray control characters, and ignored. */
  private readChunkSize(data: Buffer, pos: number): number {
    const len = data.length;
    let p = pos;
    let size = 0;
    for (; p < len; p++) {
      const v = HEX[data[p]];
      if (v < 0) break;
      size = size * 16 + v;
      if (size > Number.MAX_SAFE_INTEGER) throw new UpstreamProtocolError('chunk size too large');
    }
    if (p === pos && p < len) throw new UpstreamProtocolError('malformed chunk size');
    const cr = data.indexOf(13, p);
    if (cr === -1 || cr + 1 === len) return this.stash(data, pos, MAX_CHUNK_LINE);
    if (data[cr + 1] !== 10 || cr - pos > MAX_CHUNK_LINE) throw new UpstreamProtocolError('malformed chunk size line');
    // chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] )
    while (p < cr && isOws(data[p])) p++;
    if (p < cr && data[p] !== 59) throw new UpstreamProtocolError('malformed chunk extension');
    for (; p < cr; p++) {
      const c = data[p];
      if ((c < 32 && c !== 9) || c === 127) throw new UpstreamProtocolError('malformed chunk extension');
    }
    if (size === 0) this.state = TRAILERS;
    else {
      this.remaining = size;
      this.state = CHUNK_DATA;
    }
    return cr + 2;
  }

  /** RFC 9112 §7.1.2: the trailer section after the last chunk, up to an empty line. Its fields are dropped. */
  private readTrailers(data: Buffer, pos: number): number {
    if (pos + 1 < data.length && data[pos] === 13 && data[pos + 1] === 10) {
      this.state = DONE;
      return pos + 2;
    }
    const end = data.indexOf(CRLFCRLF, pos);
    if (end === -1) return this.stash(data, pos, this.pool.maxHeadBytes);
    this.state = DONE;
    return end + 4;
  }
}

function uncork(socket: net.Socket): void {
  socket.uncork();
}

function ignore(): void {}

/** A Content-Length value (RFC 9110 §8.6: 1*DIGIT), or -1. */
function parseLength(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Removes fields named in Connection (RFC 9110 §7.6.1): they were meant for this hop only. */
function dropListed(headers: string[], listed: string[]): void {
  let w = 0;
  for (let r = 0; r < headers.length; r += 2) {
    if (listed.includes(headers[r]!.toLowerCase())) continue;
    headers[w++] = headers[r]!;
    headers[w++] = headers[r + 1]!;
  }
  headers.length = w;
}
