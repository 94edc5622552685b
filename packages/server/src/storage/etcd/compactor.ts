// kube-apiserver's compactor (storage/etcd3/compact.go): every interval, one replica wins a compare-and-swap on
// the version of `compact_rev_key` and compacts etcd to the revision it recorded the interval before, so the
// history always keeps at least one interval and replicas do not compact twice.
import type { Etcd3 } from 'etcd3';

const compactRevKey = 'compact_rev_key';

export function startCompactor(client: Etcd3, intervalSec: number, log: (msg: string, f?: object) => void): () => void {
  if (intervalSec <= 0) return () => undefined;
  let version = 0;
  let rev = 0;
  const tick = async () => {
    const r = await client
      .if(compactRevKey, 'Version', '==', version)
      .then(client.put(compactRevKey).value(String(rev)))
      .else(client.get(compactRevKey))
      .commit();
    const curRev = Number(r.header.revision);
    if (!r.succeeded) {
      version = Number(r.responses[0]?.response_range?.kvs[0]?.version ?? 0);
      rev = curRev;
      return;
    }
    version++;
    const target = rev;
    rev = curRev;
    if (target === 0) return;
    await client.kv.compact({ revision: String(target) });
    log('etcd compacted', { revision: target });
  };
  const timer = setInterval(() => void tick().catch(() => undefined), intervalSec * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
