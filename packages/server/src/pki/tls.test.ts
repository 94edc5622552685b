import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { createCa, type CertKeyPair } from './ca.js';
import { issueClientCert, issueServingCert } from './certs.js';
import { certSha256Hex, peerIdentity } from './tls.js';

const ca = await createCa();
const serving = await issueServingCert(ca, { sans: ['localhost', '127.0.0.1', '::1'] });

interface Seen {
  authorized: boolean;
  identity: ReturnType<typeof peerIdentity>;
  fingerprint: string;
  nodeFingerprint: string;
}

/** One HTTPS request with `client` to a server that asks for (but does not require) a client cert. */
async function roundTrip(client: CertKeyPair | undefined): Promise<Seen | 'anonymous'> {
  let seen: Seen | 'anonymous' = 'anonymous';
  const server = createServer(
    { cert: serving.certPem, key: serving.keyPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      if (peer.raw) {
        seen = {
          authorized: socket.authorized,
          identity: peerIdentity(peer),
          fingerprint: certSha256Hex(peer.raw),
          nodeFingerprint: peer.fingerprint256,
        };
      }
      res.end('ok');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          ca: ca.certPem,
          cert: client?.certPem,
          key: client?.keyPem,
          agent: false,
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (data += c));
          res.on('end', () => resolve(data));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(body, 'ok');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return seen;
}

test('TLS round trip: the admin client certificate is authorized and maps to kubernetes-admin/system:masters', async () => {
  const admin = await issueClientCert(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  const seen = await roundTrip(admin);
  assert.notEqual(seen, 'anonymous');
  if (seen === 'anonymous') return;
  assert.equal(seen.authorized, true);
  assert.deepEqual(seen.identity, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  assert.equal(seen.fingerprint, new X509Certificate(admin.certPem).fingerprint256.replaceAll(':', '').toLowerCase());
  assert.equal(seen.fingerprint, seen.nodeFingerprint.replaceAll(':', '').toLowerCase());
  assert.match(seen.fingerprint, /^[0-9a-f]{64}$/);
});

test('TLS round trip: two O values come back in order', async () => {
  const pair = await issueClientCert(ca, { commonName: 'jane', organizations: ['team-b', 'team-a'] });
  const seen = await roundTrip(pair);
  assert.ok(seen !== 'anonymous' && seen.authorized);
  assert.deepEqual((seen as Seen).identity, { commonName: 'jane', organizations: ['team-b', 'team-a'] });
});

test('TLS round trip: a certificate from another CA is seen but not authorized', async () => {
  const stranger = await issueClientCert(await createCa(), {
    commonName: 'mallory',
    organizations: ['system:masters'],
  });
  const seen = await roundTrip(stranger);
  assert.ok(seen !== 'anonymous');
  assert.equal((seen as Seen).authorized, false);
});

test('TLS round trip: no client certificate', async () => {
  assert.equal(await roundTrip(undefined), 'anonymous');
});

test('peerIdentity reads node X509Certificate objects and subject-only objects', async () => {
  const pair = await issueClientCert(ca, { commonName: 'bob', organizations: ['g1', 'g2'] });
  assert.deepEqual(peerIdentity(new X509Certificate(pair.certPem)), { commonName: 'bob', organizations: ['g1', 'g2'] });
  const one = { subject: { CN: 'alice', O: 'only' } } as unknown as PeerCertificate;
  assert.deepEqual(peerIdentity(one), { commonName: 'alice', organizations: ['only'] });
  const many = { subject: { CN: ['first', 'last'], O: ['a', 'b'] } } as unknown as PeerCertificate;
  assert.deepEqual(peerIdentity(many), { commonName: 'last', organizations: ['a', 'b'] });
  assert.deepEqual(peerIdentity({} as PeerCertificate), { commonName: '', organizations: [] });
});

test('certSha256Hex is the lower-case hex SHA-256 of the DER', () => {
  assert.equal(certSha256Hex(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
