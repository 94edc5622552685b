// Ports of pkg/registry/rbac/validation/rule_test.go (kubernetes/kubernetes; revision in ledger.json): the RBAC
// rule resolver. TestDefaultRuleResolver asks RulesFor(user, namespace) over static roles and bindings; here the
// same objects are stored and the user's rules are read from a SelfSubjectRulesReview (the admin impersonating the
// user), whose resource rules are what the resolver returns. Every request's user also carries
// system:authenticated, whose bootstrap bindings add their own rules: the rules of an unbound user, asked the same
// way, are taken out before comparing. TestAppliesTo asks whether a binding's subjects apply to a user; here the
// subjects are a ClusterRoleBinding's, to a ClusterRole that grants a verb only that binding grants, and the user's
// SubjectAccessReview for that verb is allowed exactly when the subjects apply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create, createNamespace } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const group = 'rbac.authorization.k8s.io';
let s;
before(async () => {
  s = await startServer();
  for (const ns of ['namespace1', 'namespace2']) await createNamespace(s, ns);
});
after(() => s?.stop());

const subject = ([kind, name, namespace]) =>
  kind === 'ServiceAccount' ? { kind, name, namespace } : { apiGroup: group, kind, name };

// --- TestDefaultRuleResolver ------------------------------------------------------------------------------------

const ruleReadPods = { verbs: ['GET', 'WATCH'], apiGroups: ['v1'], resources: ['pods'] };
const ruleReadServices = { verbs: ['GET', 'WATCH'], apiGroups: ['v1'], resources: ['services'] };
const ruleWriteNodes = { verbs: ['PUT', 'CREATE', 'UPDATE'], apiGroups: ['v1'], resources: ['nodes'] };
const ruleAdmin = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };

let staticRoles1;
async function storeStaticRoles1() {
  // upstream's staticRoles1; its ClusterRole "cluster-admin" is stored as "rr-cluster-admin" (the bootstrap policy
  // has its own cluster-admin).
  staticRoles1 ??= (async () => {
    await create(s, `${rbac}/namespaces/namespace1/roles`, {
      apiVersion: `${group}/v1`,
      kind: 'Role',
      metadata: { namespace: 'namespace1', name: 'readthings' },
      rules: [ruleReadPods, ruleReadServices],
    });
    for (const [name, rule] of [
      ['rr-cluster-admin', ruleAdmin],
      ['write-nodes', ruleWriteNodes],
    ])
      await create(s, `${rbac}/clusterroles`, {
        apiVersion: `${group}/v1`,
        kind: 'ClusterRole',
        metadata: { name },
        rules: [rule],
      });
    await create(s, `${rbac}/namespaces/namespace1/rolebindings`, {
      apiVersion: `${group}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'readthings' },
      subjects: [subject(['User', 'foobar']), subject(['Group', 'group1'])],
      roleRef: { apiGroup: group, kind: 'Role', name: 'readthings' },
    });
    await create(s, `${rbac}/clusterrolebindings`, {
      apiVersion: `${group}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'rr-cluster-admin' },
      subjects: [subject(['User', 'admin']), subject(['Group', 'admin'])],
      roleRef: { apiGroup: group, kind: 'ClusterRole', name: 'rr-cluster-admin' },
    });
  })();
  return staticRoles1;
}

/** The resource rules of `user` (with `groups`) in `namespace`, from its SelfSubjectRulesReview. */
async function rulesFor(user, groups, namespace) {
  const headers = { 'Impersonate-User': user };
  const r = await req(
    s,
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
    { headers: groups.length ? { ...headers, 'Impersonate-Group': groups } : headers },
  );
  assert.equal(r.status, 201, r.body);
  assert.equal(r.json.status.incomplete, false, r.body);
  return r.json.status.resourceRules.map((x) =>
    JSON.stringify({ verbs: x.verbs, apiGroups: x.apiGroups, resources: x.resources }),
  );
}

/** upstream's effectiveRules: the user's rules less those every authenticated user has. */
async function effectiveRules(user, groups, namespace) {
  await storeStaticRoles1();
  const all = await rulesFor(user, groups, namespace);
  const base = new Set(await rulesFor('rr-unbound', [], namespace));
  return all.filter((x) => !base.has(x)).sort();
}
const expected = (rules) => rules.map((r) => JSON.stringify(r)).sort();

test('[ut.rbac.rule.TestDefaultRuleResolver.case-0] a RoleBinding applies in its namespace', async () =>
  assert.deepEqual(await effectiveRules('foobar', [], 'namespace1'), expected([ruleReadPods, ruleReadServices])));

test('[ut.rbac.rule.TestDefaultRuleResolver.case-1] a RoleBinding does not apply in another namespace', async () =>
  assert.deepEqual(await effectiveRules('foobar', [], 'namespace2'), []));

// Upstream asks with no namespace; a SelfSubjectRulesReview needs one (kube answers 400 "no namespace on request"),
// so the user is asked in a namespace none of its RoleBindings is in: only the cluster rules may apply.
test('[ut.rbac.rule.TestDefaultRuleResolver.case-2] without a namespace only cluster rules apply', async () =>
  assert.deepEqual(await effectiveRules('foobar', ['admin'], 'namespace2'), expected([ruleAdmin])));

// --- TestAppliesTo -------------------------------------------------------------------------------------------

let seq = 0;
async function appliesTo(subjects, user, groups, namespace) {
  const name = `applies-to-${++seq}`;
  await create(s, `${rbac}/clusterroles`, {
    apiVersion: `${group}/v1`,
    kind: 'ClusterRole',
    metadata: { name },
    rules: [{ verbs: ['apply'], apiGroups: ['example.com'], resources: [name] }],
  });
  await create(s, `${rbac}/clusterrolebindings`, {
    apiVersion: `${group}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    subjects: subjects.map(subject),
    roleRef: { apiGroup: group, kind: 'ClusterRole', name },
  });
  const r = await req(s, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user,
      groups,
      resourceAttributes: { verb: 'apply', group: 'example.com', resource: name, ...(namespace ? { namespace } : {}) },
    },
  });
  assert.equal(r.status, 201, r.body);
  return r.json.status.allowed === true;
}

test('[ut.rbac.rule.TestAppliesTo.single-subject-that-matches-username] single subject that matches username', async () =>
  assert.equal(await appliesTo([['User', 'foobar']], 'foobar', []), true));

test('[ut.rbac.rule.TestAppliesTo.multiple-subjects-one-that-matches-username] multiple subjects, one that matches username', async () =>
  assert.equal(
    await appliesTo(
      [
        ['User', 'barfoo'],
        ['User', 'foobar'],
      ],
      'foobar',
      [],
    ),
    true,
  ));

test('[ut.rbac.rule.TestAppliesTo.multiple-subjects-none-that-match-username] multiple subjects, none that match username', async () =>
  assert.equal(
    await appliesTo(
      [
        ['User', 'barfoo'],
        ['User', 'foobar'],
      ],
      'zimzam',
      [],
    ),
    false,
  ));

test('[ut.rbac.rule.TestAppliesTo.multiple-subjects-one-that-match-group] multiple subjects, one that match group', async () =>
  assert.equal(
    await appliesTo(
      [
        ['User', 'barfoo'],
        ['Group', 'foobar'],
      ],
      'zimzam',
      ['foobar'],
    ),
    true,
  ));

test('[ut.rbac.rule.TestAppliesTo.multiple-subjects-one-that-match-group-should-ignore-namespace] multiple subjects, one that match group, should ignore namespace', async () =>
  assert.equal(
    await appliesTo(
      [
        ['User', 'barfoo'],
        ['Group', 'foobar'],
      ],
      'zimzam',
      ['foobar'],
      'namespace1',
    ),
    true,
  ));

test('[ut.rbac.rule.TestAppliesTo.multiple-subjects-with-a-service-account-that-matches] multiple subjects with a service account that matches', async () =>
  assert.equal(
    await appliesTo(
      [
        ['User', 'barfoo'],
        ['Group', 'foobar'],
        ['ServiceAccount', 'default', 'kube-system'],
      ],
      'system:serviceaccount:kube-system:default',
      [],
      'default',
    ),
    true,
  ));

test("[ut.rbac.rule.TestAppliesTo.user-subject-name-doesn-t-match-all-users] * user subject name doesn't match all users", async () =>
  assert.equal(await appliesTo([['User', '*']], 'foobar', [], 'default'), false));

test('[ut.rbac.rule.TestAppliesTo.binding-to-all-authenticated-and-unauthenticated-subjects-matches-authenticated-user] binding to all authenticated and unauthenticated subjects matches authenticated user', async () =>
  assert.equal(
    await appliesTo(
      [
        ['Group', 'system:authenticated'],
        ['Group', 'system:unauthenticated'],
      ],
      'foobar',
      ['system:authenticated'],
      'default',
    ),
    true,
  ));

test('[ut.rbac.rule.TestAppliesTo.binding-to-all-authenticated-and-unauthenticated-subjects-matches-anonymous-user] binding to all authenticated and unauthenticated subjects matches anonymous user', async () =>
  assert.equal(
    await appliesTo(
      [
        ['Group', 'system:authenticated'],
        ['Group', 'system:unauthenticated'],
      ],
      'system:anonymous',
      ['system:unauthenticated'],
      'default',
    ),
    true,
  ));
