import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusError, type StatusError } from '../api/errors.js';
import { ServiceAccountTokenAuthenticator } from './authenticator.js';
import { KeySet, publicEntryOf } from './keys.js';
import { issueToken, issueTokenAsync, type IssueTokenInput } from './tokenrequest.js';
import { FakeLookup, issuer, node, pod, rsaSigner, secret, segmentJson, serviceAccount } from './testutil.js';

const nowMs = 1_735_689_600_500; // 2025-01-01T00:00:00.5Z
const now = 1_735_689_600;

function setup() {
  const lookup = new FakeLookup();
  lookup.put('serviceaccounts', serviceAccount('default', 'sa', 'sa-uid'));
  lookup.put('pods', pod('default', 'web-0', 'pod-uid', 'sa', 'n1'));
  lookup.put('pods', pod('default', 'other', 'other-uid', 'someone-else'));
  lookup.put('pods', pod('default', 'unscheduled', 'u-uid', 'sa'));
  lookup.put('pods', pod('default', 'orphan', 'o-uid', 'sa', 'vanished-node'));
  lookup.put('nodes', node('n1', 'node-uid'));
  lookup.put('secrets', secret('default', 's', 'sec-uid'));
  const issue = (body: unknown, extra: Partial<IssueTokenInput> = {}) =>
    issueToken({
      namespace: 'default',
      name: 'sa',
      body,
      lookup,
      signer: rsaSigner(),
      issuer,
      apiAudiences: [issuer],
      extendExpiration: true,
      now: nowMs,
      ...extra,
    });
  return { lookup, issue };
}

function failure(f: () => unknown): StatusError {
  try {
    f();
  } catch (e) {
    assert.ok(isStatusError(e), `not a StatusError: ${String(e)}`);
    return e;
  }
  assert.fail('expected a StatusError');
}

const clientGoBody = {
  kind: 'TokenRequest',
  apiVersion: 'authentication.k8s.io/v1',
  metadata: { creationTimestamp: null },
  spec: { audiences: null, expirationSeconds: null, boundObjectRef: null },
  status: { token: '', expirationTimestamp: null },
};

test('client-go body with null spec fields: defaults echoed, exact key order', () => {
  const { issue } = setup();
  const r = issue(clientGoBody);
  const token = (r.response.status as { token: string }).token;
  assert.equal(
    JSON.stringify(r.response),
    '{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{"name":"sa","namespace":"default",' +
      '"creationTimestamp":"2025-01-01T00:00:00Z"},"spec":{"audiences":["https://kubernetes.default.svc.cluster.local"],' +
      `"expirationSeconds":3600,"boundObjectRef":null},"status":{"token":"${token}","expirationTimestamp":"2025-01-01T01:00:00Z"}}`,
  );
  assert.deepEqual(r.warnings, []);
  const claims = segmentJson(token, 1);
  assert.match(r.credentialId, /^JTI=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(`JTI=${claims.jti}`, r.credentialId);
  assert.deepEqual(Object.keys(claims), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
  assert.deepEqual(claims, {
    aud: [issuer],
    exp: now + 3600,
    iat: now,
    iss: issuer,
    jti: claims.jti,
    'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'sa', uid: 'sa-uid' } },
    nbf: now,
    sub: 'system:serviceaccount:default:sa',
  });
  // The token authenticates with the same keys.
  const authn = new ServiceAccountTokenAuthenticator({
    issuers: [issuer],
    apiAudiences: [issuer],
    keys: new KeySet([publicEntryOf(rsaSigner())]),
    lookup: setup().lookup,
    lookupLegacy: true,
    now: () => nowMs,
  });
  assert.ok(authn.authenticate(token) && !('error' in authn.authenticate(token)!));
});

test('issueTokenAsync: same checks and answer, the signature made on the thread pool', async () => {
  const { lookup } = setup();
  const input = { namespace: 'default', name: 'sa', lookup, signer: rsaSigner(), issuer, apiAudiences: [issuer] };
  const r = await issueTokenAsync({ ...input, body: clientGoBody, extendExpiration: true, now: nowMs });
  const token = (r.response.status as { token: string }).token;
  assert.equal(`JTI=${segmentJson(token, 1).jti}`, r.credentialId);
  const authn = new ServiceAccountTokenAuthenticator({
    issuers: [issuer],
    apiAudiences: [issuer],
    keys: new KeySet([publicEntryOf(rsaSigner())]),
    lookup,
    lookupLegacy: true,
    now: () => nowMs,
  });
  const res = authn.authenticate(token);
  assert.ok(res && !('error' in res));
  await assert.rejects(
    issueTokenAsync({ ...input, name: 'ghost', body: {}, extendExpiration: true }),
    (e: unknown) => isStatusError(e) && e.status.code === 404,
  );
});

test('empty or absent body, explicit audiences and metadata echo', () => {
  const { issue } = setup();
  assert.equal((issue(undefined).response.spec as { expirationSeconds: number }).expirationSeconds, 3600);
  const r = issue({
    metadata: { name: 'sa', namespace: 'default', labels: { b: '2', a: '1' } },
    spec: { audiences: ['vault', 'x'], expirationSeconds: 7200 },
  });
  assert.equal(
    JSON.stringify(r.response.metadata),
    '{"name":"sa","namespace":"default","creationTimestamp":"2025-01-01T00:00:00Z","labels":{"a":"1","b":"2"}}',
  );
  assert.deepEqual(r.response.spec, { audiences: ['vault', 'x'], expirationSeconds: 7200, boundObjectRef: null });
  assert.equal((r.response.status as { expirationTimestamp: string }).expirationTimestamp, '2025-01-01T02:00:00Z');
  assert.deepEqual(segmentJson((r.response.status as { token: string }).token, 1).aud, ['vault', 'x']);
  // An empty list is defaulted like null.
  assert.deepEqual((issue({ spec: { audiences: [] } }).response.spec as { audiences: string[] }).audiences, [issuer]);
});

test('metadata name must match the URL (422); a conflicting namespace is 400 as in the generic create handler', () => {
  const { issue } = setup();
  const e = failure(() => issue({ metadata: { name: 'other' } }));
  assert.equal(e.code, 422);
  assert.equal(
    e.status.message,
    'TokenRequest.authentication.k8s.io "sa" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
  );
  assert.deepEqual(e.status.details, {
    name: 'sa',
    group: 'authentication.k8s.io',
    kind: 'TokenRequest',
    causes: [
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "other": must match the service account name if specified',
        field: 'metadata.name',
      },
    ],
  });
  const n = failure(() => issue({ metadata: { namespace: 'kube-system' } }));
  assert.equal(n.code, 400);
  assert.equal(n.status.reason, 'BadRequest');
  assert.equal(
    n.status.message,
    'the namespace of the provided object does not match the namespace sent on the request',
  );
});

test('service account not found (404) and namespace required (400)', () => {
  const { issue } = setup();
  const e = failure(() => issue({}, { name: 'ghost' }));
  assert.equal(e.code, 404);
  assert.equal(e.status.message, 'serviceaccounts "ghost" not found');
  assert.equal(e.status.reason, 'NotFound');
  const ns = failure(() => issue({}, { namespace: '' }));
  assert.equal(ns.code, 400);
  assert.equal(ns.status.message, 'namespace is required');
});

test('expirationSeconds limits (422, name "")', () => {
  const { issue } = setup();
  for (const [n, text] of [
    [599, 'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes'],
    [0, 'spec.expirationSeconds: Invalid value: 0: may not specify a duration less than 10 minutes'],
    [-5, 'spec.expirationSeconds: Invalid value: -5: may not specify a duration less than 10 minutes'],
    [
      4294967297,
      'spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
    ],
  ] as const) {
    const e = failure(() => issue({ spec: { expirationSeconds: n } }));
    assert.equal(e.code, 422);
    assert.equal(e.status.reason, 'Invalid');
    assert.equal(e.status.message, `TokenRequest.authentication.k8s.io "" is invalid: ${text}`);
    assert.equal(e.status.details?.name, undefined);
  }
  assert.ok(issue({ spec: { expirationSeconds: 600 } }));
  assert.ok(issue({ spec: { expirationSeconds: 4294967296 } }));
});

test('mistyped body members are 400 decode errors', () => {
  const { issue } = setup();
  const prefix = 'TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal';
  for (const [body, text] of [
    [
      { spec: { expirationSeconds: '3600' } },
      'string into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64',
    ],
    [
      { spec: { expirationSeconds: 3600.5 } },
      'number 3600.5 into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64',
    ],
    [{ spec: { audiences: 'a' } }, 'string into Go struct field TokenRequestSpec.spec.audiences of type []string'],
    [{ spec: { audiences: [1] } }, 'number into Go struct field TokenRequestSpec.spec.audiences of type string'],
    [
      { spec: { boundObjectRef: 'Pod' } },
      'string into Go struct field TokenRequestSpec.spec.boundObjectRef of type v1.BoundObjectReference',
    ],
    [
      { spec: { boundObjectRef: { kind: 1 } } },
      'number into Go struct field BoundObjectReference.spec.boundObjectRef.kind of type string',
    ],
    [{ spec: [] }, 'array into Go struct field TokenRequest.spec of type v1.TokenRequestSpec'],
    [{ metadata: { name: true } }, 'bool into Go struct field ObjectMeta.metadata.name of type string'],
    [[1], 'array into Go value of type v1.TokenRequest'],
  ] as const) {
    const e = failure(() => issue(body));
    assert.equal(e.code, 400);
    assert.equal(e.status.message, `${prefix} ${text}`);
  }
});

test('boundObjectRef: pod, node, secret and their errors', () => {
  const { issue } = setup();
  const ref = (kind: string, name: string, extra: Record<string, string> = {}) => ({
    spec: { boundObjectRef: { kind, apiVersion: 'v1', name, ...extra } },
  });
  const k8s = (r: ReturnType<typeof issue>) =>
    segmentJson((r.response.status as { token: string }).token, 1)['kubernetes.io'] as Record<string, unknown>;

  const p = issue(ref('Pod', 'web-0', { uid: 'pod-uid' }));
  assert.deepEqual(p.response.spec, {
    audiences: [issuer],
    expirationSeconds: 3600,
    boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'pod-uid' },
  });
  assert.deepEqual(k8s(p).pod, { name: 'web-0', uid: 'pod-uid' });
  assert.deepEqual(k8s(p).node, { name: 'n1', uid: 'node-uid' });
  assert.equal(k8s(issue(ref('Pod', 'unscheduled'))).node, undefined);
  assert.deepEqual(k8s(issue(ref('Pod', 'orphan'))).node, { name: 'vanished-node' });
  assert.deepEqual(k8s(issue(ref('Node', 'n1'))).node, { name: 'n1', uid: 'node-uid' });
  assert.deepEqual(k8s(issue(ref('Secret', 's'))).secret, { name: 's', uid: 'sec-uid' });

  const cases: Array<[unknown, number, string]> = [
    [ref('Pod', 'nope'), 404, 'pods "nope" not found'],
    [ref('Node', 'nope'), 404, 'nodes "nope" not found'],
    [ref('Secret', 'nope'), 404, 'secrets "nope" not found'],
    [ref('Pod', ''), 400, 'Name parameter required.'],
    [
      ref('Pod', 'other'),
      400,
      'cannot bind token for serviceaccount "sa" to pod running with different serviceaccount name.',
    ],
    [
      { spec: { boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'd' } } },
      400,
      'cannot bind token to object of type apps/v1, Kind=Deployment',
    ],
    [ref('ConfigMap', 'c'), 400, 'cannot bind token to object of type /v1, Kind=ConfigMap'],
    [
      { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'apps/v1', name: 'web-0' } } },
      400,
      'cannot bind token to object of type apps/v1, Kind=Pod',
    ],
    [
      ref('Pod', 'web-0', { uid: 'stale' }),
      409,
      'Operation cannot be fulfilled on Pod "web-0": the UID in the bound object reference (stale) does not match the UID in record. The object might have been deleted and then recreated',
    ],
    [
      ref('Secret', 's', { uid: 'stale' }),
      409,
      'Operation cannot be fulfilled on Secret "s": the UID in the bound object reference (stale) does not match the UID in record. The object might have been deleted and then recreated',
    ],
  ];
  for (const [body, code, message] of cases) {
    const e = failure(() => issue(body));
    assert.equal(e.code, code, message);
    assert.equal(e.status.message, message);
  }
  const conflict = failure(() => issue(ref('Node', 'n1', { uid: 'stale' })));
  assert.equal(conflict.status.reason, 'Conflict');
  assert.deepEqual(conflict.status.details, { name: 'n1', kind: 'Node' });
});

test('max expiration cap: shortened with a warning', () => {
  const { issue } = setup();
  const r = issue({ spec: { expirationSeconds: 86400 } }, { maxExpirationSeconds: 7200 });
  assert.deepEqual(r.warnings, ['requested expiration of 86400 seconds shortened to 7200 seconds']);
  assert.equal((r.response.spec as { expirationSeconds: number }).expirationSeconds, 7200);
  assert.equal(segmentJson((r.response.status as { token: string }).token, 1).exp, now + 7200);
  assert.deepEqual(issue({ spec: { expirationSeconds: 3600 } }, { maxExpirationSeconds: 7200 }).warnings, []);
});

test('3607-second pod-bound tokens get the one-year extension, everything else does not', () => {
  const { issue } = setup();
  const podRef = { kind: 'Pod', apiVersion: 'v1', name: 'web-0' };
  const claims = (r: ReturnType<typeof issue>) => segmentJson((r.response.status as { token: string }).token, 1);
  const expTs = (r: ReturnType<typeof issue>) =>
    (r.response.status as { expirationTimestamp: string }).expirationTimestamp;

  const ext = issue({ spec: { expirationSeconds: 3607, boundObjectRef: podRef } });
  assert.equal(claims(ext).exp, now + 31_536_000);
  assert.equal((claims(ext)['kubernetes.io'] as { warnafter: number }).warnafter, now + 3607);
  assert.equal(expTs(ext), '2025-01-01T01:00:07Z'); // status still reports +3607 s
  assert.equal((ext.response.spec as { expirationSeconds: number }).expirationSeconds, 3607);

  const plain = (body: unknown, extra = {}) => {
    const r = issue(body, extra);
    assert.equal(claims(r).exp, now + (r.response.spec as { expirationSeconds: number }).expirationSeconds);
    assert.equal((claims(r)['kubernetes.io'] as { warnafter?: number }).warnafter, undefined);
  };
  plain({ spec: { expirationSeconds: 3607 } }); // not pod-bound
  plain({ spec: { expirationSeconds: 3608, boundObjectRef: podRef } });
  plain({ spec: { expirationSeconds: 3607, boundObjectRef: podRef, audiences: ['vault'] } });
  plain({ spec: { expirationSeconds: 3607, boundObjectRef: podRef, audiences: [issuer, 'vault'] } });
  plain({ spec: { expirationSeconds: 3607, boundObjectRef: podRef } }, { extendExpiration: false });
  plain({ spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's' } } });
  // The cap applies first: capped below 3607, no extension.
  plain({ spec: { expirationSeconds: 3607, boundObjectRef: podRef } }, { maxExpirationSeconds: 3600 });
  // Capped down *to* 3607 does extend (the check looks at the capped value).
  const capped = issue({ spec: { expirationSeconds: 9000, boundObjectRef: podRef } }, { maxExpirationSeconds: 3607 });
  assert.equal(claims(capped).exp, now + 31_536_000);
});
