// GET /openapi/v2 as kube-openapi's handler serves it (pkg/handler/handler.go, behind NYTimes/gziphandler and
// kube-apiserver's Cache-Control filter): the Accept header, parsed and sorted as munnerz/goautoneg does (an
// empty one is `*/*`), picks the first of JSON, the deprecated `spec.v2@v1.0+protobuf` name and the
// `spec.v2.v1.0+protobuf` name that a clause matches (q=0 clauses included); none: 406 with an empty body.
// Both representations carry the ETag of the JSON bytes (`"<SHA-512 upper hex>"`, Vary: Accept tells them
// apart); If-None-Match / If-Modified-Since answer 304 (http.ServeContent). The document is built, encoded and
// compressed on first use only, so the server's start does not pay for it.
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { encodeOpenAPIv2 } from '../api/protobuf/gnostic.js';
import { openapiHash } from '../api/schema/openapi.js';
import type { NonResourceHandler } from './apiserver.js';

/** The content type kube-apiserver answers protobuf with (also for the deprecated `@` form kubectl asks for). */
export const openapiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const accepted: Array<[subType: string, rep: Rep]> = [
  ['json', 'json'],
  ['com.github.proto-openapi.spec.v2@v1.0+protobuf', 'proto'],
  ['com.github.proto-openapi.spec.v2.v1.0+protobuf', 'proto'],
];
type Rep = 'json' | 'proto';
/** gziphandler's DefaultMinSize: smaller bodies go out uncompressed. */
const gzipMinSize = 1400;

interface Clause {
  type: string;
  subType: string;
  q: number;
}

// Go's strconv.ParseFloat for the decimal forms; anything else fails there, and goautoneg keeps q = 0.
const parseQ = (s: string) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : 0);

/** goautoneg.ParseAccept: clauses sorted by q, then concrete type, then concrete subtype. */
export function parseAccept(header: string): Clause[] {
  const out: Clause[] = [];
  for (const raw of header.split(',')) {
    const part = raw.replace(/^ +| +$/g, '');
    const [range, ...params] = part.split(';');
    const sp = range!.split('/');
    const type = sp[0]!.replace(/^ +| +$/g, '');
    let subType: string;
    if (sp.length === 1 && type === '*') subType = '*';
    else if (sp.length === 2) subType = sp[1]!.replace(/^ +| +$/g, '');
    else continue;
    let q = 1;
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq >= 0 && p.slice(0, eq).replace(/^ +| +$/g, '') === 'q') q = parseQ(p.slice(eq + 1));
    }
    out.push({ type, subType, q });
  }
  // sort.Sort on a short slice is an insertion sort; its Less is not a strict order, so the algorithm matters.
  const less = (a: Clause, b: Clause) =>
    a.q > b.q || (a.type !== '*' && b.type === '*') || (a.subType !== '*' && b.subType === '*');
  for (let i = 1; i < out.length; i++)
    for (let j = i; j > 0 && less(out[j]!, out[j - 1]!); j--) [out[j], out[j - 1]] = [out[j - 1]!, out[j]!];
  return out;
}

/** The representation an Accept header gets, or undefined (406). */
export function negotiateOpenAPIv2(accept: string | undefined): Rep | undefined {
  for (const c of parseAccept(accept || '*/*'))
    for (const [subType, rep] of accepted)
      if ((c.type === 'application' || c.type === '*') && (c.subType === subType || c.subType === '*')) return rep;
  return undefined;
}

/** gziphandler: gzip when Accept-Encoding lists it with q > 0. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const coding of header.split(',')) {
    const [name, ...params] = coding.split(';').map((s) => s.trim());
    if (name!.toLowerCase() !== 'gzip') continue;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || parseQ(q.slice(2)) > 0;
  }
  return false;
}

/** http.ServeContent's If-None-Match: a listed (weakly equal) ETag or `*` means not modified. */
function noneMatch(header: string, etag: string): boolean {
  let buf = header;
  for (;;) {
    buf = buf.replace(/^[ \t]+/, '');
    if (!buf) return false;
    if (buf[0] === ',') {
      buf = buf.slice(1);
      continue;
    }
    if (buf[0] === '*') return true;
    const m = /^(W\/)?"[\x21\x23-\x7e\x80-\uffff]*"/.exec(buf);
    if (!m) return false;
    if (m[0].slice(m[1] ? 2 : 0) === etag) return true;
    buf = buf.slice(m[0].length);
  }
}

interface Served {
  etag: string;
  lastModified: string;
  lastModifiedSeconds: number;
  bytes: Record<Rep, () => Uint8Array>;
  gzipped: Record<Rep, () => Uint8Array>;
}

function once<T>(f: () => T): () => T {
  let v: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v!;
  };
}

function prepare(doc: Record<string, unknown>): Served {
  const json = Buffer.from(JSON.stringify(doc), 'utf8');
  const now = Math.floor(Date.now() / 1000);
  const proto = once(() => encodeOpenAPIv2(doc));
  const bytes = { json: () => json, proto };
  return {
    etag: `"${openapiHash(json)}"`,
    lastModified: new Date(now * 1000).toUTCString(),
    lastModifiedSeconds: now,
    bytes,
    gzipped: { json: once(() => gzipSync(json)), proto: once(() => gzipSync(proto())) },
  };
}

/** The /openapi/v2 handler; `build` runs once, on the first request that needs the document. */
export function openapiV2Handler(build: () => Record<string, unknown>): NonResourceHandler {
  const served = once(() => prepare(build()));
  return (req, res) => {
    const vary = ['Accept-Encoding', 'Accept'];
    const rep = negotiateOpenAPIv2(req.headers['accept']);
    const w = res as ServerResponse;
    if (!rep) {
      w.writeHead(406, { 'Cache-Control': 'no-cache, private', Vary: vary, 'Content-Length': 0 });
      return void w.end();
    }
    const d = served();
    const headers: Record<string, string | string[] | number> = {
      'Cache-Control': 'no-cache, private',
      ETag: d.etag,
      Vary: vary,
    };
    if (req.method === 'GET' || req.method === 'HEAD') {
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const since = ims ? Date.parse(ims) : NaN;
      if (inm ? noneMatch(inm, d.etag) : !Number.isNaN(since) && d.lastModifiedSeconds * 1000 <= since) {
        w.writeHead(304, headers);
        return void w.end();
      }
    }
    let body = d.bytes[rep]();
    headers['Content-Type'] = rep === 'json' ? 'application/json' : openapiV2ProtobufType;
    headers['Last-Modified'] = d.lastModified;
    if (body.length >= gzipMinSize && acceptsGzip(req.headers['accept-encoding'])) {
      body = d.gzipped[rep]();
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    w.writeHead(200, headers);
    w.end(body);
  };
}
