// examples/: seed 002's services rewritten with @kubeauth/verify, started against kubeauth with a
// projected-token directory, called with `kubectl create token --audience my-audience` tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { startKubeauth, eventually } from './harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let s;
before(async () => {
  s = await startKubeauth();
  await s.kubectl(['create', 'ns', 'my-namespace']);
  await s.kubectl(['create', 'sa', 'my-service', '-n', 'my-namespace']);
  await s.kubectl(['create', 'sa', 'caller', '-n', 'my-namespace']);
  // The TokenReview variant needs system:auth-delegator, as seed 002 says.
  await s.kubectl([
    'create',
    'clusterrolebinding',
    'my-service-delegator',
    '--clusterrole=system:auth-delegator',
    '--serviceaccount=my-namespace:my-service',
  ]);
});
after(async () => {
  await s?.stop();
});

/** A directory shaped like /var/run/secrets/kubernetes.io/serviceaccount for `my-service`. */
async function projectedDir(name) {
  const dir = join(s.dir, name);
  mkdirSync(dir, { recursive: true });
  const kc = parse(readFileSync(s.kubeconfig, 'utf8'));
  writeFileSync(join(dir, 'ca.crt'), Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64'));
  writeFileSync(join(dir, 'namespace'), 'my-namespace');
  writeFileSync(
    join(dir, 'token'),
    (await s.kubectl(['create', 'token', 'my-service', '-n', 'my-namespace'])).stdout.trim(),
  );
  return dir;
}

/** In-cluster (a projected-token directory) or, with `dir` undefined, from $KUBECONFIG as after `npm start`. */
async function startExample(file, dir) {
  const u = new URL(s.url);
  const { KUBECONFIG: _k, KUBERNETES_SERVICE_HOST: _h, ...env } = process.env;
  const child = spawn(process.execPath, [join(root, 'examples', file)], {
    env: {
      ...env,
      ...(dir
        ? { KUBERNETES_SERVICE_HOST: u.hostname, KUBERNETES_SERVICE_PORT: u.port, SERVICE_ACCOUNT_DIR: dir }
        : { KUBECONFIG: s.kubeconfig }),
      HOME: s.dir,
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise((res, rej) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    child.on('exit', (c) => rej(new Error(`example exited ${c}: ${err}`)));
  });
  return { port, stop: () => child.kill() };
}

function get(port, token, path = '/') {
  return new Promise((res, rej) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (r) => {
        let body = '';
        r.on('data', (d) => (body += d));
        r.on('end', () => res({ status: r.statusCode, headers: r.headers, body }));
      },
    );
    req.on('error', rej);
    req.end();
  });
}

for (const [file, where] of [
  ['tokenreview-service.mjs', 'in-cluster'],
  ['oidc-service.mjs', 'in-cluster'],
  ['tokenreview-service.mjs', 'KUBECONFIG'],
  ['oidc-service.mjs', 'KUBECONFIG'],
  ['hono-service.mjs', 'in-cluster'],
]) {
  test(`examples/${file} (${where}): audience-bound tokens are accepted, others are 401`, async () => {
    const ex = await startExample(file, where === 'in-cluster' ? await projectedDir(file) : undefined);
    try {
      const good = (
        await s.kubectl(['create', 'token', 'caller', '-n', 'my-namespace', '--audience', 'my-audience'])
      ).stdout.trim();
      const apiToken = (await s.kubectl(['create', 'token', 'caller', '-n', 'my-namespace'])).stdout.trim();
      let r = await get(ex.port, good);
      assert.equal(r.status, 200, r.body);
      assert.equal(JSON.parse(r.body).username, 'system:serviceaccount:my-namespace:caller');
      r = await get(ex.port, apiToken);
      assert.equal(r.status, 401, 'a token for the API server is not for us');
      r = await get(ex.port);
      assert.equal(r.status, 401);
      assert.match(String(r.headers['www-authenticate']), /^Bearer realm="kubernetes"/);
      r = await get(ex.port, 'garbage');
      assert.equal(r.status, 401);
    } finally {
      ex.stop();
    }
  });
}

test('examples/express-service.mjs: SubjectAccessReview on the widget named by the route', async () => {
  await s.kubectl(['create', 'sa', 'widget-user', '-n', 'my-namespace']);
  await s.kubectl(['apply', '-f', '-'], {
    input: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: widget-w1-reader, namespace: my-namespace}
rules: [{apiGroups: [example.com], resources: [widgets], resourceNames: [w1], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: widget-w1-reader, namespace: my-namespace}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: widget-w1-reader}
subjects: [{kind: ServiceAccount, name: widget-user, namespace: my-namespace}]
`,
  });
  const ex = await startExample('express-service.mjs', await projectedDir('express-service.mjs'));
  try {
    const token = (
      await s.kubectl(['create', 'token', 'widget-user', '-n', 'my-namespace', '--audience', 'my-audience'])
    ).stdout.trim();
    let r = await get(ex.port, token, '/widgets/w1');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body), { widget: 'w1', user: 'system:serviceaccount:my-namespace:widget-user' });
    r = await get(ex.port, token, '/widgets/w2');
    assert.equal(r.status, 403);
    assert.equal(
      JSON.parse(r.body).message,
      'widgets.example.com "w2" is forbidden: User "system:serviceaccount:my-namespace:widget-user" cannot get resource "widgets" in API group "example.com" in the namespace "my-namespace"',
    );
    r = await get(ex.port, undefined, '/widgets/w1');
    assert.equal(r.status, 401);
  } finally {
    ex.stop();
  }
});

test('examples/fastify-service.mjs: a deleted ServiceAccount is refused offline through the revocation feed', async () => {
  // The feed's RBAC: list and watch the objects tokens are bound to.
  await s.kubectl([
    'create',
    'clusterrole',
    'token-revocation-feed',
    '--verb=list,watch',
    '--resource=serviceaccounts,pods,nodes',
  ]);
  await s.kubectl([
    'create',
    'clusterrolebinding',
    'my-service-feed',
    '--clusterrole=token-revocation-feed',
    '--serviceaccount=my-namespace:my-service',
  ]);
  await s.kubectl(['create', 'sa', 'short-lived', '-n', 'my-namespace']);
  const ex = await startExample('fastify-service.mjs', await projectedDir('fastify-revocation'));
  try {
    const token = (
      await s.kubectl(['create', 'token', 'short-lived', '-n', 'my-namespace', '--audience', 'my-audience'])
    ).stdout.trim();
    const r = await get(ex.port, token);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body), { username: 'system:serviceaccount:my-namespace:short-lived', pod: null });
    const apiToken = (await s.kubectl(['create', 'token', 'caller', '-n', 'my-namespace'])).stdout.trim();
    assert.equal((await get(ex.port, apiToken)).status, 401, 'a token for the API server is not for us');
    await s.kubectl(['delete', 'sa', 'short-lived', '-n', 'my-namespace']);
    // The watch event reaches the service asynchronously: wait for it to act on it (bounded by the helper).
    await eventually(async () => (await get(ex.port, token)).status === 401);
  } finally {
    ex.stop();
  }
});

for (const file of ['tokenreview-service.mjs', 'oidc-service.mjs'])
  test(`examples/${file}: with neither KUBECONFIG nor a Pod it says what to set and exits 1`, async () => {
    const { KUBECONFIG: _k, KUBERNETES_SERVICE_HOST: _h, ...env } = process.env;
    const r = await new Promise((res) => {
      const p = spawn(process.execPath, [join(root, 'examples', file)], { env: { ...env, HOME: s.dir, PORT: '0' } });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (code) => res({ code, err }));
    });
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      'Error: no Kubernetes connection found: KUBECONFIG is unset, KUBERNETES_SERVICE_HOST is unset and ~/.kube/config does not exist\n' +
        'set KUBECONFIG (e.g. export KUBECONFIG=$PWD/.kubeauth/admin.kubeconfig) or run in a Pod\n',
    );
  });
