import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import type { UserInfo } from '../../api/types.js';
import type { Authorizer } from '../../authz/authorizer.js';
import { bootstrapPolicy } from '../../authz/rbac/bootstrap.js';
import { RbacAuthorizer } from '../../authz/rbac/authorizer.js';
import { RbacIndex } from '../../authz/rbac/index.js';
import { clusterRole, clusterRoleBinding, role, roleBinding, rule, userSubject } from '../../authz/rbac/testing.js';
import {
  localSubjectAccessReview,
  selfSubjectAccessReview,
  selfSubjectRulesReview,
  subjectAccessReview,
} from './reviews.js';
import { buildAuthorizer } from '../../authz/union.js';

function chain() {
  const index = new RbacIndex();
  index.load([
    ...bootstrapPolicy(),
    clusterRole('pod-reader', [rule(['get', 'list'], [''], ['pods'])]),
    roleBinding('dev', 'jane-pods', 'ClusterRole', 'pod-reader', [userSubject('jane')]),
    role('dev', 'cm', [rule(['get'], [''], ['configmaps'], ['settings'])]),
    roleBinding('dev', 'jane-cm', 'Role', 'cm', [userSubject('jane')]),
    roleBinding('dev', 'broken', 'Role', 'missing', [userSubject('jane')]),
    clusterRoleBinding('sa-pods', 'pod-reader', [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' },
    ]),
  ]);
  return buildAuthorizer(['RBAC'], new RbacAuthorizer(index));
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}

const sar = (spec: unknown, metadata: unknown = {}) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SubjectAccessReview',
  metadata,
  spec,
});

test('SubjectAccessReview: evaluation and response shape', () => {
  const authz = chain();
  const res = subjectAccessReview(
    sar({
      resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' },
      user: 'jane',
      groups: ['system:authenticated'],
    }),
    authz,
  );
  assert.equal(
    JSON.stringify(res),
    '{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},' +
      '"spec":{"resourceAttributes":{"namespace":"dev","verb":"list","resource":"pods"},"user":"jane","groups":["system:authenticated"]},' +
      '"status":{"allowed":true,"reason":"RBAC: allowed by RoleBinding \\"jane-pods/dev\\" of ClusterRole \\"pod-reader\\" to User \\"jane\\""}}',
  );
  // Denied: only "allowed": false (denied is omitted: RBAC never denies).
  const no = subjectAccessReview(
    sar({ nonResourceAttributes: { path: '/metrics', verb: 'get' }, user: 'jane' }),
    authz,
  );
  assert.deepEqual(no.status, { allowed: false });
  // Masters: allowed with no reason.
  const root = subjectAccessReview(
    sar({ resourceAttributes: { verb: 'delete', resource: 'nodes' }, groups: ['system:masters'] }),
    authz,
  );
  assert.deepEqual(root.status, { allowed: true });
});

test('SubjectAccessReview does not add system:authenticated or SA groups', () => {
  const authz = chain();
  const spec = {
    resourceAttributes: { namespace: 'kube-system', verb: 'list', resource: 'pods' },
    user: 'system:serviceaccount:ns:sa',
  };
  assert.deepEqual(subjectAccessReview(sar(spec), authz).status, { allowed: false });
  const withGroups = {
    ...spec,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
  };
  assert.equal((subjectAccessReview(sar(withGroups), authz).status as { allowed: boolean }).allowed, true);
  // Without groups even discovery is refused.
  assert.deepEqual(
    subjectAccessReview(sar({ nonResourceAttributes: { path: '/api', verb: 'get' }, user: 'jane' }), authz).status,
    {
      allowed: false,
    },
  );
});

test('SubjectAccessReview validation (422)', () => {
  const authz = chain();
  const both = thrown(() =>
    subjectAccessReview(
      sar({ resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/api', verb: 'get' }, user: 'x' }),
      authz,
    ),
  );
  assert.equal(both.code, 422);
  assert.equal(
    both.status.message,
    '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/api", Verb:"get"}: cannot be specified in combination with resourceAttributes',
  );
  const neither = thrown(() => subjectAccessReview(sar({ user: 'x' }), authz));
  assert.equal(
    neither.status.message,
    '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
  );
  // The internal object's Kind is empty, and Go omits it from the details.
  assert.deepEqual(neither.status.details, {
    group: 'authorization.k8s.io',
    causes: [
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
        field: 'spec.resourceAttributes',
      },
    ],
  });
  const nobody = thrown(() => subjectAccessReview(sar({ resourceAttributes: { verb: 'get' } }), authz));
  assert.equal(
    nobody.status.message,
    '.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
  );
  const named = thrown(() => subjectAccessReview(sar({ resourceAttributes: {}, user: 'x' }, { name: 'n' }), authz));
  assert.match(
    named.status.message!,
    /^\.authorization\.k8s\.io "" is invalid: metadata: Invalid value: v1.ObjectMeta\{Name:"n", GenerateName:"", .*\}: must be empty$/,
  );
  // A namespace on the cluster-scoped object is dropped by the create handler, not an error.
  assert.equal(
    subjectAccessReview(sar({ resourceAttributes: {}, user: 'x' }, { namespace: 'n' }), authz).kind,
    'SubjectAccessReview',
  );
});

test('SelfSubjectAccessReview uses the requesting user', () => {
  const authz = chain();
  const jane: UserInfo = { username: 'jane', groups: ['system:authenticated'] };
  const res = selfSubjectAccessReview(
    {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'pods', user: 'ignored' } },
    },
    jane,
    authz,
  );
  assert.equal(
    JSON.stringify(res),
    '{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},' +
      '"spec":{"resourceAttributes":{"namespace":"dev","verb":"get","resource":"pods"}},' +
      '"status":{"allowed":true,"reason":"RBAC: allowed by RoleBinding \\"jane-pods/dev\\" of ClusterRole \\"pod-reader\\" to User \\"jane\\""}}',
  );
  const both = thrown(() =>
    selfSubjectAccessReview(
      { spec: { resourceAttributes: {}, nonResourceAttributes: { path: '/x', verb: 'get' } } },
      jane,
      authz,
    ),
  );
  assert.equal(
    both.status.message,
    '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes',
  );
  const neither = thrown(() => selfSubjectAccessReview({ spec: {} }, jane, authz));
  assert.match(neither.status.message!, /spec.resourceAttributes: Invalid value: "null": exactly one of/);
  // Evaluation errors of RBAC become the reason (RBAC reports them as its reason, not as an error).
  const denied = selfSubjectAccessReview(
    { spec: { resourceAttributes: { namespace: 'dev', verb: 'delete', resource: 'pods' } } },
    jane,
    authz,
  );
  assert.deepEqual(denied.status, {
    allowed: false,
    reason: 'RBAC: role.rbac.authorization.k8s.io "missing" not found',
  });
});

test('selector attributes: validation and evaluationError', () => {
  const authz = chain();
  const jane: UserInfo = { username: 'jane', groups: ['system:authenticated'] };
  const bad = thrown(() =>
    selfSubjectAccessReview(
      { spec: { resourceAttributes: { verb: 'list', resource: 'pods', fieldSelector: {} } } },
      jane,
      authz,
    ),
  );
  assert.equal(
    bad.status.message,
    '.authorization.k8s.io "" is invalid: spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required',
  );
  const res = selfSubjectAccessReview(
    {
      spec: {
        resourceAttributes: {
          namespace: 'dev',
          verb: 'list',
          resource: 'pods',
          fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'Exists' }] },
          labelSelector: { rawSelector: 'app=web' },
        },
      },
    },
    jane,
    authz,
  );
  assert.deepEqual(res.status, {
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "jane-pods/dev" of ClusterRole "pod-reader" to User "jane"',
    evaluationError: 'spec.resourceAttributes.fieldSelector ignored due to parse error',
  });
});

test('LocalSubjectAccessReview', () => {
  const authz = chain();
  const lsar = (metadata: unknown, spec: unknown) => ({
    kind: 'LocalSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata,
    spec,
  });
  const res = localSubjectAccessReview(
    lsar({}, { resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'pods' }, user: 'jane' }),
    'dev',
    authz,
  );
  assert.equal(
    JSON.stringify(res.metadata) + JSON.stringify(res.status),
    '{"namespace":"dev","creationTimestamp":null}{"allowed":true,"reason":"RBAC: allowed by RoleBinding \\"jane-pods/dev\\" of ClusterRole \\"pod-reader\\" to User \\"jane\\""}',
  );
  const mismatch = thrown(() =>
    localSubjectAccessReview(
      lsar({}, { resourceAttributes: { namespace: 'prod', verb: 'get' }, user: 'jane' }),
      'dev',
      authz,
    ),
  );
  assert.equal(
    mismatch.status.message,
    '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "prod": must match metadata.namespace',
  );
  const nonres = thrown(() =>
    localSubjectAccessReview(
      lsar({}, { nonResourceAttributes: { path: '/x', verb: 'get' }, user: 'jane' }),
      'dev',
      authz,
    ),
  );
  assert.equal(
    nonres.status.message,
    '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: disallowed on this kind of request',
  );
  const other = thrown(() =>
    localSubjectAccessReview(
      lsar({ namespace: 'prod' }, { resourceAttributes: { namespace: 'prod' }, user: 'j' }),
      'dev',
      authz,
    ),
  );
  assert.equal(other.code, 400);
  assert.equal(
    other.status.message,
    'the namespace of the provided object does not match the namespace sent on the request',
  );
  const labelled = thrown(() =>
    localSubjectAccessReview(
      lsar({ labels: { a: 'b' } }, { resourceAttributes: { namespace: 'dev' }, user: 'j' }),
      'dev',
      authz,
    ),
  );
  assert.match(
    labelled.status.message!,
    /metadata: Invalid value: v1\.ObjectMeta\{.*Namespace:"dev".*Labels:map\[string\]string\{"a":"b"\}.*\}: must be empty except for namespace$/,
  );
});

test('SelfSubjectRulesReview', () => {
  const authz: Authorizer & Parameters<typeof selfSubjectRulesReview>[2] = chain();
  const jane: UserInfo = { username: 'jane', groups: ['system:authenticated'] };
  const missing = thrown(() => selfSubjectRulesReview({ spec: {} }, jane, authz));
  assert.equal(missing.code, 400);
  assert.equal(missing.status.message, 'no namespace on request');
  const res = selfSubjectRulesReview({ spec: { namespace: 'dev' } }, jane, authz);
  assert.deepEqual(res.spec, {});
  assert.deepEqual(res.metadata, { creationTimestamp: null });
  const st = res.status as {
    resourceRules: unknown[];
    nonResourceRules: unknown[];
    incomplete: boolean;
    evaluationError?: string;
  };
  // Cluster bindings first (basic-user), then the namespace's.
  assert.deepEqual(st.resourceRules, [
    {
      verbs: ['create'],
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    // then the RoleBindings of dev by name: jane-cm, jane-pods ("broken" contributes the error)
    { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] },
    { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
  ]);
  assert.equal(st.nonResourceRules.length, 2);
  assert.equal(st.incomplete, false);
  assert.equal(st.evaluationError, 'role.rbac.authorization.k8s.io "missing" not found');
  assert.deepEqual(Object.keys(st), ['resourceRules', 'nonResourceRules', 'incomplete', 'evaluationError']);
  const empty = selfSubjectRulesReview({ spec: { namespace: 'x' } }, { username: 'nobody', groups: [] }, authz);
  assert.equal(JSON.stringify(empty.status), '{"resourceRules":[],"nonResourceRules":[],"incomplete":false}');
});
