// (f) TokenRequest processing in-process, as the server runs it: issueTokenAsync (decode and check the request,
// look up the ServiceAccount, build the claims, sign on libuv's thread pool), `inflight` requests kept in flight
// from the event loop for `seconds`. No HTTP: this is the TokenRequest rate the signing design allows, for
// comparison with `openssl speed` (over HTTPS the load generator and TLS share the same two cores).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';

const dist = (p) => pathToFileURL(path.join(ROOT, 'packages/server/dist', p)).href;

/** @returns {Promise<{ perSecond: number, alg: string, n: number, seconds: number }>} */
export async function tokenRequestBench({ keyFile, seconds = 2, inflight = 64 }) {
  const { loadSigningKey } = await import(dist('serviceaccount/keys.js'));
  const { issueTokenAsync } = await import(dist('serviceaccount/tokenrequest.js'));
  const { FakeLookup, serviceAccount, issuer } = await import(dist('serviceaccount/testutil.js'));
  const signer = loadSigningKey(readFileSync(keyFile, 'utf8'));
  const lookup = new FakeLookup();
  lookup.put('serviceaccounts', serviceAccount('default', 'bench', '0b8e2a36-5c1e-4b8f-9a57-1f0e3c7d8a11'));
  const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } };
  const one = () =>
    issueTokenAsync({
      namespace: 'default',
      name: 'bench',
      body,
      lookup,
      signer,
      issuer,
      apiAudiences: [issuer],
      extendExpiration: true,
    });
  for (let i = 0; i < 50; i++) await one();
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const lane = async () => {
    while (performance.now() < end) {
      await one();
      n++;
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  const secs = (performance.now() - t0) / 1000;
  return { perSecond: n / secs, alg: signer.alg, n, seconds: secs };
}
