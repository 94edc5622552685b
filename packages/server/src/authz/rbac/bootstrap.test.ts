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
