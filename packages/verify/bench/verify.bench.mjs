// Benchmark of the verification hot paths, reported as ratios to a floor measured in the same run:
//   JwksVerifier.verify (RS256, ES256) vs raw crypto.verify of the same signature;
//   TokenReviewer cache hits vs one SHA-256 of the token.
// Build first (`npx tsc -b packages/verify`), then: node packages/verify/bench/verify.bench.mjs
import { createServer } from 'node:http';
import { generateKeyPairSync, verify as cryptoVerify, createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { JwksVerifier, KubeConnection, TokenReviewer } from '../dist/index.js';

const ROUNDS = 7;
const ISSUER = 'https://kubernetes.default.svc.cluster.local';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** ops/s of fn over `n` calls (fn may be async). */
async function rate(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const ns = Number(process.hrtime.bigint() - t0);
  return (n * 1e9) / ns;
}

async function compare(name, floorName, floor, subject, n) {
  for (let i = 0; i < 200; i++) {
    await floor();
    await subject();
  }
  // Short alternating chunks, then medians: the machine's load drifts, the ratio of neighbours much less.
  const floors = [];
  const subjects = [];
  const ratios = [];
  const chunk = Math.max(50, Math.floor(n / 10));
  for (let r = 0; r < ROUNDS * 10; r++) {
    const f = await rate(floor, chunk);
    const s = await rate(subject, chunk);
    floors.push(f);
    subjects.push(s);
    ratios.push(s / f);
  }
  const ratio = median(ratios);
  console.log(
    `${name.padEnd(34)} ${Math.round(median(subjects)).toString().padStart(9)} ops/s   ${floorName.padEnd(16)} ${Math.round(
      median(floors),
    )
      .toString()
      .padStart(9)} ops/s   ratio ${ratio.toFixed(3)}`,
  );
  return ratio;
}

async function jwksCase(alg) {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
  const jwk = { use: 'sig', kid, alg, ...publicKey.export({ format: 'jwk' }) };
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    aud: ['my-audience'],
    exp: now + 3600,
    iat: now,
    iss: ISSUER,
    jti: '6f0c5a0e-1111-4222-8333-944445555666',
    'kubernetes.io': {
      namespace: 'default',
      node: { name: 'kind-worker', uid: 'n-uid' },
      pod: { name: 'web-0', uid: 'p-uid' },
      serviceaccount: { name: 'default', uid: 'sa-uid' },
      warnafter: now + 3607,
    },
    nbf: now,
    sub: 'system:serviceaccount:default:default',
  })
    .setProtectedHeader({ alg, kid })
    .sign(privateKey);
  // Signature path: the verified-token cache is off, so every call checks the signature and claims.
  const verifier = new JwksVerifier({
    jwks: { keys: [jwk] },
    issuer: ISSUER,
    audiences: ['my-audience'],
    verifiedCacheSize: 0,
  });
  const remembering = new JwksVerifier({ jwks: { keys: [jwk] }, issuer: ISSUER, audiences: ['my-audience'] });
  const dot = token.lastIndexOf('.');
  const data = Buffer.from(token.slice(0, dot));
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  const key = alg === 'RS256' ? publicKey : { key: publicKey, dsaEncoding: 'ieee-p1363' };
  if (!cryptoVerify('sha256', data, key, sig)) throw new Error('bad fixture');
  const n = alg === 'RS256' ? 5_000 : 2_000;
  const floor = () => cryptoVerify('sha256', data, key, sig);
  const ratio = await compare(`JwksVerifier.verify ${alg}`, 'crypto.verify', floor, () => verifier.verify(token), n);
  if (alg === 'RS256') {
    // What any verifier must at least do per token: the signature check plus decoding and parsing the payload.
    const payloadPart = token.slice(token.indexOf('.') + 1, dot);
    const floorWithJson = () => {
      cryptoVerify('sha256', data, key, sig);
      return JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    };
    await compare(`  (floor + JSON.parse of payload)`, 'crypto.verify', floor, floorWithJson, n);
    await compare(`JwksVerifier.verify ${alg}`, 'verify+JSON.parse', floorWithJson, () => verifier.verify(token), n);
  }
  await compare(`  same token again (cache on)`, 'crypto.verify', floor, () => remembering.verify(token), n);
  return ratio;
}

async function reviewCacheCase() {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { spec } = JSON.parse(body);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'TokenReview',
          apiVersion: 'authentication.k8s.io/v1',
          spec,
          status: {
            authenticated: true,
            user: { username: 'system:serviceaccount:default:default', uid: 'u', groups: ['system:authenticated'] },
            audiences: spec.audiences,
          },
        }),
      );
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const connection = new KubeConnection({ server: `http://127.0.0.1:${server.address().port}`, token: 'bench' });
  const reviewer = new TokenReviewer({ connection, audiences: ['my-audience'] });
  const token = 'opaque-token-' + 'x'.repeat(900); // the size of a real bound token
  await reviewer.review(token);
  // Floor: one SHA-256 of the token, what every hit cost before the token-keyed front of the cache.
  const ratio = await compare(
    'TokenReviewer.review (cache hit)',
    'sha256(token)',
    () => createHash('sha256').update(token).digest(),
    () => reviewer.review(token),
    50_000,
  );
  connection.close();
  server.close();
  return ratio;
}

console.log(`node ${process.version}; medians of ${ROUNDS * 10} alternating chunks`);
const rs = await jwksCase('RS256');
await jwksCase('ES256');
await reviewCacheCase();
console.log(`RS256 target >= 0.80 of raw crypto.verify: ${rs >= 0.8 ? 'met' : 'NOT met'}`);
