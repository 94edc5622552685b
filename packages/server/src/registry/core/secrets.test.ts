import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { fieldErrorString } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { strategy, table } from './secrets.js';

const now = Date.parse('2025-05-01T12:00:00Z');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function created(body: Partial<KObject>): KObject {
  const obj = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'default' },
    ...structuredClone(body),
  } as KObject;
  strategy.defaults!(obj);
  strategy.prepareForCreate?.(obj, { now });
  return obj;
}
const errors = (obj: KObject) => strategy.validate(obj).map(fieldErrorString);

test('stringData is folded into data (and wins) and never stored', () => {
  const s = created({ data: { b: b64('old'), a: b64('1') }, stringData: { b: 'new', c: 'ü' } });
  assert.deepEqual(s.data, { a: b64('1'), b: b64('new'), c: b64('ü') });
  assert.deepEqual(Object.keys(s.data as object), ['a', 'b', 'c']);
  assert.equal('stringData' in s, false);
  assert.equal(s.type, 'Opaque');
});

test('secret type rules', () => {
  const cases: Array<[string, Partial<KObject>, string[]]> = [
    ['opaque', { type: 'Opaque', data: { 'a.b': '' } }, []],
    [
      'bad key',
      { data: { 'a/b': '' } },
      [
        "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    ],
    [
      'too big',
      { data: { a: Buffer.alloc(1024 * 1024 + 1).toString('base64') } },
      ['data: Too long: may not be more than 1048576 bytes'],
    ],
    [
      'service account token',
      { type: 'kubernetes.io/service-account-token' },
      ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    ],
    [
      'dockerconfigjson missing',
      { type: 'kubernetes.io/dockerconfigjson' },
      ['data[.dockerconfigjson]: Required value'],
    ],
    [
      'dockerconfigjson not json',
      { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{nope') } },
      [
        'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'n\' looking for beginning of object key string',
      ],
    ],
    ['dockercfg', { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('{}') } }, []],
    [
      'basic auth',
      { type: 'kubernetes.io/basic-auth' },
      ['data[username]: Required value', 'data[password]: Required value'],
    ],
    ['basic auth password only', { type: 'kubernetes.io/basic-auth', data: { password: '' } }, []],
    [
      'ssh auth',
      { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } },
      ['data[ssh-privatekey]: Required value'],
    ],
    ['tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': '' } }, ['data[tls.key]: Required value']],
    ['custom types are free-form', { type: 'example.com/thing' }, []],
  ];
  for (const [what, body, want] of cases) {
    const s = created(body);
    if (what === 'service account token') s.metadata.annotations = undefined;
    assert.deepEqual(errors(s), want, what);
  }
  const sa = created({ type: 'kubernetes.io/service-account-token' });
  sa.metadata.annotations = { 'kubernetes.io/service-account.name': 'default' };
  assert.deepEqual(errors(sa), []);
});

test('type is immutable and immutable secrets keep their data', () => {
  const old = created({ type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' }, immutable: true });
  old.metadata.resourceVersion = '1';
  const next = structuredClone(old);
  delete next.type;
  next.immutable = false;
  next.data = { 'tls.crt': b64('x'), 'tls.key': '' };
  strategy.defaults!(next);
  strategy.prepareForUpdate!(next, old, { now });
  assert.deepEqual(strategy.validateUpdate(next, old).map(fieldErrorString), [
    'type: Invalid value: "Opaque": field is immutable',
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('a TLS secret with a key that does not match its certificate saves with a warning', () => {
  const key = (alg: 'rsa' | 'ec') =>
    alg === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ format: 'pem', type: 'pkcs1' })
          .toString()
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ format: 'pem', type: 'sec1' })
          .toString();
  const warn = (crt: string, k: string) =>
    strategy.warningsOnCreate!(
      created({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64(crt), 'tls.key': b64(k) } }),
    );
  assert.deepEqual(warn('', ''), ['tls: failed to find any PEM data in certificate input']);
  assert.deepEqual(warn(key('rsa'), ''), [
    'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched',
  ]);
  const fakeCert = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  assert.deepEqual(warn(fakeCert, ''), ['tls: failed to find any PEM data in key input']);
  assert.deepEqual(warn(fakeCert, fakeCert), [
    'tls: found a certificate rather than a key in the PEM for the private key',
  ]);
  assert.deepEqual(warn(fakeCert, key('ec')), ['x509: malformed certificate']);
  assert.deepEqual(strategy.warningsOnCreate!(created({ type: 'Opaque' })), []);
});

test('secret table', () => {
  const s = created({ type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } });
  s.metadata.creationTimestamp = '2025-04-28T09:00:00Z';
  assert.deepEqual(
    table.columns.map((c) => c.name),
    ['Name', 'Type', 'Data', 'Age'],
  );
  assert.deepEqual(table.row(s, now), ['s', 'kubernetes.io/tls', 2, '3d3h']);
});
