// Differential: over generated policies (roles, cluster roles with aggregation, bindings to users, groups and
// service accounts, resourceNames, non-resource URLs, missing roles) and more than 10,000 generated requests,
// who-can, matrix and explain give exactly the authorizer chain's decisions, explain's reason is the RBAC
// authorizer's word for word, and every rule explain names really matches (or misses on exactly the attribute
// it names).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { KObject, UserInfo } from '../../api/types.js';
import type { Attributes } from '../authorizer.js';
import { RbacAuthorizer } from '../rbac/authorizer.js';
import { prepareRequest, ruleAllows } from '../rbac/rules.js';
import { appliesToUser } from '../rbac/subjects.js';
import type { PolicyRule, Subject } from '../rbac/types.js';
import { buildAuthorizer } from '../union.js';
import { explain } from './explain.js';
import { matrix } from './matrix.js';
import { mismatches } from './mismatch.js';
import { loadPolicy } from './policy.js';
import { type AccessQuery, impliedUser, toAttributes } from './query.js';
import { grantsAllow, whoCan } from './who-can.js';

const G = 'rbac.authorization.k8s.io';
const V = `${G}/v1`;
const namespaces = ['a', 'b'];
const verbs = ['get', 'list', 'create', 'delete', 'impersonate'];
const groups = ['', 'apps'];
const resources = ['pods', 'secrets', 'deployments', 'users'];
const subresources = ['', '', 'log', 'status'];
const names = ['', 'x', 'y'];
const paths = ['/healthz', '/api/v1', '/metrics', '/apis'];

const sub = <T>(xs: readonly T[]) => fc.subarray([...xs], { minLength: 1 });
const ruleArb: fc.Arbitrary<PolicyRule> = fc.oneof(
  fc.record(
    {
      verbs: fc.oneof(sub(verbs), fc.constant<string[]>(['*'])),
      apiGroups: fc.oneof(sub(groups), fc.constant<string[]>(['*'])),
      resources: fc.oneof(
        sub([...resources, 'pods/log', 'pods/status', '*/status', 'deployments/status']),
        fc.constant<string[]>(['*']),
      ),
      resourceNames: sub(['x', 'y']),
    },
    { requiredKeys: ['verbs', 'apiGroups', 'resources'] },
  ),
  fc.record({
    verbs: fc.oneof(sub(['get', 'post']), fc.constant<string[]>(['*'])),
    nonResourceURLs: sub(['/healthz', '/api/*', '/metrics', '*', '/apis']),
  }),
);
const subjectArb: fc.Arbitrary<Subject> = fc.constantFrom<Subject>(
  { kind: 'User', apiGroup: G, name: 'alice' },
  { kind: 'User', apiGroup: G, name: 'bob' },
  { kind: 'User', apiGroup: G, name: 'system:serviceaccount:a:s1' },
  { kind: 'Group', apiGroup: G, name: 'dev' },
  { kind: 'Group', apiGroup: G, name: 'system:authenticated' },
  { kind: 'Group', apiGroup: G, name: 'system:serviceaccounts:a' },
  { kind: 'Group', apiGroup: G, name: 'system:serviceaccounts' },
  { kind: 'ServiceAccount', name: 's1', namespace: 'a' },
  { kind: 'ServiceAccount', name: 's1', namespace: 'b' },
  { kind: 'ServiceAccount', name: 's2' },
  { kind: 'Robot', name: 'alice' },
);
const label = fc.constantFrom('x', 'y', undefined);

const policyArb = fc
  .record({
    clusterRoles: fc.array(fc.record({ rules: fc.array(ruleArb, { maxLength: 3 }), label, aggregates: label }), {
      maxLength: 4,
    }),
    roles: fc.array(fc.record({ ns: fc.constantFrom(...namespaces), rules: fc.array(ruleArb, { maxLength: 3 }) }), {
      maxLength: 4,
    }),
    crbs: fc.array(fc.record({ role: fc.nat(5), subjects: fc.array(subjectArb, { minLength: 1, maxLength: 3 }) }), {
      maxLength: 6,
    }),
    rbs: fc.array(
      fc.record({
        ns: fc.constantFrom(...namespaces),
        cluster: fc.boolean(),
        role: fc.nat(5),
        subjects: fc.array(subjectArb, { minLength: 1, maxLength: 3 }),
      }),
      { maxLength: 6 },
    ),
  })
  .map((p) => {
    const objs: KObject[] = [];
    p.clusterRoles.forEach((r, i) => {
      const o: KObject = { apiVersion: V, kind: 'ClusterRole', metadata: { name: `cr${i}` }, rules: r.rules };
      if (r.label) o.metadata.labels = { agg: r.label };
      if (r.aggregates) o.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { agg: r.aggregates } }] };
      objs.push(o);
    });
    p.roles.forEach((r, i) =>
      objs.push({ apiVersion: V, kind: 'Role', metadata: { name: `r${i % 3}`, namespace: r.ns }, rules: r.rules }),
    );
    // Names interleave so the authorizer's smallest-name choice across users and groups is exercised.
    p.crbs.forEach((b, i) =>
      objs.push({
        apiVersion: V,
        kind: 'ClusterRoleBinding',
        metadata: { name: `b${(i * 7) % 10}` },
        roleRef: { apiGroup: G, kind: 'ClusterRole', name: `cr${b.role}` },
        subjects: b.subjects,
      }),
    );
    p.rbs.forEach((b, i) =>
      objs.push({
        apiVersion: V,
        kind: 'RoleBinding',
        metadata: { name: `b${(i * 3) % 10}`, namespace: b.ns },
        roleRef: b.cluster
          ? { apiGroup: G, kind: 'ClusterRole', name: `cr${b.role}` }
          : { apiGroup: G, kind: 'Role', name: `r${b.role % 4}` },
        subjects: b.subjects,
      }),
    );
    return objs;
  });

const users: UserInfo[] = [
  impliedUser('alice', ['dev']),
  impliedUser('bob'),
  impliedUser('carol', ['dev', 'system:masters']),
  impliedUser('system:serviceaccount:a:s1'),
  impliedUser('system:serviceaccount:b:s1'),
  impliedUser('system:serviceaccount:b:s2'),
  { username: 'system:anonymous', groups: ['system:unauthenticated'] },
];

const queryArb: fc.Arbitrary<{ user: UserInfo; q: AccessQuery }> = fc.record({
  user: fc.constantFrom(...users),
  q: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        verb: fc.constantFrom(...verbs),
        apiGroup: fc.constantFrom(...groups),
        resource: fc.constantFrom(...resources),
        subresource: fc.constantFrom(...subresources),
        name: fc.constantFrom(...names),
        namespace: fc.constantFrom('', ...namespaces),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ verb: fc.constantFrom('get', 'post'), nonResourceURL: fc.constantFrom(...paths) }),
    },
  ),
});

/** Requests that differ from `a` only in `attr`, taking the values the rule names. */
function repairs(a: Attributes, rule: PolicyRule, attr: string): Attributes[] {
  const out: Attributes[] = [];
  const base = (r: string) => r.split('/')[0]!;
  switch (attr) {
    case 'verb':
      return rule.verbs.map((verb) => ({ ...a, verb }));
    case 'apiGroup':
      return (rule.apiGroups ?? []).map((apiGroup) => ({ ...a, apiGroup }));
    case 'resourceName':
      return (rule.resourceNames ?? []).map((name) => ({ ...a, name }));
    case 'nonResourceURL':
      return (rule.nonResourceURLs ?? []).map((u) => ({ ...a, path: u.replace(/\*+$/, '') }));
    case 'subresource':
      // Same resource, another (or no) subresource.
      for (const r of rule.resources ?? []) {
        const [res, sub = ''] = r.split('/');
        if (res === a.resource || res === '*') out.push({ ...a, subresource: sub });
      }
      return out;
    case 'resource':
      for (const r of rule.resources ?? []) {
        const [res, sub = ''] = r.split('/');
        // Never the same resource: that would have been a subresource miss.
        if (res !== a.resource && res !== '*' && base(r) !== a.resource)
          out.push({ ...a, resource: res!, subresource: sub });
      }
      return out;
  }
  return out;
}

function checkQuery(
  policy: ReturnType<typeof loadPolicy>,
  user: UserInfo,
  q: AccessQuery,
  stats: Record<string, number>,
) {
  const { index } = policy;
  const rbac = new RbacAuthorizer(index);
  const chain = buildAuthorizer(['RBAC'], rbac);
  const a: Attributes = toAttributes(user, q);
  const allowed = chain.authorize(a).decision === 'Allow';
  stats.queries!++;
  if (allowed) stats.allowed!++;

  // explain: the decision, the reason, and rules that really do what explain says.
  const e = explain(index, a);
  assert.equal(e.allowed, allowed, 'explain decision');
  assert.equal(e.reason, rbac.authorize(a).reason, 'explain reason');
  for (const r of [...e.allowedBy, ...e.nearMisses]) {
    const roleEntry =
      r.role.kind === 'Role' ? index.getRole(r.role.namespace!, r.role.name) : index.getClusterRole(r.role.name);
    assert.ok(roleEntry, 'named role exists');
    assert.deepEqual(roleEntry.rules[r.ruleIndex], r.rule, 'rule index points at the rule');
    assert.ok(appliesToUser(user, r.subject, r.binding.namespace ?? ''), 'binding subject names the user');
  }
  for (const r of e.allowedBy) assert.ok(ruleAllows(a, r.rule), 'allowing rule matches');
  for (const m of e.nearMisses) {
    if (m.mismatch === 'namespace') {
      assert.ok(ruleAllows(a, m.rule) && m.binding.namespace !== a.namespace, 'namespace miss');
    } else {
      assert.deepEqual(mismatches(prepareRequest(a), m.rule), [m.mismatch], 'one mismatch');
      // Independently of the classifier: changing only the attribute named makes the rule match.
      assert.ok(
        repairs(a, m.rule, m.mismatch).some((fixed) => ruleAllows(fixed, m.rule)),
        `changing ${m.mismatch} alone makes the rule match`,
      );
    }
    stats.nearMisses!++;
  }

  // who-can: the users it lets through are exactly the ones allowed.
  const w = whoCan(index, q);
  assert.equal(grantsAllow(w, user, a.namespace), allowed, 'who-can');
  const wAll = whoCan(index, q, { allNamespaces: true });
  assert.equal(grantsAllow(wAll, user, a.namespace), allowed, 'who-can -A');

  // matrix: one cell per nameless resource request.
  if (a.isResourceRequest && !a.name) {
    const m = matrix(index, user, {
      resources: [
        {
          group: a.apiGroup,
          resource: a.subresource ? `${a.resource}/${a.subresource}` : a.resource,
          namespaced: true,
        },
      ],
      verbs: [a.verb],
      namespaces: [a.namespace],
    });
    assert.equal(m.scopes[0]!.rows[0]!.cells[0] === 'yes', allowed, 'matrix');
    stats.matrix!++;
  }
}

test('who-can, matrix and explain agree with the authorizer on generated policies', () => {
  const stats: Record<string, number> = { queries: 0, allowed: 0, nearMisses: 0, matrix: 0 };
  fc.assert(
    fc.property(policyArb, fc.array(queryArb, { minLength: 60, maxLength: 60 }), (objects, queries) => {
      const policy = loadPolicy(objects, { aggregate: true });
      for (const { user, q } of queries) checkQuery(policy, user, q, stats);
    }),
    { numRuns: 200, seed: 42 },
  );
  console.log(`differential: ${JSON.stringify(stats)}`);
  assert.ok(stats.queries! >= 10_000, `${stats.queries} queries`);
  // The generator must reach both answers and near misses, or the agreement says little.
  assert.ok(stats.allowed! > stats.queries! / 20, `only ${stats.allowed} of ${stats.queries} allowed`);
  assert.ok(stats.allowed! < stats.queries! * 0.9, `${stats.allowed} of ${stats.queries} allowed`);
  assert.ok(stats.nearMisses! > 500, `${stats.nearMisses} near misses`);
  assert.ok(stats.matrix! > 3000, `${stats.matrix} matrix cells`);
});

// The same agreement on an index kept current by watch events (as the server keeps it), with who-can's and
// explain's derived structures warmed before every event: after each ADDED, MODIFIED or DELETED their answers
// equal those computed from scratch over a fresh index holding the same objects.
test('who-can and explain stay exact across watch events on a live index', () => {
  const stats: Record<string, number> = { queries: 0, allowed: 0, nearMisses: 0, matrix: 0 };
  let events = 0;
  const identity = (o: KObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  fc.assert(
    fc.property(
      policyArb,
      policyArb,
      fc.array(fc.record({ pick: fc.nat(), del: fc.boolean() }), { minLength: 1, maxLength: 12 }),
      fc.array(queryArb, { minLength: 4, maxLength: 4 }),
      (start, later, changes, queries) => {
        const policy = loadPolicy(start, { aggregate: true });
        const current = new Map(policy.objects.map((o) => [identity(o), o]));
        const pool = [...policy.objects, ...later];
        for (const { pick, del } of changes) {
          // Warm the derived structures on the generation about to go stale.
          for (const { user, q } of queries) {
            whoCan(policy.index, q, { allNamespaces: true });
            explain(policy.index, toAttributes(user, q));
          }
          const o = pool[pick % pool.length]!;
          const type = del ? 'DELETED' : current.has(identity(o)) ? 'MODIFIED' : 'ADDED';
          if (del) current.delete(identity(o));
          else current.set(identity(o), o);
          policy.index.apply(type, o);
          events++;
          const fresh = loadPolicy([...current.values()]);
          for (const { user, q } of queries) {
            checkQuery(policy, user, q, stats);
            assert.deepEqual(whoCan(policy.index, q), whoCan(fresh.index, q), 'who-can after an event');
            assert.deepEqual(
              whoCan(policy.index, q, { allNamespaces: true }),
              whoCan(fresh.index, q, { allNamespaces: true }),
              'who-can -A after an event',
            );
            const a = toAttributes(user, q);
            assert.deepEqual(explain(policy.index, a), explain(fresh.index, a), 'explain after an event');
          }
        }
      },
    ),
    { numRuns: 150, seed: 7 },
  );
  console.log(`differential after events: ${events} events, ${JSON.stringify(stats)}`);
  assert.ok(events > 500, `${events} events`);
  assert.ok(stats.allowed! > stats.queries! / 20, `only ${stats.allowed} of ${stats.queries} allowed`);
  assert.ok(stats.nearMisses! > 100, `${stats.nearMisses} near misses`);
});
