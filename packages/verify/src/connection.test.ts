import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { KubeConnection } from './connection.js';
import { ConfigError, ReviewError } from './errors.js';
import { FakeApiServer } from './test/fake-apiserver.js';
import { connectTo, fakeClock, tempDir, unhandledRejectionsDuring } from './test/helpers.js';
import { testPki } from './test/pki.js';

/** Lays out a service-account directory the way the kubelet's atomic writer does (`..data` symlink swaps). */
function serviceAccountDir(token: string): {
  dir: string;
  rotate(next: string): void;
  remove(): void;
  restore(): void;
} {
  const pki = testPki();
  const dir = tempDir('kubeauth-sa-');
  let generation = 0;
  const writeGeneration = (t: string): string => {
    const name = `..gen_${++generation}`;
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'token'), t);
    writeFileSync(join(dir, name, 'ca.crt'), pki.caCert);
    writeFileSync(join(dir, name, 'namespace'), 'default');
    return name;
  };
  symlinkSync(writeGeneration(token), join(dir, '..data'));
  for (const f of ['token', 'ca.crt', 'namespace']) symlinkSync(join('..data', f), join(dir, f));
  let current = `..gen_${generation}`;
  return {
    dir,
    rotate(next) {
      const gen = writeGeneration(next);
      symlinkSync(gen, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data')); // atomic swap
      current = gen;
    },
    remove() {
      rmSync(join(dir, '..data'));
    },
    restore() {
      symlinkSync(current, join(dir, '..data'));
    },
  };
}

describe('KubeConnection', () => {
  let api: FakeApiServer;
  before(async () => {
    api = await FakeApiServer.start({ callerTokens: ['reviewer-token', 'token-1', 'token-2'] });
  });
  after(() => api.close());

  it('validates explicit options', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        if (err instanceof ConfigError) return err.code;
        throw err;
      }
      return 'no error';
    };
    assert.equal(
      code(() => new KubeConnection({ server: 'not a url' })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new KubeConnection({ server: 'ftp://x' })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new KubeConnection({ server: 'https://x', ca: 'nope' })),
      'ERR_INVALID_PEM',
    );
    assert.equal(
      code(() => new KubeConnection({ server: 'https://x', caFile: '/does/not/exist' })),
      'ERR_FILE_UNREADABLE',
    );
    assert.equal(
      code(() => new KubeConnection({ server: 'https://x', cert: testPki().clientCert })),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      code(() => new KubeConnection({ server: 'https://x', key: testPki().clientCert })),
      'ERR_INVALID_PEM',
    );
    const conn = new KubeConnection({ server: 'https://api.example:6443/prefix/' });
    assert.equal(conn.server, 'https://api.example:6443/prefix');
    assert.equal(conn.url('/apis/x').href, 'https://api.example:6443/prefix/apis/x');
  });

  it('sends the bearer token and client certificate only to its own origin', async () => {
    const pki = testPki();
    const conn = connectTo(api, { cert: pki.clientCert, key: pki.clientKey });
    const res = await conn.request('GET', '/openid/v1/jwks');
    assert.equal(res.statusCode, 200);
    const last = api.requests.at(-1)!;
    assert.equal(last.authorization, 'Bearer reviewer-token');
    assert.equal(last.clientCN, 'reviewer');
    await assert.rejects(conn.request('GET', 'https://evil.example/steal'), /refusing to send credentials/);
    conn.close();
  });

  it('builds the in-cluster connection from the environment (IPv6 bracketed) and errors outside a cluster', () => {
    const sa = serviceAccountDir('token-1');
    const conn = KubeConnection.inCluster({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountDir: sa.dir,
    });
    assert.equal(conn.server, 'https://[fd00::1]:443');
    conn.close();
    assert.throws(
      () => KubeConnection.inCluster({ env: {}, serviceAccountDir: sa.dir }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.code === 'ERR_NOT_IN_CLUSTER' &&
        /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/.test(err.message),
    );
    const noCa = tempDir();
    assert.throws(
      () =>
        KubeConnection.inCluster({
          env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
          serviceAccountDir: noCa,
        }),
      (err: unknown) => err instanceof ConfigError && err.code === 'ERR_FILE_UNREADABLE' && /ca\.crt/.test(err.message),
    );
    const viaEnv = KubeConnection.fromEnvironment({
      env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountDir: sa.dir,
    });
    assert.equal(viaEnv.server, 'https://10.96.0.1:443');
    viaEnv.close();
  });

  it('re-reads the projected token at most once a minute and survives the symlink swap', async () => {
    const sa = serviceAccountDir('token-1');
    const clock = fakeClock();
    const port = new URL(api.url).port;
    const conn = KubeConnection.inCluster({
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port },
      serviceAccountDir: sa.dir,
      now: clock,
    });
    const sentToken = async (): Promise<string | undefined> => {
      const res = await conn.request('GET', '/openid/v1/jwks');
      assert.equal(res.statusCode, 200);
      return api.requests.at(-1)!.authorization;
    };
    assert.equal(await sentToken(), 'Bearer token-1');
    sa.rotate('token-2');
    clock.advance(30_000);
    assert.equal(await sentToken(), 'Bearer token-1', 'not re-read within a minute');
    clock.advance(31_000);
    assert.equal(await sentToken(), 'Bearer token-2', 're-read after a minute');

    // Mid-swap the file is briefly missing: keep using the last token, pick up the new one afterwards.
    sa.remove();
    clock.advance(61_000);
    assert.equal(await sentToken(), 'Bearer token-2');
    sa.restore();
    sa.rotate('token-1');
    clock.advance(1_500);
    assert.equal(await sentToken(), 'Bearer token-1');
    conn.close();
  });

  it('re-reads the token file at once after a 401 when the kubelet rotated it', async () => {
    const sa = serviceAccountDir('token-1');
    const clock = fakeClock();
    const conn = new KubeConnection({
      server: api.url,
      caFile: join(sa.dir, 'ca.crt'),
      tokenFile: join(sa.dir, 'token'),
      now: clock,
    });
    assert.equal((await conn.request('GET', '/openid/v1/jwks')).statusCode, 200);
    api.callerTokens.delete('token-1');
    sa.rotate('token-2');
    clock.advance(1_500); // forced re-reads are limited to one per second
    const res = await conn.request('GET', '/openid/v1/jwks');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      api.requests.slice(-2).map((r) => r.authorization),
      ['Bearer token-1', 'Bearer token-2'],
    );
    api.callerTokens.add('token-1');
    conn.close();
  });

  it('reports a token file that was never readable as an unauthorized ReviewError', async () => {
    const dir = tempDir();
    const conn = new KubeConnection({ server: api.url, ca: testPki().caCert, tokenFile: join(dir, 'token') });
    await assert.rejects(conn.request('GET', '/openid/v1/jwks'), (err: unknown) => {
      assert.ok(err instanceof ReviewError);
      assert.equal(err.kind, 'unauthorized');
      assert.equal(err.code, 'ERR_KUBE_CREDENTIALS');
      return true;
    });
    conn.close();
    writeFileSync(join(dir, 'token'), 'two words\n');
    const garbled = new KubeConnection({ server: api.url, ca: testPki().caCert, tokenFile: join(dir, 'token') });
    await assert.rejects(garbled.request('GET', '/openid/v1/jwks'), /characters a bearer token cannot have/);
    garbled.close();
  });

  it('maps answers to ReviewError kinds', async () => {
    const conn = connectTo(api);
    const expectKind = async (kind: string, statusCode: number | undefined): Promise<void> => {
      await assert.rejects(
        conn.requestJson('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {}, 'TokenReview'),
        (err: unknown) => {
          assert.ok(err instanceof ReviewError, String(err));
          assert.equal(err.kind, kind);
          assert.equal(err.statusCode, statusCode);
          return true;
        },
      );
    };
    api.behaviour = { kind: 'status', status: 503 };
    await expectKind('unavailable', 503);
    api.behaviour = { kind: 'status', status: 429 };
    await expectKind('unavailable', 429);
    api.behaviour = { kind: 'status', status: 401 };
    await expectKind('unauthorized', 401);
    api.behaviour = { kind: 'status', status: 403 };
    await expectKind('forbidden', 403);
    api.behaviour = { kind: 'status', status: 404 };
    await expectKind('bad-response', 404);
    api.behaviour = { kind: 'status', status: 201, body: 'not json' };
    await expectKind('bad-response', 201);
    api.behaviour = { kind: 'normal' };
    conn.close();
  });

  it('times out against a hung API server without unhandled rejections', async () => {
    const conn = connectTo(api, { timeoutMs: 150 });
    const unhandled = await unhandledRejectionsDuring(async () => {
      api.behaviour = { kind: 'hang' };
      await assert.rejects(conn.request('GET', '/openid/v1/jwks'), (err: unknown) => {
        assert.ok(err instanceof ReviewError);
        assert.equal(err.kind, 'unavailable');
        assert.equal(err.code, 'ERR_KUBE_TIMEOUT');
        assert.match(err.message, /no answer within 150 ms/);
        return true;
      });
      api.behaviour = { kind: 'normal' };
    });
    assert.deepEqual(unhandled, []);
    conn.close();
  });

  it('rejects with the abort reason when the signal aborts', async () => {
    const conn = connectTo(api);
    api.behaviour = { kind: 'hang' };
    const ac = new AbortController();
    const p = conn.request('GET', '/openid/v1/jwks', undefined, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('client went away')), 20);
    await assert.rejects(p, /client went away/);
    api.behaviour = { kind: 'normal' };
    conn.close();
  });

  it('reports unreachable servers, dropped connections and TLS failures as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const dead = new KubeConnection({ server: `https://127.0.0.1:${port}`, ca: testPki().caCert });
    await assert.rejects(
      dead.request('GET', '/x'),
      (err: unknown) => err instanceof ReviewError && err.kind === 'unavailable' && /ECONNREFUSED/.test(err.message),
    );

    const conn = connectTo(api);
    api.behaviour = { kind: 'destroy' };
    await assert.rejects(
      conn.request('GET', '/openid/v1/jwks'),
      (err: unknown) => err instanceof ReviewError && err.kind === 'unavailable',
    );
    api.behaviour = { kind: 'normal' };

    const wrongCa = connectTo(api, { ca: testPki().otherCaCert });
    await assert.rejects(
      wrongCa.request('GET', '/openid/v1/jwks'),
      (err: unknown) => err instanceof ReviewError && err.code === 'ERR_KUBE_TLS',
    );
    const insecure = connectTo(api, { ca: undefined, insecureSkipTLSVerify: true });
    assert.equal((await insecure.request('GET', '/openid/v1/jwks')).statusCode, 200);
    for (const c of [dead, conn, wrongCa, insecure]) c.close();
  });

  it('talks to an API server on IPv6 loopback', async (t) => {
    let v6: FakeApiServer;
    try {
      v6 = await FakeApiServer.start({ host: '::1' });
    } catch {
      t.skip('no IPv6 loopback on this machine');
      return;
    }
    const sa = serviceAccountDir('reviewer-token');
    const conn = KubeConnection.inCluster({
      env: { KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: new URL(v6.url).port },
      serviceAccountDir: sa.dir,
    });
    assert.equal((await conn.request('GET', '/openid/v1/jwks')).statusCode, 200);
    conn.close();
    await v6.close();
  });
});
