import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordedEvent, serialized, type EventRecord } from './event.js';

const base: EventRecord = {
  level: 'Metadata',
  auditID: '0b2a4e7c-5d1f-4b8e-9a3c-2f6d8e1a7b90',
  plainID: true,
  stage: 'ResponseComplete',
  requestURI: '/apis/authentication.k8s.io/v1/tokenreviews',
  verb: 'create',
  user: serialized({ username: 'alice', uid: 'u1', groups: ['g1', 'system:authenticated'] }),
  impersonatedUser: undefined,
  sourceIPs: serialized(['127.0.0.1']),
  userAgent: undefined,
  objectRef: serialized({ resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' }),
  responseStatus: serialized({ metadata: {}, code: 201 }),
  requestObject: undefined,
  responseObject: undefined,
  requestReceived: Date.UTC(2026, 0, 2, 3, 4, 5, 120),
  stageAt: Date.UTC(2026, 0, 2, 3, 4, 5, 121) + 0.5,
  annotations: { decision: 'allow', reason: '' },
  authzOnly: true,
};

const cases: Array<[string, Partial<EventRecord>]> = [
  ['a Metadata event of an authorized request', {}],
  [
    'RequestReceived: no status, no annotations',
    { stage: 'RequestReceived', responseStatus: undefined, annotations: undefined, authzOnly: false },
  ],
  [
    'a failed authentication: the empty user, no objectRef',
    {
      stage: 'ResponseStarted',
      user: serialized({ username: '' }),
      objectRef: undefined,
      annotations: undefined,
      authzOnly: false,
    },
  ],
  [
    'every optional member, strings that need escaping',
    {
      level: 'RequestResponse',
      auditID: 'client "chosen"\\id\n\u2028',
      plainID: false,
      requestURI: '/api/v1/namespaces/a%22b/configmaps?labelSelector=x%3D"y"&\u00e9',
      verb: 'update',
      user: serialized({
        username: 'bob\u0000',
        groups: ['system:authenticated'],
        extra: { 'authentication.kubernetes.io/credential-id': ['JTI=1'] },
      }),
      impersonatedUser: serialized({ username: 'carol', groups: ['x'] }),
      sourceIPs: serialized(['10.0.0.1', '::1']),
      userAgent: 'kubectl/v1.31 "quoted" \ud800',
      objectRef: serialized({
        resource: 'configmaps',
        namespace: 'a"b',
        name: 'n',
        apiVersion: 'v1',
        subresource: 's',
      }),
      responseStatus: serialized({
        metadata: {},
        status: 'Failure',
        message: 'configmaps "n" is forbidden: \u00e9',
        reason: 'Forbidden',
        details: { name: 'n', kind: 'configmaps' },
        code: 403,
      } as never),
      requestObject: {
        kind: 'ConfigMap',
        data: { '1': 'one', b: 'two', a: null },
        n: -0,
        f: 1.5e300,
        list: [1, 'x', {}],
      },
      responseObject: null,
      annotations: { 'authentication.k8s.io/stale-token': 'x', 'authorization.k8s.io/decision': 'forbid', 'z/1': '"' },
      authzOnly: false,
    },
  ],
  ['an authorization reason that needs escaping', { annotations: { decision: 'forbid', reason: 'RBAC: "denied"\n' } }],
  [
    'a stamp at a second boundary',
    { requestReceived: Date.UTC(2026, 11, 31, 23, 59, 59, 999) + 0.9999, stageAt: Date.UTC(2027, 0, 1) },
  ],
];

test('a recorded event writes exactly the JSON.stringify of its event object, members in the Go type order', () => {
  for (const [name, over] of cases) {
    const e = new RecordedEvent({ ...base, ...over });
    assert.equal(e.json(), JSON.stringify(e.event()), name);
  }
  const ev = new RecordedEvent(base).event();
  assert.deepEqual(Object.keys(ev), [
    'kind',
    'apiVersion',
    'level',
    'auditID',
    'stage',
    'requestURI',
    'verb',
    'user',
    'sourceIPs',
    'objectRef',
    'responseStatus',
    'requestReceivedTimestamp',
    'stageTimestamp',
    'annotations',
  ]);
  assert.equal(ev.requestReceivedTimestamp, '2026-01-02T03:04:05.120000Z');
  assert.equal(ev.stageTimestamp, '2026-01-02T03:04:05.121500Z');
  assert.deepEqual(ev.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' });
});
