// Ports of pkg/registry/rbac/validation/policy_comparator_test.go (kubernetes/kubernetes; revision in ledger.json):
// Covers(ownerRules, servantRules) and nonResourceURLCovers. Covers is the check behind RBAC's escalation
// prevention, and that is how it is asked here: a user holds exactly the owner rules (a ClusterRole bound to it
// cluster-wide) and creates a ClusterRole with the servant rules. Covered → created (201); not covered → 403, the
// message naming the uncovered rules as kube does (upstream's expectedUncoveredRules, in kube's CompactString form).
// The user also needs `create` on clusterroles (outside every servant rule), and the server's bootstrap bindings
// for system:authenticated (basic-user, discovery, public-info-viewer), which would add rules of their own to every
// owner, are deleted first. A rule holding both resources and non-resource URLs, which validation refuses to store,
// is stored as its two halves, which Covers breaks it into anyway.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const group = 'rbac.authorization.k8s.io';
let s;
before(async () => {
  s = await startServer();
  for (const name of ['system:basic-user', 'system:discovery', 'system:public-info-viewer']) {
    const r = await req(s, 'DELETE', `${rbac}/clusterrolebindings/${name}`);
    assert.equal(r.status, 200, r.body);
  }
  await create(s, `${rbac}/clusterroles`, {
    apiVersion: `${group}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'covers-create-clusterroles' },
    rules: [{ apiGroups: [group], resources: ['clusterroles'], verbs: ['create'] }],
  });
});
after(() => s?.stop());

/** A rule with both resources and non-resource URLs as its two storable halves. */
const storable = (rules) =>
  rules.flatMap((r) =>
    r.nonResourceURLs && r.resources
      ? [
          { apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs },
          { nonResourceURLs: r.nonResourceURLs, verbs: r.verbs },
        ]
      : [r],
  );

let seq = 0;
async function covers(ownerRules, servantRules, expectedUncovered) {
  const n = ++seq;
  const user = `covers-${n}`;
  await create(s, `${rbac}/clusterroles`, {
    apiVersion: `${group}/v1`,
    kind: 'ClusterRole',
    metadata: { name: `covers-owner-${n}` },
    rules: storable(ownerRules),
  });
  for (const role of [`covers-owner-${n}`, 'covers-create-clusterroles'])
    await create(s, `${rbac}/clusterrolebindings`, {
      apiVersion: `${group}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: `${role}-${n}` },
      roleRef: { apiGroup: group, kind: 'ClusterRole', name: role },
      subjects: [{ apiGroup: group, kind: 'User', name: user }],
    });
  const name = `covers-servant-${n}`;
  const r = await req(
    s,
    'POST',
    `${rbac}/clusterroles`,
    { apiVersion: `${group}/v1`, kind: 'ClusterRole', metadata: { name }, rules: storable(servantRules) },
    { headers: { 'Impersonate-User': user } },
  );
  if (expectedUncovered.length === 0) return assert.equal(r.status, 201, r.body);
  assert.equal(r.status, 403, r.body);
  assert.equal(
    r.json.message,
    `clusterroles.rbac.authorization.k8s.io "${name}" is forbidden: user "${user}" (groups=["system:authenticated"]) ` +
      `is attempting to grant RBAC permissions not currently held:\n${expectedUncovered.join('\n')}`,
  );
}

test('[ut.rbac.policycomparator.TestCoversExactMatch] TestCoversExactMatch', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['builds'], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['builds'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversSubresourceWildcard] TestCoversSubresourceWildcard', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['*/scale'], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['foo/scale'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversMultipleRulesCoveringSingleRule] TestCoversMultipleRulesCoveringSingleRule', () =>
  covers(
    [
      { apiGroups: ['v1'], resources: ['deployments'], verbs: ['delete'] },
      { apiGroups: ['v1'], resources: ['builds'], verbs: ['delete'] },
      { apiGroups: ['v1'], resources: ['builds', 'deployments'], verbs: ['update'] },
    ],
    [{ apiGroups: ['v1'], resources: ['builds', 'deployments'], verbs: ['delete', 'update'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversMultipleAPIGroupsCoveringSingleRule] TestCoversMultipleAPIGroupsCoveringSingleRule', () =>
  covers(
    [
      { apiGroups: ['group1'], resources: ['deployments'], verbs: ['delete'] },
      { apiGroups: ['group1'], resources: ['builds'], verbs: ['delete'] },
      { apiGroups: ['group1'], resources: ['builds', 'deployments'], verbs: ['update'] },
      { apiGroups: ['group2'], resources: ['deployments'], verbs: ['delete'] },
      { apiGroups: ['group2'], resources: ['builds'], verbs: ['delete'] },
      { apiGroups: ['group2'], resources: ['builds', 'deployments'], verbs: ['update'] },
    ],
    [{ apiGroups: ['group1', 'group2'], resources: ['builds', 'deployments'], verbs: ['delete', 'update'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversSingleAPIGroupsCoveringMultiple] TestCoversSingleAPIGroupsCoveringMultiple', () =>
  covers(
    [{ apiGroups: ['group1', 'group2'], resources: ['builds', 'deployments'], verbs: ['delete', 'update'] }],
    [
      { apiGroups: ['group1'], resources: ['deployments'], verbs: ['delete'] },
      { apiGroups: ['group1'], resources: ['builds'], verbs: ['delete'] },
      { apiGroups: ['group1'], resources: ['builds', 'deployments'], verbs: ['update'] },
      { apiGroups: ['group2'], resources: ['deployments'], verbs: ['delete'] },
      { apiGroups: ['group2'], resources: ['builds'], verbs: ['delete'] },
      { apiGroups: ['group2'], resources: ['builds', 'deployments'], verbs: ['update'] },
    ],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversMultipleRulesMissingSingleVerbResourceCombination] TestCoversMultipleRulesMissingSingleVerbResourceCombination', () =>
  covers(
    [
      { apiGroups: ['v1'], resources: ['builds', 'deployments'], verbs: ['delete', 'update'] },
      { apiGroups: ['v1'], resources: ['pods'], verbs: ['delete'] },
    ],
    [{ apiGroups: ['v1'], resources: ['builds', 'deployments', 'pods'], verbs: ['delete', 'update'] }],
    ['{APIGroups:["v1"], Resources:["pods"], Verbs:["update"]}'],
  ));

test('[ut.rbac.policycomparator.TestCoversAPIGroupStarCoveringMultiple] TestCoversAPIGroupStarCoveringMultiple', () =>
  covers(
    [{ apiGroups: ['*'], resources: ['roles'], verbs: ['get'] }],
    [{ apiGroups: ['group1', 'group2'], resources: ['roles'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversEnumerationNotCoveringAPIGroupStar] TestCoversEnumerationNotCoveringAPIGroupStar', () =>
  covers(
    [{ apiGroups: ['dummy-group'], resources: ['roles'], verbs: ['get'] }],
    [{ apiGroups: ['*'], resources: ['roles'], verbs: ['get'] }],
    ['{APIGroups:["*"], Resources:["roles"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestCoversAPIGroupStarCoveringStar] TestCoversAPIGroupStarCoveringStar', () =>
  covers(
    [{ apiGroups: ['*'], resources: ['roles'], verbs: ['get'] }],
    [{ apiGroups: ['*'], resources: ['roles'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversVerbStarCoveringMultiple] TestCoversVerbStarCoveringMultiple', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['roles'], verbs: ['*'] }],
    [{ apiGroups: ['v1'], resources: ['roles'], verbs: ['watch', 'list'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversEnumerationNotCoveringVerbStar] TestCoversEnumerationNotCoveringVerbStar', () =>
  covers(
    [
      {
        apiGroups: ['v1'],
        resources: ['roles'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'delete', 'exec'],
      },
    ],
    [{ apiGroups: ['v1'], resources: ['roles'], verbs: ['*'] }],
    ['{APIGroups:["v1"], Resources:["roles"], Verbs:["*"]}'],
  ));

test('[ut.rbac.policycomparator.TestCoversVerbStarCoveringStar] TestCoversVerbStarCoveringStar', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['roles'], verbs: ['*'] }],
    [{ apiGroups: ['v1'], resources: ['roles'], verbs: ['*'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversResourceStarCoveringMultiple] TestCoversResourceStarCoveringMultiple', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['*'], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['resourcegroup:deployments'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversEnumerationNotCoveringResourceStar] TestCoversEnumerationNotCoveringResourceStar', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['roles', 'resourcegroup:deployments'], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['*'], verbs: ['get'] }],
    ['{APIGroups:["v1"], Resources:["*"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestCoversResourceStarCoveringStar] TestCoversResourceStarCoveringStar', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['*'], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['*'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversResourceNameEmptyCoveringMultiple] TestCoversResourceNameEmptyCoveringMultiple', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['pods'], resourceNames: [], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['pods'], resourceNames: ['foo', 'bar'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversEnumerationNotCoveringResourceNameEmpty] TestCoversEnumerationNotCoveringResourceNameEmpty', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['pods'], resourceNames: ['foo', 'bar'], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['pods'], resourceNames: [], verbs: ['get'] }],
    ['{APIGroups:["v1"], Resources:["pods"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestCoversNonResourceURLs] TestCoversNonResourceURLs', () =>
  covers([{ nonResourceURLs: ['/apis'], verbs: ['*'] }], [{ nonResourceURLs: ['/apis'], verbs: ['*'] }], []));

test('[ut.rbac.policycomparator.TestCoversNonResourceURLsStar] TestCoversNonResourceURLsStar', () =>
  covers(
    [{ nonResourceURLs: ['*'], verbs: ['*'] }],
    [{ nonResourceURLs: ['/apis', '/apis/v1', '/'], verbs: ['*'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversNonResourceURLsStarAfterPrefixDoesntCover] TestCoversNonResourceURLsStarAfterPrefixDoesntCover', () =>
  covers(
    [{ nonResourceURLs: ['/apis/*'], verbs: ['*'] }],
    [{ nonResourceURLs: ['/apis', '/apis/v1'], verbs: ['get'] }],
    ['{NonResourceURLs:["/apis"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestCoversNonResourceURLsStarAfterPrefix] TestCoversNonResourceURLsStarAfterPrefix', () =>
  covers(
    [{ nonResourceURLs: ['/apis/*'], verbs: ['*'] }],
    [{ nonResourceURLs: ['/apis/v1/foo', '/apis/v1'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversNonResourceURLsWithOtherFields] TestCoversNonResourceURLsWithOtherFields', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['builds'], nonResourceURLs: ['/apis'], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['builds'], nonResourceURLs: ['/apis'], verbs: ['get'] }],
    [],
  ));

test('[ut.rbac.policycomparator.TestCoversNonResourceURLsWithOtherFieldsFailure] TestCoversNonResourceURLsWithOtherFieldsFailure', () =>
  covers(
    [{ apiGroups: ['v1'], resources: ['builds'], verbs: ['get'] }],
    [{ apiGroups: ['v1'], resources: ['builds'], nonResourceURLs: ['/apis'], verbs: ['get'] }],
    ['{NonResourceURLs:["/apis"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-0] nonResourceURLCovers("*", "") is true', () =>
  covers([{ nonResourceURLs: ['*'], verbs: ['get'] }], [{ nonResourceURLs: [''], verbs: ['get'] }], []));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-1] nonResourceURLCovers("*", "/") is true', () =>
  covers([{ nonResourceURLs: ['*'], verbs: ['get'] }], [{ nonResourceURLs: ['/'], verbs: ['get'] }], []));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-2] nonResourceURLCovers("*", "/api") is true', () =>
  covers([{ nonResourceURLs: ['*'], verbs: ['get'] }], [{ nonResourceURLs: ['/api'], verbs: ['get'] }], []));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-3] nonResourceURLCovers("/*", "") is false', () =>
  covers(
    [{ nonResourceURLs: ['/*'], verbs: ['get'] }],
    [{ nonResourceURLs: [''], verbs: ['get'] }],
    ['{NonResourceURLs:[""], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-4] nonResourceURLCovers("/*", "/") is true', () =>
  covers([{ nonResourceURLs: ['/*'], verbs: ['get'] }], [{ nonResourceURLs: ['/'], verbs: ['get'] }], []));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-5] nonResourceURLCovers("/*", "/foo") is true', () =>
  covers([{ nonResourceURLs: ['/*'], verbs: ['get'] }], [{ nonResourceURLs: ['/foo'], verbs: ['get'] }], []));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-6] nonResourceURLCovers("/api", "/api") is true', () =>
  covers([{ nonResourceURLs: ['/api'], verbs: ['get'] }], [{ nonResourceURLs: ['/api'], verbs: ['get'] }], []));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-7] nonResourceURLCovers("/apis", "/api") is false', () =>
  covers(
    [{ nonResourceURLs: ['/apis'], verbs: ['get'] }],
    [{ nonResourceURLs: ['/api'], verbs: ['get'] }],
    ['{NonResourceURLs:["/api"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-8] nonResourceURLCovers("/api/v1", "/api") is false', () =>
  covers(
    [{ nonResourceURLs: ['/api/v1'], verbs: ['get'] }],
    [{ nonResourceURLs: ['/api'], verbs: ['get'] }],
    ['{NonResourceURLs:["/api"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-9] nonResourceURLCovers("/api/v1", "/api/v1") is true', () =>
  covers([{ nonResourceURLs: ['/api/v1'], verbs: ['get'] }], [{ nonResourceURLs: ['/api/v1'], verbs: ['get'] }], []));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-10] nonResourceURLCovers("/api/*", "/api/v1") is true', () =>
  covers([{ nonResourceURLs: ['/api/*'], verbs: ['get'] }], [{ nonResourceURLs: ['/api/v1'], verbs: ['get'] }], []));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-11] nonResourceURLCovers("/api/*", "/api") is false', () =>
  covers(
    [{ nonResourceURLs: ['/api/*'], verbs: ['get'] }],
    [{ nonResourceURLs: ['/api'], verbs: ['get'] }],
    ['{NonResourceURLs:["/api"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-12] nonResourceURLCovers("/api/*/*", "/api/v1") is false', () =>
  covers(
    [{ nonResourceURLs: ['/api/*/*'], verbs: ['get'] }],
    [{ nonResourceURLs: ['/api/v1'], verbs: ['get'] }],
    ['{NonResourceURLs:["/api/v1"], Verbs:["get"]}'],
  ));

test('[ut.rbac.policycomparator.TestNonResourceURLCovers.case-13] nonResourceURLCovers("/*/v1/*", "/api/v1") is false', () =>
  covers(
    [{ nonResourceURLs: ['/*/v1/*'], verbs: ['get'] }],
    [{ nonResourceURLs: ['/api/v1'], verbs: ['get'] }],
    ['{NonResourceURLs:["/api/v1"], Verbs:["get"]}'],
  ));
