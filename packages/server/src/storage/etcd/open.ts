// Opens a replica's store on etcd: connect (retrying with a message until etcd answers), list + watch, the
// compactor and the `etcd` health check.
import { createEtcdClient, describeEtcdError, type EtcdConnectionOptions } from './client.js';
import { EtcdShared } from './shared.js';
import { startCompactor } from './compactor.js';
import { Store } from '../store.js';

export interface EtcdStoreOptions extends EtcdConnectionOptions {
  prefix: string;
  compactionIntervalSec: number;
  healthcheckTimeoutSec: number;
}

export interface EtcdStore {
  store: Store;
  shared: EtcdShared;
  /** undefined = healthy, else the reason (the last probe's). */
  health(): string | undefined;
  stop(): void;
}

type Log = { info(m: string, f?: object): void; warn(m: string, f?: object): void };

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

export async function openEtcdStore(o: EtcdStoreOptions, log: Log): Promise<EtcdStore> {
  const client = createEtcdClient(o);
  const shared = new EtcdShared(client, o.prefix);
  // The health check reads the revision with the client's own errors (their causes name what to fix).
  const probe = () =>
    withTimeout(
      client.kv.range({ key: Buffer.from(shared.keys.root), limit: 1, count_only: true }),
      o.healthcheckTimeoutSec * 1000,
      'etcd health check',
    );
  // The client's circuit breaker answers for a while after failures without trying: keep the last real cause.
  let cause = '';
  const explain = (e: unknown) => {
    if (!/circuit breaker is open/.test((e as Error)?.message ?? '')) cause = describeEtcdError(e, o);
    return cause || describeEtcdError(e, o);
  };
  // kube-apiserver waits for etcd at start too; it is ready only once connected.
  for (let attempt = 1; ; attempt++) {
    try {
      await probe();
      break;
    } catch (e) {
      log.warn(`waiting for etcd at ${o.servers.join(',')}`, { attempt, err: explain(e) });
      await new Promise((r) => setTimeout(r, Math.min(1000 * attempt, 5000)));
    }
  }
  let store: Store;
  try {
    store = await Store.openShared(shared);
  } catch (e) {
    client.close();
    throw e;
  }
  const stopCompactor = startCompactor(client, o.compactionIntervalSec, log.info.bind(log));
  let healthy: string | undefined;
  let probing = false;
  const timer = setInterval(() => {
    if (probing) return;
    probing = true;
    probe()
      .then(() => (healthy = undefined))
      .catch((e: unknown) => (healthy = explain(e)))
      .finally(() => (probing = false));
  }, 1000);
  timer.unref();
  return {
    store,
    shared,
    health: () => healthy,
    stop: () => {
      clearInterval(timer);
      stopCompactor();
    },
  };
}
