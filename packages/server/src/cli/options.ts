// `kubeauth serve` options: kube-apiserver's flag names and defaults wherever one exists, validated at start
// with kube-apiserver's messages.
import { FlagError, parseFlags, type FlagSpec } from './flags.js';
import { ipv4ToNumber, parseServiceRange } from '../registry/services/cidr.js';
import { oidcFlagSpecs } from '../authn/oidc/flag-specs.js';
import { etcdFlagSpecs, etcdOptions, validateEtcd, type EtcdOptions } from './etcd-flags.js';
import { opsFlagSpecs, parseOpsOptions, type OpsOptions } from './ops-flags.js';
import type { AuthenticationFromFlags } from '../authn/oidc/options.js';
import type { Clock } from '../clock/clock.js';

export interface ServeOptions {
  securePort: number;
  bindAddress: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  tlsSans: string[];
  clientCaFile?: string;
  tokenAuthFile?: string;
  anonymousAuth: boolean;
  authorizationModes: string[];
  serviceAccountIssuers: string[];
  serviceAccountKeyFiles: string[];
  serviceAccountSigningKeyFile?: string;
  apiAudiences: string[];
  serviceAccountMaxTokenExpiration: number;
  serviceAccountExtendTokenExpiration: boolean;
  serviceAccountLookup: boolean;
  serviceAccountJwksUri?: string;
  legacyServiceAccountTokenSecrets: boolean;
  dataDir: string;
  storageBackend: 'sqlite' | 'memory' | 'etcd3';
  etcd: EtcdOptions;
  externalHostname?: string;
  /** --service-cluster-ip-range (kube's default 10.0.0.0/24, DefaultServiceIPCIDR). */
  serviceClusterIPRange: string;
  /** --advertise-address: where the `default/kubernetes` Endpoints point (the bind address unless unspecified). */
  advertiseAddress?: string;
  logLevel: string;
  /** --ui: the web inspector at /ui/. */
  ui: boolean;
  /** Metrics, audit and request-log flags (cli/ops-flags.ts). */
  ops?: OpsOptions;
  /** External JWT/OIDC issuers from --oidc-* or --authentication-config (see resolveAuthentication). */
  authentication?: AuthenticationFromFlags;
  /** The --oidc-* / --authentication-config values as given, resolved lazily (the CEL engine is heavy). */
  authenticationFlags: Map<string, unknown>;
  anonymousAuthExplicit: boolean;
  /** Internal (no flag): the TLS-handshake and request-header deadline, kube's 32 s unless a test shortens it. */
  readHeaderTimeoutMs?: number;
  /** Internal (no flag): the time source for tokens, caches and timestamps (the testing API's manual clock). */
  clock?: Clock;
  /** Internal (no flag): how often watches get a bookmark, kube's minute unless a test shortens it. */
  watchBookmarkIntervalMs?: number;
}

export const serveFlags: FlagSpec[] = [
  {
    name: 'secure-port',
    type: 'int',
    default: 6443,
    usage: 'The port on which to serve HTTPS with authentication and authorization.',
  },
  {
    name: 'bind-address',
    type: 'string',
    default: '127.0.0.1',
    usage: 'The IP address on which to listen for the --secure-port port.',
  },
  {
    name: 'tls-cert-file',
    type: 'string',
    usage:
      'File containing the default x509 Certificate for HTTPS (CA cert, if any, concatenated after server cert). Generated under --data-dir when unset.',
  },
  {
    name: 'tls-private-key-file',
    type: 'string',
    usage: 'File containing the default x509 private key matching --tls-cert-file.',
  },
  {
    name: 'tls-sans',
    type: 'stringSlice',
    default: [],
    usage: 'Extra subject alternative names (DNS names or IPs) for the generated serving certificate.',
  },
  {
    name: 'client-ca-file',
    type: 'string',
    usage:
      'Client certificates signed by one of these authorities are authenticated (CN = user, O = groups). Defaults to the generated CA.',
  },
  {
    name: 'token-auth-file',
    type: 'string',
    usage: 'If set, the file that will be used to secure the secure port of the API server via token authentication.',
  },
  {
    name: 'anonymous-auth',
    type: 'bool',
    default: true,
    usage: 'Enables anonymous requests to the secure port of the API server.',
  },
  {
    name: 'authorization-mode',
    type: 'stringSlice',
    default: ['RBAC'],
    usage: 'Ordered list of plug-ins to do authorization on secure port: AlwaysAllow, AlwaysDeny, RBAC.',
  },
  {
    name: 'service-account-issuer',
    type: 'stringArray',
    default: ['https://kubernetes.default.svc.cluster.local'],
    usage: 'Identifier of the service account token issuer (repeatable; the first signs, all are accepted).',
  },
  {
    name: 'service-account-key-file',
    type: 'stringArray',
    default: [],
    usage:
      'File containing PEM-encoded x509 RSA or ECDSA private or public keys, used to verify ServiceAccount tokens (repeatable).',
  },
  {
    name: 'service-account-signing-key-file',
    type: 'string',
    usage:
      'Path to the file that contains the current private key of the service account token issuer. Generated under --data-dir when unset.',
  },
  {
    name: 'api-audiences',
    type: 'stringSlice',
    default: [],
    usage: 'Identifiers of the API. Defaults to the service account issuers.',
  },
  {
    name: 'service-account-max-token-expiration',
    type: 'duration',
    default: 0,
    usage: 'The maximum validity duration of a token created by the service account token issuer.',
  },
  {
    name: 'service-account-extend-token-expiration',
    type: 'bool',
    default: true,
    usage: 'Turns on projected service account expiration extension during token generation.',
  },
  {
    name: 'service-account-lookup',
    type: 'bool',
    default: true,
    usage: 'If true, validate ServiceAccount tokens exist in storage as part of authentication.',
  },
  {
    name: 'service-account-jwks-uri',
    type: 'string',
    usage:
      'Overrides the URI for the JSON Web Key Set in the discovery doc served at /.well-known/openid-configuration.',
  },
  {
    name: 'legacy-service-account-token-secrets',
    type: 'bool',
    default: false,
    usage: 'Restore pre-1.24 behaviour: auto-create a token Secret for every ServiceAccount.',
  },
  {
    name: 'external-hostname',
    type: 'string',
    usage: 'The hostname (and port) to use in generated URLs such as the jwks_uri.',
  },
  {
    name: 'service-cluster-ip-range',
    type: 'string',
    default: '10.0.0.0/24',
    usage:
      'A CIDR notation IP range from which to assign service cluster IPs. This must not overlap with any IP ranges assigned to nodes or pods.',
  },
  {
    name: 'advertise-address',
    type: 'string',
    usage:
      'The IP address on which to advertise the apiserver to members of the cluster (the default/kubernetes Endpoints). If blank, the --bind-address will be used, or 127.0.0.1 when that is unspecified.',
  },
  {
    name: 'data-dir',
    type: 'string',
    default: './.kubeauth',
    usage: 'Directory for the CA, certificates, keys, admin kubeconfig and the SQLite store.',
  },
  {
    name: 'storage-backend',
    type: 'string',
    default: 'sqlite',
    usage:
      'Storage backend: sqlite (durable, default), etcd3 (shared by several replicas; see --etcd-*) or memory (nothing persisted).',
  },
  ...etcdFlagSpecs,
  { name: 'log-level', type: 'string', default: 'info', usage: 'Log level: debug, info, warn, error.' },
  {
    name: 'ui',
    type: 'bool',
    default: false,
    usage:
      'Serve the web inspector at /ui/ (who-can, matrix, graph, token doctor, live trace), behind the same authentication and RBAC (ClusterRole kubeauth:ui-viewer).',
  },
  ...oidcFlagSpecs,
  ...opsFlagSpecs,
];

const maxExpiration = 2 ** 32;

export function parseServeOptions(argv: string[]): ServeOptions {
  const { values: v, args, explicit } = parseFlags(serveFlags, argv);
  if (args.length) throw new FlagError(`unexpected argument: ${args[0]}`);
  const o: ServeOptions = {
    securePort: v.get('secure-port') as number,
    bindAddress: v.get('bind-address') as string,
    tlsCertFile: v.get('tls-cert-file') as string | undefined,
    tlsPrivateKeyFile: v.get('tls-private-key-file') as string | undefined,
    tlsSans: v.get('tls-sans') as string[],
    clientCaFile: v.get('client-ca-file') as string | undefined,
    tokenAuthFile: v.get('token-auth-file') as string | undefined,
    anonymousAuth: v.get('anonymous-auth') as boolean,
    authorizationModes: v.get('authorization-mode') as string[],
    serviceAccountIssuers: v.get('service-account-issuer') as string[],
    serviceAccountKeyFiles: v.get('service-account-key-file') as string[],
    serviceAccountSigningKeyFile: v.get('service-account-signing-key-file') as string | undefined,
    apiAudiences: v.get('api-audiences') as string[],
    serviceAccountMaxTokenExpiration: v.get('service-account-max-token-expiration') as number,
    serviceAccountExtendTokenExpiration: v.get('service-account-extend-token-expiration') as boolean,
    serviceAccountLookup: v.get('service-account-lookup') as boolean,
    serviceAccountJwksUri: v.get('service-account-jwks-uri') as string | undefined,
    legacyServiceAccountTokenSecrets: v.get('legacy-service-account-token-secrets') as boolean,
    externalHostname: v.get('external-hostname') as string | undefined,
    serviceClusterIPRange: v.get('service-cluster-ip-range') as string,
    advertiseAddress: v.get('advertise-address') as string | undefined,
    dataDir: v.get('data-dir') as string,
    storageBackend: v.get('storage-backend') as ServeOptions['storageBackend'],
    etcd: etcdOptions(v),
    logLevel: v.get('log-level') as string,
    ui: v.get('ui') as boolean,
    authenticationFlags: new Map([...v].filter(([k]) => oidcFlagSpecs.some((f) => f.name === k))),
    anonymousAuthExplicit: explicit.has('anonymous-auth'),
  };
  validate(o);
  o.ops = parseOpsOptions(v);
  if (o.apiAudiences.length === 0) o.apiAudiences = [...o.serviceAccountIssuers];
  return o;
}

function validate(o: ServeOptions): void {
  const errs: string[] = [];
  if (o.securePort < 0 || o.securePort > 65535)
    // kube-apiserver's text up to the full stop; its "0 for turning off secure port" is not true here.
    errs.push(`--secure-port ${o.securePort} must be between 0 and 65535, inclusive. 0 picks a free port`);
  if (!/^[0-9.]+$|:/.test(o.bindAddress)) errs.push(`--bind-address ${o.bindAddress} is not a valid IP address`);
  try {
    parseServiceRange(o.serviceClusterIPRange);
  } catch (e) {
    errs.push((e as Error).message);
  }
  if (o.advertiseAddress !== undefined && ipv4ToNumber(o.advertiseAddress) === undefined)
    errs.push(`--advertise-address ${o.advertiseAddress} must be an IPv4 address`);
  if (!!o.tlsCertFile !== !!o.tlsPrivateKeyFile)
    errs.push('--tls-cert-file and --tls-private-key-file must be specified together');
  if (o.serviceAccountIssuers.length === 0 || o.serviceAccountIssuers.some((i) => i === ''))
    errs.push('service-account-issuer should not be an empty string');
  for (const iss of o.serviceAccountIssuers) {
    if (iss.includes(':')) {
      try {
        new URL(iss);
      } catch {
        errs.push(`service-account-issuer contained a ':' but was not a valid URL: parse "${iss}": invalid URI`);
      }
    }
  }
  if (new Set(o.serviceAccountIssuers).size !== o.serviceAccountIssuers.length)
    errs.push('service-account-issuer must not contain duplicate values');
  const max = o.serviceAccountMaxTokenExpiration;
  if (max !== 0 && (max < 3600 || max > maxExpiration))
    errs.push('the service-account-max-token-expiration must be between 1 hour to 2^32 seconds');
  if (o.serviceAccountJwksUri) {
    let ok: boolean;
    try {
      ok = new URL(o.serviceAccountJwksUri).protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) errs.push('service-account-jwks-uri requires https scheme, parsed as: ' + o.serviceAccountJwksUri);
  }
  for (const m of o.authorizationModes)
    if (!['AlwaysAllow', 'AlwaysDeny', 'RBAC'].includes(m))
      errs.push(
        ['ABAC', 'Webhook', 'Node'].includes(m)
          ? `authorization-mode ${JSON.stringify(m)} is not supported by kubeauth`
          : `authorization-mode ${JSON.stringify(m)} is not a valid mode`,
      );
  if (new Set(o.authorizationModes).size !== o.authorizationModes.length)
    errs.push(`authorization-mode ${o.authorizationModes.join(',')} has mode specified more than once`);
  if (o.storageBackend !== 'sqlite' && o.storageBackend !== 'memory' && o.storageBackend !== 'etcd3')
    errs.push(`--storage-backend ${JSON.stringify(o.storageBackend)} is not supported: use sqlite, etcd3 or memory`);
  errs.push(...validateEtcd(o.storageBackend, o.etcd));
  if (errs.length) throw new FlagError(errs.join('\n'));
}

/**
 * Loads and validates the external issuers (--oidc-* / --authentication-config). Separate from parsing so
 * a server without them never loads the CEL engine; errors are still start-up errors.
 */
export async function resolveAuthentication(o: ServeOptions): Promise<AuthenticationFromFlags> {
  if (o.authentication) return o.authentication;
  if (o.authenticationFlags.size === 0) return (o.authentication = { jwt: [] });
  const { authenticationFromFlags } = await import('../authn/oidc/options.js');
  const { anonymousFlagConflict } = await import('../authn/oidc/validation.js');
  let a: AuthenticationFromFlags;
  try {
    a = authenticationFromFlags(o.authenticationFlags, { disallowedIssuers: o.serviceAccountIssuers });
  } catch (e) {
    throw new FlagError((e as Error).message);
  }
  if (a.anonymous) {
    if (o.anonymousAuthExplicit) throw new FlagError(anonymousFlagConflict);
    o.anonymousAuth = a.anonymous.enabled;
  }
  return (o.authentication = a);
}
