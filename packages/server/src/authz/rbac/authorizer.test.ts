import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, UserInfo } from '../../api/types.js';
import { RbacAuthorizer } from './authorizer.js';
import { RbacIndex } from './index.js';
import {
  clusterRole,
  clusterRoleBinding,
  groupSubject,
  pathAttrs,
  resourceAttrs,
  role,
  roleBinding,
  rule,
  saSubject,
  urlRule,
  userSubject,
} from './testing.js';

const jane: UserInfo = { username: 'jane', groups: ['system:authenticated'] };
const sa = (ns: string, name: string): UserInfo => ({
  username: `system:serviceaccount:${ns}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
});

function authz(objects: KObject[]): { index: RbacIndex; rbac: RbacAuthorizer } {
  const index = new RbacIndex();
  index.load(objects);
  return { index, rbac: new RbacAuthorizer(index) };
}

const podReader = clusterRole('pod-reader', [rule(['get', 'list', 'watch'], [''], ['pods'])]);

test('allow reasons name the binding, role and subject', () => {
  const { rbac } = authz([
    podReader,
    role('dev', 'secret-reader', [rule(['get'], [''], ['secrets'])]),
    clusterRoleBinding('read-pods', 'pod-reader', [userSubject('jane')]),
    roleBinding('dev', 'read-secrets', 'Role', 'secret-reader', [groupSubject('system:authenticated')]),
    roleBinding('dev', 'sa-secrets', 'Role', 'secret-reader', [saSubject('builder')]),
    clusterRoleBinding('sa-pods', 'pod-reader', [saSubject('deployer', 'ci')]),
  ]);
  assert.deepEqual(rbac.authorize(resourceAttrs(jane, 'list', 'pods', { namespace: 'x' })), {
    decision: 'Allow',
    reason: 'RBAC: allowed by ClusterRoleBinding "read-pods" of ClusterRole "pod-reader" to User "jane"',
  });
  assert.deepEqual(rbac.authorize(resourceAttrs(jane, 'get', 'secrets', { namespace: 'dev' })), {
    decision: 'Allow',
    reason: 'RBAC: allowed by RoleBinding "read-secrets/dev" of Role "secret-reader" to Group "system:authenticated"',
  });
  // The SA subject without a namespace takes the binding's; described as name/namespace.
  assert.equal(
    rbac.authorize(
      resourceAttrs({ username: 'system:serviceaccount:dev:builder', groups: [] }, 'get', 'secrets', {
        namespace: 'dev',
      }),
    ).reason,
    'RBAC: allowed by RoleBinding "sa-secrets/dev" of Role "secret-reader" to ServiceAccount "builder/dev"',
  );
  assert.equal(
    rbac.authorize(resourceAttrs(sa('ci', 'deployer'), 'get', 'pods', { namespace: 'prod' })).reason,
    'RBAC: allowed by ClusterRoleBinding "sa-pods" of ClusterRole "pod-reader" to ServiceAccount "deployer/ci"',
  );
});

test('RBAC never denies: no rule gives NoOpinion with an empty reason', () => {
  const { rbac } = authz([podReader, clusterRoleBinding('read-pods', 'pod-reader', [userSubject('jane')])]);
  assert.deepEqual(rbac.authorize(resourceAttrs(jane, 'delete', 'pods', { namespace: 'x', name: 'p' })), {
    decision: 'NoOpinion',
    reason: '',
  });
  assert.deepEqual(rbac.authorize(pathAttrs(jane, 'get', '/healthz')), { decision: 'NoOpinion', reason: '' });
});

test('a ServiceAccount subject without namespace in a ClusterRoleBinding never matches', () => {
  const { rbac } = authz([podReader, clusterRoleBinding('broken', 'pod-reader', [saSubject('default')])]);
  for (const ns of ['default', '', 'kube-system'])
    assert.equal(
      rbac.authorize(resourceAttrs(sa('default', 'default'), 'get', 'pods', { namespace: ns })).decision,
      'NoOpinion',
    );
});

test('the first matching subject of a binding is the one described', () => {
  const { rbac } = authz([
    podReader,
    clusterRoleBinding('multi', 'pod-reader', [
      userSubject('bob'),
      groupSubject('system:authenticated'),
      userSubject('jane'),
    ]),
  ]);
  assert.equal(
    rbac.authorize(resourceAttrs(jane, 'get', 'pods')).reason,
    'RBAC: allowed by ClusterRoleBinding "multi" of ClusterRole "pod-reader" to Group "system:authenticated"',
  );
});

test('ClusterRoleBindings are evaluated before RoleBindings; within a scope by name', () => {
  const { rbac } = authz([
    podReader,
    roleBinding('ns', 'aaa', 'ClusterRole', 'pod-reader', [userSubject('jane')]),
    clusterRoleBinding('zzz', 'pod-reader', [userSubject('jane')]),
    clusterRoleBinding('mmm', 'pod-reader', [groupSubject('system:authenticated')]),
  ]);
  assert.equal(
    rbac.authorize(resourceAttrs(jane, 'get', 'pods', { namespace: 'ns' })).reason,
    'RBAC: allowed by ClusterRoleBinding "mmm" of ClusterRole "pod-reader" to Group "system:authenticated"',
  );
});

test('a RoleBinding to a ClusterRole grants it only in the binding namespace', () => {
  const { rbac } = authz([podReader, roleBinding('dev', 'pods', 'ClusterRole', 'pod-reader', [userSubject('jane')])]);
  assert.equal(rbac.authorize(resourceAttrs(jane, 'get', 'pods', { namespace: 'dev' })).decision, 'Allow');
  assert.equal(
    rbac.authorize(resourceAttrs(jane, 'get', 'pods', { namespace: 'dev' })).reason,
    'RBAC: allowed by RoleBinding "pods/dev" of ClusterRole "pod-reader" to User "jane"',
  );
  assert.equal(rbac.authorize(resourceAttrs(jane, 'get', 'pods', { namespace: 'prod' })).decision, 'NoOpinion');
  // Not at cluster scope either (e.g. list across all namespaces).
  assert.equal(rbac.authorize(resourceAttrs(jane, 'list', 'pods')).decision, 'NoOpinion');
});

test('missing roles are reported (lister singular form) and aggregated; resolution continues', () => {
  const { rbac } = authz([
    clusterRoleBinding('a', 'foo', [userSubject('jane')]),
    clusterRoleBinding('b', 'foo', [userSubject('jane')]),
    roleBinding('dev', 'c', 'Role', 'pod-reader', [userSubject('jane')]),
  ]);
  assert.deepEqual(rbac.authorize(resourceAttrs(jane, 'get', 'pods')), {
    decision: 'NoOpinion',
    reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "foo" not found',
  });
  assert.deepEqual(rbac.authorize(resourceAttrs(jane, 'get', 'pods', { namespace: 'dev' })), {
    decision: 'NoOpinion',
    reason:
      'RBAC: [clusterrole.rbac.authorization.k8s.io "foo" not found, role.rbac.authorization.k8s.io "pod-reader" not found]',
  });
  // A later binding still allows.
  const { rbac: r2 } = authz([
    podReader,
    clusterRoleBinding('a', 'foo', [userSubject('jane')]),
    clusterRoleBinding('b', 'pod-reader', [userSubject('jane')]),
  ]);
  assert.equal(r2.authorize(resourceAttrs(jane, 'get', 'pods')).decision, 'Allow');
});

test('non-resource rules only via ClusterRoleBindings', () => {
  const discovery = clusterRole('system:discovery', [
    urlRule(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/version']),
  ]);
  const { rbac } = authz([
    discovery,
    clusterRoleBinding('system:discovery', 'system:discovery', [groupSubject('system:authenticated')]),
  ]);
  assert.equal(rbac.authorize(pathAttrs(jane, 'get', '/apis/apps/v1')).decision, 'Allow');
  assert.equal(rbac.authorize(pathAttrs(jane, 'get', '/metrics')).decision, 'NoOpinion');
  assert.equal(
    rbac.authorize(pathAttrs({ username: 'system:anonymous', groups: ['system:unauthenticated'] }, 'get', '/api'))
      .decision,
    'NoOpinion',
  );
});

test('the index follows watch events: a new binding takes effect on the next call', () => {
  const { index, rbac } = authz([podReader]);
  const attrs = resourceAttrs(jane, 'get', 'pods', { namespace: 'dev' });
  assert.equal(rbac.authorize(attrs).decision, 'NoOpinion');

  const rb = roleBinding('dev', 'jane-pods', 'ClusterRole', 'pod-reader', [userSubject('jane')]);
  index.apply('ADDED', rb);
  assert.equal(rbac.authorize(attrs).decision, 'Allow');

  // MODIFIED: the subject changes to someone else.
  index.apply('MODIFIED', { ...rb, subjects: [userSubject('bob')] });
  assert.equal(rbac.authorize(attrs).decision, 'NoOpinion');
  assert.equal(
    rbac.authorize(resourceAttrs({ username: 'bob', groups: [] }, 'get', 'pods', { namespace: 'dev' })).decision,
    'Allow',
  );

  index.apply('MODIFIED', rb);
  assert.equal(rbac.authorize(attrs).decision, 'Allow');
  index.apply('DELETED', rb);
  assert.equal(rbac.authorize(attrs).decision, 'NoOpinion');

  // Roles too: the rules are read at decision time.
  const crb = clusterRoleBinding('jane', 'editor', [userSubject('jane')]);
  index.apply('ADDED', crb);
  assert.match(rbac.authorize(attrs).reason, /clusterrole.rbac.authorization.k8s.io "editor" not found/);
  index.apply('ADDED', clusterRole('editor', [rule(['*'], [''], ['pods'])]));
  assert.equal(rbac.authorize(attrs).decision, 'Allow');
  index.apply('MODIFIED', clusterRole('editor', [rule(['list'], [''], ['pods'])]));
  assert.equal(rbac.authorize(attrs).decision, 'NoOpinion');
  index.apply('DELETED', clusterRoleBinding('jane', 'editor', []));
  assert.equal(rbac.authorize(attrs).reason, '');
  assert.deepEqual(index.counts, { clusterRoles: 2, roles: 0, clusterRoleBindings: 0, roleBindings: 0 });
});

test('rulesFor: raw rules, cluster bindings first, errors as evaluationError', () => {
  const { rbac } = authz([
    clusterRole('mixed', [rule(['get'], [''], ['pods']), urlRule(['get'], ['/healthz'])]),
    role('dev', 'named', [rule(['get'], [''], ['configmaps'], ['cfg'])]),
    clusterRoleBinding('m', 'mixed', [userSubject('jane')]),
    clusterRoleBinding('dup', 'mixed', [userSubject('jane')]),
    roleBinding('dev', 'n', 'Role', 'named', [userSubject('jane')]),
    roleBinding('dev', 'gone', 'Role', 'nope', [userSubject('jane')]),
  ]);
  const r = rbac.rulesFor(jane, 'dev');
  assert.deepEqual(r.resourceRules, [
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] },
  ]);
  assert.deepEqual(r.nonResourceRules, [
    { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    { verbs: ['get'], nonResourceURLs: ['/healthz'] },
  ]);
  assert.equal(r.incomplete, false);
  assert.equal(r.evaluationError, 'role.rbac.authorization.k8s.io "nope" not found');
});

// How fast such a decision is, is measured by the bench (bench/rbac.mjs), not here.
test('a decision with 10k bindings: the index holds them all and decides', () => {
  const objects: KObject[] = [];
  for (let i = 0; i < 2500; i++) {
    objects.push(
      clusterRole(`cr-${i}`, [rule(['get', 'list'], ['apps'], [`res-${i}`]), rule(['watch'], [''], ['pods'])]),
    );
    objects.push(role(`ns-${i % 100}`, `role-${i}`, [rule(['get'], [''], [`thing-${i}`])]));
  }
  for (let i = 0; i < 10_000; i++) {
    const subjects =
      i % 1000 === 0
        ? [groupSubject('system:authenticated')]
        : [userSubject(`user-${i}`), groupSubject(`team-${i % 50}`)];
    objects.push(clusterRoleBinding(`crb-${i}`, `cr-${i % 2500}`, subjects));
    objects.push(roleBinding(`ns-${i % 100}`, `rb-${i}`, 'Role', `role-${i % 2500}`, [userSubject(`user-${i}`)]));
  }
  const { index, rbac } = authz(objects);
  assert.deepEqual(index.counts, {
    clusterRoles: 2500,
    roles: 2500,
    clusterRoleBindings: 10_000,
    roleBindings: 10_000,
  });
  const u: UserInfo = { username: 'user-4321', groups: ['team-21', 'system:authenticated'] };
  const denied = resourceAttrs(u, 'delete', 'secrets', { namespace: 'ns-21', name: 'x' });
  const allowed = resourceAttrs(u, 'get', 'thing-1821', { namespace: 'ns-21' });
  assert.equal(rbac.authorize(allowed).decision, 'Allow');
  assert.equal(rbac.authorize(denied).decision, 'NoOpinion');
});
