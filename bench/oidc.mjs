// TokenReview of an external OIDC ID token over HTTPS vs a bare https floor replaying the same answer (bench/run.mjs).
//
// A real OpenID provider (oidc-provider on loopback with its own CA: packages/server/dist/authn/oidc/testutil.js,
// the fixture of test/e2e/oidc.test.mjs) runs in this process; kubeauth runs with kube-apiserver's --oidc-* flags
// pointing at it and a --token-auth-file admin that posts the reviews. The floor (bench/lib.mjs startFloor) is a bare
// node:https server with kubeauth's serving certificate answering every request with the exact status, headers and
// body kubeauth gave for that review. Load: bench/lib.mjs load (autocannon, separate process, HTTP/1.1 keep-alive),
// alternating rounds with best-run, median and CPU-per-request ratios (bench/lib.mjs compareToFloor).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, compareToFloor, request, startFloor, startServer, stopServer } from './lib.mjs';

const ADMIN = 'bench-oidc-admin-token-0123456789';
const REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';

/**
 * @param {{ durationSeconds?: number, connections?: number, warmupSeconds?: number, rounds?: number }} o
 *   durationSeconds: one load run (2 × rounds runs); warmupSeconds: load on each side before measuring (default 1).
 * @returns {Promise<{ serverRps: number, floorRps: number, ratio: number }>} plus compareToFloor's details.
 */
export async function oidcBench({ durationSeconds = 3, connections = 32, warmupSeconds = 1, rounds = 3 } = {}) {
  const { startTestProvider } = await import(
    pathToFileURL(path.join(ROOT, 'packages/server/dist/authn/oidc/testutil.js')).href
  );
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-bench-oidc-'));
  let provider;
  let server;
  let floor;
  try {
    provider = await startTestProvider();
    const caFile = path.join(tmp, 'oidc-ca.crt');
    writeFileSync(caFile, provider.caPem);
    const tokenFile = path.join(tmp, 'tokens.csv');
    writeFileSync(tokenFile, `${ADMIN},bench-admin,uid-admin,"system:masters"\n`);
    const dir = path.join(tmp, 'data');
    server = await startServer(dir, [
      `--token-auth-file=${tokenFile}`,
      `--oidc-issuer-url=${provider.issuer}`,
      '--oidc-client-id=kube',
      `--oidc-ca-file=${caFile}`,
    ]);
    const idToken = await provider.mintIdToken('alice', 'kube');
    const body = JSON.stringify({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: idToken },
    });
    // The issuer's discovery document and keys are fetched in the background after start: wait for them.
    let cap;
    let status;
    for (let i = 0; i < 100; i++) {
      cap = await request(server.port, 'POST', REVIEWS, { token: ADMIN, body });
      status = cap.status < 300 ? JSON.parse(cap.body.toString()).status : undefined;
      if (status?.authenticated) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!status?.authenticated) {
      throw new Error(`TokenReview of the ID token not authenticated: ${cap.status} ${cap.body.toString()}`);
    }
    floor = await startFloor({
      cert: readFileSync(path.join(dir, 'pki/apiserver.crt'), 'utf8'),
      key: readFileSync(path.join(dir, 'pki/apiserver.key'), 'utf8'),
      status: cap.status,
      headers: cap.headers,
      body: cap.body,
    });
    const cfg = {
      method: 'POST',
      path: REVIEWS,
      headers: { authorization: `Bearer ${ADMIN}`, accept: 'application/json', 'content-type': 'application/json' },
      body,
      connections,
      duration: durationSeconds,
    };
    const cmp = await compareToFloor({ server, floor, cfg, rounds, warmupSeconds });
    return {
      ...cmp,
      serverRps: cmp.server.rps,
      floorRps: cmp.floor.rps,
      user: status.user,
      responseBytes: cap.body.length,
      idTokenBytes: idToken.length,
      connections,
      durationSeconds,
    };
  } finally {
    await floor?.stop();
    await stopServer(server);
    await provider?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
