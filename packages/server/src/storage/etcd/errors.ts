// etcd failures as kube-apiserver answers them. kube's etcd3 store returns the etcd client's error unchanged and
// the response writer (responsewriters.ErrorToAPIStatus) turns an error that is not a Status into a 500 with no
// reason and the error's text as message: `etcdserver: request timed out`, `etcdserver: no leader`… A call that
// runs out of time (etcd unreachable: kube's client retries until the request's deadline) is the timeout
// filter's 504 Timeout. The `etcd3` package's wrappers ("2 UNKNOWN: …", a circuit breaker's "Execution
// prevented…") are not what a Kubernetes client expects to read, so they are translated here.
import { StatusError, errors } from '../../api/errors.js';
import { StorageError } from '../store.js';

/** kube's timeout filter message (apiserver/pkg/server/filters/timeout.go). */
export const deadlineMessage = 'request did not complete within requested timeout - context deadline exceeded';

/** The error a failed etcd call reaches a client as. StorageErrors and Status errors pass through. */
export function etcdError(e: unknown): Error {
  if (e instanceof StorageError || e instanceof StatusError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/required revision has been compacted/.test(msg))
    return new StorageError('Expired', 'etcdserver: mvcc: required revision has been compacted');
  // etcd's own errors (rpctypes): "etcdserver: request timed out", "etcdserver: no leader", … verbatim.
  const server = /etcdserver: [^\n]*/.exec(msg);
  if (server) return errors.plain(server[0]);
  // Out of time, or no member reachable (the client gives up at once instead of retrying until the deadline).
  if (
    /deadline exceeded|circuit breaker is open|UNAVAILABLE|No connection established|ECONNREFUSED|Connection pool has no hosts/i.test(
      msg,
    )
  )
    return errors.timeout(`Timeout: ${deadlineMessage}`, 0);
  return errors.plain(msg.replace(/^\d+ [A-Z_]+: /, ''));
}

/** `p`, with its rejection translated by etcdError. */
export function etcdCall<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: unknown) => {
    throw etcdError(e);
  });
}
