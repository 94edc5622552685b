// What kubectl prints where kube-apiserver's wire answers are easy to get subtly wrong: create-only resources
// without GET/LIST routes, review validation, omitempty RBAC subjects on re-apply, boolean field selectors and
// tokens signed by the generated key when --service-account-key-file is given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeauth } from './harness.mjs';

let s;
before(async () => {
  s = await startKubeauth();
});
after(async () => {
  await s?.stop();
});

const ok = (r) => assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
const fails = (r, stderr) => assert.deepEqual([r.code !== 0, r.stderr], [true, stderr]);

test('kubectl get on create-only resources: MethodNotAllowed, or NotFound without a route', async () => {
  const notAllowed =
    'Error from server (MethodNotAllowed): the server does not allow this method on the requested resource\n';
  for (const r of ['tokenreviews', 'subjectaccessreviews', 'selfsubjectrulesreviews', 'localsubjectaccessreviews'])
    fails(await s.kubectl(['get', r]), notAllowed);
  fails(
    await s.kubectl(['get', 'localsubjectaccessreviews', '-A']),
    'Error from server (NotFound): Unable to list "authorization.k8s.io/v1, Resource=localsubjectaccessreviews": the server could not find the requested resource\n',
  );
  fails(
    await s.kubectl(['get', 'tokenreviews', 'x']),
    'Error from server (NotFound): the server could not find the requested resource\n',
  );
});

test('kubectl create: TokenReview without a token, SubjectAccessReview without attributes', async () => {
  fails(
    await s.kubectl(['create', '-f', '-'], {
      input: '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{}}',
    }),
    'Error from server (BadRequest): error when creating "STDIN": token is required for TokenReview in authentication\n',
  );
  // kubectl words an Invalid Status without a kind as "The request is invalid".
  fails(
    await s.kubectl(['create', '-f', '-'], {
      input: '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"u"}}',
    }),
    'The request is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified\n',
  );
});

const binding = (name) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${name}
  namespace: default
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- kind: ServiceAccount
  name: default
  namespace: default
`;

test('RoleBindings to a ServiceAccount: re-apply is unchanged, server-side apply after create does not conflict', async () => {
  let r = await s.kubectl(['create', 'rolebinding', 'rb1', '--clusterrole=view', '--serviceaccount=default:default']);
  ok(r);
  r = await s.kubectl(['get', 'rolebinding', 'rb1', '-o', 'jsonpath={.subjects}']);
  ok(r);
  assert.equal(r.stdout, '[{"kind":"ServiceAccount","name":"default","namespace":"default"}]');
  r = await s.kubectl(['apply', '--server-side', '-f', '-'], { input: binding('rb1') });
  assert.deepEqual([r.code, r.stdout], [0, 'rolebinding.rbac.authorization.k8s.io/rb1 serverside-applied\n'], r.stderr);

  r = await s.kubectl(['apply', '-f', '-'], { input: binding('rb2') });
  assert.deepEqual([r.code, r.stdout], [0, 'rolebinding.rbac.authorization.k8s.io/rb2 created\n'], r.stderr);
  r = await s.kubectl(['apply', '-f', '-'], { input: binding('rb2') });
  assert.deepEqual([r.code, r.stdout], [0, 'rolebinding.rbac.authorization.k8s.io/rb2 unchanged\n'], r.stderr);
});

test('field selectors on booleans match unset as false', async () => {
  ok(
    await s.kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n-plain' } },
          { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n-cordoned' }, spec: { unschedulable: true } },
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'p-plain', namespace: 'default' },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          },
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'p-host', namespace: 'default' },
            spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] },
          },
        ],
      }),
    }),
  );
  const get = async (argv) => {
    const r = await s.kubectl(['get', ...argv, '-o', 'name']);
    ok(r);
    return r.stdout;
  };
  assert.equal(await get(['nodes', '--field-selector', 'spec.unschedulable=false']), 'node/n-plain\n');
  assert.equal(await get(['nodes', '--field-selector', 'spec.unschedulable=true']), 'node/n-cordoned\n');
  assert.equal(await get(['pods', '--field-selector', 'spec.hostNetwork=false']), 'pod/p-plain\n');
  assert.equal(await get(['pods', '--field-selector', 'spec.hostNetwork=true']), 'pod/p-host\n');
});

test('--service-account-key-file without a signing key file: kubectl create token gives a token TokenReview accepts', async () => {
  const pub = join(s.dir, 'other.pub');
  writeFileSync(
    pub,
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
  );
  const k = await startKubeauth([`--service-account-key-file=${pub}`]);
  try {
    const t = await k.kubectl(['create', 'token', 'default']);
    ok(t);
    const r = await k.kubectl(['create', '-o', 'jsonpath={.status.authenticated} {.status.user.username}', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token: t.stdout.trim() },
      }),
    });
    ok(r);
    assert.equal(r.stdout, 'true system:serviceaccount:default:default');
  } finally {
    await k.stop();
  }
});
