import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServeOptions } from './options.js';

test('--storage-backend=etcd3 takes kube-apiserver etcd flags with their defaults', () => {
  const o = parseServeOptions([
    '--storage-backend=etcd3',
    '--etcd-servers=http://127.0.0.1:2379,http://127.0.0.2:2379',
  ]);
  assert.equal(o.storageBackend, 'etcd3');
  assert.deepEqual(o.etcd.servers, ['http://127.0.0.1:2379', 'http://127.0.0.2:2379']);
  assert.equal(o.etcd.prefix, '/registry');
  assert.equal(o.etcd.compactionInterval, 300);
  assert.equal(o.etcd.healthcheckTimeout, 2);
  assert.equal(
    parseServeOptions(['--storage-backend=etcd3', '--etcd-servers=https://e:2379', '--etcd-compaction-interval=0']).etcd
      .compactionInterval,
    0,
  );
});

test('bad etcd flags stop the start with a message', () => {
  assert.throws(() => parseServeOptions(['--storage-backend=etcd3']), { message: '--etcd-servers must be specified' });
  assert.throws(() => parseServeOptions(['--storage-backend=etcd3', '--etcd-servers=127.0.0.1:2379']), {
    message: '--etcd-servers "127.0.0.1:2379" must be scheme://host:port',
  });
  assert.throws(
    () => parseServeOptions(['--storage-backend=etcd3', '--etcd-servers=http://e:1', '--etcd-healthcheck-timeout=0s']),
    {
      message: '--etcd-healthcheck-timeout must be greater than 0',
    },
  );
  assert.throws(() => parseServeOptions(['--storage-backend=etcd2']), {
    message: '--storage-backend "etcd2" is not supported: use sqlite, etcd3 or memory',
  });
});
