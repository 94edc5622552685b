// A minimal OpenID issuer for the ports of oidc_test.go: discovery and JWKS over HTTPS on 127.0.0.1 (a test CA),
// and ID tokens signed here with whatever claims upstream's case sets (upstream's test server does the same: it
// returns predefined JWTs). One server can stand for several issuers: each issuer URL is the server's URL plus a
// path, or any URL (https://example.com) whose discovery document is served at a path given here.
import { createServer } from 'node:https';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { testTls } from '../../packages/server/dist/authn/oidc/testutil.js';

let kids = 0;

/** A signing key: RS256 (RSA 2048) or ES256 (P-256). */
export function newKey(alg = 'RS256') {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `k${++kids}`;
  return { alg, kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

/** A compact JWS of `claims` signed with `key`. */
export function signJwt(key, claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: key.alg, kid: key.kid, typ: 'JWT' })}.${b64(claims)}`;
  const sig =
    key.alg === 'ES256'
      ? cryptoSign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

/**
 * Starts the server. `jwks` is the published key list (mutable: `issuer.jwks = [...]`). `discovery` maps a path
 * prefix (a discovery URL without `/.well-known/openid-configuration`) to the issuer its document names; any other
 * path prefix names the server's URL plus that path.
 */
export async function startIssuer() {
  const { caPem, certPem, keyPem } = await testTls();
  const it = { jwks: [], discovery: new Map(), url: '', caPem };
  const server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const wk = '/.well-known/openid-configuration';
    let body;
    if (path === '/jwks') body = { keys: it.jwks.map((k) => k.jwk ?? k) };
    else if (path.endsWith(wk)) {
      const prefix = path.slice(0, -wk.length);
      const issuer = it.discovery.get(prefix) ?? `${it.url}${prefix}`;
      body = {
        issuer,
        jwks_uri: `${it.url}/jwks`,
        authorization_endpoint: `${it.url}/auth`,
        token_endpoint: `${it.url}/token`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      };
    }
    if (!body) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  it.url = `https://127.0.0.1:${server.address().port}`;
  it.close = () => new Promise((r) => server.close(() => r()));
  server.on('connection', (c) => c.unref());
  return it;
}
