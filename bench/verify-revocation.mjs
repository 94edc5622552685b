// Revocation latency through @kubeauth/verify's RevocationFeed against a started kubeauth: the time from the API
// server's answer to a ServiceAccount DELETE to the feed reporting its UID (when a TokenReviewer's cached review is
// evicted and a JwksVerifier starts rejecting). Run after `npm run build`: node bench/verify-revocation.mjs [n]
import { request } from 'node:https';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';
import { startKubeauth } from '../test/e2e/harness.mjs';

const n = Number(process.argv[2] ?? 50);
const v = await import(pathToFileURL(path.join(ROOT, 'packages/verify/dist/index.js')).href);
const s = await startKubeauth();
const kc = v.loadKubeconfig({ path: s.kubeconfig }).connection;
const connection = v.KubeConnection.fromKubeconfig({ path: s.kubeconfig });

/** One API call with the admin credentials (KubeConnection only sends GET and POST). */
function call(method, urlPath, body) {
  const u = new URL(kc.server + urlPath);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method,
        ca: kc.ca,
        cert: kc.cert,
        key: kc.key,
        headers: {
          'content-type': 'application/json',
          ...(kc.token ? { authorization: `Bearer ${kc.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const feed = new v.RevocationFeed({ connection, kinds: ['serviceaccounts'] });
try {
  await feed.ready();
  const latencies = [];
  for (let i = 0; i < n; i++) {
    const name = `revoke-${i}`;
    const created = await call('POST', '/api/v1/namespaces/default/serviceaccounts', {
      metadata: { name },
    });
    const uid = created.body.metadata.uid;
    let answered = 0;
    const seen = new Promise((resolve) => {
      const stop = feed.subscribe((gone) => {
        if (gone !== 'all' && gone.has(uid)) {
          stop();
          resolve(performance.now());
        }
      });
    });
    const del = call('DELETE', `/api/v1/namespaces/default/serviceaccounts/${name}`).then(() => {
      answered = performance.now();
    });
    const at = await seen;
    await del;
    // Negative when the event overtakes the DELETE's answer: count it as 0.
    latencies.push(Math.max(0, at - answered));
  }
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
  console.log(
    JSON.stringify({ n, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: latencies.at(-1), targetP99Ms: 1000 }, null, 1),
  );
} finally {
  feed.close();
  connection.close();
  await s.stop();
}
