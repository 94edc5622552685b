// Assembles kubeauth from its seams and starts it: PKI and keys, storage, registry, authentication,
// authorization, controllers, then the HTTPS (h2 + HTTP/1.1) listener.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Http2SecureServer } from 'node:http2';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { resolveAuthentication, type ServeOptions } from '../cli/options.js';
import { ensurePki } from '../pki/datadir.js';
import { lockDataDir, type DataDirLock } from '../pki/datadir-lock.js';
import { renderKubeconfig, writeKubeconfig } from '../pki/kubeconfig.js';
import { Store } from '../storage/store.js';
import { SqliteBackend } from '../storage/sqlite.js';
import { MemoryBackend } from '../storage/memory.js';
import { StoreLookup } from '../storage/cache-lookup.js';
import { Authenticator } from '../authn/chain.js';
import { TokenFileAuthenticator } from '../authn/tokenfile.js';
import type { TokenAuthenticator } from '../authn/types.js';
import { ApiServer } from './apiserver.js';
import { createListener } from './listener.js';
import { createTables } from './tables.js';
import { nonResourceHandlers, gvPath, kubernetesVersion, type HealthCheck } from './nonresource.js';
import { createLogger } from './log.js';
import { logCheck, storageCheck } from './health.js';
import { buildResources } from '../registry/resources.js';
import { Catalog } from '../registry/catalog.js';
import { RestStorage } from '../registry/rest.js';
import { AdmissionChain } from '../admission/chain.js';
import { namespaceLifecycle } from '../admission/namespace-lifecycle.js';
import { serviceAccountAdmission } from '../admission/serviceaccount.js';
import { podDefaults } from '../admission/pod-defaults.js';
import { SystemClient } from '../controllers/client.js';
import { NamespaceController } from '../controllers/namespace.js';
import { GarbageCollector } from '../controllers/gc.js';
import { bootstrapNamespaces } from '../controllers/bootstrap.js';
import { KubernetesServiceController } from '../controllers/kubernetes-service.js';
import { ServiceAllocator } from '../registry/services/allocator.js';
import { firstAddress, parseServiceRange } from '../registry/services/cidr.js';
import { createFieldManager, createBodyChecker } from '../registry/fields.js';
import { openapiRoot, openapiDocument, openapiV2 } from '../registry/openapi.js';
import { loadServiceAccountKeys, type ServiceAccountKeys } from '../serviceaccount/setup.js';
import { ServiceAccountTokenAuthenticator } from '../serviceaccount/authenticator.js';
import { discoveryDocument, jwksDocument, isDiscoveryEnabled } from '../serviceaccount/openid.js';
import { createAuthorization, type Authorization } from '../authz/setup.js';
import { TokensController } from '../controllers/tokens.js';
import { wallClock } from '../clock/clock.js';
import { openEtcdStore, type EtcdStore } from '../storage/etcd/open.js';
import { startReplication, type Replication } from './replication.js';
import { setupObservability, storageObjectCounts } from '../observe/setup.js';

const lastUsedLabel = 'kubernetes.io/legacy-token-last-used';

export const kubeauthVersion = '0.1.0';

export interface RunningServer {
  url: string;
  port: number;
  kubeconfigPath: string;
  dataDir: string;
  caPem: string;
  store: Store;
  keys: ServiceAccountKeys;
  close(): Promise<void>;
  /** Resolves when controllers have caught up (tests). */
  settle(): Promise<void>;
  /** The request listener the HTTPS server runs (in-process benchmarks drive it without TLS). */
  listener: ApiServer['listener'];
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const log = createLogger(o.logLevel);
  const authentication = await resolveAuthentication(o);
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Before anything in the data dir is read or written: a second server on it must change nothing.
  const lock = lockDataDir(dataDir);
  try {
    return await startLocked(o, dataDir, lock, log, authentication);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function startLocked(
  o: ServeOptions,
  dataDir: string,
  lock: DataDirLock,
  log: ReturnType<typeof createLogger>,
  authentication: Awaited<ReturnType<typeof resolveAuthentication>>,
): Promise<RunningServer> {
  const pki = await ensurePki(dataDir, { extraSans: o.tlsSans });
  const clock = o.clock ?? wallClock;
  const servingCert = o.tlsCertFile ? readFileSync(o.tlsCertFile, 'utf8') : pki.servingCertPem;
  const servingKey = o.tlsPrivateKeyFile ? readFileSync(o.tlsPrivateKeyFile, 'utf8') : pki.servingKeyPem;
  const clientCa = o.clientCaFile ? readFileSync(o.clientCaFile, 'utf8') : pki.caCertPem;

  const keys = loadServiceAccountKeys(o, pki.saKeyPath, dataDir, pki.saKeyWritten);
  pki.saKeyWritten?.catch((e: unknown) =>
    log.warn('generating the service-account signing key failed', { err: String(e) }),
  );

  let etcd: EtcdStore | undefined;
  let store: Store;
  if (o.storageBackend === 'etcd3') {
    etcd = await openEtcdStore(
      {
        servers: o.etcd.servers,
        caFile: o.etcd.caFile,
        certFile: o.etcd.certFile,
        keyFile: o.etcd.keyFile,
        prefix: o.etcd.prefix,
        compactionIntervalSec: o.etcd.compactionInterval,
        healthcheckTimeoutSec: o.etcd.healthcheckTimeout,
      },
      log,
    );
    store = etcd.store;
  } else {
    const backend =
      o.storageBackend === 'memory' ? new MemoryBackend() : new SqliteBackend(join(dataDir, 'kubeauth.db'));
    store = await Store.open(backend);
    store.startCompaction();
  }
  const lookup = new StoreLookup(store);
  // The authenticator is built before the registry the system client writes through.
  const late: { client?: SystemClient; catalog?: Catalog } = {};
  const obs = setupObservability(o.ops, {
    storageObjects: () => storageObjectCounts(store, late.catalog?.groups ?? []),
    kindOf: (g, v, r) => late.catalog?.find(g, v, r)?.kind,
    checks: { healthz: () => healthChecks(), livez: () => healthChecks(), readyz: () => readyChecks() },
  });

  // Authentication: token file, then service-account tokens (legacy + bound) — kube-apiserver's order.
  const tokenAuthenticators: TokenAuthenticator[] = [];
  if (o.tokenAuthFile) tokenAuthenticators.push(TokenFileAuthenticator.fromFile(o.tokenAuthFile, o.apiAudiences));
  const saAuthn = new ServiceAccountTokenAuthenticator({
    issuers: o.serviceAccountIssuers,
    apiAudiences: o.apiAudiences,
    keys: keys.verify,
    lookup,
    now: clock.now,
    lookupLegacy: o.serviceAccountLookup,
    onAccepted: (kind) => obs.metrics[`${kind}Tokens`].inc(),
    // Legacy-token use is recorded on the Secret's last-used label, off the request path.
    onLegacyUse: (p) =>
      void late.client
        ?.update('', 'secrets', p.namespace, p.name, (sec) => {
          if (sec.metadata.uid !== p.uid || sec.metadata.labels?.[lastUsedLabel] === p.date) return undefined;
          sec.metadata.labels = { ...(sec.metadata.labels ?? {}), [lastUsedLabel]: p.date };
          return sec;
        })
        .catch((e: unknown) => log.warn('failed to mark legacy token used', { err: String(e) })),
  });
  tokenAuthenticators.push(saAuthn);
  // External issuers (--oidc-* / --authentication-config) come after service accounts, as in kube-apiserver.
  let oidc: { stop(): void } | undefined;
  let configWatch: { close(): void } | undefined;
  if (authentication.jwt.length || authentication.file) {
    const { OidcAuthenticators, watchAuthenticationConfig } = await import('../authn/oidc/authenticator.js');
    const jwt = new OidcAuthenticators(authentication.jwt, {
      apiAudiences: o.apiAudiences,
      log,
      disallowedIssuers: o.serviceAccountIssuers,
      // Only a test's clock is passed: with none, Go-compatible messages print the real clock's reading.
      ...(clock === wallClock ? {} : { now: clock.now }),
    });
    jwt.start();
    tokenAuthenticators.push(jwt);
    oidc = jwt;
    const authFile = authentication.file;
    if (authFile)
      configWatch = watchAuthenticationConfig(
        authFile.path,
        (c: { jwt: typeof authentication.jwt }) => jwt.reload(c.jwt),
        log,
        {
          initialData: authFile.data,
          initialAnonymous: authentication.anonymous,
          disallowedIssuers: o.serviceAccountIssuers,
        },
      );
  }
  const authenticator = new Authenticator({
    tokenAuthenticators,
    apiAudiences: o.apiAudiences,
    anonymous: o.anonymousAuth && !(o.authorizationModes.length === 1 && o.authorizationModes[0] === 'AlwaysAllow'),
    anonymousPaths: authentication.anonymous?.conditions.map((c) => c.path),
    clientCertificates: true,
  });

  const authz: Authorization = createAuthorization(o.authorizationModes, store);

  let port = o.securePort;
  const serverAddress = () => `${o.bindAddress.includes(':') ? `[${o.bindAddress}]` : o.bindAddress}:${port}`;
  const issuer = o.serviceAccountIssuers[0]!;
  const jwksUri = () => o.serviceAccountJwksUri ?? `https://${o.externalHostname ?? serverAddress()}/openid/v1/jwks`;

  const serviceRange = parseServiceRange(o.serviceClusterIPRange);
  const defs = buildResources({
    authenticator,
    authz,
    lookup,
    keys,
    issuer,
    options: o,
    services: new ServiceAllocator({ store, range: serviceRange }),
  });
  const catalog = (late.catalog = new Catalog(defs));
  const rest = new RestStorage({
    store,
    admission: new AdmissionChain([namespaceLifecycle(lookup), podDefaults(), serviceAccountAdmission(lookup)]),
    fields: createFieldManager(),
    bodies: createBodyChecker(),
    now: clock.now,
  });
  const client = (late.client = new SystemClient(rest, catalog));

  let ready = false;
  const healthChecks = (): HealthCheck[] => [
    { name: 'ping', check: () => undefined },
    logCheck(log),
    storageCheck(store),
    ...(etcd ? [{ name: 'etcd', check: () => etcd.health() }] : []),
  ];
  const readyChecks = (): HealthCheck[] => [
    ...healthChecks(),
    { name: 'informer-sync', check: () => (ready ? undefined : 'not ready') },
    { name: 'poststarthook/rbac/bootstrap-roles', check: () => (authz.bootstrapped() ? undefined : 'not finished') },
    { name: 'poststarthook/start-service-account-controllers', check: () => (ready ? undefined : 'not finished') },
  ];
  const openapiDocs = new Map<string, unknown>();
  const nr = nonResourceHandlers({
    catalog,
    kubeauthVersion,
    serverAddress,
    healthChecks,
    readyChecks,
    openapi: {
      root: () => openapiRoot(catalog),
      document: (p) => {
        const gv = catalog.groups.find((g) => gvPath(g.group, g.version) === p);
        if (!gv) return undefined;
        let doc = openapiDocs.get(p);
        if (!doc) openapiDocs.set(p, (doc = openapiDocument(gv)));
        return doc;
      },
      v2: () => openapiV2(catalog, kubernetesVersion.gitVersion),
    },
    oidc: isDiscoveryEnabled(issuer)
      ? {
          // On a first start the JWKS waits for the signing key being generated (once, briefly).
          discovery: async () => {
            await keys.signer;
            return discoveryDocument(issuer, jwksUri(), keys.verify);
          },
          jwks: async () => {
            await keys.signer;
            return jwksDocument(keys.verify);
          },
        }
      : undefined,
  });
  for (const [p, h] of obs.handlers) nr.exact.set(p, h);
  const api = new ApiServer({
    catalog,
    rest,
    authenticator,
    authorizer: authz.authorizer,
    forbidden: authz.forbidden,
    tables: createTables(clock.now),
    nonResource: nr.exact,
    nonResourcePrefixes: nr.prefixes,
    logger: log,
    watchBookmarkIntervalMs: o.watchBookmarkIntervalMs,
    observer: obs.observer,
  });

  // Controllers (built afresh each time this replica becomes the leader).
  const makeControllers = () => {
    const nsController = new NamespaceController({ store, client, catalog, caPem: pki.caCertPem, log: log.info });
    const gc = new GarbageCollector(store, client, catalog, log.info);
    const tokens = new TokensController({
      store,
      client,
      caPem: pki.caCertPem,
      signer: keys.legacySigner,
      autoCreate: o.legacyServiceAccountTokenSecrets,
      log: log.info,
    });
    gc.index(store.list('/core/').concat());
    return {
      start: () => (nsController.start(), gc.start(), tokens.start()),
      stop: () => (nsController.stop(), gc.stop(), tokens.stop()),
      idle: () => Promise.all([nsController.idle(), gc.idle(), tokens.idle()]),
    };
  };
  let replication: Replication | undefined;
  let controllers: ReturnType<typeof makeControllers> | undefined;
  if (etcd) {
    replication = await startReplication({
      store,
      client,
      authz,
      keys,
      issuers: o.serviceAccountIssuers,
      log,
      makeControllers,
    });
  } else {
    await authz.start(client);
    controllers = makeControllers();
    controllers.start();
    await bootstrapNamespaces(client);
  }

  const server: Http2SecureServer = createListener(
    { cert: servingCert, key: servingKey, ca: clientCa, readHeaderTimeoutMs: o.readHeaderTimeoutMs },
    api.listener,
  );
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.securePort, o.bindAddress, () => {
      server.off('error', rej);
      res();
    });
  });
  port = (server.address() as AddressInfo).port;
  lock.setPort(port);
  // The kubernetes Service needs the secure port, known once listening (--secure-port=0 picks one).
  const kubernetesService = new KubernetesServiceController({
    store,
    client,
    address: o.advertiseAddress ?? (/^0\.0\.0\.0$|:/.test(o.bindAddress) ? '127.0.0.1' : o.bindAddress),
    port,
    clusterIP: firstAddress(serviceRange),
    log: log.info,
  });
  kubernetesService.start();
  await kubernetesService.idle();
  const host = o.bindAddress.includes(':')
    ? `[${o.bindAddress}]`
    : o.bindAddress === '0.0.0.0'
      ? '127.0.0.1'
      : o.bindAddress;
  const url = `https://${host}:${port}`;
  const kubeconfigPath = join(dataDir, 'admin.kubeconfig');
  writeKubeconfig(
    kubeconfigPath,
    renderKubeconfig({
      server: url,
      caPem: pki.caCertPem,
      user: { name: 'kubernetes-admin', clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem },
    }),
  );
  ready = true;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    kubeconfigPath,
    dataDir,
    caPem: pki.caCertPem,
    store,
    keys,
    listener: api.listener,
    settle: async () => {
      for (let i = 0; i < 3; i++)
        await Promise.all([(replication?.controllers() ?? controllers)?.idle(), kubernetesService.idle()]);
    },
    close: () =>
      (closing ??= (async () => {
        server.close();
        await api.drain();
        obs.close();
        controllers?.stop();
        replication?.stop();
        kubernetesService.stop();
        authz.stop();
        configWatch?.close();
        oidc?.stop();
        // A first start's key generation finishes writing before the process exits.
        await pki.saKeyWritten?.catch(() => undefined);
        await store.close();
        etcd?.stop();
        lock.release();
      })()),
  };
}
