// Ports of plugin/pkg/auth/authorizer/rbac/rbac_test.go TestAuthorizer and TestRuleMatches (kubernetes/kubernetes; revision in
// ledger.json). Upstream builds the RBAC authorizer over in-memory roles and bindings and asks it about attribute
// records; here the same roles and bindings are created in kubeauth and each record is asked as a
// SubjectAccessReview, which kubeauth answers with the same RBAC authorizer that guards its requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, create, createNamespace, req } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
let s;
before(async () => {
  s = await startServer();
  for (const ns of ['ns1', 'ns2']) await createNamespace(s, ns);
});
after(() => s?.stop());

/**
 * upstream's newRule("verbs", "apiGroups", "resources", "nonResourceURLs"), comma-separated lists, as the rules a
 * stored ClusterRole can hold: RBAC validation refuses one rule with both resources and non-resource URLs (the
 * unit test skips validation), so such a rule becomes two, which authorize exactly what the one did.
 */
const rule = (verbs, apiGroups, resources, urls) => {
  const v = verbs.split(',');
  const out = [];
  if (apiGroups !== undefined) out.push({ verbs: v, apiGroups: apiGroups.split(','), resources: resources.split(',') });
  if (urls !== undefined) out.push({ verbs: v, nonResourceURLs: urls.split(',') });
  return out;
};
const subject = (s) => {
  const [kind, name] = s.split(':');
  return { apiGroup: 'rbac.authorization.k8s.io', kind, name };
};

/** Creates a case's ClusterRoles and bindings, each name prefixed so that cases do not see each other's. */
async function setup(p, { clusterRoles = [], roleBindings = [], clusterRoleBindings = [] }) {
  for (const [name, rules] of clusterRoles)
    await create(s, `${rbac}/clusterroles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${p}-${name}` },
      rules: rules.flat(),
    });
  for (const [ns, role, ...subjects] of roleBindings)
    await create(s, `${rbac}/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${p}-${role}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${p}-${role}` },
      subjects: subjects.map(subject),
    });
  for (const [role, ...subjects] of clusterRoleBindings)
    await create(s, `${rbac}/clusterrolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${p}-${role}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${p}-${role}` },
      subjects: subjects.map(subject),
    });
}

/** One attribute record as a SubjectAccessReview; resolves `allowed`. Users and groups are made unique per case. */
async function allowed(p, a) {
  const spec = {
    ...(a.user ? { user: `${p}-${a.user}` } : {}),
    ...(a.groups ? { groups: a.groups.filter(Boolean).map((g) => `${p}-${g}`) } : {}),
  };
  if (!spec.user && !spec.groups?.length) spec.groups = [`${p}-nobody`];
  if (a.path) spec.nonResourceAttributes = { verb: a.verb, path: a.path };
  else
    spec.resourceAttributes = {
      verb: a.verb,
      resource: a.resource,
      ...(a.subresource ? { subresource: a.subresource } : {}),
      ...(a.namespace ? { namespace: a.namespace } : {}),
      group: a.apiGroup ?? '',
    };
  const r = await req(s, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec,
  });
  assert.equal(r.status, 201, r.body);
  return r.json.status.allowed;
}

/** upstream's defaultAttributes{user, groups, verb, resource, subresource, namespace, apiGroup}. */
const attrs = (user, groups, verb, resource, subresource, namespace, apiGroup) => ({
  user,
  groups: groups ? groups.split(',') : [],
  verb,
  resource,
  subresource,
  namespace,
  apiGroup,
});

async function check(p, c) {
  await setup(p, c);
  for (const a of c.shouldPass) assert.equal(await allowed(p, a), true, `incorrectly restricted ${JSON.stringify(a)}`);
  for (const a of c.shouldFail) assert.equal(await allowed(p, a), false, `incorrectly passed ${JSON.stringify(a)}`);
}

// A user or group names "" in upstream's records when unset: the prefix keeps every name distinct per case.
// Resource names keep upstream's spelling ("Pods", "Foobar"), which RBAC compares literally.

test('[ut.rbac.authorizer.TestAuthorizer.case-0] a RoleBinding to a ClusterRole grants its namespace only', () =>
  check('c0', {
    clusterRoles: [['admin', [rule('*', '*', '*', '*')]]],
    roleBindings: [['ns1', 'admin', 'User:c0-admin', 'Group:c0-admins']],
    shouldPass: [
      attrs('admin', '', 'get', 'Pods', '', 'ns1', ''),
      attrs('admin', '', 'watch', 'Pods', '', 'ns1', ''),
      attrs('admin', 'group1', 'watch', 'Foobar', '', 'ns1', ''),
      attrs('joe', 'admins', 'watch', 'Foobar', '', 'ns1', ''),
      attrs('joe', 'group1,admins', 'watch', 'Foobar', '', 'ns1', ''),
    ],
    shouldFail: [
      attrs('admin', '', 'GET', 'Pods', '', 'ns2', ''),
      attrs('admin', '', 'GET', 'Nodes', '', '', ''),
      attrs('admin', 'admins', 'GET', 'Pods', '', 'ns2', ''),
      attrs('admin', 'admins', 'GET', 'Nodes', '', '', ''),
    ],
  }));

const nr = (user, groups, verb, path) => ({ user, groups, verb, path });

test('[ut.rbac.authorizer.TestAuthorizer.case-1] non-resource URLs: exact paths, prefixes, verbs', () =>
  check('c1', {
    clusterRoles: [
      ['non-resource-url-getter', [rule('get', undefined, undefined, '/apis')]],
      ['non-resource-url', [rule('*', undefined, undefined, '/apis')]],
      ['non-resource-url-prefix', [rule('get', undefined, undefined, '/apis/*')]],
    ],
    clusterRoleBindings: [
      ['non-resource-url-getter', 'User:c1-foo', 'Group:c1-bar'],
      ['non-resource-url', 'User:c1-admin', 'Group:c1-admin'],
      ['non-resource-url-prefix', 'User:c1-prefixed', 'Group:c1-prefixed'],
    ],
    shouldPass: [
      nr('foo', [], 'get', '/apis'),
      nr('', ['bar'], 'get', '/apis'),
      nr('admin', [], 'get', '/apis'),
      nr('', ['admin'], 'get', '/apis'),
      nr('admin', [], 'watch', '/apis'),
      nr('', ['admin'], 'watch', '/apis'),
      nr('prefixed', [], 'get', '/apis/v1'),
      nr('', ['prefixed'], 'get', '/apis/v1'),
      nr('prefixed', [], 'get', '/apis/v1/foobar'),
      nr('', ['prefixed'], 'get', '/apis/v1/foorbar'),
    ],
    shouldFail: [
      // wrong verb
      nr('foo', [], 'watch', '/apis'),
      nr('', ['bar'], 'watch', '/apis'),
      // wrong path
      nr('foo', [], 'get', '/api/v1'),
      nr('', ['bar'], 'get', '/api/v1'),
      nr('admin', [], 'get', '/api/v1'),
      nr('', ['admin'], 'get', '/api/v1'),
      // not covered by prefix
      nr('prefixed', [], 'get', '/api/v1'),
      nr('', ['prefixed'], 'get', '/api/v1'),
    ],
  }));

test('[ut.rbac.authorizer.TestAuthorizer.case-2] a rule on pods does not cover pods/status', () =>
  check('c2', {
    clusterRoles: [['admin', [rule('*', '*', 'pods', '*')]]],
    roleBindings: [['ns1', 'admin', 'User:c2-admin', 'Group:c2-admins']],
    shouldPass: [attrs('admin', '', 'get', 'pods', '', 'ns1', '')],
    shouldFail: [attrs('admin', '', 'get', 'pods', 'status', 'ns1', '')],
  }));

test('[ut.rbac.authorizer.TestAuthorizer.case-3] a rule on pods/status does not cover pods; */scale covers every scale', () =>
  check('c3', {
    clusterRoles: [['admin', [rule('*', '*', 'pods/status', '*'), rule('*', '*', '*/scale', '*')]]],
    roleBindings: [['ns1', 'admin', 'User:c3-admin', 'Group:c3-admins']],
    shouldPass: [
      attrs('admin', '', 'get', 'pods', 'status', 'ns1', ''),
      attrs('admin', '', 'get', 'pods', 'scale', 'ns1', ''),
      attrs('admin', '', 'get', 'deployments', 'scale', 'ns1', ''),
      attrs('admin', '', 'get', 'anything', 'scale', 'ns1', ''),
    ],
    shouldFail: [attrs('admin', '', 'get', 'pods', '', 'ns1', '')],
  }));

// TestRuleMatches: upstream asks RuleAllows(request, rule) directly. Here each case's one rule is a ClusterRole
// bound cluster-wide to one user, and each request is that user's SubjectAccessReview, so the answer is RBAC's
// rule match and nothing else (no namespace, no other binding applies).
const verbsGroupsResources = (verbs, groups, resources) => [{ verbs, apiGroups: groups, resources }];
const urls = (verbs, nonResourceURLs) => [{ verbs, nonResourceURLs }];
const rr = (verb, group, resource, subresource) => ({ verb, apiGroup: group, resource, subresource });
const nrr = (verb, path) => ({ verb, path });

async function ruleMatches(p, rules, expectations) {
  await setup(p, { clusterRoles: [['rule', [rules]]], clusterRoleBindings: [['rule', `User:${p}-user`]] });
  for (const [request, want] of expectations)
    assert.equal(await allowed(p, { user: 'user', ...request }), want, `${p}: ${JSON.stringify(request)}`);
}

/** The eight resource requests upstream's first cases enumerate: verb1/verb2 × group1/group2 × resource1/resource2. */
const grid = (sub) =>
  ['verb1', 'verb2'].flatMap((v) =>
    [
      ['group1', 'resource1'],
      ['group2', 'resource1'],
      ['group1', 'resource2'],
      ['group2', 'resource2'],
    ].map(([g, r]) => rr(v, g, r, sub)),
  );
const expectGrid = (sub, wants) => grid(sub).map((r, i) => [r, wants[i]]);

test('[ut.rbac.authorizer.TestRuleMatches.star-verb-exact-match-other] star verb, exact match other', () =>
  ruleMatches(
    'rm0',
    verbsGroupsResources(['*'], ['group1'], ['resource1']),
    expectGrid(undefined, [true, false, false, false, true, false, false, false]),
  ));

test('[ut.rbac.authorizer.TestRuleMatches.star-group-exact-match-other] star group, exact match other', () =>
  ruleMatches(
    'rm1',
    verbsGroupsResources(['verb1'], ['*'], ['resource1']),
    expectGrid(undefined, [true, true, false, false, false, false, false, false]),
  ));

test('[ut.rbac.authorizer.TestRuleMatches.star-resource-exact-match-other] star resource, exact match other', () =>
  ruleMatches(
    'rm2',
    verbsGroupsResources(['verb1'], ['group1'], ['*']),
    expectGrid(undefined, [true, false, true, false, false, false, false, false]),
  ));

test('[ut.rbac.authorizer.TestRuleMatches.tuple-expansion] tuple expansion', () =>
  ruleMatches(
    'rm3',
    verbsGroupsResources(['verb1', 'verb2'], ['group1', 'group2'], ['resource1', 'resource2']),
    expectGrid(undefined, [true, true, true, true, true, true, true, true]),
  ));

test('[ut.rbac.authorizer.TestRuleMatches.subresource-expansion] subresource expansion', () =>
  ruleMatches('rm4', verbsGroupsResources(['*'], ['*'], ['resource1/subresource1']), [
    [rr('verb1', 'group1', 'resource1', 'subresource1'), true],
    [rr('verb1', 'group2', 'resource1', 'subresource2'), false],
    [rr('verb1', 'group1', 'resource2', 'subresource1'), false],
    [rr('verb1', 'group2', 'resource2', 'subresource1'), false],
    [rr('verb2', 'group1', 'resource1', 'subresource1'), true],
    [rr('verb2', 'group2', 'resource1', 'subresource2'), false],
    [rr('verb2', 'group1', 'resource2', 'subresource1'), false],
    [rr('verb2', 'group2', 'resource2', 'subresource1'), false],
  ]));

const fooPaths = ['/foo', '/foo/bar', '/foo/baz', '/foo/bar/one', '/foo/baz/one'];

test('[ut.rbac.authorizer.TestRuleMatches.star-nonresource-exact-match-other] star nonresource, exact match other', () =>
  ruleMatches('rm5', urls(['verb1'], ['*']), [
    ...fooPaths.map((u) => [nrr('verb1', u), true]),
    ...fooPaths.map((u) => [nrr('verb2', u), false]),
  ]));

test('[ut.rbac.authorizer.TestRuleMatches.star-nonresource-subpath] star nonresource subpath', () =>
  ruleMatches('rm6', urls(['verb1'], ['/foo/*']), [
    [nrr('verb1', '/foo'), false],
    [nrr('verb1', '/foo/bar'), true],
    [nrr('verb1', '/foo/baz'), true],
    [nrr('verb1', '/foo/bar/one'), true],
    [nrr('verb1', '/foo/baz/one'), true],
    [nrr('verb1', '/notfoo'), false],
    [nrr('verb1', '/notfoo/bar'), false],
    [nrr('verb1', '/notfoo/baz'), false],
    [nrr('verb1', '/notfoo/bar/one'), false],
    [nrr('verb1', '/notfoo/baz/one'), false],
  ]));

test('[ut.rbac.authorizer.TestRuleMatches.star-verb-exact-nonresource] star verb, exact nonresource', () =>
  ruleMatches(
    'rm7',
    urls(['*'], ['/foo', '/foo/bar/one']),
    ['verb1', 'verb2'].flatMap((v) => fooPaths.map((u) => [nrr(v, u), u === '/foo' || u === '/foo/bar/one'])),
  ));
