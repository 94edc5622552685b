// Opens a replica's store on etcd: connect (retrying with a message until etcd answers), list + watch, the
// compactor and the `etcd` health check.
import { createEtcdClient, type EtcdConnectionOptions } from './client.js';
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
  const probe = () => withTimeout(shared.currentRevision(), o.healthcheckTimeoutSec * 1000, 'etcd health check');
  // kube-apiserver waits for etcd at start too; it is ready only once connected.
  for (let attempt = 1; ; attempt++) {
    try {
      await probe();
      break;
    } catch (e) {
      log.warn(`waiting for etcd at ${o.servers.join(',')}`, { attempt, err: (e as Error).message });
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
      .catch((e: Error) => (healthy = e.message))
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
