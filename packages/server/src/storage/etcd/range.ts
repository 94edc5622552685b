// The initial list's range reads, decoded here instead of by the etcd client's generic decoder. That decoder
// (proto-loader's toObject with `longs: String`) builds a Long and then a string for each of every key's four
// revisions and a Buffer for each key and value: for 50,000 objects it cost more CPU than everything else the
// list does together. The call itself still goes through the `etcd3` package's connection pool (its hosts,
// credentials, per-host circuit breakers and call deadlines); only the response bytes are read here, and only
// the fields the list uses.
import { castGrpcError, isRecoverableError, type Etcd3, type IRangeRequest } from 'etcd3';
import type { ConnectionPool } from 'etcd3/lib/connection-pool.js';

/** One page of a range read: the keys in order, with each one's mod_revision and value (UTF-8 text). */
export interface RangePage {
  /** The store revision the read was served at (header.revision). */
  revision: number;
  /** More keys in the range than the limit let through. */
  more: boolean;
  keys: string[];
  modRevisions: number[];
  values: string[];
  /** The last key's bytes (the next page starts after them). */
  lastKey: Buffer | undefined;
}

function malformed(): Error {
  return new Error('etcd sent a malformed RangeResponse');
}

/**
 * Decodes an etcdserverpb.RangeResponse (rpc.proto: 1 header, 2 kvs, 3 more, 4 count; ResponseHeader 3
 * revision; KeyValue 1 key, 3 mod_revision, 5 value). Other fields are skipped, as any protobuf reader does.
 */
export function decodeRangeResponse(buf: Buffer): RangePage {
  const end = buf.length;
  let pos = 0;
  const byte = (): number => {
    if (pos >= end) throw malformed();
    return buf[pos++]!;
  };
  // A non-negative varint as a number (revisions stay far below 2^53).
  const varint = (): number => {
    let b = byte();
    let v = b & 0x7f;
    let mul = 0x80;
    while (b & 0x80) {
      b = byte();
      v += (b & 0x7f) * mul;
      mul *= 0x80;
      if (mul > 2 ** 70) throw malformed();
    }
    return v;
  };
  const length = (): number => {
    const n = varint();
    if (n > end - pos) throw malformed();
    return n;
  };
  const skip = (wireType: number): void => {
    if (wireType === 0) while (byte() & 0x80);
    else if (wireType === 2) pos += length();
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else throw malformed();
    if (pos > end) throw malformed();
  };
  const page: RangePage = { revision: 0, more: false, keys: [], modRevisions: [], values: [], lastKey: undefined };
  let keyAt = 0;
  let keyEnd = 0;
  while (pos < end) {
    const tag = varint();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 1 && wireType === 2) {
      const size = length();
      const stop = pos + size;
      while (pos < stop) {
        const t = varint();
        if (t === ((3 << 3) | 0)) page.revision = varint();
        else skip(t & 7);
      }
      if (pos !== stop) throw malformed();
    } else if (field === 2 && wireType === 2) {
      const size = length();
      const stop = pos + size;
      let key = '';
      let rev = 0;
      let value = '';
      while (pos < stop) {
        const t = varint();
        if (t === ((1 << 3) | 2)) {
          const n = length();
          key = buf.toString('utf8', pos, pos + n);
          keyAt = pos;
          keyEnd = pos += n;
        } else if (t === ((3 << 3) | 0)) rev = varint();
        else if (t === ((5 << 3) | 2)) {
          const n = length();
          value = buf.toString('utf8', pos, pos + n);
          pos += n;
        } else skip(t & 7);
      }
      if (pos !== stop) throw malformed();
      page.keys.push(key);
      page.modRevisions.push(rev);
      page.values.push(value);
    } else if (field === 3 && wireType === 0) page.more = varint() !== 0;
    else skip(wireType);
  }
  if (page.keys.length) page.lastKey = buf.subarray(keyAt, keyEnd);
  return page;
}

/** The gRPC client of one etcd member's KV service, as the pool hands it out (grpc-js's Client). */
interface KvServiceClient {
  constructor: { service: { Range: { path: string; requestSerialize: (req: IRangeRequest) => Buffer } } };
  makeUnaryRequest(
    path: string,
    serialize: (req: IRangeRequest) => Buffer,
    deserialize: (b: Buffer) => Buffer,
    req: IRangeRequest,
    metadata: unknown,
    options: object,
    callback: (err: Error | null, res?: Buffer) => void,
  ): unknown;
}

/**
 * One Range call through the client's connection pool, answered as its raw bytes: the pool's host choice,
 * circuit breakers and default call options apply as to the client's own calls, and recoverable failures are
 * tried again up to three times in all, as the client's own calls are.
 */
export async function rangeBytes(client: Etcd3, req: IRangeRequest): Promise<Buffer> {
  // The pool is the client's (protected) connection pool; every call of `client.kv` goes through it.
  const pool = (client as unknown as { pool: ConnectionPool }).pool;
  const factory = pool.callOptionsFactory;
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.withConnection('KV', ({ client: c, metadata }) => {
        const kv = c as unknown as KvServiceClient;
        const method = kv.constructor.service.Range;
        const options =
          typeof factory === 'function'
            ? factory({ service: 'KV', method: 'range', params: req, isStream: false })
            : (factory ?? {});
        return new Promise<Buffer>((resolve, reject) => {
          kv.makeUnaryRequest(
            method.path,
            method.requestSerialize,
            (b) => b,
            req,
            metadata,
            options,
            (err, res) => (err ? reject(castGrpcError(err)) : resolve(res!)),
          );
        });
      });
    } catch (e) {
      if (attempt >= 3 || !(e instanceof Error) || !isRecoverableError(e)) throw e;
    }
  }
}
