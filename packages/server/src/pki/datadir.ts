// The PKI under <dataDir>/pki: made on first start, reused on every later one. A restart only reads and
// checks files (no key generation); a serving certificate that lacks a requested SAN, or any leaf that
// no longer verifies against the CA, is reissued with the same CA.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { createCa, loadCa, type CertKeyPair } from './ca.js';
import { issueClientCert, issueServingCert } from './certs.js';
import { inspectCertificate } from './inspect.js';
import { ipToBytes } from './ip.js';
import { generateRsaKey, privateKeyPem, publicKeyPem } from './keys.js';

/** kube-apiserver's usual serving names: loopback plus the in-cluster `kubernetes` Service names. */
export const defaultServingSans: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

/** kubeadm's admin.conf identity: a member of system:masters, which RBAC always allows. */
export const adminIdentity = { commonName: 'kubernetes-admin', organizations: ['system:masters'] } as const;

export interface PkiPaths {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

export interface EnsurePkiOptions {
  /** SANs the serving certificate must carry besides `defaultServingSans` (the --tls-sans flag). */
  extraSans?: string[];
}

export interface Pki {
  caCertPem: string;
  caKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** RSA 2048 PKCS#8 PEM service-account signing key; its SPKI public key is `paths.saPub`. */
  saKeyPath: string;
  /** Set on a first start: settles when the newly generated sa.key and sa.pub are on disk. */
  saKeyWritten?: Promise<void>;
  paths: PkiPaths;
  /** File names written by this call (empty on a plain restart), for the startup log. */
  written: string[];
}

export function pkiPaths(dataDir: string): PkiPaths {
  const dir = join(dataDir, 'pki');
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
  };
}

/** Leaves are renewed when less than this is left, so a long-lived data dir never serves an expired cert. */
const renewBeforeMs = 24 * 60 * 60 * 1000;

export async function ensurePki(dataDir: string, o: EnsurePkiOptions = {}): Promise<Pki> {
  const paths = pkiPaths(dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await chmod(paths.dir, 0o700);
  const [caCert, caKey, servingCert, servingKey, adminCert, adminKey, saKey, saPub] = await Promise.all(
    [
      paths.caCert,
      paths.caKey,
      paths.servingCert,
      paths.servingKey,
      paths.adminCert,
      paths.adminKey,
      paths.saKey,
      paths.saPub,
    ].map(readIfExists),
  );
  // RSA generation is the slow part of a first start: it runs on the thread pool and nobody waits for it
  // (one search, not a race: the event loop needs the other core to bring the server up meanwhile).
  const saKeyPromise = saKey === undefined ? generateRsaKey(2048, 1) : undefined;
  saKeyPromise?.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile

  const written: string[] = [];
  const write = async (path: string, data: string) => {
    await writeFileAtomic(path, data, path.endsWith('.key') ? 0o600 : 0o644);
    written.push(path.slice(paths.dir.length + 1));
  };

  // CA: reuse, or create when absent. Leaves issued by an older CA no longer verify and are reissued.
  let ca: CertKeyPair;
  if (caCert !== undefined && caKey !== undefined) {
    ca = { certPem: caCert, keyPem: caKey };
  } else if (caCert !== undefined) {
    throw new Error(
      `${paths.caCert} exists but ${paths.caKey} does not; restore the key or remove both to create a new CA`,
    );
  } else {
    // ca.key without ca.crt is an interrupted first start (the key is written first): nothing can trust it yet.
    ca = await createCa();
    await write(paths.caKey, ca.keyPem);
    await write(paths.caCert, ca.certPem);
  }
  const caX509 = explain(paths.dir, () => loadCa(ca).cert);

  const sans = normalizeSans([...defaultServingSans, ...(o.extraSans ?? [])]);
  const [serving, admin] = await Promise.all([
    reuseOrIssue(caX509, servingCert, servingKey, sans, () => issueServingCert(ca, { sans, days: 365 })),
    reuseOrIssue(caX509, adminCert, adminKey, undefined, () =>
      issueClientCert(ca, { ...adminIdentity, organizations: [...adminIdentity.organizations], days: 365 }),
    ),
  ]);
  // Key first, then certificate: an interrupted write leaves a mismatched pair, which the next start reissues.
  if (serving.issued) {
    await write(paths.servingKey, serving.pair.keyPem);
    await write(paths.servingCert, serving.pair.certPem);
  }
  if (admin.issued) {
    await write(paths.adminKey, admin.pair.keyPem);
    await write(paths.adminCert, admin.pair.certPem);
  }

  // Service-account key: keep it (tokens already issued depend on it); keep sa.pub in step with it. A new
  // one is not waited for: the server comes up meanwhile, and only the first TokenRequest waits.
  const writePub = async (keyPem: string) => {
    const pub = explain(paths.saKey, () => publicKeyPem(createPrivateKey(keyPem)));
    if (saPub?.trim() !== pub.trim()) await write(paths.saPub, pub);
  };
  let saKeyWritten: Promise<void> | undefined;
  if (saKey === undefined) {
    saKeyWritten = saKeyPromise!.then(async (k) => {
      const pem = privateKeyPem(k);
      await write(paths.saKey, pem);
      await writePub(pem);
    });
    saKeyWritten.catch(() => undefined); // awaited by the key's users
  } else await writePub(saKey);

  return {
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    servingCertPem: serving.pair.certPem,
    servingKeyPem: serving.pair.keyPem,
    adminCertPem: admin.pair.certPem,
    adminKeyPem: admin.pair.keyPem,
    saKeyPath: paths.saKey,
    saKeyWritten,
    paths,
    written,
  };
}

/** Runs `fn`, prefixing any error with the file or folder it is about. */
function explain<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function reuseOrIssue(
  ca: X509Certificate,
  certPem: string | undefined,
  keyPem: string | undefined,
  sans: string[] | undefined,
  issue: () => Promise<CertKeyPair>,
): Promise<{ pair: CertKeyPair; issued: boolean }> {
  if (certPem !== undefined && keyPem !== undefined && leafStillGood(ca, certPem, keyPem, sans)) {
    return { pair: { certPem, keyPem }, issued: false };
  }
  return { pair: await issue(), issued: true };
}

/** Issued by this CA, matching its key, not about to expire, and carrying every wanted SAN. */
export function leafStillGood(ca: X509Certificate, certPem: string, keyPem: string, sans?: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return (
      cert.checkPrivateKey(createPrivateKey(keyPem)) &&
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      Date.parse(cert.validTo) - Date.now() >= renewBeforeMs &&
      (sans === undefined || missingSans(cert, sans).length === 0)
    );
  } catch {
    return false; // unparsable or a key of another type: replace it
  }
}

/** The wanted SANs the certificate lacks (DNS names compared case-insensitively, IPs as bytes). */
export function missingSans(cert: X509Certificate, sans: string[]): string[] {
  const fields = inspectCertificate(cert.raw);
  const have = new Set([
    ...fields.dnsNames.map((d) => `dns:${d.toLowerCase()}`),
    ...fields.ipAddresses.map((ip) => `ip:${ip.toString('hex')}`),
  ]);
  return sans.filter((s) => !have.has(sanKey(s)));
}

function sanKey(san: string): string {
  const ip = ipToBytes(san);
  return ip ? `ip:${ip.toString('hex')}` : `dns:${san.toLowerCase()}`;
}

/** Trimmed, non-empty, first occurrence of each distinct SAN, order kept. */
export function normalizeSans(sans: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of sans) {
    const san = raw.trim();
    if (!san || seen.has(sanKey(san))) continue;
    seen.add(sanKey(san));
    out.push(san);
  }
  return out;
}
