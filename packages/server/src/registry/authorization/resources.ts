// authorization.k8s.io: the access reviews (not stored), answered by the authorizer.
import type { Authorization } from '../../authz/setup.js';
import {
  localSubjectAccessReviewJson,
  selfSubjectAccessReviewJson,
  selfSubjectRulesReview,
  subjectAccessReviewJson,
} from './reviews.js';
import { virtual } from '../define.js';
import type { ResourceDef } from '../resource.js';

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
