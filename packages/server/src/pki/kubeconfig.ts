// kubeconfig files: rendered in kubectl's own layout (keys sorted, as `kubectl config view` prints them)
// and parsed down to the current context's connection details. Parsing needs `yaml`, which is loaded
// on first use so that writing a kubeconfig at startup does not pay for it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { writeFileAtomicSync } from './atomic.js';

export interface KubeconfigUser {
  name: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
}

export interface RenderKubeconfigOptions {
  server: string;
  /** Omitted: the cluster entry has no CA (the system roots apply), unless insecureSkipTlsVerify. */
  caPem?: string;
  user: KubeconfigUser;
  clusterName?: string;
  contextName?: string;
  namespace?: string;
  insecureSkipTlsVerify?: boolean;
}

const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');

export function renderKubeconfig(o: RenderKubeconfigOptions): string {
  const clusterName = o.clusterName ?? 'kubeauth';
  const contextName = o.contextName ?? 'kubeauth';
  const cluster: Array<[string, string | boolean]> = [];
  if (o.caPem) cluster.push(['certificate-authority-data', b64(o.caPem)]);
  if (o.insecureSkipTlsVerify) cluster.push(['insecure-skip-tls-verify', true]);
  cluster.push(['server', o.server]);
  const context: Array<[string, string]> = [['cluster', clusterName]];
  if (o.namespace) context.push(['namespace', o.namespace]);
  context.push(['user', o.user.name]);
  const user: Array<[string, string]> = [];
  if (o.user.clientCertPem) user.push(['client-certificate-data', b64(o.user.clientCertPem)]);
  if (o.user.clientKeyPem) user.push(['client-key-data', b64(o.user.clientKeyPem)]);
  if (o.user.token) user.push(['token', o.user.token]);

  const block = (fields: Array<[string, string | boolean]>) =>
    fields.length ? fields.map(([k, v]) => `\n    ${k}: ${scalar(v)}`).join('') : ' {}';
  return [
    'apiVersion: v1',
    'clusters:',
    `- cluster:${block(cluster)}`,
    `  name: ${scalar(clusterName)}`,
    'contexts:',
    `- context:${block(context)}`,
    `  name: ${scalar(contextName)}`,
    `current-context: ${scalar(contextName)}`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: ${scalar(o.user.name)}`,
    `  user:${block(user)}`,
    '',
  ].join('\n');
}

/**
 * A YAML scalar: plain when it cannot be read as anything but this string (as kubectl writes names,
 * URLs and base64), otherwise double-quoted — JSON's string escapes are valid YAML.
 */
function scalar(v: string | boolean): string {
  if (typeof v === 'boolean') return String(v);
  const plain =
    /^[A-Za-z_/][A-Za-z0-9_./:@+=-]*$/.test(v) && !v.endsWith(':') && !/^(y|n|yes|no|true|false|on|off|null)$/i.test(v);
  return plain ? v : JSON.stringify(v);
}

/** Writes the file with mode 0600 (it holds credentials), atomically and synchronously. */
export function writeKubeconfig(path: string, text: string): void {
  writeFileAtomicSync(path, text, 0o600);
}

/** The current (or chosen) context's connection details, with file references already read. */
export interface KubeconfigConnection {
  contextName: string;
  clusterName: string;
  userName?: string;
  server: string;
  caPem?: string;
  insecureSkipTlsVerify: boolean;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  namespace?: string;
}

export interface ParseKubeconfigOptions {
  /** Use this context instead of current-context (kubectl's --context). */
  context?: string;
  /** Where relative file paths (certificate-authority, client-key, tokenFile) are resolved: the file's folder. */
  baseDir?: string;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

let yamlParse: ((text: string) => unknown) | undefined;
function parseYaml(text: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
  return yamlParse(text);
}

export function parseKubeconfig(text: string, o: ParseKubeconfigOptions = {}): KubeconfigConnection {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`kubeconfig is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (!isDict(doc)) throw new Error('kubeconfig is empty or not a mapping');
  const contextName = o.context ?? (typeof doc['current-context'] === 'string' ? doc['current-context'] : '');
  if (!contextName) throw new Error('kubeconfig has no current-context');
  const context = named(doc, 'contexts', 'context', contextName);
  if (!context) throw new Error(`kubeconfig: context "${contextName}" not found`);
  const clusterName = str(context, 'cluster');
  if (!clusterName) throw new Error(`kubeconfig: context "${contextName}" names no cluster`);
  const cluster = named(doc, 'clusters', 'cluster', clusterName);
  if (!cluster) throw new Error(`kubeconfig: cluster "${clusterName}" (of context "${contextName}") not found`);
  const server = str(cluster, 'server');
  if (!server) throw new Error(`kubeconfig: cluster "${clusterName}" has no server`);
  const userName = str(context, 'user');
  const user = userName ? named(doc, 'users', 'user', userName) : {};
  if (!user) throw new Error(`kubeconfig: user "${userName}" (of context "${contextName}") not found`);

  const base = o.baseDir ?? process.cwd();
  // kubectl prefers the inline *-data over the file path when both are set.
  const pem = (entry: Dict, dataKey: string, fileKey: string): string | undefined => {
    const data = str(entry, dataKey);
    if (data) return Buffer.from(data, 'base64').toString('utf8');
    const file = str(entry, fileKey);
    return file ? readFileSync(isAbsolute(file) ? file : resolve(base, file), 'utf8') : undefined;
  };
  const tokenFile = str(user, 'tokenFile');
  const token =
    str(user, 'token') ??
    (tokenFile ? readFileSync(isAbsolute(tokenFile) ? tokenFile : resolve(base, tokenFile), 'utf8').trim() : undefined);
  return {
    contextName,
    clusterName,
    userName: userName || undefined,
    server,
    caPem: pem(cluster, 'certificate-authority-data', 'certificate-authority'),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    clientCertPem: pem(user, 'client-certificate-data', 'client-certificate'),
    clientKeyPem: pem(user, 'client-key-data', 'client-key'),
    token: token || undefined,
    namespace: str(context, 'namespace') || undefined,
  };
}

/** Reads and parses a kubeconfig file; relative paths inside it resolve against its folder. */
export function parseKubeconfigFile(
  path: string,
  o: Omit<ParseKubeconfigOptions, 'baseDir'> = {},
): KubeconfigConnection {
  return parseKubeconfig(readFileSync(path, 'utf8'), { ...o, baseDir: resolve(path, '..') });
}

/** The inner mapping of the list entry called `name`, e.g. contexts[name=x].context. */
function named(doc: Dict, list: string, inner: string, name: string): Dict | undefined {
  const entries = doc[list];
  if (!Array.isArray(entries)) return undefined;
  const entry: unknown = entries.find((e) => isDict(e) && e.name === name);
  if (!isDict(entry)) return undefined;
  return isDict(entry[inner]) ? entry[inner] : {};
}

function str(d: Dict, key: string): string | undefined {
  const v = d[key];
  return typeof v === 'string' ? v : undefined;
}
