// Two kubeauth replicas on one etcd (a real etcd-server process): one cluster state, tokens and revocations
// valid on both, watches that move between replicas without missing an event, and one winner per CAS race.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { Etcd3 } from 'etcd3';
import { startKubeauth, eventually } from './harness.mjs';
import { call, adminCredentials } from './http.mjs';
import { startEtcd } from '../etcd/etcd.mjs';

let etcd, a, b, client;
const prefix = '/registry';
const flags = () => ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints}`];

before(async () => {
  etcd = await startEtcd();
  client = new Etcd3({ hosts: etcd.urls });
  a = await startKubeauth(flags());
  b = await startKubeauth(flags());
});
after(async () => {
  await a?.stop();
  await b?.stop();
  client?.close();
  await etcd?.stop();
});

const json = (o) => JSON.stringify(o);
const cm = (name, data = {}) => json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const post = (s, path, body) =>
  call(s, path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

test('an object written on A is read on B by a consistent read, at the same resourceVersion', async () => {
  const w = await post(a, '/api/v1/namespaces/default/configmaps', cm('read-on-b', { k: 'v' }));
  assert.equal(w.status, 201);
  const r = await call(b, '/api/v1/namespaces/default/configmaps/read-on-b');
  assert.equal(r.status, 200);
  assert.equal(r.json.metadata.resourceVersion, w.json.metadata.resourceVersion);
  assert.deepEqual(r.json.data, { k: 'v' });
  // kube's key layout and JSON values: the stored object carries no resourceVersion; the revision is etcd's.
  const kv = await client.get(`${prefix}/configmaps/default/read-on-b`).exec();
  assert.equal(kv.kvs.length, 1);
  assert.equal(String(kv.kvs[0].mod_revision), w.json.metadata.resourceVersion);
  const stored = JSON.parse(kv.kvs[0].value.toString());
  assert.equal(stored.metadata.name, 'read-on-b');
  assert.equal(stored.metadata.resourceVersion, undefined);
});

test('a token minted on A passes TokenReview on B; deleting its ServiceAccount on A makes B reject it', async () => {
  assert.equal(
    (await post(a, '/api/v1/namespaces/default/serviceaccounts', json({ metadata: { name: 'shared-sa' } }))).status,
    201,
  );
  const tr = await post(
    a,
    '/api/v1/namespaces/default/serviceaccounts/shared-sa/token',
    json({ spec: { audiences: ['svc'] } }),
  );
  assert.equal(tr.status, 201);
  const token = tr.json.status.token;
  const review = () =>
    post(
      b,
      '/apis/authentication.k8s.io/v1/tokenreviews',
      json({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['svc'] } }),
    );
  const ok = await review();
  assert.equal(ok.status, 201);
  assert.equal(ok.json.status.authenticated, true);
  assert.equal(ok.json.status.user.username, 'system:serviceaccount:default:shared-sa');
  // The JWKS is the union of both replicas' keys: the same document on A and B.
  const [ja, jb] = await Promise.all([call(a, '/openid/v1/jwks'), call(b, '/openid/v1/jwks')]);
  assert.deepEqual(ja.json.keys.map((k) => k.kid).sort(), jb.json.keys.map((k) => k.kid).sort());
  assert.equal(ja.json.keys.length, 2);

  assert.equal(
    (await call(a, '/api/v1/namespaces/default/serviceaccounts/shared-sa', { method: 'DELETE' })).status,
    200,
  );
  // A consistent read on B returns once B's cache holds the delete; from then on B rejects the token.
  assert.equal((await call(b, '/api/v1/namespaces/default/serviceaccounts/shared-sa')).status, 404);
  const rejected = await review();
  assert.equal(rejected.status, 201);
  assert.equal(rejected.json.status.authenticated, undefined);
  assert.match(rejected.json.status.error, /^\[invalid bearer token, .*serviceaccounts "shared-sa" not found/);
});

/** Opens a watch and collects events until `count` arrived. */
function watch(server, path, count) {
  const creds = adminCredentials(server.kubeconfig);
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const events = [];
    const req = request({ host: u.hostname, port: u.port, path, ...creds }, (res) => {
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line) continue;
          events.push(JSON.parse(line));
          if (events.length === count) {
            req.destroy();
            resolve(events);
          }
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (e) => (events.length < count ? reject(e) : undefined));
    req.end();
  });
}

test("a watch on B sees A's writes in order", async () => {
  const list = await call(b, '/api/v1/namespaces/kube-public/configmaps');
  const from = list.json.metadata.resourceVersion;
  const got = watch(b, `/api/v1/namespaces/kube-public/configmaps?watch=1&resourceVersion=${from}`, 5);
  const written = [];
  for (let i = 0; i < 5; i++) {
    const r = await post(a, '/api/v1/namespaces/kube-public/configmaps', cm(`ordered-${i}`));
    assert.equal(r.status, 201);
    written.push(r.json.metadata.resourceVersion);
  }
  const evs = await got;
  assert.deepEqual(
    evs.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion]),
    written.map((rv, i) => ['ADDED', `ordered-${i}`, rv]),
  );
});

test('a watch client moving from A to B with its last resourceVersion misses no event', async () => {
  const from = (await call(a, '/api/v1/namespaces/kube-node-lease/configmaps')).json.metadata.resourceVersion;
  const first = watch(a, `/api/v1/namespaces/kube-node-lease/configmaps?watch=1&resourceVersion=${from}`, 2);
  const rvs = [];
  for (let i = 0; i < 6; i++) {
    const r = await post(i % 2 ? b : a, '/api/v1/namespaces/kube-node-lease/configmaps', cm(`moved-${i}`));
    assert.equal(r.status, 201);
    rvs.push(r.json.metadata.resourceVersion);
  }
  const seen = await first; // the client drops its connection to A after two events
  const last = seen[1].object.metadata.resourceVersion;
  const rest = await watch(b, `/api/v1/namespaces/kube-node-lease/configmaps?watch=1&resourceVersion=${last}`, 4);
  assert.deepEqual(
    [...seen, ...rest].map((e) => e.object.metadata.name),
    [0, 1, 2, 3, 4, 5].map((i) => `moved-${i}`),
  );
  assert.deepEqual(
    [...seen, ...rest].map((e) => e.object.metadata.resourceVersion),
    rvs,
  );
});

test('the same object updated on A and B with the same resourceVersion: exactly one wins, the other is 409', async () => {
  const c = await post(a, '/api/v1/namespaces/default/configmaps', cm('raced', { n: '0' }));
  assert.equal(c.status, 201);
  const put = (s, n) =>
    call(s, '/api/v1/namespaces/default/configmaps/raced', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: json({ ...c.json, data: { n } }),
    });
  const rs = await Promise.all([put(a, 'a'), put(b, 'b')]);
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409]);
  const lost = rs.find((r) => r.status === 409);
  assert.equal(lost.json.reason, 'Conflict');
  assert.equal(
    lost.json.message,
    'Operation cannot be fulfilled on configmaps "raced": the object has been modified; please apply your changes to the latest version and try again',
  );
  const won = rs.find((r) => r.status === 200);
  const [ra, rb] = await Promise.all([
    call(a, '/api/v1/namespaces/default/configmaps/raced'),
    call(b, '/api/v1/namespaces/default/configmaps/raced'),
  ]);
  assert.deepEqual(ra.json.data, won.json.data);
  assert.deepEqual(rb.json.data, won.json.data);
});

test('the controllers run on one replica, holding the kube-system/kube-controller-manager Lease', async () => {
  const kv = await client.get(`${prefix}/leases/kube-system/kube-controller-manager`).exec();
  assert.equal(kv.kvs.length, 1);
  const lease = JSON.parse(kv.kvs[0].value.toString());
  assert.equal(lease.kind, 'Lease');
  assert.equal(lease.spec.leaseDurationSeconds, 15);
  assert.match(lease.spec.holderIdentity, /_[0-9a-f-]{36}$/);
  // The namespace controller (on the leader) still gives a namespace made on either replica its default SA.
  assert.equal((await post(b, '/api/v1/namespaces', json({ metadata: { name: 'made-on-b' } }))).status, 201);
  const { eventually } = await import('./harness.mjs');
  await eventually(
    async () => (await call(a, '/api/v1/namespaces/made-on-b/serviceaccounts/default')).status === 200,
    10_000,
  );
});

test('a replica with another --service-account-issuer refuses to start, naming both', async () => {
  await assert.rejects(startKubeauth([...flags(), '--service-account-issuer=https://other.example']), (e) => {
    assert.match(
      e.message,
      /--service-account-issuer "https:\/\/other\.example" differs from "https:\/\/kubernetes\.default\.svc\.cluster\.local" used by the other replicas on this etcd prefix/,
    );
    return true;
  });
});

test('a prefix holding data kubeauth did not write is refused', async () => {
  await client.put('/foreign/pods/default/p').value(Buffer.from('k8s\u0000\u000a\u0009binary'));
  await assert.rejects(startKubeauth([...flags(), '--etcd-prefix=/foreign']), (e) => {
    assert.match(
      e.message,
      /--etcd-prefix "\/foreign" holds data kubeauth did not write \(key "\/foreign\/pods\/default\/p": a Kubernetes protobuf value \(kubeauth stores JSON\)\); use a prefix of its own/,
    );
    return true;
  });
});

test('wrong etcd TLS files are a clear start-up error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-etcd-tls-'));
  writeFileSync(join(dir, 'ca.crt'), 'not a certificate');
  await assert.rejects(
    startKubeauth([...flags(), `--etcd-cafile=${join(dir, 'missing.crt')}`]),
    /--etcd-cafile: cannot read .*missing\.crt: ENOENT/,
  );
  await assert.rejects(
    startKubeauth([...flags(), `--etcd-cafile=${join(dir, 'ca.crt')}`]),
    /--etcd-cafile: .*ca\.crt is not a PEM file/,
  );
});

test('a replica that is gone leaves its published key: its tokens keep verifying on every replica, old or new, until an operator withdraws the key', async () => {
  const review = (s, token) =>
    post(
      s,
      '/apis/authentication.k8s.io/v1/tokenreviews',
      json({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['gone'] } }),
    );
  const kids = async (s) => (await call(s, '/openid/v1/jwks')).json.keys.map((k) => k.kid).sort();
  // C has a data dir of its own, so a signing key of its own.
  const c = await startKubeauth(flags());
  let token;
  try {
    assert.equal(
      (await post(c, '/api/v1/namespaces/default/serviceaccounts', json({ metadata: { name: 'signed-by-c' } }))).status,
      201,
    );
    const tr = await post(
      c,
      '/api/v1/namespaces/default/serviceaccounts/signed-by-c/token',
      json({ spec: { audiences: ['gone'] } }),
    );
    assert.equal(tr.status, 201);
    token = tr.json.status.token;
  } finally {
    await c.stop();
  }
  const kid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
  // C is gone; A and B, and a replica started after C left, verify its token and publish its key.
  const d = await startKubeauth(flags());
  try {
    for (const s of [a, b, d]) {
      const r = await review(s, token);
      assert.equal(r.json.status.authenticated, true, JSON.stringify(r.json.status));
      assert.equal(r.json.status.user.username, 'system:serviceaccount:default:signed-by-c');
      assert.ok((await kids(s)).includes(kid));
    }
    assert.deepEqual(await kids(a), await kids(d));
  } finally {
    await d.stop();
  }
  // Withdrawn by an operator (etcdctl del): every replica drops it, and its tokens fail everywhere.
  const keyPath = `${prefix}/kubeauth.io/serviceaccountkeys/${kid}`;
  assert.equal((await client.delete().key(keyPath)).deleted, '1');
  for (const s of [a, b]) {
    const r = await eventually(async () => {
      const x = await review(s, token);
      return x.json.status.authenticated ? undefined : x;
    }, 1000);
    // kube's answer for a token whose kid no key has.
    assert.equal(r.json.status.error, '[invalid bearer token, invalid signature, no keys found]');
    assert.ok(!(await kids(s)).includes(kid));
  }
  // A running replica's own key cannot be withdrawn that way: it signs with it, so it publishes it again.
  const mintedOnA = await post(
    a,
    '/api/v1/namespaces/default/serviceaccounts/default/token',
    json({ spec: { audiences: ['gone'] } }),
  );
  assert.equal(mintedOnA.status, 201);
  const ownKid = JSON.parse(Buffer.from(mintedOnA.json.status.token.split('.')[0], 'base64url').toString()).kid;
  const own = await client.get('/registry/kubeauth.io/serviceaccountkeys/' + ownKid).exec();
  assert.equal(own.kvs.length, 1);
  const owner = JSON.parse(own.kvs[0].value.toString()).replica;
  assert.equal((await client.delete().key(`${prefix}/kubeauth.io/serviceaccountkeys/${ownKid}`)).deleted, '1');
  const back = await eventually(async () => {
    const kv = await client.get(`${prefix}/kubeauth.io/serviceaccountkeys/${ownKid}`).exec();
    return kv.kvs[0];
  }, 1000);
  assert.equal(JSON.parse(back.value.toString()).replica, owner);
  await eventually(async () => (await review(b, mintedOnA.json.status.token)).json.status.authenticated, 1000);
  assert.deepEqual(await kids(a), await kids(b));
});
