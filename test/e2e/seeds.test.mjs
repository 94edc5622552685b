// The seed walkthroughs (../shared/seeds), command by command, with kubectl and curl-equivalent HTTPS calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { startKubeauth, eventually } from './harness.mjs';

let s;
before(async () => {
  s = await startKubeauth(['--legacy-service-account-token-secrets']);
});
after(async () => {
  await s?.stop();
});

/** `curl -k URL -H "Authorization: Bearer T"` */
function curl(path, { token, method = 'GET', body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, s.url);
    const req = request(
      u,
      {
        method,
        rejectUnauthorized: false,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const yaml = (name, text) => {
  const p = join(s.dir, name);
  writeFileSync(p, text);
  return p;
};

test('seed 001: ServiceAccount token secrets, the 403 text, ClusterRole + ClusterRoleBinding', async () => {
  await eventually(async () =>
    (await s.kubectl(['describe', 'sa', 'default'])).stdout.match(/Tokens:\s+default-token-\w{5}/),
  );
  let r = await s.kubectl(['describe', 'sa', 'default']);
  assert.match(r.stdout, /^Mountable secrets:\s+default-token-\w{5}$/m);
  const secretName = /Tokens:\s+(\S+)/.exec(r.stdout)[1];
  r = await s.kubectl(['describe', 'secret', secretName]);
  assert.match(r.stdout, /^Annotations:\s+kubernetes.io\/service-account.name: default$/m);
  assert.match(r.stdout, /kubernetes.io\/service-account.uid: [0-9a-f-]{36}/);
  assert.match(r.stdout, /^Type:\s+kubernetes.io\/service-account-token$/m);
  assert.match(r.stdout, /^ca.crt:\s+\d+ bytes$/m);
  assert.match(r.stdout, /^namespace:\s+7 bytes$/m);
  const defaultToken = /^token:\s+(\S+)$/m.exec(r.stdout)[1];

  const denied = await curl('/api/v1/namespaces/default/pods', { token: defaultToken });
  assert.equal(denied.status, 403);
  assert.deepEqual(JSON.parse(denied.body), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"',
    reason: 'Forbidden',
    details: { kind: 'pods' },
    code: 403,
  });

  r = await s.kubectl([
    'apply',
    '-f',
    yaml(
      'clusterrole.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
`,
    ),
  ]);
  assert.equal(r.stdout.trim(), 'clusterrole.rbac.authorization.k8s.io/pod-reader created', r.stderr);
  r = await s.kubectl(['get', 'clusterrole']);
  assert.match(r.stdout, /^pod-reader\s+\d{4}-\d\d-\d\dT/m);
  r = await s.kubectl(['create', 'ns', 'sandbox']);
  assert.equal(r.stdout.trim(), 'namespace/sandbox created');
  r = await s.kubectl([
    'apply',
    '-f',
    yaml(
      'serviceaccount.yaml',
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-pod-reader\n  namespace: sandbox\n',
    ),
  ]);
  assert.equal(r.stdout.trim(), 'serviceaccount/sa-pod-reader created');
  r = await s.kubectl([
    'apply',
    '-f',
    yaml(
      'clusterrolebinding.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: read-pods
subjects:
- kind: ServiceAccount
  name: sa-pod-reader
  namespace: sandbox
roleRef:
  kind: ClusterRole
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
`,
    ),
  ]);
  assert.equal(r.stdout.trim(), 'clusterrolebinding.rbac.authorization.k8s.io/read-pods created');
  r = await s.kubectl(['run', 'nginx', '--image=nginx', '-n', 'sandbox']);
  assert.equal(r.stdout.trim(), 'pod/nginx created', r.stderr);
  await eventually(async () =>
    (await s.kubectl(['describe', 'sa', 'sa-pod-reader', '-n', 'sandbox'])).stdout.match(
      /Tokens:\s+sa-pod-reader-token-/,
    ),
  );
  const tokSecret = /Tokens:\s+(\S+)/.exec(
    (await s.kubectl(['describe', 'sa', 'sa-pod-reader', '-n', 'sandbox'])).stdout,
  )[1];
  const sandboxToken = /^token:\s+(\S+)$/m.exec(
    (await s.kubectl(['describe', 'secret', tokSecret, '-n', 'sandbox'])).stdout,
  )[1];
  const ok = await curl('/api/v1/namespaces/default/pods', { token: sandboxToken });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(JSON.parse(ok.body).kind, 'PodList');
  // Auto-generated legacy token Secrets carry kube-apiserver's warning.
  assert.match(
    String(ok.headers.warning),
    /Use tokens from the TokenRequest API or manually created secret-based tokens/,
  );

  r = await s.kubectl([
    'apply',
    '-f',
    yaml(
      'busybox-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata:
  name: busybox
  namespace: sandbox
spec:
  containers:
  - image: busybox
    name: busybox
    command:
    - sleep
    - "3600"
    imagePullPolicy: IfNotPresent
  restartPolicy: Always
`,
    ),
  ]);
  assert.equal(r.stdout.trim(), 'pod/busybox created');
  r = await s.kubectl(['describe', 'pod', 'busybox', '-n', 'sandbox']);
  assert.match(r.stdout, /\/var\/run\/secrets\/kubernetes.io\/serviceaccount from kube-api-access-\w{5} \(ro\)/);
});

test('seed 002: TokenRequest with an audience, TokenReview with audiences, auth-delegator, OIDC discovery', async () => {
  await s.kubectl(['create', 'ns', 'my-namespace']);
  await s.kubectl(['create', 'sa', 'my-serviceaccount', '-n', 'my-namespace']);
  let r = await s.kubectl([
    'apply',
    '-f',
    yaml(
      'tokenrequest-rbac.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: tokenrequest
rules:
  - apiGroups: [""]
    resources:
      - "serviceaccounts/token"
    verbs:
      - "create"
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: my-serviceaccount-tokenrequest
  namespace: my-namespace
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: tokenrequest
subjects:
  - kind: ServiceAccount
    name: my-serviceaccount
    namespace: my-namespace
`,
    ),
  ]);
  assert.equal(r.code, 0, r.stderr);
  // The service account requests its own audience-bound token.
  r = await s.kubectl(['create', 'token', 'my-serviceaccount', '-n', 'my-namespace']);
  const saToken = r.stdout.trim();
  const tr = await curl('/api/v1/namespaces/my-namespace/serviceaccounts/my-serviceaccount/token', {
    token: saToken,
    method: 'POST',
    body: JSON.stringify({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: ['my-audience'] },
    }),
  });
  assert.equal(tr.status, 201, tr.body);
  const audToken = JSON.parse(tr.body).status.token;
  const payload = JSON.parse(Buffer.from(audToken.split('.')[1], 'base64url'));
  assert.deepEqual(payload.aud, ['my-audience']);
  assert.equal(payload.sub, 'system:serviceaccount:my-namespace:my-serviceaccount');

  // TokenReview needs system:auth-delegator.
  const review = (token, audiences) =>
    curl('/apis/authentication.k8s.io/v1/tokenreviews', {
      token: saToken,
      method: 'POST',
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } }),
    });
  r = await review(audToken, ['my-audience']);
  assert.equal(r.status, 403);
  assert.match(
    JSON.parse(r.body).message,
    /^tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:my-namespace:my-serviceaccount" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope$/,
  );
  r = await s.kubectl([
    'create',
    'clusterrolebinding',
    'delegator',
    '--clusterrole=system:auth-delegator',
    '--serviceaccount=my-namespace:my-serviceaccount',
  ]);
  assert.equal(r.code, 0, r.stderr);
  r = await review(audToken, ['my-audience']);
  const st = JSON.parse(r.body).status;
  assert.equal(st.authenticated, true);
  assert.deepEqual(st.audiences, ['my-audience']);
  assert.equal(st.user.username, 'system:serviceaccount:my-namespace:my-serviceaccount');
  assert.deepEqual(st.user.groups, [
    'system:serviceaccounts',
    'system:serviceaccounts:my-namespace',
    'system:authenticated',
  ]);
  r = await review(audToken, ['other']);
  assert.equal(
    JSON.parse(r.body).status.error,
    '[invalid bearer token, token audiences ["my-audience"] is invalid for the target audiences ["other"]]',
  );

  // OIDC discovery is for system:serviceaccounts; a third party verifies with jose from the documents alone.
  r = await curl('/.well-known/openid-configuration');
  assert.equal(r.status, 403);
  r = await curl('/.well-known/openid-configuration', { token: saToken });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/json');
  const disc = JSON.parse(r.body);
  assert.equal(disc.issuer, 'https://kubernetes.default.svc.cluster.local');
  r = await curl('/openid/v1/jwks', { token: saToken });
  assert.equal(r.headers['content-type'], 'application/jwk-set+json');
  const jose = await import('jose');
  const { payload: verified } = await jose.jwtVerify(audToken, jose.createLocalJWKSet(JSON.parse(r.body)), {
    issuer: disc.issuer,
    audience: 'my-audience',
  });
  assert.equal(verified.sub, 'system:serviceaccount:my-namespace:my-serviceaccount');
});

test('seed 003: bound token to a Pod, TokenReview extra, invalidated when the Pod is deleted', async () => {
  let r = await s.kubectl(['create', 'namespace', 'token-demo']);
  assert.equal(r.stdout.trim(), 'namespace/token-demo created');
  r = await s.kubectl(['config', 'set-context', '--current', '--namespace=token-demo']);
  assert.equal(r.code, 0);
  r = await s.kubectl(['create', 'serviceaccount', 'demo-sa']);
  assert.equal(r.stdout.trim(), 'serviceaccount/demo-sa created');
  r = await s.kubectl([
    'apply',
    '-f',
    yaml(
      'pod-demo.yaml',
      `apiVersion: v1
kind: Pod
metadata:
  name: test-pod
  namespace: token-demo
spec:
  serviceAccountName: demo-sa
  containers:
  - name: demo-container
    image: nginx:stable-alpine3.21-perl
    command: ["sleep", "3600"]
`,
    ),
  ]);
  assert.equal(r.stdout.trim(), 'pod/test-pod created');
  r = await s.kubectl(['create', 'token', 'demo-sa', '--bound-object-kind=Pod', '--bound-object-name=test-pod']);
  const token = r.stdout.trim();
  assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  const trFile = yaml(
    'tokenreview.yaml',
    `apiVersion: authentication.k8s.io/v1
kind: TokenReview
metadata:
  name: demo-tokenreview
spec:
  token: ${token}
`,
  );
  r = await s.kubectl(['create', '-f', trFile, '-o', 'yaml']);
  assert.equal(r.code, 0, r.stderr);
  const podUid = JSON.parse((await s.kubectl(['get', 'pod', 'test-pod', '-o', 'json'])).stdout).metadata.uid;
  assert.match(
    r.stdout,
    /^status:\n {2}audiences:\n {2}- https:\/\/kubernetes.default.svc.cluster.local\n {2}authenticated: true\n/m,
  );
  assert.match(r.stdout, /authentication.kubernetes.io\/credential-id:\n\s+- JTI=[0-9a-f-]{36}/);
  assert.match(r.stdout, /authentication.kubernetes.io\/pod-name:\n\s+- test-pod/);
  assert.match(r.stdout, new RegExp(`authentication.kubernetes.io/pod-uid:\\n\\s+- ${podUid}`));
  assert.match(r.stdout, /username: system:serviceaccount:token-demo:demo-sa/);

  r = await s.kubectl(['delete', 'pod', 'test-pod']);
  assert.equal(r.stdout.trim(), 'pod "test-pod" deleted');
  r = await s.kubectl(['create', '-f', trFile, '-o', 'yaml']);
  assert.match(
    r.stdout,
    /status:\n {2}error: '\[invalid bearer token, service account token has been invalidated\]'\n {2}user: \{\}\n/,
  );
  r = await s.kubectl(['get', 'tokenreviews']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /the server doesn't have a resource type "tokenreviews"|MethodNotAllowed|not supported/);
  void readFileSync;
});
