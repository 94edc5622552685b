// `kubeauth serve` flags onto the server's configuration.
import type { ServerConfig } from '../server/config.js';
import { resolveAuthentication, type ServeOptions } from './options.js';

export async function serverConfig(o: ServeOptions): Promise<ServerConfig> {
  // Loads --oidc-* / --authentication-config (and may settle --anonymous-auth from the file).
  const authn = await resolveAuthentication(o);
  return {
    dataDir: o.dataDir,
    logLevel: o.logLevel,
    serving: {
      bindAddress: o.bindAddress,
      port: o.securePort,
      certFile: o.tlsCertFile,
      keyFile: o.tlsPrivateKeyFile,
      clientCaFile: o.clientCaFile,
      extraSans: o.tlsSans,
      externalHostname: o.externalHostname,
      readHeaderTimeoutMs: o.readHeaderTimeoutMs,
    },
    storage: {
      backend: o.storageBackend,
      etcd:
        o.storageBackend === 'etcd3'
          ? {
              servers: o.etcd.servers,
              caFile: o.etcd.caFile,
              certFile: o.etcd.certFile,
              keyFile: o.etcd.keyFile,
              prefix: o.etcd.prefix,
              compactionIntervalSec: o.etcd.compactionInterval,
              healthcheckTimeoutSec: o.etcd.healthcheckTimeout,
            }
          : undefined,
    },
    authentication: {
      apiAudiences: o.apiAudiences,
      tokenAuthFile: o.tokenAuthFile,
      anonymous: o.anonymousAuth,
      anonymousConfig: authn.anonymous,
      jwt: authn.jwt,
      configFile: authn.file,
    },
    authorization: { modes: o.authorizationModes },
    serviceAccounts: {
      issuers: o.serviceAccountIssuers,
      keyFiles: o.serviceAccountKeyFiles,
      signingKeyFile: o.serviceAccountSigningKeyFile,
      maxTokenExpirationSeconds: o.serviceAccountMaxTokenExpiration,
      extendTokenExpiration: o.serviceAccountExtendTokenExpiration,
      lookup: o.serviceAccountLookup,
      jwksUri: o.serviceAccountJwksUri,
      legacyTokenSecrets: o.legacyServiceAccountTokenSecrets,
    },
    services: { clusterIPRange: o.serviceClusterIPRange, advertiseAddress: o.advertiseAddress },
    observability: o.ops,
    ui: o.ui,
    watchBookmarkIntervalMs: o.watchBookmarkIntervalMs,
    clock: o.clock,
  };
}
