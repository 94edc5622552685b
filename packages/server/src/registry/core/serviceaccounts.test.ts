import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { strategy, table, warningsOnUpdate } from './serviceaccounts.js';

const now = Date.parse('2025-05-01T12:00:00Z');
const sa = (body: Partial<KObject> = {}, name = 'builder'): KObject =>
  ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default' }, ...body }) as KObject;

test('secret references keep only their names', () => {
  const obj = sa({ secrets: [{ name: 'a', namespace: 'x', uid: 'u' }, { kind: 'Secret' }] });
  strategy.prepareForCreate!(obj, { now });
  assert.deepEqual(JSON.parse(JSON.stringify(obj.secrets)), [{ name: 'a' }, {}]);
});

test('service account names are DNS subdomains', () => {
  assert.deepEqual(strategy.validate(sa({}, 'ci.bot')), []);
  assert.deepEqual(strategy.validate(sa({}, 'CI')).map(fieldErrorString), [
    "metadata.name: Invalid value: \"CI\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
});

test('the enforce-mountable-secrets annotation is deprecated', () => {
  const annotated = sa();
  annotated.metadata.annotations = { 'kubernetes.io/enforce-mountable-secrets': 'true' };
  const warning =
    'metadata.annotations[kubernetes.io/enforce-mountable-secrets]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets';
  assert.deepEqual(strategy.warningsOnCreate!(annotated), [warning]);
  assert.deepEqual(warningsOnUpdate(annotated, sa()), [warning]);
  assert.deepEqual(warningsOnUpdate(annotated, annotated), []);
});

test('service account table: the Secrets cell is a count', () => {
  const obj = sa({ secrets: [{ name: 'a' }, { name: 'b' }] });
  obj.metadata.creationTimestamp = '2025-05-01T11:50:00Z';
  assert.deepEqual(
    table.columns.map((c) => [c.name, c.type]),
    [
      ['Name', 'string'],
      ['Secrets', 'string'],
      ['Age', 'string'],
    ],
  );
  assert.deepEqual(table.row(obj, now), ['builder', 2, '10m']);
  assert.deepEqual(table.row(sa(), now), ['builder', 0, '<unknown>']);
});
