import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestInfo, requestInfoNoQuery } from './info.js';

const ri = (m: string, p: string, q = '') => requestInfo(m, p, new URLSearchParams(q));

test('resource requests', () => {
  const cases: Array<[string, string, string, Partial<ReturnType<typeof ri>>]> = [
    ['GET', '/api/v1/namespaces/default/pods', '', { verb: 'list', resource: 'pods', namespace: 'default', name: '' }],
    ['GET', '/api/v1/namespaces/default/pods/web', '', { verb: 'get', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods/web/log', '', { verb: 'get', subresource: 'log' }],
    ['GET', '/api/v1/pods', 'watch=true', { verb: 'watch', namespace: '' }],
    ['GET', '/api/v1/pods', 'watch=1', { verb: 'watch' }],
    ['GET', '/api/v1/pods', 'watch=0', { verb: 'list' }],
    ['GET', '/api/v1/namespaces/a/pods', 'fieldSelector=metadata.name%3Dx', { verb: 'list', name: 'x' }],
    ['DELETE', '/api/v1/namespaces/a/pods', '', { verb: 'deletecollection' }],
    ['POST', '/api/v1/namespaces/a/serviceaccounts/sa/token', '', { verb: 'create', subresource: 'token', name: 'sa' }],
    ['GET', '/api/v1/namespaces/foo', '', { verb: 'get', resource: 'namespaces', name: 'foo', namespace: 'foo' }],
    ['PUT', '/api/v1/namespaces/foo/finalize', '', { verb: 'update', subresource: 'finalize', namespace: 'foo' }],
    [
      'GET',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      '',
      { verb: 'list', apiGroup: 'rbac.authorization.k8s.io' },
    ],
    ['GET', '/api/v1/watch/namespaces/a/pods', '', { verb: 'watch', resource: 'pods', namespace: 'a' }],
  ];
  for (const [m, p, q, want] of cases) {
    const got = ri(m, p, q);
    assert.equal(got.isResourceRequest, true, p);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, `${m} ${p} ${k}`);
  }
});

test('non-resource requests', () => {
  for (const p of [
    '/api',
    '/apis',
    '/apis/rbac.authorization.k8s.io',
    '/apis/g/v',
    '/healthz',
    '/version',
    '/openid/v1/jwks',
  ]) {
    const got = ri('GET', p);
    assert.equal(got.isResourceRequest, false, p);
    assert.equal(got.verb, 'get');
  }
  assert.equal(ri('GET', '/api/v1').isResourceRequest, false);
});

test('requestInfoNoQuery: shared frozen answers for ordinary paths; long paths are parsed, not kept', () => {
  const p = '/apis/authentication.k8s.io/v1/tokenreviews';
  const a = requestInfoNoQuery('POST', p);
  assert.equal(a, requestInfoNoQuery('POST', p));
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.parts));
  assert.deepEqual({ ...a }, { ...requestInfo('POST', p, new URLSearchParams()) });
  assert.notEqual(requestInfoNoQuery('GET', p), a);
  const long = `/api/v1/namespaces/default/configmaps/${'x'.repeat(600)}`;
  const l = requestInfoNoQuery('GET', long);
  assert.equal(l.name, 'x'.repeat(600));
  assert.notEqual(requestInfoNoQuery('GET', long), l);
});
