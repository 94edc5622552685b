// The foundation, black-box: kubectl (oldest and newest supported) and @kubernetes/client-node against a
// started kubeauth.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeauth, eventually, kubectlPath } from './harness.mjs';

let s;
before(async () => {
  s = await startKubeauth();
});
after(async () => {
  await s?.stop();
});

const versions = ['1.27', '1.33'].filter((v) => kubectlPath(v));

test('ready line names the kubeconfig and /readyz answers ok', async () => {
  assert.match(s.line, /export KUBECONFIG=.*admin\.kubeconfig/);
  const r = await s.kubectl(['get', '--raw', '/readyz']);
  assert.equal(r.stdout, 'ok');
});

for (const v of versions) {
  test(`kubectl ${v}: namespaces, default service accounts, pods, describe, delete`, async () => {
    const ns = `token-demo-${v.replace('.', '-')}`;
    let r = await s.kubectl(['create', 'namespace', ns], { version: v });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `namespace/${ns} created`);
    await eventually(async () => (await s.kubectl(['get', 'sa', 'default', '-n', ns], { version: v })).code === 0);
    r = await s.kubectl(['get', 'sa', '-A'], { version: v });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAMESPACE\s+NAME\s+SECRETS\s+AGE/);
    for (const n of ['default', 'kube-system', 'kube-public', ns])
      assert.match(r.stdout, new RegExp(`^${n}\\s+default\\s+0\\s+`, 'm'));

    const pod = join(s.dir, `pod-${v}.yaml`);
    writeFileSync(
      pod,
      `apiVersion: v1
kind: Pod
metadata:
  name: test-pod
  namespace: ${ns}
spec:
  containers:
  - name: demo-container
    image: nginx:stable-alpine3.21-perl
    command: ["sleep", "3600"]
`,
    );
    r = await s.kubectl(['apply', '-f', pod], { version: v });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod/test-pod created');
    r = await s.kubectl(['get', 'pod', 'test-pod', '-n', ns, '-o', 'json'], { version: v });
    const p = JSON.parse(r.stdout);
    assert.equal(p.spec.serviceAccountName, 'default');
    assert.equal(p.status.phase, 'Pending');
    const vol = p.spec.volumes.find((x) => x.name.startsWith('kube-api-access-'));
    assert.ok(vol, 'projected token volume');
    assert.deepEqual(vol.projected.sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } });
    assert.deepEqual(p.spec.containers[0].volumeMounts, [
      { name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ]);
    r = await s.kubectl(['get', 'pods', '-n', ns, '-o', 'wide'], { version: v });
    assert.match(r.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    assert.match(r.stdout, /test-pod\s+0\/1\s+Pending\s+0/);
    r = await s.kubectl(['describe', 'sa', 'default', '-n', ns], { version: v });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+default$/m);
    r = await s.kubectl(['apply', '-f', pod], { version: v });
    assert.equal(r.stdout.trim(), 'pod/test-pod unchanged');
    r = await s.kubectl(['delete', 'namespace', ns], { version: v });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `namespace "${ns}" deleted`);
    r = await s.kubectl(['get', 'namespace', ns], { version: v });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`Error from server \\(NotFound\\): namespaces "${ns}" not found`));
  });
}

test('errors: not found, already exists, invalid name', async () => {
  let r = await s.kubectl(['get', 'sa', 'nope']);
  assert.match(r.stderr, /Error from server \(NotFound\): serviceaccounts "nope" not found/);
  r = await s.kubectl(['create', 'namespace', 'default']);
  assert.match(r.stderr, /Error from server \(AlreadyExists\): namespaces "default" already exists/);
  r = await s.kubectl(['create', 'namespace', 'Bad_Name']);
  assert.match(
    r.stderr,
    /The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of/,
  );
});
