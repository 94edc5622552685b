import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateRbac } from './generate.js';
import { readAuditLog, type ObservedRequest, type Subject } from './requests.js';
import { replay, unneeded } from './replay.js';

const sa: Subject = { kind: 'ServiceAccount', namespace: 'apps', name: 'deployer' };
const saUser = { username: 'system:serviceaccount:apps:deployer', groups: [] };

function res(
  verb: string,
  resource: string,
  o: { group?: string; namespace?: string; name?: string; subresource?: string } = {},
): ObservedRequest {
  return {
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: o.group ?? '',
    apiVersion: 'v1',
    resource,
    subresource: o.subresource ?? '',
    namespace: o.namespace ?? '',
    name: o.name ?? '',
  };
}
const url = (verb: string, path: string): ObservedRequest => ({
  verb,
  isResourceRequest: false,
  path,
  apiGroup: '',
  apiVersion: '',
  resource: '',
  subresource: '',
  namespace: '',
  name: '',
});

function check(requests: ObservedRequest[], subject: Subject = sa, user = saUser) {
  const objects = generateRbac(requests, { subject });
  assert.deepEqual(replay(objects, requests, user), [], 'every request allowed');
  assert.deepEqual(unneeded(objects, requests, user), [], 'every rule part needed');
  return objects;
}

test('names only for get/update/patch/delete; create, list, watch, deletecollection never narrowed', () => {
  const objects = check([
    res('get', 'configmaps', { namespace: 'apps', name: 'a' }),
    res('get', 'configmaps', { namespace: 'apps', name: 'b' }),
    res('update', 'configmaps', { namespace: 'apps', name: 'a' }),
    res('create', 'configmaps', { namespace: 'apps', name: 'c' }),
    res('list', 'configmaps', { namespace: 'apps' }),
    res('watch', 'configmaps', { namespace: 'apps', name: 'a' }),
    res('deletecollection', 'configmaps', { namespace: 'apps' }),
  ]);
  assert.deepEqual(
    objects.map((o) => [o.kind, o.metadata?.namespace]),
    [
      ['Role', 'apps'],
      ['RoleBinding', 'apps'],
    ],
  );
  assert.deepEqual(objects[0]!.rules, [
    { verbs: ['list', 'watch', 'create', 'deletecollection'], apiGroups: [''], resources: ['configmaps'] },
    { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] },
    { verbs: ['update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] },
  ]);
  assert.deepEqual(objects[1]!.subjects, [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'apps' }]);
  assert.deepEqual(objects[1]!.roleRef, {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'Role',
    name: 'audit2rbac:system:serviceaccount:apps:deployer',
  });
});

test('cluster-scoped resources, all-namespace lists and URLs go to a ClusterRole; namespaced ones it covers are left out', () => {
  const objects = check([
    res('list', 'pods'),
    res('list', 'pods', { namespace: 'apps' }),
    res('get', 'nodes', { name: 'n1' }),
    res('get', 'namespaces', { name: 'apps', namespace: 'apps' }),
    res('get', 'pods', { namespace: 'apps', name: 'p' }),
    res('get', 'pods', { namespace: 'apps', name: 'p', subresource: 'log' }),
    res('create', 'serviceaccounts', { namespace: 'other', name: 'x', subresource: 'token' }),
    res('list', 'deployments', { group: 'apps', namespace: 'other' }),
    url('get', '/api'),
    url('get', '/apis'),
    url('post', '/logs'),
  ]);
  assert.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}`),
    ['ClusterRole/', 'ClusterRoleBinding/', 'Role/apps', 'RoleBinding/apps', 'Role/other', 'RoleBinding/other'],
  );
  assert.deepEqual(objects[0]!.rules, [
    { verbs: ['get'], apiGroups: [''], resources: ['namespaces'], resourceNames: ['apps'] },
    { verbs: ['get'], apiGroups: [''], resources: ['nodes'], resourceNames: ['n1'] },
    { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['get'], nonResourceURLs: ['/api', '/apis'] },
    { verbs: ['post'], nonResourceURLs: ['/logs'] },
  ]);
  assert.deepEqual(objects[2]!.rules, [
    { verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['p'] },
  ]);
  assert.deepEqual(objects[4]!.rules, [
    { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
    { verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'] },
  ]);
});

test('resources merge only when verbs and names match exactly; API groups never merge', () => {
  const objects = check(
    [
      res('get', 'secrets', { namespace: 'ns', name: 's' }),
      res('get', 'configmaps', { namespace: 'ns', name: 's' }),
      res('delete', 'configmaps', { namespace: 'ns', name: 's' }),
      res('list', 'services', { namespace: 'ns' }),
      res('list', 'endpoints', { namespace: 'ns' }),
      res('watch', 'endpoints', { namespace: 'ns' }),
      res('list', 'ingresses', { namespace: 'ns', group: 'networking.k8s.io' }),
    ],
    { kind: 'User', name: 'alice' },
    { username: 'alice', groups: [] },
  );
  assert.deepEqual(objects[0]!.rules, [
    { verbs: ['get', 'delete'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['s'] },
    { verbs: ['list', 'watch'], apiGroups: [''], resources: ['endpoints'] },
    { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s'] },
    { verbs: ['list'], apiGroups: [''], resources: ['services'] },
    { verbs: ['list'], apiGroups: ['networking.k8s.io'], resources: ['ingresses'] },
  ]);
  assert.deepEqual(objects[1]!.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }]);
});

test('the checks can fail: a wider rule is reported as not needed, a missing one as refused', () => {
  const requests = [res('get', 'pods', { namespace: 'ns', name: 'p' }), res('list', 'pods', { namespace: 'ns' })];
  const objects = generateRbac(requests, { subject: sa });
  const wider = structuredClone(objects);
  (wider[0]!.rules as { verbs: string[] }[])[0]!.verbs.push('watch');
  assert.deepEqual(unneeded(wider, requests, saUser), [
    'Role ns/audit2rbac:system:serviceaccount:apps:deployer rule 0 without verbs "watch"',
  ]);
  const fewer = structuredClone(objects);
  (fewer[0]!.rules as unknown[]).pop();
  assert.deepEqual(replay(fewer, requests, saUser), [requests[0]]);
});

test("the log: the subject's requests (also as impersonated user) once per auditID; --namespace filters", () => {
  const ev = (id: string, stage: string, user: string, extra: object = {}) =>
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: id,
      stage,
      requestURI: '/api/v1/namespaces/ns/configmaps',
      verb: 'create',
      user: { username: user },
      objectRef: { resource: 'configmaps', namespace: 'ns', name: 'made', apiVersion: 'v1' },
      ...extra,
    });
  const log = [
    ev('1', 'RequestReceived', 'alice'),
    ev('1', 'ResponseComplete', 'alice'),
    ev('2', 'ResponseComplete', 'admin', { impersonatedUser: { username: 'alice' } }),
    ev('3', 'ResponseComplete', 'alice', { impersonatedUser: { username: 'bob' } }),
    ev('4', 'ResponseComplete', 'bob'),
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: '5',
      stage: 'ResponseComplete',
      requestURI: '/version?timeout=32s',
      verb: 'get',
      user: { username: 'alice' },
    }),
    'not json',
  ].join('\n');
  const subject: Subject = { kind: 'User', name: 'alice' };
  const all = readAuditLog(log, { subject });
  assert.equal(all.skipped, 1);
  assert.deepEqual(
    all.requests.map((r) => `${r.verb} ${r.resource || r.path} ${r.name}`),
    ['create configmaps ', 'create configmaps ', 'get /version '],
  );
  assert.equal(readAuditLog(log, { subject, namespace: 'ns' }).requests.length, 2);
  assert.equal(readAuditLog(log, { subject, namespace: 'other' }).requests.length, 0);
});
