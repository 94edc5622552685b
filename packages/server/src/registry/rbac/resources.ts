// rbac.authorization.k8s.io: the four stored kinds, with escalation prevention on writes (kube-apiserver's
// pkg/registry/rbac/*/policybased wrappers).
import type { Authorization } from '../../authz/setup.js';
import { checkBindingEscalation, checkRoleEscalation } from '../../authz/rbac/escalation.js';
import { stored } from '../define.js';
import type { HandlerContext, ResourceDef } from '../resource.js';
import { rbacPrinters } from './printers.js';
import { rbacStrategies } from './validation.js';

export function rbacResources(a: Authorization): ResourceDef[] {
  const escalation = (ctx: HandlerContext) => ({
    user: ctx.user,
    namespace: ctx.info.namespace,
    name: ctx.info.name,
    authorize: a.authorize,
    index: a.index,
  });
  const rbac = (
    resource: string,
    kind: 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding',
    namespaced: boolean,
  ) =>
    stored({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      resource,
      kind,
      namespaced,
      schemaPackage: 'io.k8s.api.rbac.v1',
      strategy: rbacStrategies[kind],
      table: rbacPrinters[kind],
      // RBAC objects may be created by PUT (the rbac strategies' AllowCreateOnUpdate).
      allowCreateOnUpdate: true,
      beforeWrite: (ctx, obj, old) =>
        kind.endsWith('Binding')
          ? checkBindingEscalation(escalation(ctx), obj, old)
          : checkRoleEscalation(escalation(ctx), obj, old),
    });
  return [
    rbac('clusterrolebindings', 'ClusterRoleBinding', false),
    rbac('clusterroles', 'ClusterRole', false),
    rbac('rolebindings', 'RoleBinding', true),
    rbac('roles', 'Role', true),
  ];
}
