// `kubeauth/testing`: a real kubeauth for tests — a free port, its own temporary data dir and an in-memory
// store by default — with the helpers tests need (namespaces, ServiceAccounts, tokens, kubeconfigs for any
// identity, applying manifests), a clock the test moves, and snapshots to start every test from a known state.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parseDuration } from '../clock/clock.js';
import { issueClientCert } from '../pki/certs.js';
import { pkiPaths } from '../pki/datadir.js';
import { renderKubeconfig } from '../pki/kubeconfig.js';
import { startLocal, type Control } from './control.js';
import { startRemote } from './remote.js';
import { must, send, type Credentials, type Response } from './client.js';

export { KubeRequestError, type KubeStatus } from './client.js';
export { StartError } from './start-error.js';
export { ManualClock, parseDuration, type Clock } from '../clock/clock.js';

export interface StartKubeauthOptions {
  /**
   * `'wall'` (default): real time. `'manual'`: time stands still until `kube.clock.advance()`; token expiry,
   * `warnafter`, cache TTLs and timestamps follow it.
   */
  clock?: 'wall' | 'manual';
  /** Where a manual clock starts (default: now). */
  startTime?: Date | number;
  /**
   * `'in-process'` (default): the server runs in the test's event loop (fastest). `'child'`: in a child
   * process, for tests that block their own event loop — `execFileSync('kubectl', …)` would otherwise hang.
   */
  process?: 'in-process' | 'child';
  /** `'memory'` (default) or `'sqlite'` (in the data dir). */
  storage?: 'memory' | 'sqlite';
  /** Data directory to use and keep; default: a temporary one, removed by close(). */
  dataDir?: string;
  /** Further `kubeauth serve` flags, e.g. `['--authorization-mode=AlwaysAllow']`. */
  flags?: string[];
  /** Server log level (default `error`: tests stay quiet). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** A kubeconfig both as the YAML text kubectl reads and as the parsed object. */
export interface Kubeconfig {
  yaml: string;
  object: KubeconfigObject;
}

export interface KubeconfigObject {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
  users: Array<{
    name: string;
    user: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string };
  }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
  'current-context': string;
}

export interface TokenOptions {
  /** Audiences (default: the server's API audiences). */
  audiences?: string[];
  /** Lifetime in seconds (kube: at least 600) or a duration such as `'1h'`; default kube's 3600 s. */
  expiration?: number | string;
  /** Bind the token to a Pod (by name, in the ServiceAccount's namespace): it stops working when the Pod goes. */
  boundPod?: string;
  /** Or to a Secret. */
  boundSecret?: string;
}

export interface IssuedToken {
  token: string;
  expirationTimestamp: string;
}

export type Identity =
  { user: string; groups?: string[] } | ({ serviceAccount: { namespace: string; name: string } } & TokenOptions);

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** A kubeconfig written to `path`, and the same identity's credentials for `kube.request()`. */
export interface IdentityKubeconfig extends Kubeconfig {
  path: string;
  credentials: { certPem: string; keyPem: string } | { token: string };
}

/** An opaque snapshot; it belongs to the server that took it. */
export interface Snapshot {
  readonly id: number;
}

export interface TestClock {
  /** Whether this server's clock is manual (only then may it be moved). */
  readonly manual: boolean;
  /** The server's current time (ms since the epoch). */
  now(): Promise<number>;
  /** Moves a manual clock forward (`'2h'`, `'90s'`, `'1h30m'` or ms) and waits for controllers; resolves to the new time. */
  advance(by: number | string): Promise<number>;
  /** Sets a manual clock to an absolute time. */
  set(to: Date | number): Promise<void>;
}

export interface Kubeauth {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** The cluster CA (PEM) that signed the serving certificate. */
  caPem: string;
  /** The admin (system:masters) kubeconfig on disk, for KUBECONFIG=… */
  kubeconfigPath: string;
  /** The admin kubeconfig as text and object. */
  kubeconfig: Kubeconfig;
  dataDir: string;
  clock: TestClock;
  /** A request as admin (or with `credentials`); never throws on a status, resolves `{ status, body }`. */
  request(method: string, path: string, body?: unknown, credentials?: Partial<Credentials>): Promise<Response>;
  createNamespace(name: string, labels?: Record<string, string>): Promise<KubeObject>;
  createServiceAccount(namespace: string, name: string): Promise<KubeObject>;
  /** A TokenRequest for a ServiceAccount (which must exist). */
  token(namespace: string, serviceAccount: string, o?: TokenOptions): Promise<IssuedToken>;
  /** A kubeconfig for a user and groups (client certificate signed by the cluster CA) or a ServiceAccount (token). */
  kubeconfigFor(identity: Identity): Promise<IdentityKubeconfig>;
  /** Server-side applies YAML (one or more documents) or objects, as `kubectl apply --server-side --force-conflicts`. */
  apply(manifests: string | KubeObject | KubeObject[], o?: { namespace?: string }): Promise<KubeObject[]>;
  snapshot(): Promise<Snapshot>;
  restore(s: Snapshot): Promise<void>;
  /** Restores the state right after start (objects and clock). */
  reset(): Promise<void>;
  /** Stops the server and removes its temporary data dir. */
  close(): Promise<void>;
}

export async function startKubeauth(o: StartKubeauthOptions = {}): Promise<Kubeauth> {
  const startTime = o.startTime instanceof Date ? o.startTime.getTime() : o.startTime;
  const start = {
    clock: o.clock ?? 'wall',
    startTime,
    storage: o.storage ?? 'memory',
    dataDir: o.dataDir,
    flags: o.flags ?? [],
    logLevel: o.logLevel ?? 'error',
  };
  if (start.clock !== 'wall' && start.clock !== 'manual')
    throw new TypeError(`clock must be 'wall' or 'manual', not ${JSON.stringify(o.clock)}`);
  const mode = o.process ?? 'in-process';
  if (mode !== 'in-process' && mode !== 'child')
    throw new TypeError(`process must be 'in-process' or 'child', not ${JSON.stringify(o.process)}`);
  const control = mode === 'child' ? await startRemote(start) : await startLocal(start);
  return wrap(control, start.clock === 'manual');
}

function wrap(control: Control, manual: boolean): Kubeauth {
  const { url, caPem, kubeconfigPath, dataDir } = control.started;
  const paths = pkiPaths(dataDir);
  const admin: Credentials = {
    caPem,
    certPem: readFileSync(paths.adminCert, 'utf8'),
    keyPem: readFileSync(paths.adminKey, 'utf8'),
  };
  const yamlText = readFileSync(kubeconfigPath, 'utf8');
  const kubeconfig: Kubeconfig = { yaml: yamlText, object: parseYaml(yamlText) as KubeconfigObject };
  const call = (method: string, path: string, body?: unknown, ct?: string) => must(url, admin, method, path, body, ct);
  const mappings = new Map<string, { resource: string; namespaced: boolean }>();
  let issued = 0;

  async function mapping(apiVersion: string, kind: string) {
    const k = `${apiVersion}/${kind}`;
    let m = mappings.get(k);
    if (m) return m;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = (await call('GET', base)) as { resources: Array<{ name: string; kind: string; namespaced: boolean }> };
    for (const r of list.resources)
      if (!r.name.includes('/'))
        mappings.set(`${apiVersion}/${r.kind}`, { resource: r.name, namespaced: r.namespaced });
    m = mappings.get(k);
    if (!m) throw new Error(`the server has no resource of kind ${kind} in ${apiVersion}`);
    return m;
  }

  async function token(namespace: string, name: string, t: TokenOptions = {}): Promise<IssuedToken> {
    const spec: Record<string, unknown> = {};
    if (t.audiences) spec.audiences = t.audiences;
    if (t.expiration !== undefined)
      spec.expirationSeconds =
        typeof t.expiration === 'number' ? t.expiration : Math.floor(parseDuration(t.expiration) / 1000);
    const bound = t.boundPod
      ? ['Pod', 'pods', t.boundPod]
      : t.boundSecret
        ? ['Secret', 'secrets', t.boundSecret]
        : undefined;
    if (bound) {
      const obj = (await call('GET', `/api/v1/namespaces/${namespace}/${bound[1]}/${bound[2]}`)) as KubeObject;
      spec.boundObjectRef = { kind: bound[0], apiVersion: 'v1', name: bound[2], uid: obj.metadata.uid };
    }
    const r = (await call('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec,
    })) as { status: IssuedToken };
    return r.status;
  }

  return {
    url,
    caPem,
    kubeconfigPath,
    kubeconfig,
    dataDir,
    clock: {
      manual,
      now: () => control.now(),
      advance: (by) => control.advance(by),
      set: (to) => control.setTime(typeof to === 'number' ? to : to.getTime()),
    },
    request: (method, path, body, credentials) =>
      send(url, credentials ? { caPem, ...credentials } : admin, method, path, body),
    createNamespace: async (name, labels) =>
      (await call('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, ...(labels ? { labels } : {}) },
      })) as KubeObject,
    createServiceAccount: async (namespace, name) =>
      (await call('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name },
      })) as KubeObject,
    token,
    kubeconfigFor: async (id) => {
      let user: { name: string; clientCertPem?: string; clientKeyPem?: string; token?: string };
      if ('user' in id) {
        const ca = { certPem: readFileSync(paths.caCert, 'utf8'), keyPem: readFileSync(paths.caKey, 'utf8') };
        const pair = await issueClientCert(ca, { commonName: id.user, organizations: id.groups ?? [] });
        user = { name: id.user, clientCertPem: pair.certPem, clientKeyPem: pair.keyPem };
      } else {
        const { namespace, name } = id.serviceAccount;
        const t = await token(namespace, name, id);
        user = { name: `system:serviceaccount:${namespace}:${name}`, token: t.token };
      }
      const text = renderKubeconfig({ server: url, caPem, user });
      const dir = join(dataDir, 'kubeconfigs');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `${++issued}.kubeconfig`);
      writeFileSync(path, text, { mode: 0o600 });
      const credentials = user.token
        ? { token: user.token }
        : { certPem: user.clientCertPem!, keyPem: user.clientKeyPem! };
      return { yaml: text, object: parseYaml(text) as KubeconfigObject, path, credentials };
    },
    apply: async (manifests, ao = {}) => {
      const docs: KubeObject[] =
        typeof manifests === 'string'
          ? parseAllDocuments(manifests)
              .map((d) => d.toJS() as KubeObject | null)
              .filter((d): d is KubeObject => !!d)
          : Array.isArray(manifests)
            ? manifests
            : [manifests];
      const out: KubeObject[] = [];
      for (const d of docs) {
        if (!d.apiVersion || !d.kind || !d.metadata?.name)
          throw new Error('every manifest needs apiVersion, kind and metadata.name');
        const m = await mapping(d.apiVersion, d.kind);
        const base = d.apiVersion.includes('/') ? `/apis/${d.apiVersion}` : `/api/${d.apiVersion}`;
        const ns = d.metadata.namespace ?? ao.namespace ?? 'default';
        const path = `${base}${m.namespaced ? `/namespaces/${ns}` : ''}/${m.resource}/${d.metadata.name}`;
        const body = m.namespaced ? { ...d, metadata: { ...d.metadata, namespace: ns } } : d;
        out.push(
          (await call(
            'PATCH',
            `${path}?fieldManager=kubeauth-testing&force=true`,
            body,
            'application/apply-patch+yaml',
          )) as KubeObject,
        );
      }
      return out;
    },
    snapshot: async () => ({ id: await control.snapshot() }),
    restore: (s) => control.restore(s.id),
    reset: () => control.restore(0),
    close: () => control.close(),
  };
}
