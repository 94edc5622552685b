import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/types.js';
import { aggregateRules, aggregationUpdate } from './aggregation.js';
import { bootstrapClusterRoles } from './bootstrap.js';
import { LabelSelectorError, selectorMatches } from './labelselector.js';
import { clusterRole, rule } from './testing.js';

const aggregated = (name: string, selectors: unknown[], rules: unknown = null): KObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels: { 'agg-me': 'true' } },
  rules,
  aggregationRule: { clusterRoleSelectors: selectors },
});

test('aggregated rules: selector order, roles by name, itself skipped, duplicates dropped', () => {
  const all = [
    clusterRole('b-role', [rule(['get'], [''], ['pods']), rule(['list'], [''], ['pods'])], { x: '1' }),
    clusterRole('a-role', [rule(['get'], [''], ['pods'])], { x: '1', y: '2' }),
    clusterRole('c-role', [rule(['watch'], [''], ['pods'])], { y: '2' }),
    clusterRole('unrelated', [rule(['*'], ['*'], ['*'])]),
  ];
  const target = aggregated('target', [{ matchLabels: { y: '2' } }, { matchLabels: { x: '1' } }]);
  all.push(target);
  assert.deepEqual(aggregateRules(target, all), [
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, // a-role (y)
    { verbs: ['watch'], apiGroups: [''], resources: ['pods'] }, // c-role (y)
    { verbs: ['list'], apiGroups: [''], resources: ['pods'] }, // b-role (x), its get already present
  ]);
  // nil and empty lists are the same rule
  const dup = [
    clusterRole('p', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }], { x: '1' }),
  ];
  assert.deepEqual(aggregateRules(aggregated('t', [{ matchLabels: { x: '1' } }]), [...dup, ...all]).length, 2);
  // a role selecting itself is skipped
  assert.deepEqual(
    aggregateRules(aggregated('self', [{ matchLabels: { 'agg-me': 'true' } }], [rule(['x'], [''], ['y'])]), []),
    [],
  );
});

test('match expressions', () => {
  const l = { env: 'prod', tier: 'web' };
  assert.equal(
    selectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, l),
    true,
  );
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, l), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, l), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, l), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, l), false);
  assert.equal(
    selectorMatches(
      { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
      l,
    ),
    false,
  );
  assert.equal(selectorMatches({}, undefined), true, 'an empty selector matches everything');
  assert.throws(
    () => selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, l),
    LabelSelectorError,
  );
});

test('admin ⊇ edit ⊇ view from the bootstrap roles', () => {
  const roles = bootstrapClusterRoles();
  const byName = new Map(roles.map((r) => [r.metadata.name!, r]));
  // Fill view, then edit (which aggregates view through its label), then admin: the controller converges so.
  for (const name of ['view', 'edit', 'admin']) {
    const target = byName.get(name)!;
    target.rules = aggregateRules(target, [...byName.values()]);
  }
  const count = (n: string) => (byName.get(n)!.rules as unknown[]).length;
  assert.equal(count('view'), 10);
  assert.equal(count('edit'), 10 + 13);
  assert.equal(count('admin'), 10 + 13 + 2);
  const admin = JSON.stringify(byName.get('admin')!.rules);
  assert.ok(admin.includes('"rolebindings","roles"'));
  assert.equal(aggregationUpdate(byName.get('admin')!, [...byName.values()]), undefined, 'converged');
  assert.ok(!JSON.stringify(byName.get('view')!.rules).includes('"secrets"'), 'view excludes secrets');
});
