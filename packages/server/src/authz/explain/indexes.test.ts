// The structures who-can and explain derive from the RBAC index are rebuilt on every index change: a binding or
// role written to the store counts in the very next answer, and a deleted one is gone from it. A stale answer
// here would tell an auditor that someone can no longer do what they can (or the reverse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/types.js';
import { MemoryBackend } from '../../storage/memory.js';
import { Store, storageKey } from '../../storage/store.js';
import { RbacIndex } from '../rbac/index.js';
import {
  clusterRole,
  clusterRoleBinding,
  groupSubject,
  role,
  roleBinding,
  rule,
  saSubject,
  userSubject,
} from '../rbac/testing.js';
import { rbacGroup } from '../rbac/types.js';
import { createAuthorization } from '../setup.js';
import { PerGeneration } from './derived.js';
import { explain } from './explain.js';
import { impliedUser, toAttributes, type AccessQuery } from './query.js';
import { whoCan } from './who-can.js';

const resourceOf: Record<string, string> = {
  Role: 'roles',
  ClusterRole: 'clusterroles',
  RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings',
};
const keyOf = (o: KObject) =>
  storageKey(rbacGroup, resourceOf[o.kind as string]!, o.metadata.namespace ?? '', o.metadata.name ?? '');

async function started() {
  const store = await Store.open(new MemoryBackend());
  const authz = createAuthorization(['RBAC'], store);
  const entries = new Map<string, number>();
  return {
    index: authz.index,
    authz,
    async put(o: KObject) {
      const k = keyOf(o);
      const rev = entries.get(k);
      const e = rev === undefined ? await store.create(k, o) : await store.update(k, o, rev);
      entries.set(k, e.rev);
    },
    async remove(o: KObject) {
      await store.delete(keyOf(o));
      entries.delete(keyOf(o));
    },
    stop: () => authz.stop(),
  };
}

const getPods: AccessQuery = { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'ns1' };
const names = (index: RbacIndex, q: AccessQuery, allNamespaces = false) =>
  whoCan(index, q, { allNamespaces }).grants.map((g) => `${g.subject.kind}/${g.subject.name}@${g.scope}`);

test('who-can: a binding written to the store shows up in the next answer, a deleted one is gone', async () => {
  const s = await started();
  try {
    await s.put(clusterRole('reader', [rule(['get'], [''], ['pods'])]));
    await s.put(clusterRoleBinding('readers', 'reader', [userSubject('alice')]));
    assert.deepEqual(names(s.index, getPods), ['User/alice@*']); // builds the cached index

    const rb = roleBinding('ns1', 'bob-reads', 'ClusterRole', 'reader', [userSubject('bob')]);
    await s.put(rb);
    assert.deepEqual(names(s.index, getPods), ['User/alice@*', 'User/bob@ns1']);
    assert.deepEqual(names(s.index, getPods, true), ['User/alice@*', 'User/bob@ns1']);

    await s.put(clusterRoleBinding('readers', 'reader', [groupSubject('ops')]));
    assert.deepEqual(names(s.index, getPods), ['Group/ops@*', 'User/bob@ns1']);

    await s.remove(rb);
    assert.deepEqual(names(s.index, getPods), ['Group/ops@*']);
    assert.deepEqual(names(s.index, getPods, true), ['Group/ops@*']);
  } finally {
    s.stop();
  }
});

test('who-can: a role whose rules change, disappear or appear is decided anew', async () => {
  const s = await started();
  try {
    await s.put(clusterRole('reader', [rule(['get'], [''], ['pods'])]));
    await s.put(clusterRoleBinding('readers', 'reader', [userSubject('alice')]));
    await s.put(roleBinding('ns1', 'local', 'Role', 'local', [saSubject('builder')]));
    assert.deepEqual(names(s.index, getPods), ['User/alice@*']);
    assert.deepEqual(whoCan(s.index, getPods).unresolved.length, 1);

    // The same verb, another resource: the inverted verb index must not keep the old decision.
    await s.put(clusterRole('reader', [rule(['get'], [''], ['secrets'])]));
    assert.deepEqual(names(s.index, getPods), []);
    await s.put(clusterRole('reader', [rule(['list'], [''], ['pods']), rule(['*'], [''], ['pods'])]));
    assert.deepEqual(
      whoCan(s.index, getPods).grants.map((g) => g.ruleIndex),
      [1],
    );

    // The missing Role appears: its binding now grants, and is no longer reported as unresolved.
    const local = role('ns1', 'local', [rule(['get'], [''], ['pods'])]);
    await s.put(local);
    assert.deepEqual(names(s.index, getPods), ['User/alice@*', 'ServiceAccount/builder@ns1']);
    assert.deepEqual(whoCan(s.index, getPods).unresolved, []);

    await s.remove(local);
    assert.deepEqual(names(s.index, getPods), ['User/alice@*']);
    assert.deepEqual(whoCan(s.index, getPods).unresolved, [
      {
        binding: { kind: 'RoleBinding', name: 'local', namespace: 'ns1' },
        role: { kind: 'Role', name: 'local', namespace: 'ns1' },
        error: 'role.rbac.authorization.k8s.io "local" not found',
      },
    ]);
  } finally {
    s.stop();
  }
});

test('explain: allowing rules and other-namespace near misses follow the store', async () => {
  const s = await started();
  try {
    const alice = impliedUser('alice', ['dev']);
    const ask = (namespace: string) => explain(s.index, toAttributes(alice, { ...getPods, namespace }));
    await s.put(clusterRole('reader', [rule(['get'], [''], ['pods'])]));
    assert.equal(ask('ns1').allowed, false);
    assert.deepEqual(ask('ns1').nearMisses, []); // builds the per-subject RoleBinding index

    // A RoleBinding in another namespace: a namespace miss at once.
    const other = roleBinding('ns2', 'dev-reads', 'ClusterRole', 'reader', [groupSubject('dev')]);
    await s.put(other);
    assert.deepEqual(
      ask('ns1').nearMisses.map((m) => [m.binding.namespace, m.binding.name, m.mismatch]),
      [['ns2', 'dev-reads', 'namespace']],
    );
    assert.equal(ask('ns2').allowed, true);
    assert.equal(ask('ns2').reason, s.authz.authorize(toAttributes(alice, { ...getPods, namespace: 'ns2' })).reason);

    // The binding now names someone else: no longer a near miss of alice's.
    await s.put(roleBinding('ns2', 'dev-reads', 'ClusterRole', 'reader', [userSubject('bob')]));
    assert.deepEqual(ask('ns1').nearMisses, []);
    assert.equal(ask('ns2').allowed, false);

    await s.put(other);
    await s.put(roleBinding('ns3', 'alice-reads', 'ClusterRole', 'reader', [userSubject('alice')]));
    assert.deepEqual(
      ask('ns1').nearMisses.map((m) => m.binding.namespace),
      ['ns2', 'ns3'],
    );
    await s.remove(other);
    assert.deepEqual(
      ask('ns1').nearMisses.map((m) => m.binding.namespace),
      ['ns3'],
    );

    // A ClusterRoleBinding: allowed everywhere, with the binding named.
    const crb = clusterRoleBinding('everyone-reads', 'reader', [groupSubject('system:authenticated')]);
    await s.put(crb);
    const e = ask('ns1');
    assert.equal(e.allowed, true);
    assert.deepEqual(
      e.allowedBy.map((r) => r.binding.name),
      ['everyone-reads'],
    );
    await s.remove(crb);
    assert.equal(ask('ns1').allowed, false);
  } finally {
    s.stop();
  }
});

test('derived structures are built once per index generation', () => {
  const index = new RbacIndex();
  index.load([clusterRole('r', [])]);
  let builds = 0;
  const derived = new PerGeneration((i) => ({ build: ++builds, generation: i.generation }));
  const first = derived.get(index);
  assert.equal(derived.get(index), first, 'no change: the same structure');
  index.apply('ADDED', clusterRoleBinding('b', 'r', [userSubject('u')]));
  const second = derived.get(index);
  assert.notEqual(second, first);
  assert.equal(second.generation, index.generation);
  index.apply('DELETED', clusterRoleBinding('b', 'r', [userSubject('u')]));
  assert.notEqual(derived.get(index), second);
  index.load([]);
  assert.equal(derived.get(index).generation, index.generation);
  // Objects of other kinds leave the index (and its generation) alone.
  const before = derived.get(index);
  index.apply('ADDED', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' } });
  assert.equal(derived.get(index), before);
  assert.equal(builds, 4);
  // Each index has its own.
  const other = new RbacIndex();
  assert.notEqual(derived.get(other), derived.get(index));
});
