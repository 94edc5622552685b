// rbac.kubeauth.dev/v1alpha1: SubjectsAccessReview (who can) and AccessExplanation (why / why not), create-only
// and not stored, served like authorization.k8s.io's SubjectAccessReview and answered by the same engine as
// `kubeauth rbac`. Callers need `create` on them (bootstrap ClusterRole kubeauth:rbac-explainer).
import { errors } from '../api/errors.js';
import { type FieldError, invalid, required } from '../api/field.js';
import type { KObject } from '../api/types.js';
import { explain } from '../authz/explain/explain.js';
import { type AccessQuery, toAttributes } from '../authz/explain/query.js';
import { whoCan } from '../authz/explain/who-can.js';
import type { Authorization } from '../authz/setup.js';
import { virtual } from './define.js';
import type { ResourceDef } from './resource.js';

export const rbacExplainGroup = 'rbac.kubeauth.dev';
const version = 'v1alpha1';
const pkg = 'dev.kubeauth.rbac.v1alpha1';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The request of a review's spec, or the field errors that make it invalid. */
function queryOf(spec: Rec | undefined, errs: FieldError[]): AccessQuery | undefined {
  const ra = rec(spec?.resourceAttributes);
  const na = rec(spec?.nonResourceAttributes);
  if (ra && na) {
    errs.push(invalid('spec.nonResourceAttributes', '', 'cannot be specified in combination with resourceAttributes'));
    return undefined;
  }
  if (!ra && !na) {
    errs.push(
      invalid(
        'spec.resourceAttributes',
        'null',
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
    return undefined;
  }
  if (na) {
    if (!str(na.verb)) errs.push(required('spec.nonResourceAttributes.verb', ''));
    if (!str(na.path)) errs.push(required('spec.nonResourceAttributes.path', ''));
    return { verb: str(na.verb), nonResourceURL: str(na.path) };
  }
  if (!str(ra!.verb)) errs.push(required('spec.resourceAttributes.verb', ''));
  if (!str(ra!.resource)) errs.push(required('spec.resourceAttributes.resource', ''));
  return {
    verb: str(ra!.verb),
    apiGroup: str(ra!.group),
    resource: str(ra!.resource),
    subresource: str(ra!.subresource),
    name: str(ra!.name),
    namespace: str(ra!.namespace),
  };
}

function reject(kind: string, errs: FieldError[]): never {
  throw errors.invalid({ group: rbacExplainGroup, kind }, '', errs);
}

/** The response: the request echoed (metadata emptied of server fields, as the access reviews do) plus status. */
function respond(body: KObject, kind: string, status: unknown): Rec {
  const meta = rec(body.metadata) ?? {};
  const out: Rec = {
    kind,
    apiVersion: `${rbacExplainGroup}/${version}`,
    metadata: { creationTimestamp: null, ...pick(meta) },
  };
  out.spec = body.spec;
  out.status = status;
  return out;
}
const pick = (m: Rec) => (m.name ? { name: m.name } : m.generateName ? { generateName: m.generateName } : {});

export function rbacExplainResources(a: Authorization): ResourceDef[] {
  return [
    virtual({
      group: rbacExplainGroup,
      version,
      resource: 'subjectsaccessreviews',
      kind: 'SubjectsAccessReview',
      schemaPackage: pkg,
      create: (_ctx, body) => {
        const errs: FieldError[] = [];
        const spec = rec(body.spec);
        const q = queryOf(spec, errs);
        if (errs.length || !q) reject('SubjectsAccessReview', errs);
        const r = whoCan(a.index, q, { allNamespaces: spec?.allNamespaces === true });
        return [
          201,
          respond(body, 'SubjectsAccessReview', {
            privileged: r.privileged,
            subjects: r.grants,
            unresolved: r.unresolved,
          }),
        ];
      },
    }),
    virtual({
      group: rbacExplainGroup,
      version,
      resource: 'accessexplanations',
      kind: 'AccessExplanation',
      schemaPackage: pkg,
      create: (_ctx, body) => {
        const errs: FieldError[] = [];
        const spec = rec(body.spec);
        const q = queryOf(spec, errs);
        const user = str(spec?.user);
        const groups = Array.isArray(spec?.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [];
        if (!user && groups.length === 0)
          errs.push(invalid('spec.user', '', 'at least one of user or group must be specified'));
        if (errs.length || !q) reject('AccessExplanation', errs);
        // The user and groups exactly as given, as SubjectAccessReview takes them, so both answer alike.
        const e = explain(a.index, toAttributes({ username: user, groups }, q));
        return [201, respond(body, 'AccessExplanation', e)];
      },
    }),
  ];
}
