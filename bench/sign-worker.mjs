// In-process signing loop (one worker thread per core): signJwt with the server's own module.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const { ROOT, keyFile, seconds } = workerData;
const { loadSigningKey } = await import(path.join(ROOT, 'packages/server/dist/serviceaccount/keys.js'));
const { signJwt } = await import(path.join(ROOT, 'packages/server/dist/serviceaccount/jwt.js'));
const key = loadSigningKey(readFileSync(keyFile, 'utf8'));
const now = Math.floor(Date.now() / 1000);
const payload = (i) => ({
  aud: ['https://kubernetes.default.svc.cluster.local'],
  exp: now + 3600,
  iat: now,
  iss: 'https://kubernetes.default.svc.cluster.local',
  jti: `jti-${i}`,
  'kubernetes.io': {
    namespace: 'default',
    serviceaccount: { name: 'bench', uid: '0b8e2a36-5c1e-4b8f-9a57-1f0e3c7d8a11' },
  },
  nbf: now,
  sub: 'system:serviceaccount:default:bench',
});
for (let i = 0; i < 50; i++) signJwt(key, payload(i));
let n = 0;
const t0 = performance.now();
const end = t0 + seconds * 1000;
while (performance.now() < end) {
  for (let j = 0; j < 20; j++) signJwt(key, payload(n++));
}
parentPort.postMessage({ n, secs: (performance.now() - t0) / 1000, alg: key.alg });
