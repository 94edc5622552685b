// The README's examples are the files in src/examples: this test checks the README shows each of them verbatim
// (with the package name in the import) and runs every one against the fake API server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { ConfigError, ReviewError } from './errors.js';
import { FakeApiServer, saUser } from './test/fake-apiserver.js';
import { tempDir } from './test/helpers.js';
import { testPki } from './test/pki.js';
import { makeSigningKey, mintToken } from './test/tokens.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const examplesDir = join(pkgDir, 'src', 'examples');

describe('README examples', () => {
  let api: FakeApiServer;
  const key = makeSigningKey('RS256');
  const env = { KUBECONFIG: process.env.KUBECONFIG, KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST };

  before(async () => {
    api = await FakeApiServer.start();
    api.jwks = { keys: [key.jwk] };
    api.tokens.set('pod-token', { user: saUser('team-a', 'web'), audiences: ['my-audience'] });
    api.subjectAccessReview = (spec) => {
      const r = spec.resourceAttributes as { verb?: string; resource?: string } | undefined;
      const n = spec.nonResourceAttributes as { path?: string } | undefined;
      return { allowed: (r?.verb === 'list' && r.resource === 'pods') || n?.path === '/metrics' };
    };
    const dir = tempDir();
    writeFileSync(
      join(dir, 'config'),
      `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${api.url}
    certificate-authority-data: ${Buffer.from(testPki().caCert).toString('base64')}
contexts:
- name: fake
  context:
    cluster: fake
    user: reviewer
current-context: fake
users:
- name: reviewer
  user:
    token: reviewer-token
`,
    );
    // The examples call KubeConnection.fromEnvironment() when imported.
    process.env.KUBECONFIG = join(dir, 'config');
    delete process.env.KUBERNETES_SERVICE_HOST;
  });
  after(async () => {
    await api.close();
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('shows every example file verbatim', () => {
    const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
    const files = readdirSync(examplesDir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 9);
    for (const file of files) {
      const text = readFileSync(join(examplesDir, file), 'utf8')
        .replaceAll("'../index.js'", "'@kubeauth/verify'")
        .replace(/'\.\.\/entry\/(\w+)\.js'/g, "'@kubeauth/verify/$1'");
      const block = `<!-- example: src/examples/${file} -->\n\`\`\`ts\n${text.trimEnd()}\n\`\`\`\n`;
      assert.ok(readme.includes(block), `README.md must show src/examples/${file} verbatim after its marker`);
    }
  });

  it('connection.ts', async () => {
    const { inCluster, fromKubeconfig, fromEnvironment, explicit } = await import('./examples/connection.js');
    assert.throws(inCluster, (err: unknown) => err instanceof ConfigError && err.code === 'ERR_NOT_IN_CLUSTER');
    const a = fromKubeconfig();
    const b = fromEnvironment();
    assert.equal(a.server, api.url);
    assert.equal(b.server, api.url);
    const dir = tempDir();
    writeFileSync(join(dir, 'token'), 'reviewer-token\n');
    const c = explicit(api.url, testPki().caCertPath, join(dir, 'token'));
    assert.equal((await c.request('GET', '/openid/v1/jwks')).statusCode, 200);
    assert.throws(
      () => fromKubeconfig('nope'),
      (err: unknown) => err instanceof ConfigError,
    );
    for (const conn of [a, b, c]) conn.close();
  });

  it('tokenreview.ts', async () => {
    const { whoIs } = await import('./examples/tokenreview.js');
    assert.equal(await whoIs('pod-token'), 'system:serviceaccount:team-a:web');
    assert.equal(await whoIs('stolen-api-server-token'), undefined);
    api.behaviour = { kind: 'status', status: 503 };
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      await assert.rejects(
        whoIs('new-token'),
        (err: unknown) => err instanceof ReviewError && err.kind === 'unavailable',
      );
    } finally {
      console.error = original;
      api.behaviour = { kind: 'normal' };
    }
    assert.equal(logged.length, 1);
  });

  it('jwks.ts', async () => {
    const { callerPod } = await import('./examples/jwks.js');
    const token = await mintToken(key, { namespace: 'team-a', name: 'web', pod: { name: 'web-0', uid: 'p1' } });
    assert.equal(await callerPod(token), 'team-a/web-0');
    assert.equal(await callerPod(await mintToken(key, { audiences: ['https://kubernetes.default.svc'] })), undefined);
  });

  it('accessreview.ts', async () => {
    const { canListPods } = await import('./examples/accessreview.js');
    const user = { ...saUser('team-a', 'web'), uid: 'sa-uid-1', groups: saUser('team-a', 'web').groups!, extra: {} };
    assert.equal(await canListPods(user, 'team-a'), true);
  });

  it('node-http.ts', async () => {
    const { server } = await import('./examples/node-http.js');
    const base = await listen(server);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer pod-token' } });
    assert.deepEqual(await ok.json(), {
      user: 'system:serviceaccount:team-a:web',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    });
    assert.equal((await fetch(`${base}/admin`, { headers: { authorization: 'Bearer pod-token' } })).status, 403);
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('express.ts', async () => {
    const { app } = await import('./examples/express.js');
    const server: Server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const token = await mintToken(key, { namespace: 'team-a', name: 'web', pod: { name: 'web-0', uid: 'p1' } });
    const res = await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(await res.json(), { user: 'system:serviceaccount:team-a:web', pod: 'web-0' });
    assert.equal((await fetch(`${base}/whoami`, { headers: { authorization: 'Bearer pod-token' } })).status, 401);
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('fastify.ts', async () => {
    const { app } = await import('./examples/fastify.js');
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${base}/whoami`, { headers: { authorization: 'Bearer pod-token' } });
    assert.deepEqual(await res.json(), { user: 'system:serviceaccount:team-a:web' });
    assert.equal((await fetch(`${base}/whoami`)).status, 401);
    await app.close();
  });

  it('fetch.ts', async () => {
    const { GET } = await import('./examples/fetch.js');
    const res = await GET(new Request('http://svc/api/whoami', { headers: { authorization: 'Bearer pod-token' } }));
    assert.deepEqual(await res.json(), { user: 'system:serviceaccount:team-a:web' });
    assert.equal((await GET(new Request('http://svc/api/whoami'))).status, 401);
  });

  it('hono.ts', async () => {
    const { kubeAuth } = await import('./examples/hono.js');
    const vars = new Map<string, unknown>();
    const c = {
      req: { raw: new Request('http://svc/api/x', { headers: { authorization: 'Bearer pod-token' } }) },
      set: (k: string, v: unknown) => vars.set(k, v),
    };
    let called = false;
    assert.equal(
      await kubeAuth(c, async () => {
        called = true;
      }),
      undefined,
    );
    assert.ok(called);
    assert.equal(
      (vars.get('kubeAuth') as { user: { username: string } }).user.username,
      'system:serviceaccount:team-a:web',
    );
  });
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
