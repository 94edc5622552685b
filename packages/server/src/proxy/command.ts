// `kubeauth proxy`: a kube-rbac-proxy-compatible authenticating and authorizing reverse proxy.
import { readFileSync } from 'node:fs';
import { KubeConnection } from '@kubeauth/verify';
import { FlagError, usage } from '../cli/flags.js';
import { createCa } from '../pki/ca.js';
import { issueServingCert } from '../pki/certs.js';
import { createLogger } from '../server/log.js';
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
export async function startProxy(o: ProxyCommandOptions & { now?: () => number }): Promise<RunningProxy> {
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
    tls: { ...tls, minVersion: o.tlsMinVersion, ...(o.tlsCiphers ? { ciphers: o.tlsCiphers } : {}) },
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
    ...(o.now ? { now: o.now } : {}),
  });
  let running: RunningProxy;
  try {
    running = await proxy.listen(o.listenPort, o.listenHost, o.endpointsPort);
  } catch (err) {
    connection.close();
    throw err;
  }
  const stopReload = o.tlsCertFile && o.tlsPrivateKeyFile ? watchServingCertificate(o, tls, running) : () => {};
  const close = running.close;
  return {
    ...running,
    close: async () => {
      stopReload();
      await close();
      connection.close();
    },
  };
}

/**
 * Re-reads --tls-cert-file and --tls-private-key-file every --tls-reload-interval (kube-rbac-proxy's default: a
 * minute), so a certificate renewed on disk (cert-manager, a rotated Secret) serves new connections without a
 * restart. A pair that cannot be read or does not load is logged and the current one kept.
 */
function watchServingCertificate(
  o: ProxyCommandOptions,
  current: { cert: string; key: string },
  running: RunningProxy,
): () => void {
  let { cert, key } = current;
  const timer = setInterval(() => {
    try {
      const nextCert = readFileSync(o.tlsCertFile!, 'utf8');
      const nextKey = readFileSync(o.tlsPrivateKeyFile!, 'utf8');
      if (nextCert === cert && nextKey === key) return;
      running.setServingCertificate(nextCert, nextKey);
      cert = nextCert;
      key = nextKey;
      log.info(`reloaded the serving certificate from ${o.tlsCertFile}`);
    } catch (err) {
      log.error(`cannot reload the serving certificate, keeping the current one: ${(err as Error).message}`);
    }
  }, o.tlsReloadIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

const log = createLogger();

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
  // kube-rbac-proxy's warning for the klog flags it still accepts.
  for (const name of o.removedFlags) log.warn(`${name} is removed in the k8s upstream and has no effect any more.`);
  const running = await startProxy(o);
  log.info(`proxying ${running.url} to ${o.upstream.href}`);
  if (running.endpointsUrl) log.info(`serving /healthz on ${running.endpointsUrl}`);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`received ${sig}, shutting down`);
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
