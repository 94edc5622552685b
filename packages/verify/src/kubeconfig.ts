/**
 * Reads kubeconfig files (YAML or JSON) into {@link ConnectionOptions}, following client-go's rules: `KUBECONFIG`
 * may list several files (the first file to define a name or `current-context` wins, missing files are skipped),
 * relative paths are resolved against the file that holds them, and `*-data` fields override their file twins.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { assertPemCertificates, assertPemPrivateKey, readConfigFile } from './pem.js';
import { YamlError, parseYaml } from './yaml.js';
import type { ConnectionOptions } from './connection-options.js';

/** Where to read a kubeconfig from and which context to use. */
export interface KubeconfigOptions {
  /**
   * Kubeconfig file(s). Default: the `KUBECONFIG` environment variable (a list separated by `:`, `;` on Windows),
   * else `~/.kube/config`.
   */
  readonly path?: string | readonly string[];
  /** Context to use instead of the file's `current-context`. */
  readonly context?: string;
  /** Environment to read `KUBECONFIG` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The outcome of {@link loadKubeconfig}: connection settings and the names they came from. */
export interface ResolvedKubeconfig {
  /** The file(s) read. */
  readonly paths: readonly string[];
  readonly contextName: string;
  readonly clusterName: string;
  /** Empty when the context names no user. */
  readonly userName: string;
  /** The context's default namespace, if any (not used for reviews, which are cluster-scoped). */
  readonly namespace: string | undefined;
  /** Settings for {@link KubeConnection}. */
  readonly connection: ConnectionOptions;
}

interface Named {
  readonly value: Record<string, unknown>;
  /** Directory of the file that defined the entry, for relative paths. */
  readonly dir: string;
  readonly file: string;
}

/**
 * Loads kubeconfig file(s) and resolves the chosen context into connection settings.
 *
 * @throws {@link ConfigError} with a code naming what is wrong: `ERR_KUBECONFIG_NOT_FOUND`,
 *   `ERR_KUBECONFIG_PARSE`, `ERR_KUBECONFIG_NO_CURRENT_CONTEXT`, `ERR_KUBECONFIG_CONTEXT_NOT_FOUND`,
 *   `ERR_KUBECONFIG_CLUSTER_NOT_FOUND`, `ERR_KUBECONFIG_USER_NOT_FOUND`, `ERR_KUBECONFIG_INVALID`,
 *   `ERR_KUBECONFIG_UNSUPPORTED`, `ERR_INVALID_PEM`, `ERR_FILE_UNREADABLE`.
 */
export function loadKubeconfig(options: KubeconfigOptions = {}): ResolvedKubeconfig {
  const env = options.env ?? process.env;
  let paths: string[];
  let explicit = true;
  if (options.path !== undefined) {
    paths = typeof options.path === 'string' ? [options.path] : [...options.path];
  } else if (env.KUBECONFIG) {
    paths = env.KUBECONFIG.split(delimiter).filter((p) => p !== '');
    explicit = false;
  } else {
    paths = [join(homedir(), '.kube', 'config')];
  }
  const files: { path: string; text: string }[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!explicit && !existsSync(abs)) continue; // client-go skips missing files of a KUBECONFIG list
    try {
      files.push({ path: abs, text: readFileSync(abs, 'utf8') });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(
        code === 'ENOENT' ? 'ERR_KUBECONFIG_NOT_FOUND' : 'ERR_FILE_UNREADABLE',
        `cannot read kubeconfig "${abs}": ${code ?? (err as Error).message}`,
        { cause: err },
      );
    }
  }
  if (files.length === 0) {
    throw new ConfigError('ERR_KUBECONFIG_NOT_FOUND', `no kubeconfig found (looked for ${paths.join(', ')})`);
  }
  return resolveKubeconfig(files, options.context);
}

/**
 * Resolves kubeconfig text already in memory (YAML or JSON). `path` is used for messages and to resolve relative
 * file references (default: the current directory).
 *
 * @throws {@link ConfigError} like {@link loadKubeconfig}.
 */
export function parseKubeconfig(text: string, options: { path?: string; context?: string } = {}): ResolvedKubeconfig {
  return resolveKubeconfig([{ path: resolve(options.path ?? 'kubeconfig'), text }], options.context);
}

function resolveKubeconfig(files: readonly { path: string; text: string }[], contextOverride?: string) {
  const clusters = new Map<string, Named>();
  const users = new Map<string, Named>();
  const contexts = new Map<string, Named>();
  let currentContext: string | undefined;
  for (const f of files) {
    const doc = parseFile(f.path, f.text);
    const dir = dirname(f.path);
    collect(doc, 'clusters', 'cluster', f.path, dir, clusters);
    collect(doc, 'users', 'user', f.path, dir, users);
    collect(doc, 'contexts', 'context', f.path, dir, contexts);
    const cc = doc['current-context'];
    if (currentContext === undefined && typeof cc === 'string' && cc !== '') currentContext = cc;
  }
  const where =
    files.length === 1 ? `kubeconfig "${files[0]!.path}"` : `kubeconfig (${files.map((f) => f.path).join(', ')})`;

  const contextName = contextOverride ?? currentContext;
  if (!contextName) {
    throw new ConfigError(
      'ERR_KUBECONFIG_NO_CURRENT_CONTEXT',
      `${where} has no current-context; run "kubectl config use-context NAME" or pass { context: "NAME" }` +
        (contexts.size > 0 ? ` (contexts: ${[...contexts.keys()].join(', ')})` : ' (it defines no contexts)'),
    );
  }
  const context = contexts.get(contextName);
  if (!context) {
    throw new ConfigError('ERR_KUBECONFIG_CONTEXT_NOT_FOUND', `context "${contextName}" not found in ${where}`);
  }
  const clusterName = str(context.value.cluster, 'cluster', context) ?? '';
  const cluster = clusters.get(clusterName);
  if (!cluster) {
    throw new ConfigError(
      'ERR_KUBECONFIG_CLUSTER_NOT_FOUND',
      `cluster "${clusterName}" of context "${contextName}" not found in ${where}`,
    );
  }
  const userName = str(context.value.user, 'user', context) ?? '';
  const user = userName === '' ? undefined : users.get(userName);
  if (userName !== '' && !user) {
    throw new ConfigError(
      'ERR_KUBECONFIG_USER_NOT_FOUND',
      `user "${userName}" of context "${contextName}" not found in ${where}`,
    );
  }

  const c = cluster.value;
  const server = str(c.server, 'server', cluster);
  if (!server) throw new ConfigError('ERR_KUBECONFIG_INVALID', `cluster "${clusterName}" in ${where} has no server`);
  const clusterLabel = `cluster "${clusterName}"`;
  const connection: {
    -readonly [K in keyof ConnectionOptions]: ConnectionOptions[K];
  } = { server };
  connection.ca = pemField(cluster, 'certificate-authority', clusterLabel, 'cert');
  if (bool(c['insecure-skip-tls-verify'], 'insecure-skip-tls-verify', cluster)) connection.insecureSkipTLSVerify = true;
  const tlsServerName = str(c['tls-server-name'], 'tls-server-name', cluster);
  if (tlsServerName) connection.tlsServerName = tlsServerName;

  if (user) {
    const u = user.value;
    const userLabel = `user "${userName}"`;
    for (const field of ['username', 'password', 'as', 'as-groups', 'as-uid', 'as-user-extra'] as const) {
      if (u[field] !== undefined && u[field] !== null && u[field] !== '') {
        throw new ConfigError('ERR_KUBECONFIG_UNSUPPORTED', `${userLabel} in ${where}: "${field}" is not supported`);
      }
    }
    connection.cert = pemField(user, 'client-certificate', userLabel, 'cert');
    connection.key = pemField(user, 'client-key', userLabel, 'key');
    if ((connection.cert === undefined) !== (connection.key === undefined)) {
      throw new ConfigError(
        'ERR_KUBECONFIG_INVALID',
        `${userLabel} in ${where} has a client certificate without its key, or a key without its certificate`,
      );
    }
    const token = str(u.token, 'token', user);
    if (token) connection.token = token;
    const tokenFile = str(u.tokenFile, 'tokenFile', user);
    if (tokenFile) connection.tokenFile = resolvePath(user.dir, tokenFile);
    const hasCredentials = connection.cert !== undefined || token || tokenFile;
    if (!hasCredentials && (u.exec || u['auth-provider'])) {
      throw new ConfigError(
        'ERR_KUBECONFIG_UNSUPPORTED',
        `${userLabel} in ${where} authenticates with ${u.exec ? 'an exec plugin' : 'an auth-provider'}, which is ` +
          'not supported; use a token, tokenFile or client certificate',
      );
    }
  }
  const namespace = str(context.value.namespace, 'namespace', context) || undefined;
  return {
    paths: files.map((f) => f.path),
    contextName,
    clusterName,
    userName,
    namespace,
    connection,
  };
}

function parseFile(path: string, text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const msg = err instanceof YamlError || err instanceof SyntaxError ? err.message : String(err);
    throw new ConfigError('ERR_KUBECONFIG_PARSE', `kubeconfig "${path}" does not parse: ${msg}`, { cause: err });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError('ERR_KUBECONFIG_PARSE', `kubeconfig "${path}" is not a mapping`);
  }
  return doc as Record<string, unknown>;
}

function collect(
  doc: Record<string, unknown>,
  listKey: string,
  itemKey: string,
  file: string,
  dir: string,
  into: Map<string, Named>,
): void {
  const list = doc[listKey];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list))
    throw new ConfigError('ERR_KUBECONFIG_INVALID', `kubeconfig "${file}": ${listKey} is not a list`);
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const { name, [itemKey]: value } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || into.has(name)) continue; // first definition wins
    into.set(name, {
      value: value && typeof value === 'object' ? (value as Record<string, unknown>) : {},
      dir,
      file,
    });
  }
}

function str(v: unknown, field: string, at: Named): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new ConfigError('ERR_KUBECONFIG_INVALID', `kubeconfig "${at.file}": ${field} must be a string`);
}

function bool(v: unknown, field: string, at: Named): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigError('ERR_KUBECONFIG_INVALID', `kubeconfig "${at.file}": ${field} must be true or false`);
}

function resolvePath(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}

/** Reads `<field>-data` (base64) or else `<field>` (a path), and checks it is PEM of the expected kind. */
function pemField(at: Named, field: string, owner: string, kind: 'cert' | 'key'): Buffer | undefined {
  const check = kind === 'cert' ? assertPemCertificates : assertPemPrivateKey;
  const data = str(at.value[`${field}-data`], `${field}-data`, at);
  if (data) return check(Buffer.from(data, 'base64'), `${field}-data of ${owner}`);
  const file = str(at.value[field], field, at);
  if (!file) return undefined;
  const path = resolvePath(at.dir, file);
  return check(readConfigFile(path, `${field} of ${owner}`), `${field} "${path}" of ${owner}`);
}
