import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import type { KObject, UserInfo } from '../../api/types.js';
import { buildAuthorizer } from '../union.js';
import { RbacAuthorizer } from './authorizer.js';
import {
  type EscalationContext,
  breakdownRule,
  checkBindingEscalation,
  checkRoleEscalation,
  compactRules,
  compactString,
  confirmNoEscalation,
  covers,
} from './escalation.js';
import { RbacIndex } from './index.js';
import {
  clusterRole,
  clusterRoleBinding,
  groupSubject,
  role,
  roleBinding,
  rule,
  urlRule,
  userSubject,
} from './testing.js';

const bob: UserInfo = { username: 'bob', groups: ['system:authenticated'] };

function setup(objects: KObject[]): {
  index: RbacIndex;
  ctx: (user: UserInfo, namespace?: string, name?: string) => EscalationContext;
} {
  const index = new RbacIndex();
  index.load(objects);
  const chain = buildAuthorizer(['RBAC'], new RbacAuthorizer(index));
  return {
    index,
    ctx: (user, namespace = '', name = '') => ({ user, namespace, name, index, authorize: (a) => chain.authorize(a) }),
  };
}

function thrown(fn: () => void): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}

test('breakdown and coverage', () => {
  assert.deepEqual(breakdownRule(rule(['get', 'list'], ['', 'apps'], ['pods'], ['a'])), [
    { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
    { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
    { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'], resourceNames: ['a'] },
    { verbs: ['list'], apiGroups: ['apps'], resources: ['pods'], resourceNames: ['a'] },
  ]);
  assert.deepEqual(breakdownRule(urlRule(['get'], ['/a', '/b'])), [
    { verbs: ['get'], nonResourceURLs: ['/a'] },
    { verbs: ['get'], nonResourceURLs: ['/b'] },
  ]);
  const owner = [
    rule(['*'], [''], ['pods']),
    rule(['get'], ['apps'], ['*/scale']),
    rule(['get'], [''], ['configmaps'], ['only']),
    urlRule(['get'], ['/logs/*']),
  ];
  assert.equal(covers(owner, [rule(['delete', 'get'], [''], ['pods'])]).covered, true);
  assert.equal(covers(owner, [rule(['get'], [''], ['pods/log'])]).covered, false, 'pods does not cover pods/log');
  assert.equal(covers(owner, [rule(['get'], ['apps'], ['deployments/scale'])]).covered, true, '*/scale');
  assert.equal(covers(owner, [rule(['get'], [''], ['configmaps'], ['only'])]).covered, true);
  assert.equal(
    covers(owner, [rule(['get'], [''], ['configmaps'])]).covered,
    false,
    'named owner does not cover all names',
  );
  assert.equal(covers(owner, [urlRule(['get'], ['/logs/x/y'])]).covered, true);
  assert.equal(covers(owner, [urlRule(['get'], ['/logs'])]).covered, false);
  assert.equal(
    covers([rule(['*'], ['*'], ['*'])], [urlRule(['get'], ['/healthz'])]).covered,
    false,
    'resources do not cover URLs',
  );
  assert.deepEqual(covers(owner, [rule(['get', 'watch'], ['apps'], ['deployments'])]).missing, [
    { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] },
    { verbs: ['watch'], apiGroups: ['apps'], resources: ['deployments'] },
  ]);
});

test('compaction and the Go CompactString format', () => {
  const missing = covers([], [rule(['get', 'list'], [''], ['pods']), rule(['get'], [''], ['secrets'], ['s'])]).missing;
  const compact = compactRules(missing).map(compactString).sort();
  assert.deepEqual(compact, [
    '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
    '{APIGroups:[""], Resources:["secrets"], ResourceNames:["s"], Verbs:["get"]}',
  ]);
  assert.equal(compactString(urlRule(['get'], ['/healthz'])), '{NonResourceURLs:["/healthz"], Verbs:["get"]}');
});

test('a user lacking a permission cannot grant it in a Role (exact message)', () => {
  const { ctx } = setup([]);
  const r = role('dev', 'pod-reader', [rule(['get', 'list'], [''], ['pods'])]);
  const e = thrown(() => checkRoleEscalation(ctx(bob, 'dev'), r));
  assert.equal(e.code, 403);
  assert.equal(
    e.status.message,
    'roles.rbac.authorization.k8s.io "pod-reader" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
  );
  assert.deepEqual(e.status.details, { name: 'pod-reader', group: 'rbac.authorization.k8s.io', kind: 'roles' });
});

test('holding the permissions (or escalate, or system:masters) allows the role', () => {
  const { ctx } = setup([
    clusterRole('pods', [rule(['*'], [''], ['pods'])]),
    roleBinding('dev', 'bob-pods', 'ClusterRole', 'pods', [userSubject('bob')]),
    clusterRole('escalator', [rule(['escalate'], ['rbac.authorization.k8s.io'], ['roles'])]),
    clusterRoleBinding('carol-escalates', 'escalator', [userSubject('carol')]),
  ]);
  const r = role('dev', 'pod-reader', [rule(['get', 'list'], [''], ['pods'])]);
  checkRoleEscalation(ctx(bob, 'dev'), r);
  // Not in another namespace: rules are resolved in the role's namespace.
  assert.equal(
    thrown(() => checkRoleEscalation(ctx(bob, 'prod'), { ...r, metadata: { name: 'x', namespace: 'prod' } })).code,
    403,
  );
  checkRoleEscalation(ctx({ username: 'carol', groups: [] }, 'prod'), {
    ...r,
    metadata: { name: 'x', namespace: 'prod' },
  });
  checkRoleEscalation(
    ctx({ username: 'root', groups: ['system:masters'] }),
    clusterRole('all', [rule(['*'], ['*'], ['*'])]),
  );
});

test('missing rules are listed sorted, one per line, with resolution errors', () => {
  const { ctx } = setup([clusterRoleBinding('dangling', 'gone', [userSubject('bob')])]);
  const cr = clusterRole('wide', [
    rule(['list'], ['apps'], ['deployments']),
    rule(['get'], [''], ['pods']),
    urlRule(['get'], ['/metrics']),
  ]);
  const e = thrown(() => checkRoleEscalation(ctx(bob), cr));
  assert.equal(
    e.status.message,
    'clusterroles.rbac.authorization.k8s.io "wide" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}\n' +
      '{APIGroups:["apps"], Resources:["deployments"], Verbs:["list"]}\n' +
      '{NonResourceURLs:["/metrics"], Verbs:["get"]}' +
      '; resolution errors: [clusterroles.rbac.authorization.k8s.io "gone" not found]',
  );
});

test('aggregationRule needs cluster-admin', () => {
  // bob holds every rule of the role (none) but not `*`; with `*` on `*` he could `escalate` anyway.
  const { ctx } = setup([
    clusterRole('some', [rule(['get'], [''], ['pods'])]),
    clusterRoleBinding('bob-some', 'some', [userSubject('bob')]),
  ]);
  const agg: KObject = {
    ...clusterRole('agg', []),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] },
  };
  const e = thrown(() => checkRoleEscalation(ctx(bob), agg));
  assert.equal(
    e.status.message,
    'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
  );
  // Removing it from an existing aggregated role is checked too.
  assert.equal(thrown(() => checkRoleEscalation(ctx(bob, '', 'agg'), clusterRole('agg', []), agg)).code, 403);
  const admin = setup([
    clusterRole('ca', [rule(['*'], ['*'], ['*']), urlRule(['*'], ['*'])]),
    clusterRoleBinding('b', 'ca', [userSubject('bob')]),
  ]);
  checkRoleEscalation(admin.ctx(bob), agg);
});

test('bindings: bind permission, coverage, missing role, unknown kind', () => {
  const { ctx } = setup([
    clusterRole('view', [rule(['get', 'list', 'watch'], [''], ['pods'])]),
    clusterRole('binder', [rule(['bind'], ['rbac.authorization.k8s.io'], ['clusterroles'], ['view'])]),
    roleBinding('dev', 'alice-binds', 'ClusterRole', 'binder', [userSubject('alice')]),
  ]);
  const rb = roleBinding('dev', 'rb1', 'ClusterRole', 'view', [userSubject('eve')]);
  const e = thrown(() => checkBindingEscalation(ctx(bob, 'dev'), rb));
  assert.equal(
    e.status.message,
    'rolebindings.rbac.authorization.k8s.io "rb1" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["get" "list" "watch"]}',
  );
  // alice may bind `view` in dev, not elsewhere.
  const alice: UserInfo = { username: 'alice', groups: [] };
  checkBindingEscalation(ctx(alice, 'dev'), rb);
  assert.equal(
    thrown(() => checkBindingEscalation(ctx(alice, 'prod'), { ...rb, metadata: { name: 'rb1', namespace: 'prod' } }))
      .code,
    403,
  );
  // A missing role is its NotFound (storage, plural).
  const missing = thrown(() => checkBindingEscalation(ctx(bob, 'dev'), roleBinding('dev', 'x', 'Role', 'nope', [])));
  assert.equal(missing.code, 404);
  assert.equal(missing.status.message, 'roles.rbac.authorization.k8s.io "nope" not found');
  const crb = thrown(() => checkBindingEscalation(ctx(bob), clusterRoleBinding('c', 'nope', [groupSubject('g')])));
  assert.equal(crb.status.message, 'clusterroles.rbac.authorization.k8s.io "nope" not found');
  // An unknown kind fails before validation with a plain (500) error.
  const odd = { ...rb, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Foo', name: 'x' } };
  const u = thrown(() => checkBindingEscalation(ctx(bob, 'dev'), odd));
  assert.equal(u.code, 500);
  assert.equal(u.status.message, 'unsupported role reference kind: "Foo"');
  // Changing only finalizers/ownerReferences is never checked.
  checkBindingEscalation(ctx(bob, 'dev'), { ...rb, metadata: { ...rb.metadata, finalizers: ['x'] } }, rb);
});

test('confirmNoEscalation returns undefined when covered', () => {
  const { index } = setup([
    clusterRole('r', [rule(['get'], [''], ['pods'])]),
    clusterRoleBinding('b', 'r', [userSubject('bob')]),
  ]);
  assert.equal(confirmNoEscalation(bob, [rule(['get'], [''], ['pods'])], '', index), undefined);
  assert.match(confirmNoEscalation(bob, [rule(['list'], [''], ['pods'])], '', index)!, /Verbs:\["list"\]/);
});
