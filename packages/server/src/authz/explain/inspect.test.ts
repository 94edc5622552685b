import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/types.js';
import {
  answerGraph,
  answerMatrix,
  answerWhoCan,
  InspectorInputError,
  queryFrom,
  userFrom,
  type InspectorSource,
} from './inspect.js';
import { loadPolicy } from './policy.js';
import { whoCan } from './who-can.js';

const g = 'rbac.authorization.k8s.io';
const objects: KObject[] = [
  {
    apiVersion: `${g}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'secret-reader' },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
  },
  {
    apiVersion: `${g}/v1`,
    kind: 'Role',
    metadata: { name: 'pod-reader', namespace: 'team' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  },
  {
    apiVersion: `${g}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'builder-secrets' },
    subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'team' }],
    roleRef: { apiGroup: g, kind: 'ClusterRole', name: 'secret-reader' },
  },
  {
    apiVersion: `${g}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'alice-pods', namespace: 'team' },
    subjects: [{ kind: 'User', name: 'alice', apiGroup: g }],
    roleRef: { apiGroup: g, kind: 'Role', name: 'pod-reader' },
  },
];
const policy = loadPolicy(objects);
const src: InspectorSource = { index: policy.index, objects: () => policy.objects };

test('who-can answers as the engine does', () => {
  const q = { verb: 'get', resource: 'pods', namespace: 'team' };
  const r = answerWhoCan(src, q);
  assert.deepEqual(r.grants, whoCan(policy.index, queryFrom(q)).grants);
  assert.deepEqual(
    r.grants.map((x) => x.subject.name),
    ['alice'],
  );
  // The page's first screen: the first grants and how many there are.
  const all = answerWhoCan(src, { verb: 'get', resource: 'secrets', allNamespaces: true });
  const first = answerWhoCan(src, { verb: 'get', resource: 'secrets', allNamespaces: true, limit: 1 });
  assert.equal(first.total, all.total);
  assert.deepEqual(first.grants, all.grants.slice(0, 1));
  assert.throws(() => answerWhoCan(src, { verb: 'get', resource: 'pods', limit: -1 }), InspectorInputError);
});

test('questions that cannot be answered say which field is wrong', () => {
  assert.throws(() => queryFrom({}), new InspectorInputError('verb is required'));
  assert.throws(() => queryFrom({ verb: 'get' }), new InspectorInputError('resource is required'));
  assert.throws(() => queryFrom({ verb: 1 }), new InspectorInputError('verb must be a string'));
  assert.throws(
    () => queryFrom({ verb: 'get', nonResourceURL: 'metrics' }),
    new InspectorInputError('nonResourceURL must start with "/"'),
  );
  assert.throws(
    () => userFrom({ kind: 'ServiceAccount', name: 'x' }, []),
    new InspectorInputError('subject.namespace is required'),
  );
  assert.throws(
    () => userFrom({ kind: 'User', name: 'a' }, 'g'),
    new InspectorInputError('groups must be a list of strings'),
  );
  assert.throws(() => answerGraph(src, { limit: 0 }), new InspectorInputError('limit must be a positive integer'));
});

test('matrix of a ServiceAccount; graph filtered, capped and marked with lint findings', () => {
  const m = answerMatrix(src, { subject: { kind: 'ServiceAccount', name: 'builder', namespace: 'team' } });
  const secrets = m.scopes[0]!.rows.find((r) => r.group === '' && r.resource === 'secrets')!;
  assert.deepEqual(secrets.cells.slice(0, 2), ['yes', 'yes']);
  const all = answerGraph(src, {});
  assert.equal(all.matched, 2);
  const one = answerGraph(src, { text: 'builder', risky: true });
  assert.equal(one.matched, 1);
  assert.deepEqual(
    one.nodes.map((n) => n.id),
    [
      'b:ClusterRoleBinding//builder-secrets',
      's:ServiceAccount/team/builder',
      'r:ClusterRole/secret-reader',
      'r:ClusterRole/secret-reader#0',
    ],
  );
  assert.ok(
    one.nodes.every((n) => n.severity),
    'every node of the path carries the finding',
  );
  assert.ok(one.findings.some((f) => f.id === 'RBAC006'));
  const capped = answerGraph(src, { limit: 1 });
  assert.equal(capped.shown, 1);
  assert.equal(answerGraph(src, { namespace: '-' }).matched, 1);
});
