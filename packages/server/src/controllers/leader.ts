// Leader election for the controllers over a coordination.k8s.io/v1 Lease, as kube-controller-manager does
// (client-go leaderelection with the Lease lock): a candidate takes the lease when it is absent or when its
// record has not changed for leaseDuration on the candidate's own clock; the holder renews every retryPeriod
// and gives up leadership if it cannot renew within renewDeadline. Every write is a compare-and-swap, so two
// replicas never both hold it.
import { randomUUID } from 'node:crypto';
import type { KObject } from '../api/types.js';
import { microTime, rfc3339 } from '../registry/meta.js';
import { StorageError, storageKey, type Store } from '../storage/store.js';

export interface LeaderElectionOptions {
  store: Store;
  name: string;
  namespace?: string;
  identity: string;
  leaseDurationSec?: number;
  renewDeadlineSec?: number;
  retryPeriodSec?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  log?: (msg: string, f?: object) => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export class LeaderElector {
  private timer?: NodeJS.Timeout;
  private leading = false;
  private stopped = false;
  private lastRenew = 0;
  /** The record last seen and when (local clock) it last changed. */
  private observed?: { rv: number; holder: string; at: number };
  private readonly key: string;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;

  constructor(private readonly o: LeaderElectionOptions) {
    this.key = storageKey('coordination.k8s.io', 'leases', o.namespace ?? 'kube-system', o.name);
    this.leaseMs = (o.leaseDurationSec ?? 15) * 1000;
    this.renewMs = (o.renewDeadlineSec ?? 10) * 1000;
    this.retryMs = (o.retryPeriodSec ?? 2) * 1000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      await this.tryAcquireOrRenew().catch(() => false);
      if (this.leading && Date.now() - this.lastRenew > this.renewMs) this.lose('renew deadline passed');
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.retryMs);
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.leading) this.lose('stopping');
  }

  private lose(why: string): void {
    this.leading = false;
    this.o.log?.('leader election: lost the lease', { lease: this.o.name, why });
    this.o.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    const cur = this.o.store.get(this.key);
    const id = this.o.identity;
    const durationSec = this.leaseMs / 1000;
    if (!cur) {
      const lease: KObject = {
        kind: 'Lease',
        apiVersion: 'coordination.k8s.io/v1',
        metadata: {
          name: this.o.name,
          namespace: this.o.namespace ?? 'kube-system',
          uid: randomUUID(),
          creationTimestamp: rfc3339(now),
        },
        spec: {
          holderIdentity: id,
          leaseDurationSeconds: durationSec,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      } as KObject;
      return this.write(() => this.o.store.create(this.key, lease), now);
    }
    const spec = ((cur.object as { spec?: LeaseSpec }).spec ?? {}) as LeaseSpec;
    const holder = spec.holderIdentity ?? '';
    if (!this.observed || this.observed.rv !== cur.rev) this.observed = { rv: cur.rev, holder, at: now };
    if (holder !== id && holder !== '' && this.observed.at + this.leaseMs > now) {
      if (this.leading) this.lose(`held by ${holder}`);
      return false;
    }
    const next = structuredClone(cur.object) as KObject & { spec: LeaseSpec };
    const taking = holder !== id;
    next.spec = {
      ...spec,
      holderIdentity: id,
      leaseDurationSeconds: durationSec,
      acquireTime: taking ? microTime(now) : spec.acquireTime,
      renewTime: microTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (taking && holder !== '' ? 1 : 0),
    };
    return this.write(() => this.o.store.update(this.key, next, cur.rev), now);
  }

  private async write(fn: () => Promise<unknown>, now: number): Promise<boolean> {
    try {
      await fn();
    } catch (e) {
      if (e instanceof StorageError) return false;
      throw e;
    }
    this.lastRenew = now;
    if (!this.leading && !this.stopped) {
      this.leading = true;
      this.o.log?.('leader election: acquired the lease', { lease: this.o.name, identity: this.o.identity });
      this.o.onStartedLeading();
    }
    return true;
  }
}
