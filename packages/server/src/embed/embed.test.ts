import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeauth, KubeRequestError, StartError, type Kubeauth } from './index.js';

const t0 = Date.parse('2030-01-01T00:00:00Z');

interface Review {
  status: { authenticated?: boolean; error?: string; user?: { username: string } };
}
const review = async (kube: Kubeauth, token: string, audiences?: string[]) =>
  (
    (
      await kube.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, ...(audiences ? { audiences } : {}) },
      })
    ).body as Review
  ).status;
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown> & {
    iat: number;
    exp: number;
    'kubernetes.io': { warnafter?: number };
  };

let kube: Kubeauth;
before(async () => {
  kube = await startKubeauth({ clock: 'manual', startTime: new Date(t0) });
});
after(() => kube.close());

test('defaults: a free loopback port, the admin kubeconfig as file, text and object', async () => {
  assert.match(kube.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(existsSync(kube.kubeconfigPath));
  assert.equal(kube.kubeconfig.object.clusters[0]!.cluster.server, kube.url);
  assert.equal(kube.kubeconfig.object['current-context'], 'kubeauth');
  assert.match(kube.kubeconfig.yaml, /^apiVersion: v1\n/);
  assert.match(kube.caPem, /^-----BEGIN CERTIFICATE-----/);
  const r = await kube.request('GET', '/apis/authentication.k8s.io/v1/selfsubjectreviews');
  assert.equal(r.status, 405);
});

test('a manual clock sets iat, exp and warnafter, and expires tokens when advanced', async () => {
  await kube.reset();
  assert.equal(await kube.clock.now(), t0);
  await kube.createNamespace('clock');
  await kube.createServiceAccount('clock', 'sa');
  await kube.apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'clock' },
    spec: { serviceAccountName: 'sa', containers: [{ name: 'c', image: 'x' }] },
  });
  const plain = await kube.token('clock', 'sa', { audiences: ['vault'], expiration: '1h' });
  const c = claimsOf(plain.token);
  assert.equal(c.iat, t0 / 1000);
  assert.equal(c.exp, t0 / 1000 + 3600);
  assert.equal(plain.expirationTimestamp, '2030-01-01T01:00:00Z');

  // A Pod-bound token of kubelet's 3607 s is extended to a year and carries warnafter (kube's extension).
  const bound = await kube.token('clock', 'sa', { expiration: 3607, boundPod: 'p' });
  assert.equal(claimsOf(bound.token)['kubernetes.io'].warnafter, t0 / 1000 + 3607);

  assert.equal((await review(kube, plain.token, ['vault'])).authenticated, true);
  assert.equal(await kube.clock.advance('59m'), t0 + 59 * 60_000);
  assert.equal((await review(kube, plain.token, ['vault'])).authenticated, true);
  await kube.clock.advance('2h');
  const expired = await review(kube, plain.token, ['vault']);
  assert.equal(expired.authenticated, undefined);
  assert.equal(expired.error, '[invalid bearer token, service account token has expired]');
  // The bound, extended token is still good an hour later.
  assert.equal((await review(kube, bound.token)).authenticated, true);
});

test('snapshot/restore bring back objects (same uid) and the clock; resourceVersions keep increasing', async () => {
  await kube.reset();
  const ns = await kube.createNamespace('snap');
  const snap = await kube.snapshot();
  const before = await kube.clock.now();
  await kube.createServiceAccount('snap', 'extra');
  await kube.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'snap' },
    data: { a: '1' },
  });
  const deleted = await kube.request('DELETE', '/api/v1/namespaces/default/serviceaccounts/default');
  assert.equal(deleted.status, 200);
  await kube.clock.advance('1d');

  await kube.restore(snap);
  assert.equal(await kube.clock.now(), before);
  assert.equal((await kube.request('GET', '/api/v1/namespaces/snap/serviceaccounts/extra')).status, 404);
  assert.equal((await kube.request('GET', '/api/v1/namespaces/snap/configmaps/c')).status, 404);
  const sa = await kube.request('GET', '/api/v1/namespaces/default/serviceaccounts/default');
  assert.equal(sa.status, 200);
  const got = (await kube.request('GET', '/api/v1/namespaces/snap')).body as {
    metadata: { uid: string; resourceVersion: string };
  };
  assert.equal(got.metadata.uid, ns.metadata.uid);
  // The restored default ServiceAccount is a new write: its resourceVersion is newer than anything before.
  const rv = Number((sa.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
  assert.ok(rv > Number(ns.metadata.resourceVersion));

  await kube.reset();
  assert.equal(await kube.clock.now(), t0);
  assert.equal((await kube.request('GET', '/api/v1/namespaces/snap')).status, 404);
});

test('kubeconfigFor: a client-certificate user with groups, and a ServiceAccount by token', async () => {
  await kube.reset();
  const jane = await kube.kubeconfigFor({ user: 'jane', groups: ['devs', 'ops'] });
  assert.ok(existsSync(jane.path));
  const who = await kube.request(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    jane.credentials,
  );
  assert.equal(who.status, 201);
  const info = (
    who.body as { status: { userInfo: { username: string; groups: string[]; extra: Record<string, string[]> } } }
  ).status.userInfo;
  assert.equal(info.username, 'jane');
  assert.deepEqual(info.groups, ['devs', 'ops', 'system:authenticated']);
  assert.match(info.extra['authentication.kubernetes.io/credential-id']![0]!, /^X509SHA256=[0-9a-f]{64}$/);
  const denied = await kube.request('GET', '/api/v1/namespaces/default/secrets', undefined, jane.credentials);
  assert.equal(denied.status, 403);
  assert.equal(
    (denied.body as { message: string }).message,
    'secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default"',
  );
  const sa = await kube.kubeconfigFor({ serviceAccount: { namespace: 'default', name: 'default' } });
  assert.equal(sa.object.users[0]!.name, 'system:serviceaccount:default:default');
  assert.ok('token' in sa.credentials);
  const r = await kube.request('GET', '/api/v1/namespaces/default/pods', undefined, sa.credentials);
  assert.equal(r.status, 403);
  assert.equal(
    (r.body as { message: string }).message,
    'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"',
  );
});

test('apply creates and then updates; helpers throw the Status of a refused request', async () => {
  await kube.reset();
  const [a] = await kube.apply('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: one\n');
  const [b] = await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { k: 'two' } });
  assert.equal(a!.metadata.uid, b!.metadata.uid);
  assert.deepEqual(b!.data, { k: 'two' });
  await assert.rejects(kube.createNamespace('Bad_Name'), (e: unknown) => {
    assert.ok(e instanceof KubeRequestError);
    assert.equal(e.status, 422);
    assert.match(e.body!.message!, /^Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
    return true;
  });
  await assert.rejects(kube.token('default', 'missing'), {
    status: 404,
    message: /serviceaccounts "missing" not found/,
  });
  await assert.rejects(kube.apply({ apiVersion: 'v1', kind: 'Nope', metadata: { name: 'n' } }), {
    message: 'the server has no resource of kind Nope in v1',
  });
});

test('bad options and wall-clock misuse are refused with what to do', async () => {
  await assert.rejects(startKubeauth({ clock: 'fake' as 'manual' }), {
    name: 'TypeError',
    message: `clock must be 'wall' or 'manual', not "fake"`,
  });
  await assert.rejects(startKubeauth({ process: 'thread' as 'child' }), {
    message: `process must be 'in-process' or 'child', not "thread"`,
  });
  const wall = await startKubeauth();
  try {
    await assert.rejects(wall.clock.advance('1h'), {
      message: "clock.advance() needs startKubeauth({ clock: 'manual' })",
    });
    await assert.rejects(kube.clock.advance('soon'), { message: /invalid duration "soon"/ });
    await assert.rejects(wall.restore({ id: 99 }), {
      message: 'no snapshot 99 on this server (snapshots belong to the server that took them)',
    });
  } finally {
    await wall.close();
  }
  assert.equal(existsSync(wall.dataDir), false, 'close() removed the temporary data dir');
});

test('several servers at once, each on its own port and data dir', async () => {
  const many = await Promise.all([startKubeauth(), startKubeauth(), startKubeauth()]);
  try {
    assert.equal(new Set(many.map((k) => k.url)).size, 3);
    assert.equal(new Set(many.map((k) => k.dataDir)).size, 3);
    await many[0]!.createNamespace('only-here');
    assert.equal((await many[1]!.request('GET', '/api/v1/namespaces/only-here')).status, 404);
  } finally {
    await Promise.all(many.map((k) => k.close()));
  }
});

test("process: 'child' offers the same API, clock and snapshots over IPC", async () => {
  const child = await startKubeauth({ process: 'child', clock: 'manual', startTime: t0 });
  try {
    await child.createNamespace('c');
    await child.createServiceAccount('c', 's');
    const { token } = await child.token('c', 's', { audiences: ['a'], expiration: 600 });
    assert.equal(claimsOf(token).iat, t0 / 1000);
    assert.equal((await review(child, token, ['a'])).authenticated, true);
    // kube's 60 s leeway: at exp + 60 s the token is still good, a second later it is not.
    assert.equal(await child.clock.advance('11m'), t0 + 11 * 60_000);
    assert.equal((await review(child, token, ['a'])).authenticated, true);
    await child.clock.advance(1000);
    assert.equal(
      (await review(child, token, ['a'])).error,
      '[invalid bearer token, service account token has expired]',
    );
    await child.reset();
    assert.equal(await child.clock.now(), t0);
    assert.equal((await child.request('GET', '/api/v1/namespaces/c')).status, 404);
    await assert.rejects(child.restore({ id: 42 }), { message: /no snapshot 42/ });
  } finally {
    await child.close();
  }
  assert.equal(existsSync(child.dataDir), false);
});

test('a data dir that cannot be created rejects with a StartError naming the path, why, and what to do', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kubeauth-embed-datadir-'));
  try {
    // A file where a directory is expected: refused whoever runs the test (root included).
    writeFileSync(join(tmp, 'file'), '');
    const dataDir = join(tmp, 'file', 'dir');
    for (const mode of ['in-process', 'child'] as const) {
      const err = await startKubeauth({ dataDir, process: mode }).then(
        () => assert.fail('started'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof StartError, `${mode}: ${String(err)}`);
      assert.equal(err.code, 'ENOTDIR');
      assert.equal(err.path, dataDir);
      assert.equal(err.dataDir, dataDir);
      assert.equal(
        err.message,
        `mkdir ${dataDir}: not a directory\nthe data directory ${dataDir} is not usable: a file that is not a directory ` +
          'is in the way; choose a writable dataDir (it is created when missing)',
      );
    }
    // Not writable: a read-only directory for an ordinary user; root ignores modes, so /sys (EPERM, or EROFS where
    // it is mounted read-only) stands in for it.
    let parent = join(tmp, 'read-only');
    if (process.getuid?.() === 0) parent = '/sys';
    else {
      mkdirSync(parent);
      chmodSync(parent, 0o555);
    }
    const denied = join(parent, `kubeauth-${process.pid}`);
    const err = await startKubeauth({ dataDir: denied }).then(
      () => assert.fail('started'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StartError, String(err));
    assert.ok(['EACCES', 'EPERM', 'EROFS'].includes(err.code), err.code);
    assert.equal(err.dataDir, denied);
    assert.match(
      err.message,
      new RegExp(
        `^mkdir ${denied}: (permission denied|operation not permitted|read-only file system)\\n` +
          `the data directory ${denied} is not usable: kubeauth cannot write there \\(.+\\); choose a writable dataDir`,
      ),
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
