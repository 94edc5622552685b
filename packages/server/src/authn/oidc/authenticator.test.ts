// Against a real OpenID provider (oidc-provider over HTTPS with a test CA): genuine ID tokens, discovery,
// JWKS, key rotation, an issuer that is down at start, and --authentication-config reloads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  OidcAuthenticators,
  JwtAuthenticator,
  watchAuthenticationConfig,
  type OidcAuthenticatorsOptions,
} from './authenticator.js';
import { loadAuthenticationConfigFile } from './config.js';
import { oidcConfigFromFlags } from './options.js';
import { startTestProvider, type TestProvider } from './testutil.js';
import type { Logger } from './types.js';

const fast: OidcAuthenticatorsOptions = { initialRetryMs: 50, maxRetryMs: 200, minRefreshIntervalMs: 50 };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const payloadOf = (t: string) =>
  JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
/** Go's time.Time.String() for a Unix time, computed independently of gofmt.ts. */
const goTime = (sec: number) =>
  new Date(sec * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$/, ' +0000 UTC');

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m, f) => lines.push(`info ${m} ${JSON.stringify(f ?? {})}`),
    error: (m, f) => lines.push(`error ${m} ${JSON.stringify(f ?? {})}`),
  };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('OIDC authenticator against a real provider', () => {
  let op: TestProvider;
  let dir: string;
  let caFile: string;
  const started: OidcAuthenticators[] = [];

  async function fromFlags(flags: Record<string, unknown>, o: OidcAuthenticatorsOptions = {}) {
    const configs = oidcConfigFromFlags(new Map(Object.entries({ 'oidc-ca-file': caFile, ...flags })))!;
    const a = new OidcAuthenticators(configs, { ...fast, ...o });
    started.push(a);
    a.start();
    assert.equal(await a.waitReady(5000), true, a.healthCheck() ?? '');
    return a;
  }

  before(async () => {
    op = await startTestProvider();
    dir = mkdtempSync(join(tmpdir(), 'kubeauth-oidc-'));
    caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, op.caPem);
  });
  after(async () => {
    for (const a of started) a.stop();
    await op.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('email username without prefix (the seed)', async () => {
    const a = await fromFlags({
      'oidc-issuer-url': op.issuer,
      'oidc-client-id': 'kube',
      'oidc-username-claim': 'email',
    });
    const token = await op.mintIdToken('alice');
    assert.deepEqual(a.authenticateToken(token, ['https://kubernetes.default.svc']), {
      user: { username: 'foo@example.org', groups: [] },
      audiences: ['https://kubernetes.default.svc'],
    });
    // Served from the verified-token cache the second time, same answer.
    assert.deepEqual(a.authenticateToken(token, ['x']), {
      user: { username: 'foo@example.org', groups: [] },
      audiences: ['x'],
    });
  });

  test('sub username gets the <issuer># prefix; groups claim (array or string) gets the groups prefix', async () => {
    const a = await fromFlags({
      'oidc-issuer-url': op.issuer,
      'oidc-client-id': 'kube',
      'oidc-groups-claim': 'groups',
      'oidc-groups-prefix': 'oidc:',
    });
    const r = a.authenticateToken(await op.mintIdToken('alice'), []);
    assert.deepEqual(r, { user: { username: `${op.issuer}#alice`, groups: ['oidc:dev', 'oidc:ops'] }, audiences: [] });
    const b = await fromFlags({
      'oidc-issuer-url': op.issuer,
      'oidc-client-id': 'kube',
      'oidc-username-prefix': '-',
      'oidc-groups-claim': 'groups',
    });
    assert.deepEqual(b.authenticateToken(await op.mintIdToken('bob'), []), {
      user: { username: 'bob', groups: ['solo'] },
      audiences: [],
    });
  });

  test('rejections with kube-apiserver error strings', async () => {
    const a = await fromFlags({
      'oidc-issuer-url': op.issuer,
      'oidc-client-id': 'kube',
      'oidc-username-claim': 'email',
    });
    const alice = await op.mintIdToken('alice');
    assert.deepEqual(a.authenticateToken(await op.mintIdToken('alice', 'other'), []), {
      error: 'oidc: verify token: oidc: expected audience "kube" got ["other"]',
    });
    assert.deepEqual(a.authenticateToken(await op.mintIdToken('bob'), []), { error: 'oidc: email not verified' });

    // HS256 "signed" with the provider's public key (the classic key-confusion forgery).
    const pem = createPublicKey({ key: op.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const input = `${b64({ alg: 'HS256', kid: op.kid })}.${alice.split('.')[1]}`;
    const hs = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    assert.deepEqual(a.authenticateToken(hs, []), {
      error: 'oidc: verify token: oidc: id token signed with unsupported algorithm, expected ["RS256"] got "HS256"',
    });
    // RS256 with the provider's kid but another key.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const rsInput = `${b64({ alg: 'RS256', kid: op.kid })}.${alice.split('.')[1]}`;
    const forged = `${rsInput}.${sign('sha256', Buffer.from(rsInput), other).toString('base64url')}`;
    assert.deepEqual(a.authenticateToken(forged, []), {
      error: 'oidc: verify token: failed to verify signature: failed to verify id token signature',
    });
    // Tampered payload with the genuine signature.
    const p = payloadOf(alice);
    const tampered = `${alice.split('.')[0]}.${b64({ ...p, email: 'root@example.org' })}.${alice.split('.')[2]}`;
    assert.deepEqual(a.authenticateToken(tampered, []), {
      error: 'oidc: verify token: failed to verify signature: failed to verify id token signature',
    });
  });

  test('expired token (go-oidc: no leeway on exp)', async () => {
    const token = await op.mintIdToken('alice');
    const exp = payloadOf(token).exp as number;
    const a = await fromFlags(
      { 'oidc-issuer-url': op.issuer, 'oidc-client-id': 'kube' },
      { now: () => exp * 1000 + 1000 },
    );
    assert.deepEqual(a.authenticateToken(token, []), {
      error: `oidc: verify token: oidc: token is expired (Token Expiry: ${goTime(exp)})`,
    });
    const b = await fromFlags({ 'oidc-issuer-url': op.issuer, 'oidc-client-id': 'kube' }, { now: () => exp * 1000 });
    assert.ok('user' in b.authenticateToken(token, [])!);
  });

  test('required claims', async () => {
    const a = await fromFlags({
      'oidc-issuer-url': op.issuer,
      'oidc-client-id': 'kube',
      'oidc-required-claim': ['hd=example.org', 'tenant=acme'],
    });
    assert.deepEqual(a.authenticateToken(await op.mintIdToken('alice'), []), {
      error: 'oidc: required claim tenant not present in ID token',
    });
    const b = await fromFlags({
      'oidc-issuer-url': op.issuer,
      'oidc-client-id': 'kube',
      'oidc-required-claim': ['hd=other.org'],
    });
    assert.deepEqual(b.authenticateToken(await op.mintIdToken('alice'), []), {
      error: 'oidc: required claim hd value does not match. Got = example.org, want = other.org',
    });
  });

  test('tokens of other issuers, non-JWTs and foreign audiences are declined (null)', async () => {
    const a = await fromFlags(
      { 'oidc-issuer-url': op.issuer, 'oidc-client-id': 'kube' },
      { apiAudiences: ['https://kubernetes.default.svc'] },
    );
    const foreign = `${b64({ alg: 'RS256' })}.${b64({ iss: 'https://elsewhere.example', sub: 'x' })}.c2ln`;
    assert.equal(a.authenticateToken(foreign, ['https://kubernetes.default.svc']), null);
    assert.equal(a.authenticateToken('not-a-jwt', ['https://kubernetes.default.svc']), null);
    const token = await op.mintIdToken('alice');
    // Audience-agnostic like kube: only answers when the requested audiences meet the API audiences.
    assert.equal(a.authenticateToken(token, ['vault']), null);
    assert.deepEqual(a.authenticateToken(token, ['vault', 'https://kubernetes.default.svc']), {
      user: { username: `${op.issuer}#alice`, groups: [] },
      audiences: ['https://kubernetes.default.svc'],
    });
  });

  test('key rotation at the provider is picked up (unknown kid → rate-limited JWKS refresh)', async () => {
    const a = await fromFlags({
      'oidc-issuer-url': op.issuer,
      'oidc-client-id': 'kube',
      'oidc-username-claim': 'email',
    });
    const before = await op.mintIdToken('alice');
    const kid = op.rotateKeys();
    const rotated = await op.mintIdToken('alice');
    assert.equal(JSON.parse(Buffer.from(rotated.split('.')[0]!, 'base64url').toString()).kid, kid);
    assert.deepEqual(a.authenticateToken(rotated, []), {
      error: 'oidc: verify token: failed to verify signature: failed to verify id token signature',
    });
    await until(() => a.authenticateToken(rotated, []) !== null && 'user' in a.authenticateToken(rotated, [])!);
    assert.deepEqual(a.authenticateToken(before, []), {
      user: { username: 'foo@example.org', groups: [] },
      audiences: [],
    });
  });

  test('an issuer that is down at start: tokens fail until it is reachable, then work', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const issuer = `https://127.0.0.1:${port}`;
    const log = recorder();
    const [config] = oidcConfigFromFlags(
      new Map<string, unknown>([
        ['oidc-issuer-url', issuer],
        ['oidc-client-id', 'kube'],
        ['oidc-username-claim', 'email'],
        ['oidc-ca-file', caFile],
      ]),
    )!;
    const a = new OidcAuthenticators([config!], { ...fast, log });
    started.push(a);
    a.start();
    const early = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ iss: issuer, aud: 'kube' })}.c2ln`;
    assert.deepEqual(a.authenticateToken(early, []), { error: 'oidc: authenticator not initialized' });
    await until(() => log.lines.length > 0);
    assert.match(log.lines[0]!, /oidc authenticator: initializing plugin/);
    assert.equal(
      a.healthCheck(),
      `oidc: authenticator for issuer "${issuer}" is not healthy: Get "${issuer}/.well-known/openid-configuration": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    const late = await startTestProvider({ port });
    try {
      assert.equal(await a.waitReady(5000), true);
      assert.equal(a.healthCheck(), undefined);
      assert.deepEqual(a.authenticateToken(await late.mintIdToken('alice'), []), {
        user: { username: 'foo@example.org', groups: [] },
        audiences: [],
      });
    } finally {
      await late.close();
    }
  });

  test('--authentication-config: structured config with CEL, reloaded when the file changes', async () => {
    const file = join(dir, 'authn.yaml');
    const doc = (jwt: unknown) => ({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AuthenticationConfiguration',
      jwt: [jwt],
    });
    const issuer = {
      url: op.issuer,
      audiences: ['kube', 'kube-2'],
      audienceMatchPolicy: 'MatchAny',
      certificateAuthority: op.caPem,
    };
    writeFileSync(file, JSON.stringify(doc({ issuer, claimMappings: { username: { claim: 'email', prefix: '' } } })));
    const loaded = loadAuthenticationConfigFile(file);
    const a = new OidcAuthenticators(loaded.config.jwt, fast);
    started.push(a);
    a.start();
    assert.equal(await a.waitReady(5000), true);
    const alice = await op.mintIdToken('alice');
    assert.deepEqual(a.authenticateToken(alice, []), {
      user: { username: 'foo@example.org', groups: [] },
      audiences: [],
    });
    // Every algorithm is allowed from a file, HS* still is not.
    const input = `${b64({ alg: 'HS256', kid: op.kid })}.${alice.split('.')[1]}`;
    assert.deepEqual(
      a.authenticateToken(`${input}.${createHmac('sha256', 'k').update(input).digest('base64url')}`, []),
      {
        error:
          'oidc: verify token: oidc: id token signed with unsupported algorithm, expected ["ES256" "ES384" "ES512" "PS256" "PS384" "PS512" "RS256" "RS384" "RS512"] got "HS256"',
      },
    );

    const log = recorder();
    const w = watchAuthenticationConfig(file, (cfg) => a.reload(cfg.jwt), log, {
      intervalMs: 60_000,
      initialData: loaded.data,
    });
    try {
      writeFileSync(
        file,
        stringify(
          doc({
            issuer,
            claimMappings: {
              username: { expression: "'ext:' + claims.sub" },
              groups: { expression: "claims.groups.map(g, 'g:' + g)" },
              uid: { claim: 'sub' },
              extra: [{ key: 'example.org/hd', valueExpression: 'claims.hd' }],
            },
            claimValidationRules: [{ expression: "claims.hd == 'example.org'", message: 'wrong domain' }],
            userValidationRules: [
              { expression: "!user.username.startsWith('ext:bob')", message: 'bob is not welcome' },
            ],
          }),
        ),
      );
      await w.poll();
      assert.deepEqual(log.lines, [`info reloaded authentication config {"path":${JSON.stringify(file)}}`]);
      assert.deepEqual(a.authenticateToken(alice, []), {
        user: {
          username: 'ext:alice',
          uid: 'alice',
          groups: ['g:dev', 'g:ops'],
          extra: { 'example.org/hd': ['example.org'] },
        },
        audiences: [],
      });
      // bob's groups claim is a string: the evaluation error text is the CEL library's, the frame is kube's.
      const bob = a.authenticateToken(await op.mintIdToken('bob'), []) as { error: string };
      assert.ok(
        bob.error.startsWith(
          "oidc: error evaluating group claim expression: expression 'claims.groups.map(g, 'g:' + g)' resulted in error: ",
        ),
        bob.error,
      );
      assert.deepEqual(a.authenticateToken(await op.mintIdToken('carol'), []), {
        error:
          "oidc: error evaluating group claim expression: expression 'claims.groups.map(g, 'g:' + g)' resulted in error: no such key: groups",
      });

      // A bad file is logged and ignored; the running configuration stays.
      writeFileSync(
        file,
        JSON.stringify(
          doc({
            issuer: { ...issuer, url: 'http://127.0.0.1:1' },
            claimMappings: { username: { claim: 'sub', prefix: '' } },
          }),
        ),
      );
      await w.poll();
      assert.equal(log.lines.length, 2);
      assert.match(
        log.lines[1]!,
        /^error failed to validate authentication config .*jwt\[0\]\.issuer\.url: Invalid value: \\"http:\/\/127\.0\.0\.1:1\\": URL scheme must be https/,
      );
      assert.equal((a.authenticateToken(alice, []) as { user: { username: string } }).user.username, 'ext:alice');
    } finally {
      w.close();
    }
  });

  test('no network on the request path; unknown kids refresh the JWKS at most once per interval', async () => {
    const a = await fromFlags(
      { 'oidc-issuer-url': op.issuer, 'oidc-client-id': 'kube' },
      { minRefreshIntervalMs: 60_000, cacheSize: 0 },
    );
    const token = await op.mintIdToken('alice');
    const seen = op.requests.length;
    for (let i = 0; i < 50; i++) assert.ok('user' in a.authenticateToken(token, [])!);
    const p = payloadOf(token);
    for (let i = 0; i < 20; i++) {
      const input = `${b64({ alg: 'RS256', kid: `unknown-${i}` })}.${b64(p)}`;
      assert.deepEqual(a.authenticateToken(`${input}.c2ln`, []), {
        error: 'oidc: verify token: failed to verify signature: failed to verify id token signature',
      });
    }
    await new Promise((r) => setTimeout(r, 200));
    // The JWKS fetched at start counts as the last refresh: the unknown kids only scheduled one for later.
    assert.deepEqual(
      op.requests.slice(seen).filter((r) => !r.startsWith('/token')),
      [],
    );
  });

  test("discovery problems keep the issuer uninitialised with go-oidc's reason", async () => {
    const base = { ...fast };
    const mk = (issuer: Record<string, unknown>) => {
      const a = new JwtAuthenticator(
        {
          issuer: { url: op.issuer, audiences: ['kube'], certificateAuthority: op.caPem, ...issuer } as never,
          claimValidationRules: [],
          claimMappings: { username: { claim: 'sub', prefix: '' }, groups: {}, uid: {}, extra: [] },
          userValidationRules: [],
          signingAlgs: ['RS256'],
        },
        base,
      );
      a.start();
      return a;
    };
    const wrongIssuer = mk({
      url: `${op.issuer}/tenant`,
      discoveryURL: `${op.issuer}/.well-known/openid-configuration`,
    });
    const notFound = mk({ discoveryURL: `${op.issuer}/nope` });
    const viaDiscoveryURL = mk({ discoveryURL: `${op.issuer}/.well-known/openid-configuration` });
    const noCA = mk({ certificateAuthority: undefined });
    try {
      assert.equal(await viaDiscoveryURL.waitReady(5000), true);
      await until(
        () => !!wrongIssuer.healthCheck()?.includes('did not match') && !!notFound.healthCheck()?.includes('404'),
      );
      assert.equal(
        wrongIssuer.healthCheck(),
        `oidc: authenticator for issuer "${op.issuer}/tenant" is not healthy: oidc: issuer did not match the issuer returned by provider, expected "${op.issuer}/tenant" got "${op.issuer}"`,
      );
      assert.match(notFound.healthCheck()!, /is not healthy: 404 Not Found: /);
      await until(() => !!noCA.healthCheck()?.includes('x509'));
      assert.equal(
        noCA.healthCheck(),
        `oidc: authenticator for issuer "${op.issuer}" is not healthy: Get "${op.issuer}/.well-known/openid-configuration": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
      );
    } finally {
      for (const a of [wrongIssuer, notFound, viaDiscoveryURL, noCA]) a.stop();
    }
  });

  test('JwtAuthenticator alone declines other issuers and reports readiness', async () => {
    const [config] = oidcConfigFromFlags(
      new Map<string, unknown>([
        ['oidc-issuer-url', op.issuer],
        ['oidc-client-id', 'kube'],
        ['oidc-ca-file', caFile],
      ]),
    )!;
    const j = new JwtAuthenticator(config!, fast);
    assert.equal(
      j.healthCheck(),
      `oidc: authenticator for issuer "${op.issuer}" is not healthy: oidc: authenticator for issuer "${op.issuer}" is not initialized`,
    );
    j.start();
    try {
      assert.equal(await j.waitReady(5000), true);
      assert.equal(j.authenticateToken(`${b64({})}.${b64({ iss: 'x' })}.e30`, []), null);
      assert.equal(
        (j.authenticateToken(await op.mintIdToken('carol'), ['a']) as { user: { username: string } }).user.username,
        `${op.issuer}#carol`,
      );
    } finally {
      j.stop();
    }
  });
});
