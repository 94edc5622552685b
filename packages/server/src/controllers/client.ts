// How controllers write: through the same registry path as API requests (defaults, validation, admission),
// acting as a system user.
import type { KObject, UserInfo } from '../api/types.js';
import type { Catalog } from '../registry/catalog.js';
import { clone } from '../registry/meta.js';
import type { HandlerContext, ResourceDef } from '../registry/resource.js';
import { keyFor, type RestStorage } from '../registry/rest.js';
import type { Entry } from '../storage/store.js';

// Controllers act with the loopback identity (system:masters), as kube-apiserver's own clients do.
const controllerUser: UserInfo = { username: 'system:apiserver', groups: ['system:masters'] };

export class SystemClient {
  constructor(
    private readonly rest: RestStorage,
    /** The stored resources (controllers write nothing else). */
    private readonly catalog: Pick<Catalog, 'find'>,
    private readonly manager = 'kube-controller-manager',
  ) {}

  def(group: string, resource: string): ResourceDef {
    const v = group === '' ? 'v1' : 'v1';
    const d = this.catalog.find(group, v, resource);
    if (!d) throw new Error(`unknown resource ${group}/${resource}`);
    return d;
  }

  private ctx(def: ResourceDef, verb: string, namespace: string, name: string): HandlerContext {
    return {
      info: {
        isResourceRequest: true,
        path: '',
        verb,
        apiPrefix: def.group ? 'apis' : 'api',
        apiGroup: def.group,
        apiVersion: def.version,
        namespace,
        resource: def.resource,
        subresource: '',
        name,
        parts: [],
      },
      query: new URLSearchParams(),
      user: controllerUser,
      warnings: [],
      annotations: {},
    };
  }

  get(group: string, resource: string, namespace: string, name: string): Entry | undefined {
    const d = this.def(group, resource);
    return this.rest.store.get(keyFor(d, namespace, name));
  }

  /** Creates; returns undefined when it already exists. */
  async create(group: string, resource: string, obj: KObject): Promise<Entry | undefined> {
    const d = this.def(group, resource);
    const ns = d.namespaced ? (obj.metadata.namespace ?? '') : '';
    try {
      return await this.rest.createObject(d, this.ctx(d, 'create', ns, ''), clone(obj), {
        dryRun: false,
        manager: this.manager,
      });
    } catch (e) {
      if ((e as { reason?: string }).reason === 'AlreadyExists') return undefined;
      throw e;
    }
  }

  /** Read-modify-write: `fn` returns the new object or undefined for no change. Retries on conflict. */
  async update(
    group: string,
    resource: string,
    namespace: string,
    name: string,
    fn: (cur: KObject) => KObject | undefined,
    subresource?: string,
  ): Promise<Entry | undefined> {
    let d = this.def(group, resource);
    // Writes through a subresource (status, finalize) use that subresource's strategy.
    const sub = subresource ? d.subresources.find((s) => s.name === subresource) : undefined;
    if (sub?.strategy) d = { ...d, strategy: sub.strategy };
    for (let i = 0; i < 10; i++) {
      const cur = this.rest.store.get(keyFor(d, namespace, name));
      if (!cur) return undefined;
      const next = fn(clone(cur.object));
      if (!next) return cur;
      try {
        return await this.rest.updateObject(d, this.ctx(d, 'update', namespace, name), cur, next, {
          dryRun: false,
          manager: this.manager,
          op: 'update',
        });
      } catch (e) {
        const reason = (e as { reason?: string }).reason;
        if (reason === 'Conflict') continue;
        if (reason === 'NotFound') return undefined;
        throw e;
      }
    }
    throw new Error(`too many conflicts updating ${resource} ${namespace}/${name}`);
  }

  async delete(
    group: string,
    resource: string,
    namespace: string,
    name: string,
    propagation?: 'Background' | 'Foreground' | 'Orphan',
  ): Promise<void> {
    const d = this.def(group, resource);
    const cur = this.rest.store.get(keyFor(d, namespace, name));
    if (!cur) return;
    try {
      await this.rest.deleteEntry(d, this.ctx(d, 'delete', namespace, name), cur, { propagationPolicy: propagation });
    } catch (e) {
      if ((e as { reason?: string }).reason !== 'NotFound') throw e;
    }
  }
}
