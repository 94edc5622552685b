// authorization.k8s.io (the access reviews, not stored) and rbac.authorization.k8s.io (stored, with
// escalation prevention on writes).
import type { Authorization } from '../authz/setup.js';
import {
  localSubjectAccessReviewJson,
  selfSubjectAccessReviewJson,
  selfSubjectRulesReview,
  subjectAccessReviewJson,
} from '../authz/reviews.js';
import { checkBindingEscalation, checkRoleEscalation } from '../authz/rbac/escalation.js';
import { rbacPrinters } from '../authz/rbac/printers.js';
import { rbacStrategies } from '../authz/rbac/validation.js';
import { stored, virtual } from './define.js';
import type { HandlerContext, ResourceDef } from './resource.js';

const authzGroup = 'authorization.k8s.io';
const authzPkg = 'io.k8s.api.authorization.v1';

export function authorizationResources(a: Authorization): ResourceDef[] {
  const review = (
    resource: string,
    kind: string,
    create: NonNullable<ResourceDef['virtualCreate']>,
    namespaced = false,
  ) => virtual({ group: authzGroup, version: 'v1', resource, kind, schemaPackage: authzPkg, namespaced, create });
  return [
    review(
      'localsubjectaccessreviews',
      'LocalSubjectAccessReview',
      (ctx, body) => [201, localSubjectAccessReviewJson(body, ctx.info.namespace, a.authorizer)],
      true,
    ),
    review('selfsubjectaccessreviews', 'SelfSubjectAccessReview', (ctx, body) => [
      201,
      selfSubjectAccessReviewJson(body, ctx.user, a.authorizer),
    ]),
    review('selfsubjectrulesreviews', 'SelfSubjectRulesReview', (ctx, body) => [
      201,
      selfSubjectRulesReview(body, ctx.user, a.authorizer),
    ]),
    review('subjectaccessreviews', 'SubjectAccessReview', (_ctx, body) => [
      201,
      subjectAccessReviewJson(body, a.authorizer),
    ]),
  ];
}

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
