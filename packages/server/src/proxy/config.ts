// `kubeauth proxy` flags (kube-rbac-proxy's names) and its authorization config file.
import { readFileSync } from 'node:fs';
import { parse as parseYamlDocument } from 'yaml';
import { FlagError, parseFlags, type FlagSpec } from '../cli/flags.js';

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
  { name: 'tls-cert-file', type: 'string', usage: 'Serving certificate (PEM). Default: a self-signed one in memory.' },
  { name: 'tls-private-key-file', type: 'string', usage: 'Key of --tls-cert-file (PEM).' },
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
  // Hidden (not in kube-rbac-proxy): one TTL for every cache, for tests and demonstrations.
  { name: 'auth-cache-ttl', type: 'duration', usage: '' },
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
}

export interface AuthHeaderOptions {
  enabled: boolean;
  userFieldName: string;
  groupsFieldName: string;
  groupsSeparator: string;
}

export function parseProxyOptions(argv: string[]): ProxyCommandOptions {
  const { values: v, args } = parseFlags(proxyFlags, argv);
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
  return {
    upstream,
    listenHost: host,
    listenPort: port,
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
