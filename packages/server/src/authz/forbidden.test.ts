import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from './authorizer.js';
import { forbiddenError } from './forbidden.js';

function attrs(p: Partial<Attributes> & { username?: string }): Attributes {
  return {
    user: { username: p.username ?? 'jane', groups: [] },
    verb: p.verb ?? 'get',
    isResourceRequest: p.isResourceRequest ?? true,
    path: p.path ?? '',
    apiGroup: p.apiGroup ?? '',
    apiVersion: p.apiVersion ?? 'v1',
    resource: p.resource ?? '',
    subresource: p.subresource ?? '',
    namespace: p.namespace ?? '',
    name: p.name ?? '',
  };
}

test('Forbidden messages (spec §5.5 examples)', () => {
  const cases: Array<[Attributes, string, string]> = [
    [
      attrs({
        username: 'system:serviceaccount:default:default',
        verb: 'list',
        resource: 'pods',
        namespace: 'default',
      }),
      '',
      'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"',
    ],
    [
      attrs({ verb: 'list', resource: 'nodes' }),
      '',
      'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
    ],
    [
      attrs({ resource: 'pods', subresource: 'log', name: 'web-0', namespace: 'default' }),
      '',
      'pods "web-0" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "default"',
    ],
    [
      attrs({ verb: 'patch', apiGroup: 'apps', resource: 'deployments', name: 'web', namespace: 'prod' }),
      '',
      'deployments.apps "web" is forbidden: User "jane" cannot patch resource "deployments" in API group "apps" in the namespace "prod"',
    ],
    [
      attrs({ username: 'system:anonymous', isResourceRequest: false, path: '/api' }),
      '',
      'forbidden: User "system:anonymous" cannot get path "/api"',
    ],
    [
      attrs({ verb: 'list', resource: 'pods', namespace: 'dev' }),
      'RBAC: role.rbac.authorization.k8s.io "pod-reader" not found',
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "dev": RBAC: role.rbac.authorization.k8s.io "pod-reader" not found',
    ],
    [
      attrs({ verb: 'impersonate', resource: 'users', name: 'bob', username: 'alice' }),
      '',
      'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    ],
    [
      attrs({ apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'x' }),
      'Everything is forbidden.',
      'clusterroles.rbac.authorization.k8s.io "x" is forbidden: User "jane" cannot get resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope: Everything is forbidden.',
    ],
  ];
  for (const [a, reason, want] of cases) {
    const e = forbiddenError(a, reason);
    assert.equal(e.status.message, want);
    assert.equal(e.status.code, 403);
    assert.equal(e.status.reason, 'Forbidden');
  }
});

test('Forbidden details: plural resource, group only when non-core, name only when named', () => {
  const d = (a: Attributes) => forbiddenError(a, '').status.details;
  assert.deepEqual(d(attrs({ resource: 'pods', subresource: 'log', name: 'web-0', namespace: 'x' })), {
    name: 'web-0',
    kind: 'pods',
  });
  assert.deepEqual(d(attrs({ verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'x' })), {
    group: 'apps',
    kind: 'deployments',
  });
  assert.deepEqual(d(attrs({ isResourceRequest: false, path: '/x' })), {});
  const body = JSON.stringify(forbiddenError(attrs({ resource: 'pods', name: 'web-0', namespace: 'ns' }), '').status);
  assert.equal(
    body,
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"web-0\\" is forbidden: User \\"jane\\" cannot get resource \\"pods\\" in API group \\"\\" in the namespace \\"ns\\"","reason":"Forbidden","details":{"name":"web-0","kind":"pods"},"code":403}',
  );
});

test('HTML special characters are escaped in the detail but not in the reason', () => {
  const e = forbiddenError(attrs({ username: 'a<b>&c', isResourceRequest: false, path: '/x<y>' }), 'why <not>');
  assert.equal(e.status.message, 'forbidden: User "a&lt;b&gt;&amp;c" cannot get path "/x&lt;y&gt;": why <not>');
});

test('Go %q quoting of odd user names', () => {
  const e = forbiddenError(attrs({ username: 'we"ird\\name', isResourceRequest: false, path: '/' }), '');
  assert.equal(e.status.message, 'forbidden: User "we\\"ird\\\\name" cannot get path "/"');
});
