// The composition root: builds kubeauth from a ServerConfig, each part after what it needs (PKI and keys, storage,
// authorization, the stored resources and the system client that writes through them, authentication, the served
// resources, controllers), then starts the HTTPS (h2 + HTTP/1.1) listener.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Http2SecureServer } from 'node:http2';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from './config.js';
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
import { createTables } from './handlers/tables.js';
import { nonResourceHandlers, gvPath, kubernetesVersion, type HealthCheck } from './nonresource.js';
import { createLogger } from './log.js';
import { logCheck, storageCheck } from './health.js';
import { allStored, servedResources, storedResources } from '../registry/resources.js';
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
import { BodyDecoder } from '../api/decode/decoder.js';
import { openapiRoot, openapiDocument, openapiV2 } from '../registry/openapi.js';
import { loadServiceAccountKeys, type ServiceAccountKeys } from '../serviceaccount/setup.js';
import { ServiceAccountTokenAuthenticator } from '../serviceaccount/authenticator.js';
import { discoveryDocument, jwksDocument, isDiscoveryEnabled } from '../serviceaccount/openid.js';
import { createAuthorization, type Authorization } from '../authz/setup.js';
import { TokensController } from '../controllers/tokens.js';
import { wallClock } from '../clock/clock.js';
import { openEtcdStore, type EtcdStore } from '../storage/etcd/open.js';
import { startReplication, type Replication } from './replication.js';
import { RbacController } from '../controllers/rbac.js';
import { setupObservability, storageObjectCounts } from '../observe/setup.js';
import { ApiServerMetrics } from '../metrics/apiserver.js';

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

export async function startServer(c: ServerConfig): Promise<RunningServer> {
  const log = createLogger(c.logLevel);
  const dataDir = resolve(c.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Before anything in the data dir is read or written: a second server on it must change nothing.
  const lock = lockDataDir(dataDir);
  try {
    return await startLocked(c, dataDir, lock, log);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function startLocked(
  c: ServerConfig,
  dataDir: string,
  lock: DataDirLock,
  log: ReturnType<typeof createLogger>,
): Promise<RunningServer> {
  const { serving, authentication, serviceAccounts: sa } = c;
  const pki = await ensurePki(dataDir, { extraSans: serving.extraSans });
  const clock = c.clock ?? wallClock;
  const servingCert = serving.certFile ? readFileSync(serving.certFile, 'utf8') : pki.servingCertPem;
  const servingKey = serving.keyFile ? readFileSync(serving.keyFile, 'utf8') : pki.servingKeyPem;
  const clientCa = serving.clientCaFile ? readFileSync(serving.clientCaFile, 'utf8') : pki.caCertPem;

  const keys = loadServiceAccountKeys(
    { serviceAccountKeyFiles: sa.keyFiles, serviceAccountSigningKeyFile: sa.signingKeyFile },
    pki.saKeyPath,
    dataDir,
    pki.saKeyWritten,
  );
  pki.saKeyWritten?.catch((e: unknown) =>
    log.warn('generating the service-account signing key failed', { err: String(e) }),
  );

  let etcd: EtcdStore | undefined;
  let store: Store;
  if (c.storage.backend === 'etcd3') {
    etcd = await openEtcdStore(c.storage.etcd!, log);
    store = etcd.store;
  } else {
    const backend =
      c.storage.backend === 'memory' ? new MemoryBackend() : new SqliteBackend(join(dataDir, 'kubeauth.db'));
    store = await Store.open(backend);
    store.startCompaction();
  }
  const lookup = new StoreLookup(store);
  const authz: Authorization = createAuthorization(c.authorization.modes, store);
  const issuer = sa.issuers[0]!;
  const serviceRange = parseServiceRange(c.services.clusterIPRange);
  const stored = storedResources({
    authz,
    lookup,
    keys,
    tokenRequest: {
      issuer,
      apiAudiences: authentication.apiAudiences,
      maxExpirationSeconds: sa.maxTokenExpirationSeconds,
      extendExpiration: sa.extendTokenExpiration,
      now: clock.now,
    },
    services: new ServiceAllocator({ store, range: serviceRange }),
  });
  // The decoding worker: costly bodies and large applies, shared by the API server and the registry.
  const decoder = new BodyDecoder();
  const rest = new RestStorage({
    store,
    admission: new AdmissionChain([namespaceLifecycle(lookup), podDefaults(), serviceAccountAdmission(lookup)]),
    fields: createFieldManager(decoder),
    bodies: createBodyChecker(),
    now: clock.now,
  });
  // Controllers, and the authenticator when it records legacy-token use, write stored objects only.
  const storedCatalog = new Catalog(allStored(stored));
  const client = new SystemClient(rest, storedCatalog);
  // Stored objects are counted by the stored resources (the reviews store nothing).
  const metrics = new ApiServerMetrics({ storageObjects: () => storageObjectCounts(store, storedCatalog.groups) });

  // Authentication: token file, then service-account tokens (legacy + bound) — kube-apiserver's order.
  const tokenAuthenticators: TokenAuthenticator[] = [];
  if (authentication.tokenAuthFile)
    tokenAuthenticators.push(
      TokenFileAuthenticator.fromFile(authentication.tokenAuthFile, authentication.apiAudiences),
    );
  const saAuthn = new ServiceAccountTokenAuthenticator({
    issuers: sa.issuers,
    apiAudiences: authentication.apiAudiences,
    keys: keys.verify,
    lookup,
    now: clock.now,
    lookupLegacy: sa.lookup,
    onAccepted: (kind) => metrics[`${kind}Tokens`].inc(),
    // Legacy-token use is recorded on the Secret's last-used label, off the request path.
    onLegacyUse: (p) =>
      void client
        .update('', 'secrets', p.namespace, p.name, (sec) => {
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
  if (authentication.jwt.length || authentication.configFile) {
    const { OidcAuthenticators, watchAuthenticationConfig } = await import('../authn/oidc/authenticator.js');
    const jwt = new OidcAuthenticators(authentication.jwt, {
      apiAudiences: authentication.apiAudiences,
      log,
      disallowedIssuers: sa.issuers,
      // Only a test's clock is passed: with none, Go-compatible messages print the real clock's reading.
      ...(clock === wallClock ? {} : { now: clock.now }),
    });
    jwt.start();
    tokenAuthenticators.push(jwt);
    oidc = jwt;
    const authFile = authentication.configFile;
    if (authFile)
      configWatch = watchAuthenticationConfig(
        authFile.path,
        (c: { jwt: typeof authentication.jwt }) => jwt.reload(c.jwt),
        log,
        {
          initialData: authFile.data,
          initialAnonymous: authentication.anonymousConfig,
          disallowedIssuers: sa.issuers,
        },
      );
  }
  const modes = c.authorization.modes;
  const authenticator = new Authenticator({
    tokenAuthenticators,
    apiAudiences: authentication.apiAudiences,
    anonymous: authentication.anonymous && !(modes.length === 1 && modes[0] === 'AlwaysAllow'),
    anonymousPaths: authentication.anonymousConfig?.conditions.map((a) => a.path),
    clientCertificates: true,
  });

  const { bindAddress } = serving;
  let port = serving.port;
  const serverAddress = () => `${bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress}:${port}`;
  const jwksUri = () => sa.jwksUri ?? `https://${serving.externalHostname ?? serverAddress()}/openid/v1/jwks`;

  const catalog = new Catalog(servedResources(stored, { authenticator, authz, now: clock.now }));
  const rbacController = new RbacController(store, client);

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
    {
      name: 'poststarthook/rbac/bootstrap-roles',
      check: () => (rbacController.bootstrapped() ? undefined : 'not finished'),
    },
    { name: 'poststarthook/start-service-account-controllers', check: () => (ready ? undefined : 'not finished') },
  ];
  const obs = setupObservability(c.observability, {
    metrics,
    traceDecisions: c.ui === true,
    kindOf: (g, v, r) => catalog.find(g, v, r)?.kind,
    checks: { healthz: () => healthChecks(), livez: () => healthChecks(), readyz: () => readyChecks() },
  });
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
  if (c.ui) {
    // The web inspector: a non-resource path, so the chain above authorizes it like /metrics (kubeauth:ui-viewer).
    const { serverUiBackend } = await import('./ui-backend.js');
    const { uiHandler } = await import('./ui.js');
    const handler = uiHandler(
      serverUiBackend({
        cluster: () => `https://${serverAddress()}`,
        index: authz.index,
        lookup,
        keys: keys.verify,
        issuers: sa.issuers,
        apiAudiences: authentication.apiAudiences,
        now: clock.now,
        review: (t, a) => authenticator.reviewToken(t, a),
        decisions: obs.decisions!,
      }),
    );
    nr.exact.set('/ui', handler);
    nr.prefixes.push(['/ui/', handler]);
  }
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
    watchBookmarkIntervalMs: c.watchBookmarkIntervalMs,
    observer: obs.observer,
    decoder,
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
      autoCreate: sa.legacyTokenSecrets,
      log: log.info,
    });
    gc.index(store.all());
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
      rbac: rbacController,
      keys,
      issuers: sa.issuers,
      log,
      makeControllers,
    });
  } else {
    await rbacController.start();
    controllers = makeControllers();
    controllers.start();
    await bootstrapNamespaces(client, clock.now);
  }

  const server: Http2SecureServer = createListener(
    { cert: servingCert, key: servingKey, ca: clientCa, readHeaderTimeoutMs: serving.readHeaderTimeoutMs },
    api.listener,
  );
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(serving.port, bindAddress, () => {
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
    address: c.services.advertiseAddress ?? (/^0\.0\.0\.0$|:/.test(bindAddress) ? '127.0.0.1' : bindAddress),
    port,
    clusterIP: firstAddress(serviceRange),
    log: log.info,
  });
  kubernetesService.start();
  await kubernetesService.idle();
  const host = bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress === '0.0.0.0' ? '127.0.0.1' : bindAddress;
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
        await obs.close();
        controllers?.stop();
        replication?.stop();
        kubernetesService.stop();
        rbacController.stop();
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
