// What a kubeauth server is built from. The CLI maps its flags onto it (cli/config.ts); tests and embedders may
// write one directly. Every value is settled: files named here are read at start, nothing is parsed later.
import type { AnonymousAuthConfig, JwtAuthenticatorConfig } from '../authn/oidc/types.js';
import type { setupObservability } from '../observe/setup.js';
import type { Clock } from '../clock/clock.js';
import type { EtcdStoreOptions } from '../storage/etcd/open.js';

export interface ServerConfig {
  /** Holds the CA, certificates, keys, the admin kubeconfig and the SQLite store. */
  dataDir: string;
  logLevel: string;
  serving: ServingConfig;
  /** etcd3: shared by several replicas, `etcd` then says where and how (the --etcd-* flags). */
  storage: { backend: 'sqlite' | 'memory' | 'etcd3'; etcd?: EtcdStoreOptions };
  authentication: AuthenticationConfig;
  authorization: { modes: string[] };
  serviceAccounts: ServiceAccountConfig;
  services: { clusterIPRange: string; advertiseAddress?: string };
  /** Metrics, audit and request logs. */
  observability?: Parameters<typeof setupObservability>[0];
  /** Serve the web inspector at /ui/ (--ui). */
  ui?: boolean;
  /** How often watches get a bookmark: kube's minute unless a test shortens it. */
  watchBookmarkIntervalMs?: number;
  /** The time source for tokens, caches and timestamps: the wall clock unless a test passes a manual one. */
  clock?: Clock;
}

export interface ServingConfig {
  bindAddress: string;
  /** 0 picks a free port. */
  port: number;
  /** The serving certificate and key; generated under the data dir when unset. */
  certFile?: string;
  keyFile?: string;
  /** Client certificates signed by these authorities authenticate; the generated CA when unset. */
  clientCaFile?: string;
  /** Extra subject alternative names for the generated serving certificate. */
  extraSans: string[];
  /** The host (and port) in generated URLs such as the jwks_uri. */
  externalHostname?: string;
  /** The TLS-handshake and request-header deadline: kube's 32 s unless a test shortens it. */
  readHeaderTimeoutMs?: number;
}

export interface AuthenticationConfig {
  apiAudiences: string[];
  /** A static token file (--token-auth-file). */
  tokenAuthFile?: string;
  /** Whether requests without credentials are system:anonymous (--anonymous-auth, or the config file's). */
  anonymous: boolean;
  /** The authentication config file's anonymous section (its conditions: the only paths anonymous may reach). */
  anonymousConfig?: AnonymousAuthConfig;
  /** External JWT/OIDC issuers, after the service-account tokens. */
  jwt: JwtAuthenticatorConfig[];
  /** The --authentication-config file and the text it held at start, watched for changes. */
  configFile?: { path: string; data: string };
}

export interface ServiceAccountConfig {
  /** Token issuers: the first signs, all are accepted. */
  issuers: string[];
  /** Verification keys beyond the signing key. */
  keyFiles: string[];
  /** The signing key; generated under the data dir when unset. */
  signingKeyFile?: string;
  /** The longest a requested token may live, in seconds; 0 for no limit. */
  maxTokenExpirationSeconds: number;
  extendTokenExpiration: boolean;
  /** Whether a token's ServiceAccount (and Secret, for legacy tokens) must still exist. */
  lookup: boolean;
  jwksUri?: string;
  /** Create a token Secret for every ServiceAccount, as before Kubernetes 1.24. */
  legacyTokenSecrets: boolean;
}
