// What a replica on shared storage (etcd) does beyond serving: bootstraps alongside other replicas, publishes its
// service-account verification keys and verifies with every replica's (one JWKS everywhere), refuses to join
// replicas of another issuer, and runs the controllers only while it holds the controllers' Lease.
import { createPublicKey, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KObject } from '../api/types.js';
import { StatusError } from '../api/errors.js';
import type { SystemClient } from '../controllers/client.js';
import { bootstrapNamespaces } from '../controllers/bootstrap.js';
import { LeaderElector } from '../controllers/leader.js';
import { rfc3339 } from '../registry/meta.js';
import { algorithmFor, keyId, type PublicKeyEntry } from '../serviceaccount/keys.js';
import type { ServiceAccountKeys } from '../serviceaccount/setup.js';
import { StorageError, resourcePrefix, storageKey, type Store } from '../storage/store.js';

interface Controllers {
  start(): void;
  stop(): void;
  idle(): Promise<unknown>;
}

export interface ReplicationOptions {
  store: Store;
  client: SystemClient;
  /** RBAC's bootstrap policy and aggregation (every replica runs it: its writes reconcile, so races settle). */
  rbac: { start(): Promise<void> };
  keys: ServiceAccountKeys;
  issuers: string[];
  log: { info(m: string, f?: object): void; warn(m: string, f?: object): void };
  makeControllers(): Controllers;
  /** Lease timings (seconds); kube-controller-manager's defaults. */
  lease?: { durationSec: number; renewDeadlineSec: number; retryPeriodSec: number };
}

export interface Replication {
  identity: string;
  isLeader(): boolean;
  /** The running controllers (undefined while another replica leads). */
  controllers(): Controllers | undefined;
  stop(): void;
}

const keysGroup = 'kubeauth.io';
const keysResource = 'serviceaccountkeys';

/** Bootstrap writes race with other replicas': AlreadyExists/Conflict mean another one got there first. */
async function untilSettled(store: Store, fn: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const code = e instanceof StatusError ? e.code : e instanceof StorageError ? 409 : 0;
      if (code !== 409 || attempt >= 10) throw e;
      await store.sync();
    }
  }
}

interface PublishedKey extends KObject {
  issuer: string;
  publicKeyPem: string;
  replica: string;
}

export async function startReplication(o: ReplicationOptions): Promise<Replication> {
  const { store, log } = o;
  const identity = `${hostname()}_${randomUUID()}`;
  await store.sync();

  // One issuer for all replicas: a token minted on one must mean the same on every other.
  const issuer = o.issuers[0]!;
  const published = () => store.list(resourcePrefix(keysGroup, keysResource)).map((e) => e.object as PublishedKey);
  const other = published().find((k) => k.issuer !== issuer);
  if (other)
    throw new Error(
      `--service-account-issuer ${JSON.stringify(issuer)} differs from ${JSON.stringify(other.issuer)} used by the other replicas on this etcd prefix (replica ${other.replica}); every replica must have the same --service-account-issuer`,
    );

  // Verify with every replica's keys (the JWKS is then the same everywhere), and publish ours. Published keys are
  // never pruned by kubeauth: a replica that is gone leaves its key, and every token it signed (legacy Secret
  // tokens never expire) keeps verifying on every replica. An operator withdraws a key by deleting its object;
  // every replica then drops it (its tokens fail everywhere), except the replica whose own key it is, which
  // publishes it again while it runs (it signs with it).
  const own = new Set(o.keys.verify.all().map((k) => k.kid));
  const adopted = new Set<string>();
  const adopt = (k: PublishedKey) => {
    if (k.issuer !== issuer || o.keys.verify.get(k.metadata.name!).length) return;
    const key = createPublicKey(k.publicKeyPem);
    const alg = algorithmFor(key);
    if (!alg || o.keys.verify.get(keyId(key)).length) return;
    o.keys.verify.add({ kid: keyId(key), alg, key } as PublicKeyEntry);
    adopted.add(keyId(key));
  };
  const prefix = resourcePrefix(keysGroup, keysResource);
  const publish = async (k: PublicKeyEntry) => {
    const key = storageKey(keysGroup, keysResource, '', k.kid);
    if (store.get(key)) return;
    const obj: PublishedKey = {
      apiVersion: `${keysGroup}/v1`,
      kind: 'ServiceAccountKey',
      metadata: {
        name: k.kid,
        uid: randomUUID(),
        creationTimestamp: rfc3339(Date.now()),
      },
      issuer,
      publicKeyPem: k.key.export({ type: 'spki', format: 'pem' }).toString(),
      replica: identity,
    };
    await store.create(key, obj).catch((e: unknown) => {
      if (!(e instanceof StorageError && e.code === 'Exists')) throw e;
    });
  };
  const unsubscribe = store.subscribe((ev) => {
    if (!ev.key.startsWith(prefix)) return;
    if (ev.type !== 'DELETED') return adopt(ev.object as PublishedKey);
    const kid = ev.key.slice(prefix.length);
    if (adopted.delete(kid)) {
      o.keys.verify.remove(kid);
      log.info('withdrew a published service-account key', { kid });
    } else if (own.has(kid)) {
      const k = o.keys.verify.get(kid)[0];
      if (k)
        void publish(k).catch((e: unknown) =>
          log.warn('could not publish the service-account key again', { kid, err: String(e) }),
        );
    }
  });
  for (const k of published()) adopt(k);
  await o.keys.signer.catch(() => undefined);
  for (const k of o.keys.verify.all())
    if (!adopted.has(k.kid)) {
      own.add(k.kid);
      await publish(k);
    }

  // Every replica keeps its RBAC index and bootstrap policy; AlreadyExists races with other replicas are retried.
  await untilSettled(store, () => o.rbac.start());
  await untilSettled(store, () => bootstrapNamespaces(o.client));

  let running: Controllers | undefined;
  const lease = o.lease ?? { durationSec: 15, renewDeadlineSec: 10, retryPeriodSec: 2 };
  const elector = new LeaderElector({
    store,
    name: 'kube-controller-manager',
    identity,
    leaseDurationSec: lease.durationSec,
    renewDeadlineSec: lease.renewDeadlineSec,
    retryPeriodSec: lease.retryPeriodSec,
    log: log.info.bind(log),
    onStartedLeading: () => {
      running = o.makeControllers();
      running.start();
    },
    onStoppedLeading: () => {
      running?.stop();
      running = undefined;
    },
  });
  elector.start();
  return {
    identity,
    isLeader: () => elector.isLeader,
    controllers: () => running,
    stop: () => {
      elector.stop();
      unsubscribe();
    },
  };
}
