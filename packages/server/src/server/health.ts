// The /healthz, /livez and /readyz checks that look at something real. kube-apiserver's `etcd` check reads from
// etcd (k8s.io/apiserver/pkg/storage/storagebackend/factory/etcd3.go) and its `log` check fails when logging is
// blocked (k8s.io/apiserver/pkg/server/healthz/healthz.go); ours read the storage backend and look at the log sink.
import type { HealthCheck } from './nonresource.js';

/** Fails when the storage backend does not answer a read. */
export function storageCheck(store: { ping(): Promise<void> }): HealthCheck {
  return {
    name: 'storage',
    check: () =>
      store.ping().then(
        () => undefined,
        (e: unknown) => `storage did not answer: ${(e as Error)?.message ?? String(e)}`,
      ),
  };
}

/** Fails when the log sink can take no more lines. */
export function logCheck(log: { sinkError(): string | undefined }): HealthCheck {
  return { name: 'log', check: () => log.sinkError() };
}
