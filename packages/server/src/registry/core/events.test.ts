import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { strategy, table } from './events.js';

const now = Date.parse('2025-05-01T12:00:00Z');
const event = (body: Record<string, unknown>, namespace = 'default', name = 'nginx.1'): KObject => {
  const obj = { apiVersion: 'v1', kind: 'Event', metadata: { name, namespace }, ...body } as KObject;
  strategy.defaults!(obj);
  return obj;
};

test('v1 events get only the legacy checks', () => {
  assert.deepEqual(
    strategy.validate(event({ involvedObject: { kind: 'Pod', name: 'nginx', namespace: 'default' } })),
    [],
  );
  assert.deepEqual(
    strategy.validate(event({ involvedObject: { kind: 'Pod', namespace: 'other' } })).map(fieldErrorString),
    ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
  );
  assert.deepEqual(
    strategy
      .validate(
        event({ eventTime: '2025-05-01T11:00:00.000000Z', involvedObject: { kind: 'Node', name: 'n' } }, 'team'),
      )
      .map(fieldErrorString),
    [
      'involvedObject.namespace: Invalid value: "": does not match event.namespace',
      'reportingComponent: Required value',
      'reportingComponent: Invalid value: "": name part must be non-empty',
      "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'reportingInstance: Required value',
      'action: Required value',
      'reason: Required value',
    ],
  );
  // With no event-specific errors the common metadata checks apply (names are path segments).
  assert.deepEqual(strategy.validate(event({ involvedObject: {} }, 'default', 'a/b')).map(fieldErrorString), [
    'metadata.name: Invalid value: "a/b": may not contain \'/\'',
  ]);
});

test('v1 event defaults', () => {
  const e = event({});
  assert.deepEqual(
    {
      involvedObject: e.involvedObject,
      source: e.source,
      firstTimestamp: e.firstTimestamp,
      lastTimestamp: e.lastTimestamp,
      eventTime: e.eventTime,
      reportingComponent: e.reportingComponent,
      reportingInstance: e.reportingInstance,
    },
    {
      involvedObject: {},
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    },
  );
});

test('event table', () => {
  assert.deepEqual(
    table.columns.map((c) => [c.name, c.priority]),
    [
      ['Last Seen', 0],
      ['Type', 0],
      ['Reason', 0],
      ['Object', 0],
      ['Subobject', 1],
      ['Source', 1],
      ['Message', 0],
      ['First Seen', 1],
      ['Count', 1],
      ['Name', 1],
    ],
  );
  const e = event({
    involvedObject: { kind: 'Pod', name: 'nginx', namespace: 'default', fieldPath: 'spec.containers{nginx}' },
    reason: 'Pulled',
    message: ' Successfully pulled image "nginx"\n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2025-05-01T11:00:00Z',
    lastTimestamp: '2025-05-01T11:58:30Z',
    count: 4,
    type: 'Normal',
  });
  assert.deepEqual(table.row(e, now), [
    '90s',
    'Normal',
    'Pulled',
    'pod/nginx',
    'spec.containers{nginx}',
    'kubelet, node-1',
    'Successfully pulled image "nginx"',
    '60m',
    4,
    'nginx.1',
  ]);
  const series = event({
    involvedObject: { kind: 'Node' },
    eventTime: '2025-05-01T11:59:00.000000Z',
    series: { count: 7, lastObservedTime: '2025-05-01T11:59:50.000000Z' },
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
  });
  assert.deepEqual(table.row(series, now).slice(0, 9), ['10s', '', '', 'node', '', 'kubelet, node-1', '', '60s', 7]);
});
