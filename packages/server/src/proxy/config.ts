// `kubeauth proxy` flags (kube-rbac-proxy's names) and its authorization config file.
import { readFileSync } from 'node:fs';
import { parse as parseYamlDocument } from 'yaml';
import { FlagError, parseFlags, type FlagSpec } from '../cli/flags.js';

/** klog flags removed upstream; kube-rbac-proxy accepts them and warns (its options/deprecated.go). */
const REMOVED_KLOG_FLAGS: Array<[string, 'bool' | 'string' | 'int']> = [
  ['logtostderr', 'bool'],
  ['add-dir-header', 'bool'],
  ['alsologtostderr', 'bool'],
  ['log-backtrace-at', 'string'],
  ['log-dir', 'string'],
  ['log-file', 'string'],
  ['log-file-max-size', 'int'],
  ['one-output', 'bool'],
  ['skip-headers', 'bool'],
  ['skip-log-headers', 'bool'],
  ['stderrthreshold', 'string'],
];

/** node's names of the TLS versions --tls-min-version can name. */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** Go's crypto/tls version names (k8s.io/component-base/cli/flag TLSVersion) → node's. */
const TLS_VERSIONS: Readonly<Record<string, TlsVersion>> = {
  VersionTLS10: 'TLSv1',
  VersionTLS11: 'TLSv1.1',
  VersionTLS12: 'TLSv1.2',
  VersionTLS13: 'TLSv1.3',
};

/**
 * Go's cipher suite names (tls.CipherSuites() and tls.InsecureCipherSuites(), plus the two legacy CHACHA20 names
 * component-base keeps) → OpenSSL's. The TLS 1.3 suites map to '': Go does not let them be configured, and names
 * them only to accept them.
 */
const CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_AES_128_GCM_SHA256: '',
  TLS_AES_256_GCM_SHA384: '',
  TLS_CHACHA20_POLY1305_SHA256: '',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
};

/** The TLS 1.3 suites node enables by default; named in `ciphers` so a TLS 1.2 list leaves TLS 1.3 as it was. */
const TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/** --tls-cipher-suites as node's `ciphers` string (undefined: node's defaults), with component-base's errors. */
export function opensslCiphers(goNames: string[]): string | undefined {
  if (goNames.length === 0) return undefined;
  const names: string[] = [];
  for (const name of goNames) {
    const openssl = Object.hasOwn(CIPHER_SUITES, name) ? CIPHER_SUITES[name] : undefined;
    if (openssl === undefined) throw new FlagError(`Cipher suite ${name} not supported or doesn't exist`);
    if (openssl !== '') names.push(openssl);
  }
  return [TLS13_SUITES, ...names].join(':');
}

export const proxyFlags: FlagSpec[] = [
  {
    name: 'upstream',
    type: 'string',
    usage: 'The upstream URL to proxy to once requests have successfully been authenticated and authorized.',
  },
  {
    name: 'secure-listen-address',
    type: 'string',
    default: '127.0.0.1:8443',
    usage: 'The address the proxy listens on for HTTPS (host:port).',
  },
  {
    name: 'proxy-endpoints-port',
    type: 'int',
    default: 0,
    usage:
      "The port to securely serve proxy-specific endpoints (such as '/healthz'). Uses the host from the '--secure-listen-address'.",
  },
  { name: 'tls-cert-file', type: 'string', usage: 'Serving certificate (PEM). Default: a self-signed one in memory.' },
  { name: 'tls-private-key-file', type: 'string', usage: 'Key of --tls-cert-file (PEM).' },
  {
    name: 'tls-min-version',
    type: 'string',
    default: 'VersionTLS12',
    usage: 'Minimum TLS version: VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13 (Go names).',
  },
  {
    name: 'tls-cipher-suites',
    type: 'stringSlice',
    default: [],
    usage: 'Comma-separated TLS 1.0-1.2 cipher suites, by Go name (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...).',
  },
  {
    name: 'tls-reload-interval',
    type: 'duration',
    default: 60,
    usage: 'How often --tls-cert-file and --tls-private-key-file are re-read; a changed pair serves new connections.',
  },
  {
    name: 'client-ca-file',
    type: 'string',
    usage: 'CA bundle for client certificates; a verified certificate authenticates as CN (user) and O (groups).',
  },
  {
    name: 'auth-token-audiences',
    type: 'stringSlice',
    default: [],
    usage: 'Comma-separated audiences a bearer token must be valid for (TokenReview spec.audiences).',
  },
  { name: 'config-file', type: 'string', usage: 'Configuration file (YAML) with the authorization settings.' },
  {
    name: 'allow-paths',
    type: 'stringSlice',
    default: [],
    usage: 'Comma-separated path patterns (path.Match) that are proxied; other paths get 404.',
  },
  {
    name: 'ignore-paths',
    type: 'stringSlice',
    default: [],
    usage: 'Comma-separated path patterns (path.Match) proxied without authentication or authorization.',
  },
  {
    name: 'auth-header-fields-enabled',
    type: 'bool',
    default: false,
    usage: 'When set, the user name and groups are passed upstream in headers.',
  },
  {
    name: 'auth-header-user-field-name',
    type: 'string',
    default: 'x-remote-user',
    usage: 'The name of the header carrying the user name upstream.',
  },
  {
    name: 'auth-header-groups-field-name',
    type: 'string',
    default: 'x-remote-groups',
    usage: 'The name of the header carrying the groups upstream.',
  },
  {
    name: 'auth-header-groups-field-separator',
    type: 'string',
    default: '|',
    usage: 'The separator between groups in the groups header.',
  },
  {
    name: 'kubeconfig',
    type: 'string',
    usage: 'Kubeconfig used for TokenReview and SubjectAccessReview; default $KUBECONFIG, else in-cluster.',
  },
  { name: 'upstream-ca-file', type: 'string', usage: 'CA bundle trusted for an https:// upstream.' },
  { name: 'upstream-client-cert-file', type: 'string', usage: 'Client certificate presented to the upstream.' },
  { name: 'upstream-client-key-file', type: 'string', usage: 'Key of --upstream-client-cert-file.' },
  {
    name: 'v',
    shorthand: 'v',
    type: 'int',
    default: 0,
    usage: 'Log verbosity (klog); accepted for kube-rbac-proxy compatibility: errors and warnings are always logged.',
  },
  // Hidden (not in kube-rbac-proxy): one TTL for every cache, for tests and demonstrations.
  { name: 'auth-cache-ttl', type: 'duration', usage: '' },
  // Hidden: klog flags kube-rbac-proxy still accepts, with a warning that they have no effect.
  ...REMOVED_KLOG_FLAGS.map(([name, type]): FlagSpec => ({ name, type, usage: '' })),
];

/** `authorization.resourceAttributes` as kube-rbac-proxy reads it. */
export interface ResourceAttributesConfig {
  namespace?: string;
  apiVersion?: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** One `authorization.static` entry: when it matches, the request is allowed without a SubjectAccessReview. */
export interface StaticAuthorizationConfig {
  user?: { name?: string; groups?: string[] };
  verb?: string;
  namespace?: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  resourceRequest?: boolean;
  path?: string;
}

export interface AuthorizationConfig {
  resourceAttributes?: ResourceAttributesConfig;
  /** Template `{{ .Value }}` in resourceAttributes from each value of a query parameter or header. */
  rewrites?: { byQueryParameter?: string; byHttpHeader?: string };
  static: StaticAuthorizationConfig[];
}

export interface ProxyCommandOptions {
  upstream: URL;
  listenHost: string;
  listenPort: number;
  /** --proxy-endpoints-port; undefined: off (0). */
  endpointsPort?: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  audiences: string[];
  authorization: AuthorizationConfig;
  allowPaths: string[];
  ignorePaths: string[];
  authHeader: AuthHeaderOptions;
  kubeconfig?: string;
  upstreamCaFile?: string;
  upstreamClientCertFile?: string;
  upstreamClientKeyFile?: string;
  /** Milliseconds; undefined = the verify library's defaults. */
  cacheTtlMs?: number;
  tlsMinVersion: TlsVersion;
  /** node's `ciphers` string; undefined: node's defaults. */
  tlsCiphers?: string;
  tlsReloadIntervalMs: number;
  /** Removed klog flags that were given (each gets kube-rbac-proxy's warning at start). */
  removedFlags: string[];
}

export interface AuthHeaderOptions {
  enabled: boolean;
  userFieldName: string;
  groupsFieldName: string;
  groupsSeparator: string;
}

export function parseProxyOptions(argv: string[]): ProxyCommandOptions {
  const { values: v, args, explicit } = parseFlags(proxyFlags, argv);
  if (args.length) throw new FlagError(`unexpected argument: ${args[0]}`);
  const raw = v.get('upstream') as string | undefined;
  if (!raw) throw new FlagError('--upstream is required');
  let upstream: URL;
  try {
    upstream = new URL(raw);
  } catch {
    throw new FlagError(`--upstream "${raw}" is not a URL`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:')
    throw new FlagError(`--upstream "${raw}" must be an http:// or https:// URL`);
  const { host, port } = splitHostPort(v.get('secure-listen-address') as string);
  const endpointsPort = v.get('proxy-endpoints-port') as number;
  // kube-rbac-proxy leaves a bad port to the listen call ("listen tcp: address 70000: invalid port"); refused here
  // before anything starts, in the words of its --secure-port check.
  if (endpointsPort !== 0 && !(endpointsPort >= 1 && endpointsPort <= 65535)) {
    throw new FlagError(`--proxy-endpoints-port ${endpointsPort} must be between 1 and 65535, inclusive`);
  }
  if (endpointsPort !== 0 && endpointsPort === port) {
    throw new FlagError(`--proxy-endpoints-port ${endpointsPort} is the port of --secure-listen-address`);
  }
  const tlsCertFile = v.get('tls-cert-file') as string | undefined;
  const tlsPrivateKeyFile = v.get('tls-private-key-file') as string | undefined;
  if (!!tlsCertFile !== !!tlsPrivateKeyFile)
    throw new FlagError('--tls-cert-file and --tls-private-key-file must be specified together');
  const upstreamClientCertFile = v.get('upstream-client-cert-file') as string | undefined;
  const upstreamClientKeyFile = v.get('upstream-client-key-file') as string | undefined;
  if (!!upstreamClientCertFile !== !!upstreamClientKeyFile)
    throw new FlagError('--upstream-client-cert-file and --upstream-client-key-file must be specified together');
  const allowPaths = v.get('allow-paths') as string[];
  const ignorePaths = v.get('ignore-paths') as string[];
  if (allowPaths.length && ignorePaths.length)
    throw new FlagError('cannot use --allow-paths and --ignore-paths together');
  for (const p of [...allowPaths, ...ignorePaths]) compileGlob(p); // bad patterns fail at start-up
  const configFile = v.get('config-file') as string | undefined;
  const ttl = v.get('auth-cache-ttl') as number | undefined;
  const minVersionName = v.get('tls-min-version') as string;
  // component-base's TLSVersion: an empty name means DefaultTLSVersion(), TLS 1.2.
  const tlsMinVersion =
    minVersionName === ''
      ? 'TLSv1.2'
      : Object.hasOwn(TLS_VERSIONS, minVersionName)
        ? TLS_VERSIONS[minVersionName]
        : undefined;
  if (!tlsMinVersion) throw new FlagError(`unknown tls version ${JSON.stringify(minVersionName)}`);
  const tlsCiphers = opensslCiphers(v.get('tls-cipher-suites') as string[]);
  const reload = v.get('tls-reload-interval') as number;
  if (!(reload > 0)) throw new FlagError('--tls-reload-interval must be positive');
  return {
    upstream,
    listenHost: host,
    listenPort: port,
    ...(endpointsPort !== 0 ? { endpointsPort } : {}),
    tlsCertFile,
    tlsPrivateKeyFile,
    clientCaFile: v.get('client-ca-file') as string | undefined,
    audiences: v.get('auth-token-audiences') as string[],
    authorization: configFile ? loadAuthorizationConfig(configFile) : { static: [] },
    allowPaths,
    ignorePaths,
    authHeader: {
      enabled: v.get('auth-header-fields-enabled') as boolean,
      userFieldName: v.get('auth-header-user-field-name') as string,
      groupsFieldName: v.get('auth-header-groups-field-name') as string,
      groupsSeparator: v.get('auth-header-groups-field-separator') as string,
    },
    kubeconfig: v.get('kubeconfig') as string | undefined,
    upstreamCaFile: v.get('upstream-ca-file') as string | undefined,
    upstreamClientCertFile,
    upstreamClientKeyFile,
    cacheTtlMs: ttl === undefined ? undefined : Math.round(ttl * 1000),
    tlsMinVersion,
    ...(tlsCiphers !== undefined ? { tlsCiphers } : {}),
    tlsReloadIntervalMs: Math.round(reload * 1000),
    removedFlags: REMOVED_KLOG_FLAGS.map(([name]) => name).filter((name) => explicit.has(name)),
  };
}

function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new FlagError(`--secure-listen-address "${addr}" is not host:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new FlagError(`--secure-listen-address "${addr}": invalid port`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

const str = (x: unknown, what: string): string | undefined => {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'string') throw new FlagError(`config file: ${what} must be a string`);
  return x;
};

export function parseAuthorizationConfig(text: string): AuthorizationConfig {
  let doc: unknown;
  try {
    doc = parseYamlDocument(text);
  } catch (err) {
    throw new FlagError(`config file is not valid YAML: ${(err as Error).message}`);
  }
  const root = (doc ?? {}) as Record<string, unknown>;
  const authz = (root.authorization ?? {}) as Record<string, unknown>;
  if (typeof authz !== 'object') throw new FlagError('config file: authorization must be a mapping');
  let rewrites: AuthorizationConfig['rewrites'];
  if (authz.rewrites !== undefined && authz.rewrites !== null) {
    const rw = authz.rewrites as Record<string, Record<string, unknown> | undefined>;
    const byQueryParameter = str(rw.byQueryParameter?.name, 'authorization.rewrites.byQueryParameter.name');
    const byHttpHeader = str(rw.byHttpHeader?.name, 'authorization.rewrites.byHttpHeader.name');
    if (!byQueryParameter && !byHttpHeader)
      throw new FlagError('config file: authorization.rewrites needs byQueryParameter.name or byHttpHeader.name');
    if (byQueryParameter && byHttpHeader)
      throw new FlagError('config file: authorization.rewrites takes byQueryParameter or byHttpHeader, not both');
    rewrites = byQueryParameter ? { byQueryParameter } : { byHttpHeader: byHttpHeader! };
  }
  let resourceAttributes: ResourceAttributesConfig | undefined;
  if (authz.resourceAttributes !== undefined && authz.resourceAttributes !== null) {
    const r = authz.resourceAttributes as Record<string, unknown>;
    resourceAttributes = {};
    for (const k of ['namespace', 'apiVersion', 'apiGroup', 'resource', 'subresource', 'name'] as const) {
      const val = str(r[k], `authorization.resourceAttributes.${k}`);
      if (val !== undefined) resourceAttributes[k] = val;
    }
  }
  const staticList = (authz.static ?? []) as unknown[];
  if (!Array.isArray(staticList)) throw new FlagError('config file: authorization.static must be a list');
  const statics = staticList.map((e, i): StaticAuthorizationConfig => {
    const s = (e ?? {}) as Record<string, unknown>;
    const where = `authorization.static[${i}]`;
    const out: StaticAuthorizationConfig = {};
    if (s.user) {
      const u = s.user as Record<string, unknown>;
      const groups = u.groups ?? [];
      if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))
        throw new FlagError(`config file: ${where}.user.groups must be a list of strings`);
      out.user = { name: str(u.name, `${where}.user.name`), groups: groups as string[] };
    }
    for (const k of ['verb', 'namespace', 'apiGroup', 'resource', 'subresource', 'name', 'path'] as const) {
      const val = str(s[k], `${where}.${k}`);
      if (val !== undefined) out[k] = val;
    }
    if (s.resourceRequest !== undefined) out.resourceRequest = s.resourceRequest === true;
    return out;
  });
  if (rewrites && !resourceAttributes)
    throw new FlagError('config file: authorization.rewrites needs authorization.resourceAttributes');
  return {
    ...(resourceAttributes ? { resourceAttributes } : {}),
    ...(rewrites ? { rewrites } : {}),
    static: statics,
  };
}

export function loadAuthorizationConfig(file: string): AuthorizationConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FlagError(`cannot read --config-file: ${(err as Error).message}`);
  }
  return parseAuthorizationConfig(text);
}

/** Go's path.Match as a RegExp: `*` any run of non-`/`, `?` one non-`/`, `[...]` classes, `\` escapes. */
export function compileGlob(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) throw new FlagError(`syntax error in pattern "${pattern}"`);
      re += escapeRe(pattern[i]!);
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new FlagError(`syntax error in pattern "${pattern}"`);
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      re += `(?!/)[${negate ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(re + '$');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
