// NamespaceLifecycle: no new content in a missing or terminating namespace; the system namespaces can't be
// deleted.
import { errors } from '../api/errors.js';
import type { ObjectLookup } from '../storage/lookup.js';
import type { AdmissionPlugin } from './chain.js';

export const immortalNamespaces = ['default', 'kube-system', 'kube-public'];

export function namespaceLifecycle(lookup: ObjectLookup): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    admit(op, def, obj, _old, ctx) {
      if (def.group === '' && def.resource === 'namespaces') {
        if (op === 'DELETE' && immortalNamespaces.includes(obj.metadata.name ?? ''))
          throw errors.forbidden(
            { group: '', resource: 'namespaces' },
            obj.metadata.name ?? '',
            'this namespace may not be deleted',
          );
        return;
      }
      if (op !== 'CREATE' || !def.namespaced) return;
      const nsName = ctx.info.namespace;
      const ns = lookup.get('', 'namespaces', '', nsName);
      if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, nsName);
      const phase = (ns.status as { phase?: string } | undefined)?.phase;
      if (ns.metadata.deletionTimestamp || phase === 'Terminating') {
        const e = errors.forbidden(
          { group: def.group, resource: def.resource },
          obj.metadata.name ?? '',
          `unable to create new content in namespace ${nsName} because it is being terminated`,
        );
        e.status.details!.causes = [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${nsName} is being terminated`,
            field: 'metadata.namespace',
          },
        ];
        throw e;
      }
    },
  };
}
