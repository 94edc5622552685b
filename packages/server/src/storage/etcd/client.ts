// The etcd v3 client (the `etcd3` package: gRPC, reconnecting watches) from kube-apiserver's flags.
import { readFileSync } from 'node:fs';
import { Etcd3, type IOptions } from 'etcd3';

export interface EtcdConnectionOptions {
  servers: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Deadline of every unary call (ms): a write without quorum fails instead of hanging. */
  requestTimeoutMs?: number;
}

function readPem(flag: string, path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (e) {
    throw new Error(`${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  if (!b.toString('utf8').includes('-----BEGIN ')) throw new Error(`${flag}: ${path} is not a PEM file`);
  return b;
}

export function createEtcdClient(o: EtcdConnectionOptions): Etcd3 {
  const ca = readPem('--etcd-cafile', o.caFile);
  const cert = readPem('--etcd-certfile', o.certFile);
  const key = readPem('--etcd-keyfile', o.keyFile);
  if (!!cert !== !!key) throw new Error('--etcd-certfile and --etcd-keyfile must be given together');
  const https = o.servers.some((s) => s.startsWith('https://'));
  if ((ca || cert) && !https) throw new Error('--etcd-cafile/--etcd-certfile need https:// --etcd-servers');
  const timeout = o.requestTimeoutMs ?? 30_000;
  const opts: IOptions = {
    hosts: o.servers,
    dialTimeout: 5_000,
    // Unary calls get a deadline; watch streams live as long as they are wanted.
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
  };
  if (ca || cert) {
    // Without --etcd-cafile gRPC's default roots verify etcd's certificate, as Go's TLS config does.
    opts.credentials = {
      rootCertificate: ca as Buffer,
      ...(cert ? { certChain: cert, privateKey: key } : {}),
    };
  }
  return new Etcd3(opts);
}
