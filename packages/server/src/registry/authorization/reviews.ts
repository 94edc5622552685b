// authorization.k8s.io/v1 access reviews (pkg/registry/authorization/*/rest.go, .../util/helpers.go,
// pkg/apis/authorization/validation). Each takes the decoded request body and returns the response object,
// or throws the StatusError kube-apiserver would send.
import { keptUtf8 } from '../../api/bytes.js';
import { errors } from '../../api/errors.js';
import { setKey } from '../../api/ownkeys.js';
import { freezeUser } from '../../authn/types.js';
import { type FieldError, forbidden, invalid, required } from '../../api/field.js';
import type { ObjectMeta, UserInfo } from '../../api/types.js';
import { invalidRaw } from '../../api/validation/values.js';
import { parseLabelSelector, splitUnescaped } from '../selectors.js';
import {
  nonResourceAttributes,
  type Attributes,
  type Authorizer,
  type AuthorizerResult,
  type RuleResolver,
} from '../../authz/authorizer.js';
import { goNonResourceAttributes, goObjectMeta } from '../../authz/gostring.js';
import { validateLabelSelectorRequirement } from '../../authz/rbac/labelselector.js';

export const authorizationGroup = 'authorization.k8s.io';
export const authorizationApiVersion = 'authorization.k8s.io/v1';

type Rec = Record<string, unknown>;

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}
interface SelectorAttributes {
  rawSelector?: string;
  requirements?: Requirement[];
}
interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  fieldSelector?: SelectorAttributes;
  labelSelector?: SelectorAttributes;
}
interface NonResourceAttributes {
  path?: string;
  verb?: string;
}
interface ReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  extra?: Record<string, string[] | null>;
  uid?: string;
}

// --- decoding (tolerant: the schema layer has already checked types) ---------------------------------------------

const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined;

function decodeSelector(v: unknown): SelectorAttributes | undefined {
  const r = rec(v);
  if (!r) return undefined;
  const out: SelectorAttributes = {};
  if (str(r.rawSelector)) out.rawSelector = str(r.rawSelector);
  if (Array.isArray(r.requirements))
    out.requirements = r.requirements.map((q) => {
      const x = rec(q) ?? {};
      const req: Requirement = { key: str(x.key) ?? '', operator: str(x.operator) ?? '' };
      const values = strs(x.values);
      if (values) req.values = values;
      return req;
    });
  return out;
}

function decodeResourceAttributes(v: unknown): ResourceAttributes | undefined {
  const r = rec(v);
  if (!r) return undefined;
  const out: ResourceAttributes = {};
  for (const k of ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const) {
    const s = str(r[k]);
    if (s) out[k] = s;
  }
  const fs = decodeSelector(r.fieldSelector);
  if (fs) out.fieldSelector = fs;
  const ls = decodeSelector(r.labelSelector);
  if (ls) out.labelSelector = ls;
  return out;
}

function decodeSpec(v: unknown): ReviewSpec {
  const r = rec(v) ?? {};
  const spec: ReviewSpec = {};
  const ra = decodeResourceAttributes(r.resourceAttributes);
  if (ra) spec.resourceAttributes = ra;
  const nra = rec(r.nonResourceAttributes);
  if (nra) {
    spec.nonResourceAttributes = {};
    if (str(nra.path)) spec.nonResourceAttributes.path = str(nra.path);
    if (str(nra.verb)) spec.nonResourceAttributes.verb = str(nra.verb);
  }
  if (str(r.user)) spec.user = str(r.user);
  const groups = strs(r.groups);
  if (groups?.length) spec.groups = groups;
  const extra = rec(r.extra);
  if (extra && Object.keys(extra).length) {
    spec.extra = {};
    for (const k of Object.keys(extra).sort()) setKey(spec.extra, k, strs(extra[k]) ?? null);
  }
  if (str(r.uid)) spec.uid = str(r.uid);
  return spec;
}

function metaOf(body: Rec): ObjectMeta {
  return (rec(body.metadata) ?? {}) as ObjectMeta;
}

// --- validation -------------------------------------------------------------------------------------------------

/** Semantic.DeepEqual(ObjectMeta{}, meta) after dropping managedFields (and namespace when `exceptNamespace`). */
function metaIsEmpty(meta: ObjectMeta, exceptNamespace: boolean): boolean {
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'managedFields' || (exceptNamespace && k === 'namespace')) continue;
    if (v === undefined || v === null || v === '' || v === 0) continue;
    if (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0) continue;
    return false;
  }
  return true;
}

function validateSelectorAttributes(
  sel: SelectorAttributes | undefined,
  path: string,
  kind: 'field' | 'label',
): FieldError[] {
  if (!sel) return [];
  const errs: FieldError[] = [];
  const reqs = sel.requirements ?? [];
  if (sel.rawSelector && reqs.length)
    errs.push(invalid(`${path}.rawSelector`, sel.rawSelector, 'may not specified at the same time as requirements'));
  if (!sel.rawSelector && !reqs.length)
    errs.push(required(`${path}.requirements`, `when ${path} is specified, requirements or rawSelector is required`));
  reqs.forEach((r, i) => {
    const p = `${path}.requirements[${i}]`;
    if (kind === 'label') {
      errs.push(...validateLabelSelectorRequirement(r, p, true));
      return;
    }
    // ValidateFieldSelectorRequirement with unknown operators allowed (newer clients may send them).
    if (!r.key) errs.push(required(`${p}.key`, 'must be specified'));
    if ((r.operator === 'In' || r.operator === 'NotIn') && !r.values?.length)
      errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && r.values?.length)
      errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  });
  return errs;
}

function validateResourceAttributes(ra: ResourceAttributes | undefined): FieldError[] {
  if (!ra) return [];
  const path = 'spec.resourceAttributes';
  return [
    ...validateSelectorAttributes(ra.fieldSelector, `${path}.fieldSelector`, 'field'),
    ...validateSelectorAttributes(ra.labelSelector, `${path}.labelSelector`, 'label'),
  ];
}

/** The resourceAttributes / nonResourceAttributes exclusivity shared by all three access reviews. */
function validateAttributesChoice(spec: ReviewSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes)
    errs.push(
      invalidRaw(
        'spec.nonResourceAttributes',
        goNonResourceAttributes(spec.nonResourceAttributes),
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  if (!spec.resourceAttributes && !spec.nonResourceAttributes)
    // Go reports the nil pointer, printed as "null".
    errs.push(
      invalid(
        'spec.resourceAttributes',
        'null',
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  return errs;
}

function validateSubjectAccessReviewSpec(spec: ReviewSpec): FieldError[] {
  const errs = validateAttributesChoice(spec);
  if (!spec.user && !spec.groups?.length)
    errs.push(invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  errs.push(...validateResourceAttributes(spec.resourceAttributes));
  return errs;
}

/**
 * The access reviews' rest.go build the qualified kind from the decoded internal object, whose Kind conversion leaves
 * empty: the message reads `.authorization.k8s.io "" is invalid: …` and the details carry no kind.
 */
function invalidReview(errs: FieldError[]) {
  return errors.invalid({ group: authorizationGroup, kind: '' }, '', errs);
}

// --- evaluation -------------------------------------------------------------------------------------------------

/** ResourceAttributesFrom / NonResourceAttributesFrom: an empty version means any version. */
export function attributesFrom(user: UserInfo, spec: ReviewSpec): Attributes {
  const ra = spec.resourceAttributes;
  if (ra)
    return {
      user,
      verb: ra.verb ?? '',
      isResourceRequest: true,
      path: '',
      apiGroup: ra.group ?? '',
      apiVersion: ra.version || '*',
      resource: ra.resource ?? '',
      subresource: ra.subresource ?? '',
      namespace: ra.namespace ?? '',
      name: ra.name ?? '',
    };
  const nra = spec.nonResourceAttributes ?? {};
  return { user, ...nonResourceAttributes(nra.verb ?? '', nra.path ?? '') };
}

const fieldOperators = new Set(['In', 'NotIn']);

/** How many requirements survive conversion and whether any failed (fieldSelectorAsSelector / fields.Parse). */
function fieldSelectorParse(sel: SelectorAttributes): { kept: number; failed: boolean } {
  if (sel.requirements?.length) {
    let kept = 0;
    let failed = false;
    for (const r of sel.requirements) {
      if ((r.values?.length ?? 0) > 1 || !fieldOperators.has(r.operator) || r.values?.length !== 1) failed = true;
      else kept++;
    }
    return { kept, failed };
  }
  if (sel.rawSelector) {
    const terms = splitUnescaped(sel.rawSelector);
    const ok = terms.every((t) => /!=|==|=/.test(t));
    return { kept: ok ? terms.length : 0, failed: !ok };
  }
  return { kept: 0, failed: false };
}

const labelOperators = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

function labelSelectorParse(sel: SelectorAttributes): { kept: number; failed: boolean } {
  if (sel.requirements?.length) {
    let kept = 0;
    let failed = false;
    for (const r of sel.requirements) {
      const strict = validateLabelSelectorRequirement(r, 'r', false);
      if (!labelOperators.has(r.operator) || strict.length) failed = true;
      else kept++;
    }
    return { kept, failed };
  }
  if (sel.rawSelector) {
    try {
      return { kept: parseLabelSelector(sel.rawSelector).length, failed: false };
    } catch {
      return { kept: 0, failed: true };
    }
  }
  return { kept: 0, failed: false };
}

/** BuildEvaluationError: the authorizer's error plus notes about selectors that could not be (fully) parsed. */
export function buildEvaluationError(authorizerError: string | undefined, spec: ReviewSpec): string {
  const out: string[] = [];
  if (authorizerError) out.push(authorizerError);
  const ra = spec.resourceAttributes;
  for (const [sel, name, parse] of [
    [ra?.fieldSelector, 'fieldSelector', fieldSelectorParse],
    [ra?.labelSelector, 'labelSelector', labelSelectorParse],
  ] as const) {
    if (!sel) continue;
    const { kept, failed } = parse(sel);
    if (failed)
      out.push(`spec.resourceAttributes.${name} ${kept > 0 ? 'partially ignored' : 'ignored'} due to parse error`);
  }
  return out.join('; ');
}

function status(r: AuthorizerResult, spec: ReviewSpec): Rec {
  const s: Rec = { allowed: r.decision === 'Allow' };
  if (r.decision === 'Deny') s.denied = true;
  if (r.reason) s.reason = r.reason;
  const evaluationError = buildEvaluationError(r.error, spec);
  if (evaluationError) s.evaluationError = evaluationError;
  return s;
}

// --- encoding (v1 field order, omitempty) -------------------------------------------------------------------------

function encodeSelector(sel: SelectorAttributes): Rec {
  const out: Rec = {};
  if (sel.rawSelector) out.rawSelector = sel.rawSelector;
  if (sel.requirements?.length)
    out.requirements = sel.requirements.map((r) => {
      const q: Rec = { key: r.key, operator: r.operator };
      if (r.values?.length) q.values = r.values;
      return q;
    });
  return out;
}

function encodeSpec(spec: ReviewSpec, self: boolean): Rec {
  const out: Rec = {};
  if (spec.resourceAttributes) {
    const ra = spec.resourceAttributes;
    const o: Rec = {};
    for (const k of ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const)
      if (ra[k]) o[k] = ra[k];
    if (ra.fieldSelector) o.fieldSelector = encodeSelector(ra.fieldSelector);
    if (ra.labelSelector) o.labelSelector = encodeSelector(ra.labelSelector);
    out.resourceAttributes = o;
  }
  if (spec.nonResourceAttributes) {
    const o: Rec = {};
    if (spec.nonResourceAttributes.path) o.path = spec.nonResourceAttributes.path;
    if (spec.nonResourceAttributes.verb) o.verb = spec.nonResourceAttributes.verb;
    out.nonResourceAttributes = o;
  }
  if (self) return out;
  if (spec.user) out.user = spec.user;
  if (spec.groups?.length) out.groups = spec.groups;
  if (spec.extra) out.extra = spec.extra;
  if (spec.uid) out.uid = spec.uid;
  return out;
}

/** The response ObjectMeta: empty apart from what the request may carry (namespace for LSAR, managedFields). */
function encodeMeta(meta: ObjectMeta, namespace?: string): Rec {
  const out: Rec = {};
  if (namespace) out.namespace = namespace;
  out.creationTimestamp = null;
  if (meta.managedFields?.length) out.managedFields = meta.managedFields;
  return out;
}

function response(kind: string, metadata: Rec, spec: Rec, st: Rec): Rec {
  return { kind, apiVersion: authorizationApiVersion, metadata, spec, status: st };
}

/** A validated access review: the response up to its status, and what to ask the authorizer. */
interface Prepared {
  kind: string;
  head: Rec;
  spec: ReviewSpec;
  /** The subject under review; none for self reviews, whose subject is the caller. */
  user?: UserInfo;
  /** LocalSubjectAccessReview: the URL namespace the body was checked against. */
  urlNamespace?: string;
  /** `head` serialized without its closing brace, plus `,"status":`. */
  headJson?: string;
  /** The last answer to a shared (memoized) body, as bytes, and the decision it was for. */
  last?: { result: AuthorizerResult; bytes: Buffer };
}

function prepared(kind: string, meta: Rec, spec: ReviewSpec, encoded: Rec, user?: UserInfo): Prepared {
  return { kind, head: { kind, apiVersion: authorizationApiVersion, metadata: meta, spec: encoded }, spec, user };
}

/** The user a SubjectAccessReview names. Groups are not augmented: no system:authenticated unless listed. */
function subjectOf(spec: ReviewSpec): UserInfo {
  const user: UserInfo = { username: spec.user ?? '', groups: spec.groups ?? [] };
  if (spec.uid) user.uid = spec.uid;
  if (spec.extra) user.extra = Object.fromEntries(Object.entries(spec.extra).map(([k, v]) => [k, v ?? []]));
  return freezeUser(user);
}

function prepareSubjectAccessReview(body: unknown): Prepared {
  const obj = rec(body) ?? {};
  const meta = { ...metaOf(obj) };
  delete meta.namespace; // cluster-scoped: the create handler clears it
  const spec = decodeSpec(obj.spec);
  const errs = validateSubjectAccessReviewSpec(spec);
  if (!metaIsEmpty(meta, false)) errs.push(invalidRaw('metadata', goObjectMeta(meta), 'must be empty'));
  if (errs.length) throw invalidReview(errs);
  return prepared('SubjectAccessReview', encodeMeta(meta), spec, encodeSpec(spec, false), subjectOf(spec));
}

function prepareSelfSubjectAccessReview(body: unknown): Prepared {
  const obj = rec(body) ?? {};
  const meta = { ...metaOf(obj) };
  delete meta.namespace;
  const spec = decodeSpec(obj.spec);
  const selfSpec: ReviewSpec = {};
  if (spec.resourceAttributes) selfSpec.resourceAttributes = spec.resourceAttributes;
  if (spec.nonResourceAttributes) selfSpec.nonResourceAttributes = spec.nonResourceAttributes;
  const errs = [...validateAttributesChoice(selfSpec), ...validateResourceAttributes(selfSpec.resourceAttributes)];
  if (!metaIsEmpty(meta, false)) errs.push(invalidRaw('metadata', goObjectMeta(meta), 'must be empty'));
  if (errs.length) throw invalidReview(errs);
  return prepared('SelfSubjectAccessReview', encodeMeta(meta), selfSpec, encodeSpec(selfSpec, true));
}

function prepareLocalSubjectAccessReview(body: unknown, urlNamespace: string): Prepared {
  const obj = rec(body) ?? {};
  const meta = { ...metaOf(obj) };
  // The create handler first reconciles metadata.namespace with the URL.
  if (!meta.namespace) meta.namespace = urlNamespace;
  else if (urlNamespace && meta.namespace !== urlNamespace)
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const spec = decodeSpec(obj.spec);
  const errs = validateSubjectAccessReviewSpec(spec);
  if (!metaIsEmpty(meta, true))
    errs.push(invalidRaw('metadata', goObjectMeta(meta), 'must be empty except for namespace'));
  if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== (meta.namespace ?? ''))
    errs.push(
      invalid(
        'spec.resourceAttributes.namespace',
        spec.resourceAttributes.namespace ?? '',
        'must match metadata.namespace',
      ),
    );
  if (spec.nonResourceAttributes)
    errs.push(
      invalidRaw(
        'spec.nonResourceAttributes',
        goNonResourceAttributes(spec.nonResourceAttributes),
        'disallowed on this kind of request',
      ),
    );
  if (errs.length) throw invalidReview(errs);
  if (!urlNamespace) throw errors.badRequest(`namespace is required on this type: ${urlNamespace}`);
  if (urlNamespace !== meta.namespace)
    throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${urlNamespace}`);
  const p = prepared(
    'LocalSubjectAccessReview',
    encodeMeta(meta, meta.namespace),
    spec,
    encodeSpec(spec, false),
    subjectOf(spec),
  );
  p.urlNamespace = urlNamespace;
  return p;
}

// Bodies handed out by the API server's body memo are frozen and come back for every repeat of the same request:
// their validation and the encoded head of the response are done once per body.
const preparedBodies = new WeakMap<object, Prepared>();

function prepare(body: unknown, kind: string, make: () => Prepared, urlNamespace?: string): Prepared {
  if (body === null || typeof body !== 'object' || !Object.isFrozen(body)) return make();
  let p = preparedBodies.get(body);
  if (p === undefined || p.kind !== kind || p.urlNamespace !== urlNamespace) preparedBodies.set(body, (p = make()));
  return p;
}

function decide(p: Prepared, authorizer: Authorizer, caller?: UserInfo): AuthorizerResult {
  return authorizer.authorize(attributesFrom(p.user ?? caller!, p.spec));
}

function answer(p: Prepared, r: AuthorizerResult): Rec {
  return { ...p.head, status: status(r, p.spec) };
}

function answerJson(p: Prepared, r: AuthorizerResult): string {
  p.headJson ??= `${JSON.stringify(p.head).slice(0, -1)},"status":`;
  return `${p.headJson}${JSON.stringify(status(r, p.spec))}}`;
}

/**
 * The response as UTF-8 bytes. A body the API server's memo hands out again keeps its last answer: the same decision
 * for the same review gives the same bytes (the decision itself is made on every call).
 */
function answerBytes(body: unknown, p: Prepared, r: AuthorizerResult): string | Buffer {
  if (!Object.isFrozen(body)) return answerJson(p, r);
  const last = p.last;
  if (last && last.result.decision === r.decision && last.result.reason === r.reason && last.result.error === r.error)
    return last.bytes;
  const text = answerJson(p, r);
  const bytes = keptUtf8(text);
  p.last = { result: { decision: r.decision, reason: r.reason, error: r.error }, bytes };
  return bytes;
}

// --- the four reviews ---------------------------------------------------------------------------------------------
// Each review comes as an object (for callers that inspect it) and as the JSON the API server sends, which skips
// re-serializing the unchanging part of a repeated review.

/** POST /apis/authorization.k8s.io/v1/subjectaccessreviews: evaluates the spec's user exactly as given. */
export function subjectAccessReview(body: unknown, authorizer: Authorizer): Rec {
  const p = prepareSubjectAccessReview(body);
  return answer(p, decide(p, authorizer));
}

export function subjectAccessReviewJson(body: unknown, authorizer: Authorizer): string | Buffer {
  const p = prepare(body, 'SubjectAccessReview', () => prepareSubjectAccessReview(body));
  return answerBytes(body, p, decide(p, authorizer));
}

/** POST …/selfsubjectaccessreviews: the requesting user. */
export function selfSubjectAccessReview(body: unknown, user: UserInfo, authorizer: Authorizer): Rec {
  const p = prepareSelfSubjectAccessReview(body);
  return answer(p, decide(p, authorizer, user));
}

export function selfSubjectAccessReviewJson(body: unknown, user: UserInfo, authorizer: Authorizer): string | Buffer {
  const p = prepare(body, 'SelfSubjectAccessReview', () => prepareSelfSubjectAccessReview(body));
  return answerBytes(body, p, decide(p, authorizer, user));
}

/** POST /apis/authorization.k8s.io/v1/namespaces/{ns}/localsubjectaccessreviews. */
export function localSubjectAccessReview(body: unknown, urlNamespace: string, authorizer: Authorizer): Rec {
  const p = prepareLocalSubjectAccessReview(body, urlNamespace);
  return answer(p, decide(p, authorizer));
}

export function localSubjectAccessReviewJson(
  body: unknown,
  urlNamespace: string,
  authorizer: Authorizer,
): string | Buffer {
  const p = prepare(
    body,
    'LocalSubjectAccessReview',
    () => prepareLocalSubjectAccessReview(body, urlNamespace),
    urlNamespace,
  );
  return answerBytes(body, p, decide(p, authorizer));
}

/** POST …/selfsubjectrulesreviews: the caller's rules in spec.namespace; the response carries an empty spec. */
export function selfSubjectRulesReview(body: unknown, user: UserInfo, resolver: RuleResolver): Rec {
  const obj = rec(body) ?? {};
  const namespace = str(rec(obj.spec)?.namespace) ?? '';
  if (!namespace) throw errors.badRequest('no namespace on request');
  const r = resolver.rulesFor(user, namespace);
  const st: Rec = {
    resourceRules: r.resourceRules.map((rule) => {
      const o: Rec = { verbs: rule.verbs };
      if (rule.apiGroups?.length) o.apiGroups = rule.apiGroups;
      if (rule.resources?.length) o.resources = rule.resources;
      if (rule.resourceNames?.length) o.resourceNames = rule.resourceNames;
      return o;
    }),
    nonResourceRules: r.nonResourceRules.map((rule) => {
      const o: Rec = { verbs: rule.verbs };
      if (rule.nonResourceURLs?.length) o.nonResourceURLs = rule.nonResourceURLs;
      return o;
    }),
    incomplete: r.incomplete,
  };
  if (r.evaluationError) st.evaluationError = r.evaluationError;
  return response('SelfSubjectRulesReview', { creationTimestamp: null }, {}, st);
}
