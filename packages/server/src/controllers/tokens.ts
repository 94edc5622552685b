// The TokensController (kube-controller-manager): fills user-created `kubernetes.io/service-account-token`
// Secrets with a legacy token, ca.crt and namespace; deletes token Secrets whose ServiceAccount is gone.
// With --legacy-service-account-token-secrets it also restores pre-1.24 behaviour: one auto-created token
// Secret per ServiceAccount, listed in `secrets`.
import type { KObject } from '../api/types.js';
import type { SigningKey } from '../serviceaccount/keys.js';
import { legacyTokenSecretData } from '../serviceaccount/legacy-secret.js';
import { resourcePrefix, type Store, type WatchEvent } from '../storage/store.js';
import type { SystemClient } from './client.js';
import { WorkQueue } from './queue.js';

export const serviceAccountTokenType = 'kubernetes.io/service-account-token';
export const saNameAnnotation = 'kubernetes.io/service-account.name';
export const saUidAnnotation = 'kubernetes.io/service-account.uid';

const secretPrefix = resourcePrefix('', 'secrets');
const saPrefix = resourcePrefix('', 'serviceaccounts');

export interface TokensControllerDeps {
  store: Store;
  client: SystemClient;
  caPem: string;
  /** Pending on a first start until the generated key is written. */
  signer: Promise<SigningKey>;
  autoCreate: boolean;
  log: (msg: string, f?: Record<string, unknown>) => void;
}

export class TokensController {
  private readonly secrets: WorkQueue;
  private readonly accounts: WorkQueue;
  private unsubscribe?: () => void;

  constructor(private readonly d: TokensControllerDeps) {
    const onErr = (k: string, e: unknown) => d.log('tokens controller error', { key: k, err: String(e) });
    this.secrets = new WorkQueue((k) => this.syncSecret(k), onErr);
    this.accounts = new WorkQueue((k) => this.syncAccount(k), onErr);
  }

  start(): void {
    this.unsubscribe = this.d.store.subscribe((ev) => this.onEvent(ev));
    for (const e of this.d.store.list(secretPrefix)) if (isTokenSecret(e.object)) this.secrets.add(e.key);
    for (const e of this.d.store.list(saPrefix)) this.accounts.add(e.key);
  }
  stop(): void {
    this.unsubscribe?.();
    this.secrets.stop();
    this.accounts.stop();
  }
  async idle(): Promise<void> {
    await Promise.all([this.secrets.idle(), this.accounts.idle()]);
  }

  private onEvent(ev: WatchEvent): void {
    if (ev.key.startsWith(secretPrefix) && isTokenSecret(ev.object) && ev.type !== 'DELETED') this.secrets.add(ev.key);
    if (ev.key.startsWith(saPrefix)) this.accounts.add(ev.key);
    if (ev.key.startsWith(secretPrefix) && ev.type === 'DELETED' && isTokenSecret(ev.object)) {
      // An auto-generated secret that goes away is dropped from the SA's list (and recreated if enabled).
      const sa = ev.object.metadata.annotations?.[saNameAnnotation];
      if (sa) this.accounts.add(`${saPrefix}${ev.object.metadata.namespace}/${sa}`);
    }
  }

  private async syncSecret(key: string): Promise<void> {
    const secret = this.d.store.get(key)?.object;
    if (!secret || !isTokenSecret(secret) || secret.metadata.deletionTimestamp) return;
    const ns = secret.metadata.namespace!;
    const saName = secret.metadata.annotations?.[saNameAnnotation];
    if (!saName) return;
    const sa = this.d.client.get('', 'serviceaccounts', ns, saName)?.object;
    const wantUid = secret.metadata.annotations?.[saUidAnnotation];
    if (!sa || (wantUid && wantUid !== sa.metadata.uid)) {
      await this.d.client.delete('', 'secrets', ns, secret.metadata.name!);
      return;
    }
    const data = (secret.data ?? {}) as Record<string, string>;
    if (data.token && data['ca.crt'] && data.namespace && wantUid) return;
    const signer = await this.d.signer;
    await this.d.client.update('', 'secrets', ns, secret.metadata.name!, (s) => {
      const cur = (s.data ?? {}) as Record<string, string>;
      const fill = legacyTokenSecretData({ serviceAccount: sa, secret: s, caPem: this.d.caPem, signer });
      s.data = {
        ...cur,
        ...(cur.token ? {} : { token: fill.data.token }),
        'ca.crt': fill.data['ca.crt'],
        namespace: fill.data.namespace,
      };
      s.metadata.annotations = { ...(s.metadata.annotations ?? {}), [saUidAnnotation]: sa.metadata.uid! };
      return s;
    });
  }

  private async syncAccount(key: string): Promise<void> {
    const [ns, name] = key.slice(saPrefix.length).split('/') as [string, string];
    const sa = this.d.store.get(key)?.object;
    if (!sa) {
      // ServiceAccount deleted: its token secrets go with it.
      for (const e of this.d.store.list(secretPrefix, ns)) {
        if (isTokenSecret(e.object) && e.object.metadata.annotations?.[saNameAnnotation] === name)
          await this.d.client.delete('', 'secrets', ns, e.object.metadata.name!);
      }
      return;
    }
    if (sa.metadata.deletionTimestamp) return;
    const refs = ((sa.secrets ?? []) as Array<{ name: string }>).map((r) => r.name);
    const live = refs.filter((r) => {
      const s = this.d.client.get('', 'secrets', ns, r)?.object;
      return s && isTokenSecret(s);
    });
    const missingRefs = refs.filter((r) => !this.d.client.get('', 'secrets', ns, r));
    if (missingRefs.length && refs.some((r) => r.startsWith(`${name}-token-`))) {
      await this.d.client.update('', 'serviceaccounts', ns, name, (o) => {
        const list = ((o.secrets ?? []) as Array<{ name: string }>).filter((r) => !missingRefs.includes(r.name));
        if (list.length) o.secrets = list;
        else delete o.secrets;
        return o;
      });
      return;
    }
    if (!this.d.autoCreate || live.length) return;
    const created = await this.d.client.create('', 'secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        generateName: `${name}-token-`,
        namespace: ns,
        annotations: { [saNameAnnotation]: name, [saUidAnnotation]: sa.metadata.uid! },
      },
      type: serviceAccountTokenType,
    });
    if (!created) return;
    await this.d.client.update('', 'serviceaccounts', ns, name, (o) => {
      const list = ((o.secrets ?? []) as Array<{ name: string }>).slice();
      list.push({ name: created.object.metadata.name! });
      o.secrets = list;
      return o;
    });
  }
}

function isTokenSecret(s: KObject): boolean {
  return (s as { type?: string }).type === serviceAccountTokenType;
}
