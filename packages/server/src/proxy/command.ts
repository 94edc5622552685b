// `kubeauth proxy`: a kube-rbac-proxy-compatible authenticating and authorizing reverse proxy.
import { readFileSync } from 'node:fs';
import { KubeConnection } from '@kubeauth/verify';
import { FlagError, usage } from '../cli/flags.js';
import { createCa } from '../pki/ca.js';
import { issueServingCert } from '../pki/certs.js';
import { parseProxyOptions, proxyFlags, type ProxyCommandOptions } from './config.js';
import { createProxy, type RunningProxy } from './proxy.js';

const read = (file: string, flag: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new FlagError(`cannot read ${flag}: ${(err as Error).message}`);
  }
};

/** Starts a proxy from parsed options (the CLI and the tests). */
export async function startProxy(o: ProxyCommandOptions): Promise<RunningProxy> {
  const connection = o.kubeconfig
    ? KubeConnection.fromKubeconfig({ path: o.kubeconfig })
    : KubeConnection.fromEnvironment();
  let tls: { cert: string; key: string };
  if (o.tlsCertFile && o.tlsPrivateKeyFile) {
    tls = { cert: read(o.tlsCertFile, '--tls-cert-file'), key: read(o.tlsPrivateKeyFile, '--tls-private-key-file') };
  } else {
    // Like kube-rbac-proxy: a self-signed certificate generated in memory when none is given.
    const ca = await createCa('kubeauth-proxy-ca', 365);
    const sans = [
      ...new Set([
        'localhost',
        '127.0.0.1',
        '::1',
        ...(o.listenHost && o.listenHost !== '0.0.0.0' && o.listenHost !== '::' ? [o.listenHost] : []),
      ]),
    ];
    const leaf = await issueServingCert(ca, { sans, commonName: 'kubeauth-proxy' });
    tls = { cert: leaf.certPem + ca.certPem, key: leaf.keyPem };
  }
  const proxy = createProxy({
    upstream: o.upstream,
    connection,
    tls,
    ...(o.clientCaFile ? { clientCa: read(o.clientCaFile, '--client-ca-file') } : {}),
    audiences: o.audiences,
    authorization: o.authorization,
    allowPaths: o.allowPaths,
    ignorePaths: o.ignorePaths,
    authHeader: o.authHeader,
    ...(o.upstreamCaFile ? { upstreamCa: read(o.upstreamCaFile, '--upstream-ca-file') } : {}),
    ...(o.upstreamClientCertFile && o.upstreamClientKeyFile
      ? {
          upstreamClientCert: {
            cert: read(o.upstreamClientCertFile, '--upstream-client-cert-file'),
            key: read(o.upstreamClientKeyFile, '--upstream-client-key-file'),
          },
        }
      : {}),
    ...(o.cacheTtlMs !== undefined ? { cacheTtlMs: o.cacheTtlMs } : {}),
  });
  const running = await proxy.listen(o.listenPort, o.listenHost);
  const close = running.close;
  return {
    ...running,
    close: async () => {
      await close();
      connection.close();
    },
  };
}

export async function proxyCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'Authenticating and authorizing reverse proxy (kube-rbac-proxy compatible).\n\nUsage:\n  kubeauth proxy --upstream URL [flags]\n\nFlags:\n' +
        usage(proxyFlags.filter((f) => f.usage)) +
        '\n',
    );
    return;
  }
  const o = parseProxyOptions(argv);
  const running = await startProxy(o);
  const log = (msg: string) =>
    process.stderr.write(JSON.stringify({ level: 'info', time: new Date().toISOString(), msg }) + '\n');
  log(`proxying ${running.url} to ${o.upstream.href}`);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log(`received ${sig}, shutting down`);
    const t = setTimeout(() => process.exit(1), 30_000);
    t.unref();
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
