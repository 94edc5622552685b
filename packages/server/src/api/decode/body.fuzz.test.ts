// Every body decoder, fuzzed: any bytes in any content type end as a value or a 4xx Status, never another throw.
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeBody } from './body.js';
import { fuzz, isClientError, nearJson, nearYaml } from '../../testing/fuzz.js';

const defaults = { apiVersion: 'v1', kind: 'ConfigMap' };

test('JSON bodies', () => {
  fuzz(nearJson(), (s) => decodeBody(Buffer.from(s), 'application/json', defaults), isClientError);
});

test('YAML bodies (create and apply configurations)', () => {
  fuzz(
    fc.tuple(nearYaml(), fc.constantFrom('application/yaml', 'application/apply-patch+yaml')),
    ([s, ct]) => decodeBody(Buffer.from(s), ct, defaults),
    isClientError,
  );
});

test('protobuf bodies', () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([Buffer.from('k8s\0'), b])),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  );
  fuzz(bytes, (b) => decodeBody(b, 'application/vnd.kubernetes.protobuf', defaults), isClientError);
});

test('any content type', () => {
  fuzz(
    fc.tuple(fc.string(), fc.string({ maxLength: 40 })),
    ([s, ct]) => decodeBody(Buffer.from(s), ct, defaults),
    isClientError,
  );
});
