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
    // No cap on a response's size (Go's etcd client, kube's, has none either): a list page of large objects.
    grpcOptions: { 'grpc.max_receive_message_length': -1 },
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

/**
 * Why a connection to etcd failed, for the operator: TLS failures name the flag to fix (the gRPC client's own
 * text, "14 UNAVAILABLE: No connection established. Last error: …", buries them).
 */
export function describeEtcdError(e: unknown, o: EtcdConnectionOptions): string {
  const msg = e instanceof Error ? e.message : String(e);
  const last = /Last error: (?:Error: )?([^\n]*?)(?:\. Resolution note:.*)?$/m.exec(msg)?.[1] ?? msg;
  if (
    /unable to verify the first certificate|self[- ]signed certificate|unable to get (local )?issuer certificate|certificate signature failure/i.test(
      last,
    )
  )
    return `etcd's serving certificate is not signed by ${o.caFile ? `--etcd-cafile ${o.caFile}` : 'a trusted CA (set --etcd-cafile)'}: x509: certificate signed by unknown authority (${last})`;
  if (/altnames|does not match certificate/i.test(last))
    return `etcd's serving certificate does not name the host in --etcd-servers: ${last}`;
  if (/alert bad certificate|alert certificate required|alert unknown ca/i.test(last))
    return o.certFile
      ? `etcd refused the client certificate --etcd-certfile ${o.certFile} (is it signed by the CA etcd trusts for clients?): ${last.replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '').replace(/:\.\.\/deps.*$/, '')}`
      : 'etcd requires a client certificate: set --etcd-certfile and --etcd-keyfile';
  if (/wrong version number|packet length too long|http\/1/i.test(last))
    return `etcd does not speak TLS there, or speaks only TLS: check http:// or https:// in --etcd-servers (${last})`;
  return last;
}
