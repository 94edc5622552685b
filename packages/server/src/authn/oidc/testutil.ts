// Test fixture: a real OpenID provider (the `oidc-provider` package) over HTTPS on 127.0.0.1 with a test CA.
// ID tokens come from its own IdToken model through a custom token-endpoint grant (a resource-owner style
// `urn:kubeauth:test:login` that names the account), so they are genuine: signed with the provider's JWKS,
// claims masked by scope like any ID token it issues. Keys can be rotated and the server taken down.
import { createServer, request, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import Provider from 'oidc-provider';
import { loadPeculiar } from '../../pki/peculiar.js';

type JsonWebKey = webcrypto.JsonWebKey & { kid?: string };
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const testAccounts: Record<string, Record<string, unknown>> = {
  alice: {
    sub: 'alice',
    email: 'foo@example.org',
    email_verified: true,
    groups: ['dev', 'ops'],
    hd: 'example.org',
  },
  bob: { sub: 'bob', email: 'bob@example.org', email_verified: false, groups: 'solo', hd: 'example.org' },
  carol: { sub: 'carol', email: 'carol@example.org' },
};

const grantType = 'urn:kubeauth:test:login';
const scope = 'openid email groups';

export interface TestProvider {
  issuer: string;
  port: number;
  caPem: string;
  /** Paths of every request served, in order (to prove what the authenticator fetches). */
  requests: string[];
  /** Kid of the key new tokens are signed with. */
  kid: string;
  /** Public JWK of the current signing key. */
  publicJwk: JsonWebKey;
  mintIdToken(account: string, clientId?: string): Promise<string>;
  /** New signing key first in the JWKS, the old one kept for verification. Returns the new kid. */
  rotateKeys(): string;
  /** Stops listening (the issuer is "down"); start() listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

let tls: Promise<{ caPem: string; certPem: string; keyPem: string }> | undefined;

/** A CA and a 127.0.0.1 serving certificate (ECDSA P-256), made once per process. */
export function testTls(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  return (tls ??= (async () => {
    const x509 = await loadPeculiar();
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const now = Date.now();
    const caKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=kubeauth oidc test CA',
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 86_400_000),
      keys: caKeys,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    const leafKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: '02',
      subject: 'CN=127.0.0.1',
      issuer: ca.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 86_400_000),
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
    return { caPem: ca.toString('pem'), certPem: leaf.toString('pem'), keyPem };
  })());
}

function rsaJwk(kid: string): JsonWebKey {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

const publicOf = (jwk: JsonWebKey): JsonWebKey => ({ kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: jwk.alg });

/** A throwaway in-memory adapter (the built-in one works too but warns on every start). */
function memoryAdapter(name: string) {
  const store = new Map<string, Record<string, unknown>>();
  return {
    upsert: async (id: string, payload: Record<string, unknown>) => void store.set(id, payload),
    find: async (id: string) => store.get(id) as never,
    findByUserCode: async () => undefined,
    findByUid: async (uid: string) => [...store.values()].find((p) => p.uid === uid) as never,
    consume: async (id: string) => void (store.get(id) && (store.get(id)!.consumed = Date.now())),
    destroy: async (id: string) => void store.delete(id),
    revokeByGrantId: async (grantId: string) => {
      for (const [k, p] of store) if (p.grantId === grantId) store.delete(k);
    },
    name,
  };
}

function newProvider(issuer: string, keys: JsonWebKey[]): Provider {
  const p = new Provider(issuer, {
    clients: [
      {
        client_id: 'kube',
        client_secret: 'kube-secret',
        grant_types: [grantType],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'other',
        client_secret: 'other-secret',
        grant_types: [grantType],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: keys as never },
    scopes: ['openid', 'email', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups', 'hd'] },
    findAccount: (_ctx, id) =>
      testAccounts[id] ? { accountId: id, claims: () => testAccounts[id]! as never } : undefined,
    features: { devInteractions: { enabled: false } },
    adapter: memoryAdapter,
    ttl: { IdToken: 3600 },
  });
  p.registerGrantType<{ username?: string }>(
    grantType,
    async (ctx) => {
      const id = ctx.oidc.params.username ?? '';
      const claims = testAccounts[id];
      if (!claims) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_grant' };
        return;
      }
      const token = new ctx.oidc.provider.IdToken({ ...claims }, { ctx });
      (token as unknown as { scope: string }).scope = scope;
      ctx.body = { id_token: await token.issue({ use: 'idtoken' }), token_type: 'Bearer' };
    },
    ['username'],
  );
  return p;
}

export async function startTestProvider(o: { port?: number } = {}): Promise<TestProvider> {
  const { caPem, certPem, keyPem } = await testTls();
  let keys = [rsaJwk('k1')];
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const requests: string[] = [];
  const server: Server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    requests.push(req.url ?? '');
    handler!(req, res);
  });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `https://127.0.0.1:${port}`;
  const install = () => {
    handler = newProvider(issuer, keys).callback() as never;
  };
  install();
  let nextKid = 2;
  const listening = () => server.listening;

  const tp: TestProvider = {
    requests,
    issuer,
    port,
    caPem,
    get kid() {
      return keys[0]!.kid as string;
    },
    get publicJwk() {
      return publicOf(keys[0]!);
    },
    async mintIdToken(account, clientId = 'kube') {
      const secret = `${clientId}-secret`;
      const body = new URLSearchParams({ grant_type: grantType, username: account, scope }).toString();
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          `${issuer}/token`,
          {
            method: 'POST',
            ca: caPem,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64'),
            },
          },
          (r) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => (text += c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      const j = JSON.parse(res.text) as { id_token?: string };
      if (res.status !== 200 || !j.id_token) throw new Error(`token endpoint: ${res.status} ${res.text}`);
      return j.id_token;
    },
    rotateKeys() {
      keys = [rsaJwk(`k${nextKid++}`), ...keys];
      install();
      return keys[0]!.kid as string;
    },
    async stop() {
      if (!listening()) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async start() {
      if (listening()) return;
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close() {
      return tp.stop();
    },
  };
  return tp;
}
