// Shortcuts that re-implementations take and their own tests miss, each pinned here: the credential id is the
// token's own jti everywhere it shows, the issuer is exactly the flag's value, the servers run with RBAC on, and a
// ServiceAccount recreated under the same name does not inherit the old one's tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, kubectlAbsent } from '../e2e/harness.mjs';
import { startServer, req, create, payload, tokenReview, expectRejected, assertRbacOn, tokenOf } from './lib.mjs';

const issuer = 'https://issuer.shortcuts.example/cluster-7';
const work = mkdtempSync(join(tmpdir(), 'kubeauth-shortcuts-'));
const policy = join(work, 'policy.yaml');
const auditLog = join(work, 'audit.log');
writeFileSync(
  policy,
  'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n',
);

let s;
before(async () => {
  s = await startServer([
    `--service-account-issuer=${issuer}`,
    `--audit-policy-file=${policy}`,
    `--audit-log-path=${auditLog}`,
  ]);
});
after(() => s?.stop());

async function saToken(name, spec = {}) {
  const r = await req(s, 'POST', '/api/v1/namespaces/default/serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name },
  });
  assert.ok(r.status === 201 || r.status === 409, r.body);
  const tr = await create(s, `/api/v1/namespaces/default/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec,
  });
  return tr.status.token;
}

test('[shortcut.credential-id-is-jti] credential-id is JTI=<jti> in TokenReview, SelfSubjectReview, kubectl auth whoami and audit', async (t) => {
  const token = await saToken('jti-check');
  const { jti } = payload(token);
  assert.match(jti, /^[0-9a-f-]{36}$/, 'a jti is issued');
  const want = [`JTI=${jti}`];
  const tr = await tokenReview(s, token);
  assert.deepEqual(tr.user.extra['authentication.kubernetes.io/credential-id'], want);
  // A second token gets a different id: the id is the token's, not the account's or the server's.
  const other = payload(await saToken('jti-check')).jti;
  assert.notEqual(other, jti);

  const ssr = await req(
    s,
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    { token },
  );
  assert.equal(ssr.status, 201, ssr.body);
  assert.deepEqual(ssr.json.status.userInfo.extra['authentication.kubernetes.io/credential-id'], want);

  // The audit event of that very request (found by its Audit-Id) names the same credential.
  const auditId = ssr.headers['audit-id'];
  const ev = await eventually(() => {
    if (!existsSync(auditLog)) return undefined;
    return readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((e) => e.auditID === auditId && e.stage === 'ResponseComplete');
  });
  assert.deepEqual(ev.user.extra['authentication.kubernetes.io/credential-id'], want);

  const why = kubectlAbsent('1.33');
  if (why) {
    t.diagnostic(why);
    return;
  }
  const kc = join(work, 'sa.kubeconfig');
  const admin = readFileSync(s.kubeconfig, 'utf8');
  const ca = /certificate-authority-data: (\S+)/.exec(admin)[1];
  writeFileSync(
    kc,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${s.url}\n    certificate-authority-data: ${ca}\nusers:\n- name: u\n  user:\n    token: ${token}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
  );
  const w = await s.kubectl(['auth', 'whoami', '-o', 'json'], { version: '1.33', kubeconfig: kc });
  assert.equal(w.code, 0, w.stderr);
  assert.deepEqual(JSON.parse(w.stdout).status.userInfo.extra['authentication.kubernetes.io/credential-id'], want);
});

test('[shortcut.issuer-is-the-flag] the issuer is exactly --service-account-issuer, in tokens and in discovery', async () => {
  const token = await saToken('issuer-check');
  assert.equal(payload(token).iss, issuer);
  const d = await req(s, 'GET', '/.well-known/openid-configuration');
  assert.equal(d.status, 200);
  assert.equal(d.json.issuer, issuer);
});

test('[shortcut.rbac-is-on] every upstream port runs with RBAC authorization on', async () => {
  // startServer() already ran this guard; run it again and check the other side: a bound user is allowed.
  await assertRbacOn(s);
  await create(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'bob-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
  });
  const ok = await req(s, 'GET', '/api/v1/namespaces/default/secrets', undefined, { token: tokenOf('bob') });
  assert.equal(ok.status, 200, ok.body);
  const still = await req(s, 'GET', '/api/v1/namespaces/kube-system/secrets', undefined, { token: tokenOf('bob') });
  assert.equal(still.status, 403, still.body);
});

test('[shortcut.recreated-serviceaccount-rejects-old-token] a ServiceAccount recreated with the same name rejects the old token', async () => {
  const token = await saToken('phoenix');
  assert.equal((await tokenReview(s, token)).authenticated, true);
  assert.equal((await req(s, 'DELETE', '/api/v1/namespaces/default/serviceaccounts/phoenix')).status, 200);
  await create(s, '/api/v1/namespaces/default/serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'phoenix' },
  });
  const st = await expectRejected(s, token);
  assert.match(st.error, /service account UID \([0-9a-f-]+\) does not match claim \([0-9a-f-]+\)|has been invalidated/);
  // A token of the new account works: the rejection is about the old uid, not the name.
  assert.equal((await tokenReview(s, await saToken('phoenix'))).authenticated, true);
});
