import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, UserInfo } from '../../api/types.js';
import { RbacAuthorizer } from './authorizer.js';
import {
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  bootstrapPolicy,
  bootstrapRoleBindings,
  bootstrapRoles,
  reconcile,
  reconcileOperation,
} from './bootstrap.js';
import { RbacIndex } from './index.js';
import { pathAttrs, resourceAttrs } from './testing.js';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateRole,
  validateRoleBinding,
} from '../../registry/rbac/validation.js';

const find = (list: KObject[], name: string) => list.find((o) => o.metadata.name === name)!;

test('every bootstrap object carries the label and annotation, and validates', () => {
  const all = bootstrapPolicy();
  assert.ok(all.length > 90);
  for (const o of all) {
    assert.equal(o.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', String(o.metadata.name));
    assert.deepEqual(
      o.metadata.annotations,
      { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
      String(o.metadata.name),
    );
    const errs =
      o.kind === 'ClusterRole'
        ? validateClusterRole(o)
        : o.kind === 'Role'
          ? validateRole(o)
          : o.kind === 'RoleBinding'
            ? validateRoleBinding(o)
            : validateClusterRoleBinding(o);
    assert.deepEqual(errs, [], `${o.kind} ${o.metadata.name}`);
  }
  assert.deepEqual(
    bootstrapRoles().map((r) => `${r.metadata.namespace}/${r.metadata.name}`),
    [
      'kube-public/system:controller:bootstrap-signer',
      'kube-system/extension-apiserver-authentication-reader',
      'kube-system/system::leader-locking-kube-controller-manager',
      'kube-system/system::leader-locking-kube-scheduler',
      'kube-system/system:controller:bootstrap-signer',
      'kube-system/system:controller:cloud-provider',
      'kube-system/system:controller:token-cleaner',
    ],
  );
  assert.equal(bootstrapRoleBindings().length, 7);
});

test('the shapes match the fixtures', () => {
  const roles = bootstrapClusterRoles();
  assert.deepEqual(find(roles, 'edit'), {
    kind: 'ClusterRole',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: {
      name: 'edit',
      labels: {
        'kubernetes.io/bootstrapping': 'rbac-defaults',
        'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
      },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    rules: null,
    aggregationRule: {
      clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }],
    },
  });
  assert.deepEqual(find(roles, 'system:discovery').rules, [
    {
      verbs: ['get'],
      nonResourceURLs: [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/openapi',
        '/openapi/*',
        '/readyz',
        '/version',
        '/version/',
      ],
    },
  ]);
  const bindings = bootstrapClusterRoleBindings();
  assert.deepEqual(find(bindings, 'system:public-info-viewer').subjects, [
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:unauthenticated' },
  ]);
  assert.equal(find(bindings, 'system:node').subjects, undefined);
  assert.deepEqual(find(bindings, 'system:controller:root-ca-cert-publisher').subjects, [
    { kind: 'ServiceAccount', name: 'root-ca-cert-publisher', namespace: 'kube-system' },
  ]);
});

test('what the bootstrap policy allows', () => {
  const index = new RbacIndex();
  index.load(bootstrapPolicy());
  const rbac = new RbacAuthorizer(index);
  const anon: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
  const sa: UserInfo = {
    username: 'system:serviceaccount:default:default',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
  };
  assert.equal(rbac.authorize(pathAttrs(anon, 'get', '/healthz')).decision, 'Allow');
  assert.equal(rbac.authorize(pathAttrs(anon, 'get', '/api')).decision, 'NoOpinion');
  assert.equal(
    rbac.authorize(pathAttrs(sa, 'get', '/api')).reason,
    'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
  );
  assert.equal(rbac.authorize(pathAttrs(sa, 'get', '/openid/v1/jwks')).decision, 'Allow');
  assert.equal(rbac.authorize(pathAttrs(anon, 'get', '/openid/v1/jwks')).decision, 'NoOpinion');
  assert.equal(
    rbac.authorize(resourceAttrs(sa, 'create', 'selfsubjectaccessreviews', { group: 'authorization.k8s.io' })).decision,
    'Allow',
  );
  assert.equal(rbac.authorize(resourceAttrs(sa, 'list', 'pods', { namespace: 'default' })).decision, 'NoOpinion');
  const master: UserInfo = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
  assert.equal(
    rbac.authorize(resourceAttrs(master, 'delete', 'nodes', { name: 'n' })).reason,
    'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
  );
});

test('reconcile: create missing, add missing rules and subjects, keep extras, respect autoupdate=false', () => {
  const desired = find(bootstrapClusterRoles(), 'system:discovery');
  assert.deepEqual(reconcile(undefined, desired), desired);
  assert.equal(reconcile(structuredClone(desired), desired), undefined, 'no change');

  // Someone removed /livez and added /extra; labels were dropped.
  const edited: KObject = structuredClone(desired);
  edited.metadata.labels = { mine: 'yes' };
  edited.rules = [{ verbs: ['get'], nonResourceURLs: ['/api', '/extra'] }];
  const out = reconcile(edited, desired)!;
  assert.deepEqual(out.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults', mine: 'yes' });
  const rules = out.rules as Array<{ nonResourceURLs: string[] }>;
  assert.deepEqual(rules[0], { verbs: ['get'], nonResourceURLs: ['/api', '/extra'] }, 'extras kept');
  assert.deepEqual(
    rules.slice(1).map((r) => r.nonResourceURLs[0]),
    ['/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
    'missing rules appended broken down',
  );

  edited.metadata.annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'false' };
  assert.equal(reconcile(edited, desired), undefined);
  assert.equal(reconcileOperation(edited, desired).protected, true);

  const binding = find(bootstrapClusterRoleBindings(), 'system:public-info-viewer');
  const trimmed = structuredClone(binding);
  trimmed.subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'someone' }];
  const fixed = reconcile(trimmed, binding)!;
  assert.deepEqual(
    (fixed.subjects as Array<{ name: string }>).map((s) => s.name),
    ['someone', 'system:authenticated', 'system:unauthenticated'],
  );
  const otherRole = structuredClone(binding);
  otherRole.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'other' };
  assert.equal(reconcileOperation(otherRole, binding).operation, 'recreate');
  assert.deepEqual(reconcile(otherRole, binding), binding);
});

test('reconcile adds a missing aggregation selector and drops an unexpected one', () => {
  const view = find(bootstrapClusterRoles(), 'view');
  const noAgg = structuredClone(view);
  delete noAgg.aggregationRule;
  assert.deepEqual(reconcile(noAgg, view)!.aggregationRule, view.aggregationRule);
  const plain = find(bootstrapClusterRoles(), 'system:heapster');
  const withAgg = {
    ...structuredClone(plain),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] },
  };
  assert.equal(reconcile(withAgg, plain)!.aggregationRule, undefined);
});

test('reconcile rewrites a binding stored with an empty subject apiGroup, and leaves a clean one alone', () => {
  const desired = find(bootstrapClusterRoleBindings(), 'system:controller:namespace-controller');
  assert.deepEqual(desired.subjects, [
    { kind: 'ServiceAccount', name: 'namespace-controller', namespace: 'kube-system' },
  ]);
  assert.equal(reconcileOperation(structuredClone(desired), desired).operation, 'none');
  const old = structuredClone(desired);
  (old.subjects as Array<Record<string, string>>)[0]!.apiGroup = '';
  assert.equal(reconcileOperation(old, desired).operation, 'update');
});

// Ports of pkg/registry/rbac/reconciliation reconcile_role_test.go TestComputeReconciledRole and
// reconcile_rolebindings_test.go TestComputeUpdate (kubernetes/kubernetes; revisions in test/upstream/ledger.json):
// the cases in union mode (removeExtraPermissions/RemoveExtraSubjects false), the mode kube-apiserver reconciles its
// bootstrap policy in, asked of reconcileOperation, which kubeauth's bootstrap reconciliation runs.

type Labels = Record<string, string> | undefined;
const upRules = (...resources: string[]) => resources.map((r) => ({ apiGroups: [''], verbs: ['get'], resources: [r] }));
function upRole(rules: unknown[], labels?: Labels, annotations?: Labels): KObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    rules,
  } as KObject;
}

/** upstream's computeReconciledRole(actual, expected, false): whether an update is needed, and the role it writes. */
function computeReconciledRole(expected: KObject, actual: KObject, want: KObject | undefined): void {
  const r = reconcileOperation(actual, expected);
  assert.equal(r.operation !== 'none', want !== undefined, `reconciliation needed: ${r.operation}`);
  if (!want) return;
  assert.equal(r.operation, 'update');
  assert.deepEqual(r.object!.rules, want.rules);
  assert.deepEqual(r.object!.metadata.labels, want.metadata.labels);
  assert.deepEqual(r.object!.metadata.annotations, want.metadata.annotations);
}

test('[ut.rbac.reconciliation.TestComputeReconciledRole.match-with-union] match with union', () =>
  computeReconciledRole(upRole(upRules('a')), upRole(upRules('a')), undefined));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.different-rules-with-union] different rules with union', () =>
  computeReconciledRole(upRole(upRules('a')), upRole(upRules('b')), upRole(upRules('b', 'a'))));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.match-labels-with-union] match labels with union', () =>
  computeReconciledRole(upRole(upRules('a'), { 1: 'a' }), upRole(upRules('a'), { 1: 'a' }), undefined));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.different-labels-with-union] different labels with union', () =>
  computeReconciledRole(
    upRole(upRules('a'), { 1: 'a' }),
    upRole(upRules('a'), { 2: 'b' }),
    upRole(upRules('a'), { 1: 'a', 2: 'b' }),
  ));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.different-labels-and-rules-with-union] different labels and rules with union', () =>
  computeReconciledRole(
    upRole(upRules('a'), { 1: 'a' }),
    upRole(upRules('b'), { 2: 'b' }),
    upRole(upRules('b', 'a'), { 1: 'a', 2: 'b' }),
  ));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.conflicting-labels-and-rules-with-union] conflicting labels and rules with union', () =>
  computeReconciledRole(
    upRole(upRules('a'), { 1: 'a' }),
    upRole(upRules('b'), { 1: 'b' }),
    upRole(upRules('b', 'a'), { 1: 'b' }),
  ));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.match-annotations-with-union] match annotations with union', () =>
  computeReconciledRole(
    upRole(upRules('a'), undefined, { 1: 'a' }),
    upRole(upRules('a'), undefined, { 1: 'a' }),
    undefined,
  ));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.different-annotations-with-union] different annotations with union', () =>
  computeReconciledRole(
    upRole(upRules('a'), undefined, { 1: 'a' }),
    upRole(upRules('a'), undefined, { 2: 'b' }),
    upRole(upRules('a'), undefined, { 1: 'a', 2: 'b' }),
  ));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.different-annotations-and-rules-with-union] different annotations and rules with union', () =>
  computeReconciledRole(
    upRole(upRules('a'), undefined, { 1: 'a' }),
    upRole(upRules('b'), undefined, { 2: 'b' }),
    upRole(upRules('b', 'a'), undefined, { 1: 'a', 2: 'b' }),
  ));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.conflicting-annotations-and-rules-with-union] conflicting annotations and rules with union', () =>
  computeReconciledRole(
    upRole(upRules('a'), undefined, { 1: 'a' }),
    upRole(upRules('b'), undefined, { 1: 'b' }),
    upRole(upRules('b', 'a'), undefined, { 1: 'b' }),
  ));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.conflicting-labels-annotations-and-rules-with-union] conflicting labels/annotations and rules with union', () =>
  computeReconciledRole(
    upRole(upRules('a'), { 3: 'd' }, { 1: 'a' }),
    upRole(upRules('b'), { 4: 'e' }, { 1: 'b' }),
    upRole(upRules('b', 'a'), { 3: 'd', 4: 'e' }, { 1: 'b' }),
  ));
test('[ut.rbac.reconciliation.TestComputeReconciledRole.complex-labels-annotations-and-rules-with-union] complex labels/annotations and rules with union', () =>
  computeReconciledRole(
    upRole(
      upRules('pods', 'nodes', 'secrets'),
      { env: 'prod', color: 'blue', manager: 'randy' },
      { description: 'fancy', system: 'true', up: 'true' },
    ),
    upRole(
      upRules('nodes', 'images', 'projects'),
      { color: 'red', team: 'pm' },
      { system: 'false', owner: 'admin', vip: 'yes', rate: 'down' },
    ),
    upRole(
      upRules('nodes', 'images', 'projects', 'pods', 'secrets'),
      { env: 'prod', manager: 'randy', color: 'red', team: 'pm' },
      { description: 'fancy', system: 'false', owner: 'admin', vip: 'yes', rate: 'down', up: 'true' },
    ),
  ));

const upBinding = (roleRef: string, ...subjects: string[]): KObject =>
  ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {},
    roleRef: { name: roleRef },
    subjects: subjects.map((name) => ({ name })),
  }) as KObject;

/** upstream's computeReconciledRoleBinding(actual, expected, false). */
function computeUpdate(expected: KObject, actual: KObject, want: KObject | undefined): void {
  const r = reconcileOperation(actual, expected);
  assert.equal(r.operation !== 'none', want !== undefined, `update needed: ${r.operation}`);
  if (!want) return;
  assert.deepEqual(r.object!.roleRef, want.roleRef);
  assert.deepEqual(r.object!.subjects, want.subjects);
}

test('[ut.rbac.reconciliation.TestComputeUpdate.match-with-union] match with union', () =>
  computeUpdate(upBinding('role', 'a'), upBinding('role', 'a'), undefined));
test('[ut.rbac.reconciliation.TestComputeUpdate.different-roleref-with-identical-subjects] different roleref with identical subjects', () => {
  computeUpdate(upBinding('role', 'a'), upBinding('differentRole', 'a'), upBinding('role', 'a'));
  // A roleRef cannot be changed in place: kube deletes and re-creates the binding (ReconcileRecreate).
  assert.equal(reconcileOperation(upBinding('differentRole', 'a'), upBinding('role', 'a')).operation, 'recreate');
});
test('[ut.rbac.reconciliation.TestComputeUpdate.extra-subjects-with-union] extra subjects with union', () =>
  computeUpdate(upBinding('role', 'a'), upBinding('role', 'a', 'b'), undefined));
test('[ut.rbac.reconciliation.TestComputeUpdate.missing-subjects-with-union] missing subjects with union', () =>
  computeUpdate(upBinding('role', 'a', 'c'), upBinding('role', 'a', 'b'), upBinding('role', 'a', 'b', 'c')));

// kube-apiserver 1.33 serves system:controller:service-cidrs-controller by default (controller_policy.go adds it when
// MultiCIDRServiceAllocator is on, which it is by default from 1.33); the rules are upstream's, verbs sorted as
// rendered.
test('the service-cidrs controller role and binding are part of the default policy', () => {
  const role = find(bootstrapClusterRoles(), 'system:controller:service-cidrs-controller');
  const events = { verbs: ['create', 'patch', 'update'], apiGroups: ['', 'events.k8s.io'], resources: ['events'] };
  assert.deepEqual(
    (role.rules as unknown[]).map((r) => structuredClone(r)),
    [
      {
        verbs: ['get', 'list', 'patch', 'update', 'watch'],
        apiGroups: ['networking.k8s.io'],
        resources: ['servicecidrs'],
      },
      { verbs: ['patch', 'update'], apiGroups: ['networking.k8s.io'], resources: ['servicecidrs/finalizers'] },
      { verbs: ['patch', 'update'], apiGroups: ['networking.k8s.io'], resources: ['servicecidrs/status'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: ['networking.k8s.io'], resources: ['ipaddresses'] },
      events,
    ],
  );
  assert.deepEqual(find(bootstrapClusterRoleBindings(), 'system:controller:service-cidrs-controller').subjects, [
    { kind: 'ServiceAccount', name: 'service-cidrs-controller', namespace: 'kube-system' },
  ]);
});

// kube-apiserver 1.33 serves system:controller:selinux-warning-controller by default: controller_policy.go adds it
// when SELinuxChangePolicy is on, which it is (beta) from 1.33; the rules are upstream's, in its order.
test('the SELinux warning controller role and binding are part of the default policy', () => {
  const role = find(bootstrapClusterRoles(), 'system:controller:selinux-warning-controller');
  const read = ['get', 'list', 'watch'];
  assert.deepEqual(
    (role.rules as unknown[]).map((r) => structuredClone(r)),
    [
      { verbs: ['create', 'patch', 'update'], apiGroups: ['', 'events.k8s.io'], resources: ['events'] },
      { verbs: read, apiGroups: [''], resources: ['persistentvolumes'] },
      { verbs: read, apiGroups: [''], resources: ['persistentvolumeclaims'] },
      { verbs: read, apiGroups: [''], resources: ['pods'] },
      { verbs: read, apiGroups: ['storage.k8s.io'], resources: ['csidrivers'] },
    ],
  );
  assert.deepEqual(find(bootstrapClusterRoleBindings(), 'system:controller:selinux-warning-controller').subjects, [
    { kind: 'ServiceAccount', name: 'selinux-warning-controller', namespace: 'kube-system' },
  ]);
});
