import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3, type IRangeResponse } from 'etcd3';
import { decodeRangeResponse } from './range.js';

/** The etcd client's own (de)serializers of RangeResponse (its gRPC KV client; nothing connects). */
function clientCodec(): {
  encode: (r: object) => Buffer;
  decode: (b: Buffer) => IRangeResponse;
  close: () => void;
} {
  const client = new Etcd3({ hosts: 'http://127.0.0.1:9' });
  const pool = (client as unknown as { pool: { hosts: Array<{ getServiceClient(n: string): object }> } }).pool;
  const kv = pool.hosts[0]!.getServiceClient('KV') as {
    constructor: {
      service: { Range: { responseSerialize: (r: object) => Buffer; responseDeserialize: (b: Buffer) => unknown } };
    };
  };
  const m = kv.constructor.service.Range;
  return {
    encode: (r) => m.responseSerialize(r),
    decode: (b) => m.responseDeserialize(b) as IRangeResponse,
    close: () => client.close(),
  };
}

test('a RangeResponse decodes to what the etcd client reads from it: keys, mod revisions, values, more', () => {
  const codec = clientCodec();
  try {
    const kvs = [
      { key: '/registry/configmaps/default/a', value: '{"metadata":{"name":"a"}}', mod_revision: '7' },
      // Multi-byte UTF-8, an empty value, revisions past 2^32 and up to 2^53 - 1, every other field set.
      {
        key: '/registry/configmaps/ns/é-ü',
        value: '',
        mod_revision: String(2 ** 40 + 3),
        create_revision: String(2 ** 35),
        version: '12',
        lease: '7587857416212040540',
      },
      { key: '/registry/x', value: '{"a":"ñ\u2028"}', mod_revision: String(Number.MAX_SAFE_INTEGER) },
    ];
    for (const more of [false, true]) {
      const buf = codec.encode({
        header: { cluster_id: '18446744073709551615', member_id: '1', revision: String(2 ** 41), raft_term: '9' },
        kvs: kvs.map((k) => ({ ...k, key: Buffer.from(k.key), value: Buffer.from(k.value) })),
        more,
        count: '50000',
      });
      const page = decodeRangeResponse(buf);
      const ref = codec.decode(buf);
      assert.equal(page.revision, Number(ref.header.revision));
      assert.equal(page.more, ref.more);
      assert.deepEqual(
        page.keys,
        ref.kvs.map((kv) => kv.key.toString('utf8')),
      );
      assert.deepEqual(
        page.values,
        ref.kvs.map((kv) => kv.value.toString('utf8')),
      );
      assert.deepEqual(
        page.modRevisions,
        ref.kvs.map((kv) => Number(kv.mod_revision)),
      );
      assert.deepEqual(page.lastKey, ref.kvs[ref.kvs.length - 1]!.key);
    }
    // An empty range: just the header.
    const empty = decodeRangeResponse(codec.encode({ header: { revision: '5' }, kvs: [], more: false, count: '0' }));
    assert.deepEqual(empty, { revision: 5, more: false, keys: [], modRevisions: [], values: [], lastKey: undefined });
  } finally {
    codec.close();
  }
});

test('a truncated or malformed RangeResponse is an error, not a partial page', () => {
  const codec = clientCodec();
  try {
    const buf = codec.encode({
      header: { revision: '3' },
      kvs: [{ key: Buffer.from('/registry/a'), value: Buffer.from('{"metadata":{}}'), mod_revision: '2' }],
      more: false,
      count: '1',
    });
    for (let cut = 1; cut < buf.length; cut++) {
      let page;
      try {
        page = decodeRangeResponse(buf.subarray(0, cut));
      } catch (e) {
        assert.equal((e as Error).message, 'etcd sent a malformed RangeResponse');
        continue;
      }
      // A cut between two fields is a shorter valid message: never a key without its value.
      assert.equal(page.keys.length, page.values.length);
      if (page.keys.length) assert.equal(page.values[0], '{"metadata":{}}');
    }
    // Wire types 3 and 4 (groups) are not in rpc.proto.
    assert.throws(() => decodeRangeResponse(Buffer.from([(9 << 3) | 3])), /malformed RangeResponse/);
  } finally {
    codec.close();
  }
});
