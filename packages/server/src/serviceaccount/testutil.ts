// Shared fixtures for this folder's unit tests: an in-memory ObjectLookup and keys made once per process
// (RSA generation is the slow part of the suite).
import { generateKeyPairSync } from 'node:crypto';
import type { KObject } from '../api/types.js';
import type { ObjectLookup } from '../storage/lookup.js';
import { generateRsaKeyPem, loadSigningKey, type SigningKey } from './keys.js';

export class FakeLookup implements ObjectLookup {
  readonly objects = new Map<string, KObject>();
  gets = 0;

  private static key(resource: string, namespace: string, name: string): string {
    return `${resource}/${namespace}/${name}`;
  }
  get(group: string, resource: string, namespace: string, name: string): KObject | undefined {
    this.gets++;
    if (group !== '') return undefined;
    return this.objects.get(FakeLookup.key(resource, namespace, name));
  }
  list(group: string, resource: string, namespace?: string): KObject[] {
    if (group !== '') return [];
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${resource}/${namespace === undefined ? '' : namespace + '/'}`))
      .map(([, v]) => v);
  }
  put(resource: string, o: KObject): KObject {
    this.objects.set(FakeLookup.key(resource, o.metadata.namespace ?? '', o.metadata.name!), o);
    return o;
  }
  delete(resource: string, namespace: string, name: string): void {
    this.objects.delete(FakeLookup.key(resource, namespace, name));
  }
}

export function serviceAccount(namespace: string, name: string, uid: string, extra: Partial<KObject> = {}): KObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, uid }, ...extra };
}

export function pod(namespace: string, name: string, uid: string, saName: string, nodeName?: string): KObject {
  const spec: Record<string, unknown> = { serviceAccountName: saName };
  if (nodeName) spec.nodeName = nodeName;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid }, spec };
}

export function node(name: string, uid: string): KObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid } };
}

export function secret(namespace: string, name: string, uid: string, data?: Record<string, string>): KObject {
  const o: KObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, uid } };
  if (data) o.data = data;
  return o;
}

let rsa: SigningKey | undefined;
const ec: Record<string, SigningKey> = {};

export function rsaSigner(): SigningKey {
  return (rsa ??= loadSigningKey(generateRsaKeyPem('pkcs1')));
}

export function ecSigner(curve: 'P-256' | 'P-384' | 'P-521'): SigningKey {
  return (ec[curve] ??= loadSigningKey(
    generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
  ));
}

export const issuer = 'https://kubernetes.default.svc.cluster.local';

/** A self-signed P-256 certificate and its PKCS#8 key (openssl req -x509). */
export const ecCertPem = `-----BEGIN CERTIFICATE-----
MIIBgTCCASegAwIBAgIUUnGtObaCjZfg/pajW5sromG3jAUwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKc2EtdGVzdC1lYzAgFw0yNjExMjMwOTA3MTNaGA8yMTI2MTAz
MDA5MDcxM1owFTETMBEGA1UEAwwKc2EtdGVzdC1lYzBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABBGWbn/ykLvpgxJJlmwGEqWpR/cDk9rqIvkL6QriAJaZxQ430EK5
Y5pcZXqjLn8Axvg/iiK/py2mYev5SVF8TaSjUzBRMB0GA1UdDgQWBBQDk/TGg664
4Gp7gq1pkwXyxTwUgDAfBgNVHSMEGDAWgBQDk/TGg6644Gp7gq1pkwXyxTwUgDAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQD/w6hRkaZ+4z9I9Cxt
OmXjyFPpkTmzy3qESL2lKSLUdAIgZSNofbv33gyYaqZi074AKNJQV9l9TMwU/C2r
PCXPRYM=
-----END CERTIFICATE-----
`;

export const ecCertKeyPem = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQ5lcXol03iH8sgPO
tyWsz1vbNLk+Ngy+7An7L6QZk/KhRANCAAQRlm5/8pC76YMSSZZsBhKlqUf3A5Pa
6iL5C+kK4gCWmcUON9BCuWOaXGV6oy5/AMb4P4oiv6ctpmHr+UlRfE2k
-----END PRIVATE KEY-----
`;

/** Decodes the JSON of one compact-JWS segment. */
export function segmentJson(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Runs f `runs` times; returns the last result and the fastest time in milliseconds. The best of a few runs
 * still exposes super-linear work but not a GC pause or a busy CI neighbour.
 */
export function fastest<T>(f: () => T, runs = 3): [T, number] {
  let best = Infinity;
  let r!: T;
  for (let i = 0; i < runs; i++) {
    const [v, ms] = timed(f);
    r = v;
    best = Math.min(best, ms);
  }
  return [r, best];
}

/**
 * Runs f and returns the CPU milliseconds it used: CPU time, not wall time, so a host shared with other work
 * (the test runner's parallel files, CI neighbours) does not make a fast call look slow.
 */
export function timed<T>(f: () => T): [T, number] {
  const t = process.cpuUsage();
  const r = f();
  const d = process.cpuUsage(t);
  return [r, (d.user + d.system) / 1000];
}
