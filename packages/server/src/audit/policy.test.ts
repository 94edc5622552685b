import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile, parsePolicy, PolicyEvaluator, type AuditAttributes } from './policy.js';

// kube's example policy shape (cluster/gce audit policy): credentials-bearing resources at Metadata.
const policy = parsePolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: ["system:kube-proxy"]
  verbs: ["watch"]
- level: None
  nonResourceURLs: ["/healthz*", "/version"]
- level: Metadata
  resources:
  - group: ""
    resources: ["secrets", "serviceaccounts/token"]
  - group: authentication.k8s.io
    resources: ["tokenreviews"]
- level: Request
  userGroups: ["system:serviceaccounts"]
  namespaces: ["kube-system"]
  omitStages: [ResponseStarted]
- level: RequestResponse
  resources:
  - group: ""
    resources: ["configmaps"]
    resourceNames: ["controller-leader"]
  - group: rbac.authorization.k8s.io
    resources: ["*/status", "roles/*"]
- level: Metadata
  omitManagedFields: true
`);
const ev = new PolicyEvaluator(policy);

function attrs(over: Partial<AuditAttributes>): AuditAttributes {
  return {
    user: { username: 'alice', groups: ['system:authenticated'] },
    verb: 'get',
    isResourceRequest: true,
    path: '/',
    apiGroup: '',
    resource: 'pods',
    subresource: '',
    namespace: 'default',
    name: 'p',
    ...over,
  };
}

test('policy table: the first matching rule decides the level, stages and managed fields', () => {
  const rows: Array<[string, Partial<AuditAttributes>, string, string[], boolean]> = [
    [
      'user + verb',
      { user: { username: 'system:kube-proxy', groups: [] }, verb: 'watch' },
      'None',
      ['RequestReceived'],
      false,
    ],
    [
      'same user, other verb',
      { user: { username: 'system:kube-proxy', groups: [] }, verb: 'list' },
      'Metadata',
      ['RequestReceived'],
      true,
    ],
    [
      'non-resource wildcard',
      { isResourceRequest: false, path: '/healthz/ping', verb: 'get' },
      'None',
      ['RequestReceived'],
      false,
    ],
    [
      'non-resource exact',
      { isResourceRequest: false, path: '/version', verb: 'get' },
      'None',
      ['RequestReceived'],
      false,
    ],
    ['non-resource rule never matches a resource', { resource: 'version' }, 'Metadata', ['RequestReceived'], true],
    ['secrets', { resource: 'secrets' }, 'Metadata', ['RequestReceived'], false],
    [
      'token subresource',
      { resource: 'serviceaccounts', subresource: 'token' },
      'Metadata',
      ['RequestReceived'],
      false,
    ],
    [
      'serviceaccounts itself is not the token rule',
      { resource: 'serviceaccounts' },
      'Metadata',
      ['RequestReceived'],
      true,
    ],
    [
      'tokenreviews',
      { apiGroup: 'authentication.k8s.io', resource: 'tokenreviews', namespace: '', name: '' },
      'Metadata',
      ['RequestReceived'],
      false,
    ],
    [
      'group + namespace',
      { user: { username: 'x', groups: ['system:serviceaccounts'] }, namespace: 'kube-system' },
      'Request',
      ['RequestReceived', 'ResponseStarted'],
      false,
    ],
    [
      'group, other namespace',
      { user: { username: 'x', groups: ['system:serviceaccounts'] }, namespace: 'default' },
      'Metadata',
      ['RequestReceived'],
      true,
    ],
    [
      'namespaces rule never matches a non-resource URL',
      {
        user: { username: 'x', groups: ['system:serviceaccounts'] },
        isResourceRequest: false,
        path: '/api',
        namespace: '',
      },
      'Metadata',
      ['RequestReceived'],
      true,
    ],
    [
      'resourceNames match',
      { resource: 'configmaps', name: 'controller-leader' },
      'RequestResponse',
      ['RequestReceived'],
      false,
    ],
    ['resourceNames miss', { resource: 'configmaps', name: 'other' }, 'Metadata', ['RequestReceived'], true],
    [
      '*/status',
      { apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', subresource: 'status' },
      'RequestResponse',
      ['RequestReceived'],
      false,
    ],
    [
      'roles/*',
      { apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', subresource: 'x' },
      'RequestResponse',
      ['RequestReceived'],
      false,
    ],
    // kube's checker: `roles/*` is the resource and every subresource of it.
    [
      'roles/* matches roles too',
      { apiGroup: 'rbac.authorization.k8s.io', resource: 'roles' },
      'RequestResponse',
      ['RequestReceived'],
      false,
    ],
  ];
  for (const [what, over, level, omit, mf] of rows) {
    const c = ev.evaluate(attrs(over));
    assert.deepEqual([c.level, [...c.omitStages], c.omitManagedFields], [level, omit, mf], what);
  }
});

test('decisions kept per shared request are those evaluated afresh, per user when rules name users', () => {
  const { user: _u, ...rest } = attrs({ namespace: 'kube-system' });
  const shared = Object.freeze({ ...rest });
  const sa = { username: 'x', groups: ['system:serviceaccounts'] };
  const alice = { username: 'alice', groups: ['system:authenticated'] };
  const proxy = { username: 'system:kube-proxy', groups: [] };
  for (let i = 0; i < 2; i++) {
    // The rules name users and groups: the same request is decided for each user.
    assert.equal(ev.evaluateRequest(sa, shared).level, 'Request');
    assert.equal(ev.evaluateRequest(alice, shared).level, 'Metadata');
    assert.equal(ev.evaluateRequest(undefined, shared).level, 'Metadata');
    const watch = Object.freeze({ ...rest, verb: 'watch' });
    assert.equal(ev.evaluateRequest(proxy, watch).level, 'None');
    assert.equal(ev.evaluateRequest(alice, watch).level, 'Metadata');
    // Not shared (a request with a query): evaluated each time.
    assert.equal(ev.evaluateRequest(sa, { ...rest }).level, 'Request');
  }
  const byRoute = new PolicyEvaluator(
    parsePolicy(
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  resources: [{group: "", resources: [secrets]}]\n- level: RequestResponse\n',
    ),
  );
  const secrets = Object.freeze({ ...rest, resource: 'secrets' });
  assert.equal(byRoute.evaluateRequest(sa, secrets).level, 'None');
  assert.equal(byRoute.evaluateRequest(alice, secrets).level, 'None');
  assert.equal(byRoute.evaluateRequest(alice, shared).level, 'RequestResponse');
});

test('no matching rule is level None', () => {
  const p = new PolicyEvaluator(
    parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: [create]\n'),
  );
  assert.equal(p.evaluate(attrs({ verb: 'get' })).level, 'None');
  assert.equal(p.evaluate(attrs({ verb: 'create' })).level, 'Metadata');
});

test('bad policies are refused with kube-apiserver messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  const cases: Array<[string, string]> = [
    ['apiVersion: audit.k8s.io/v1\nkind: Policy\n', 'loaded illegal policy with 0 rules'],
    [
      'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]\n',
      'unknown group version field audit.k8s.io/v1beta1, Kind=Policy in policy',
    ],
    [
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Foo}]\n',
      'rules[0].level: Unsupported value: "Foo": supported values: "None", "Metadata", "Request", "RequestResponse"',
    ],
    [
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: ["metrics"]}, {level: None, omitStages: [Done]}]\n',
      '[rules[0].nonResourceURLs[0]: Invalid value: "metrics": non-resource URL rules must begin with a \'/\' character, rules[1].omitStages[0]: Invalid value: "Done": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic]',
    ],
    [
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: ["/a*b"]}]\n',
      'rules[0].nonResourceURLs[0]: Invalid value: "/a*b": non-resource URL wildcards \'*\' must be the final character of the rule',
    ],
    [
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: ["/metrics"], namespaces: [a]}]\n',
      'rules[0].nonResourceURLs: Invalid value: []string{"/metrics"}: rules cannot apply to both regular resources and non-resource URLs',
    ],
    [
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, resources: [{group: "", resourceNames: [x]}]}]\n',
      'rules[0].resources.resourceNames: Invalid value: []string{"x"}: using resourceNames requires at least one resource',
    ],
  ];
  cases.forEach(([text, msg], i) => {
    const f = join(dir, `p${i}.yaml`);
    writeFileSync(f, text);
    assert.throws(() => loadPolicyFile(f), { message: `${msg}: from file ${f}` });
  });
  assert.throws(() => loadPolicyFile(join(dir, 'missing.yaml')), {
    message: `failed to read file path "${join(dir, 'missing.yaml')}": ENOENT: no such file or directory, open '${join(dir, 'missing.yaml')}'`,
  });
});
