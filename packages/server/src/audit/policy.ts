// The audit policy (audit.k8s.io/v1 Policy): loading and validation with kube's messages, and the first-match
// rule evaluation. Sources read: staging/src/k8s.io/apiserver/pkg/audit/policy/reader.go (load order and
// messages), pkg/audit/policy/checker.go (rule matching, omitStages union, omitManagedFields),
// pkg/apis/audit/validation/validation.go (field errors), pkg/apis/audit/v1/types.go (fields).
import { readFileSync } from 'node:fs';
import { yaml } from '../api/yaml.js';
import { fieldErrorString, type FieldError } from '../api/field.js';

export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export const levels: readonly Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
export const stages: readonly Stage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

export interface Policy {
  apiVersion: string;
  kind: string;
  rules: PolicyRule[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** What a request is evaluated on: its user and its RequestInfo. */
export interface AuditAttributes {
  user?: { username: string; groups: string[] };
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface RequestAuditConfig {
  level: Level;
  omitStages: readonly Stage[];
  omitManagedFields: boolean;
}

const noAudit: RequestAuditConfig = Object.freeze({ level: 'None', omitStages: [], omitManagedFields: false });

export class PolicyError extends Error {}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateOmitStages(list: unknown, field: string, errs: FieldError[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((s, i) => {
    if (!stages.includes(s as Stage))
      errs.push({
        type: 'FieldValueInvalid',
        field: `${field}[${i}]`,
        badValue: String(s),
        detail: 'allowed stages are ' + stages.join(','),
      });
  });
}

/** ValidatePolicy: every rule's level, non-resource URLs, resources and omitStages. */
export function validatePolicy(p: Policy): FieldError[] {
  const errs: FieldError[] = [];
  validateOmitStages(p.omitStages, 'omitStages', errs);
  (p.rules ?? []).forEach((r, i) => {
    const f = `rules[${i}]`;
    if (!r.level) errs.push({ type: 'FieldValueRequired', field: `${f}.level`, badValue: '', detail: '' });
    else if (!levels.includes(r.level))
      errs.push({
        type: 'FieldValueNotSupported',
        field: `${f}.level`,
        badValue: r.level,
        detail: 'supported values: ' + levels.map((l) => `"${l}"`).join(', '),
      });
    (r.nonResourceURLs ?? []).forEach((u, j) => {
      if (u === '*') return;
      if (!u.startsWith('/'))
        errs.push({
          type: 'FieldValueInvalid',
          field: `${f}.nonResourceURLs[${j}]`,
          badValue: u,
          detail: "non-resource URL rules must begin with a '/' character",
        });
      if (u !== '' && u.slice(0, -1).includes('*'))
        errs.push({
          type: 'FieldValueInvalid',
          field: `${f}.nonResourceURLs[${j}]`,
          badValue: u,
          detail: "non-resource URL wildcards '*' must be the final character of the rule",
        });
    });
    for (const gr of r.resources ?? []) {
      if (gr.group && !dns1123Subdomain.test(gr.group))
        errs.push({
          type: 'FieldValueInvalid',
          field: `${f}.resources.group`,
          badValue: gr.group,
          detail:
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        });
      if (gr.resourceNames?.length && !gr.resources?.length)
        errs.push({
          type: 'FieldValueInvalid',
          field: `${f}.resources.resourceNames`,
          badValue: gr.resourceNames,
          detail: 'using resourceNames requires at least one resource',
        });
    }
    validateOmitStages(r.omitStages, `${f}.omitStages`, errs);
    if (r.nonResourceURLs?.length && (r.resources?.length || r.namespaces?.length))
      errs.push({
        type: 'FieldValueInvalid',
        field: `${f}.nonResourceURLs`,
        badValue: r.nonResourceURLs,
        detail: 'rules cannot apply to both regular resources and non-resource URLs',
      });
  });
  return errs;
}

/** LoadPolicyFromBytes: decode, check the group-version, validate, refuse an empty rule list. */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (e) {
    throw new PolicyError(`failed decoding: ${(e as Error).message}`);
  }
  const p = (doc && typeof doc === 'object' ? doc : {}) as Policy;
  if (p.apiVersion !== 'audit.k8s.io/v1' || p.kind !== 'Policy') {
    const [group, version] = (p.apiVersion ?? '').includes('/') ? p.apiVersion.split('/') : ['', p.apiVersion ?? ''];
    throw new PolicyError(`unknown group version field ${group}/${version}, Kind=${p.kind ?? ''} in policy`);
  }
  const errs = validatePolicy(p);
  if (errs.length === 1) throw new PolicyError(fieldErrorString(errs[0]!));
  if (errs.length) throw new PolicyError(`[${errs.map(fieldErrorString).join(', ')}]`);
  if (!p.rules?.length) throw new PolicyError('loaded illegal policy with 0 rules');
  return p;
}

/** LoadPolicyFromFile's wording: `failed to read file path "<p>": <err>` or `<err>: from file <p>`. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PolicyError(`failed to read file path "${path}": ${(e as Error).message}`);
  }
  try {
    return parsePolicy(text);
  } catch (e) {
    throw new PolicyError(`${(e as Error).message}: from file ${path}`);
  }
}

function ruleMatchesResource(r: PolicyRule, a: AuditAttributes): boolean {
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources!) {
    if ((gr.group ?? '') !== a.apiGroup) continue;
    if (!gr.resources?.length) return true;
    for (const res of gr.resources) {
      if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) continue;
      if (res === combined || res === '*') return true;
      if (a.subresource && res.startsWith('*/') && a.subresource === res.slice(2)) return true;
      if (res.endsWith('/*') && a.resource === res.slice(0, -2)) return true;
    }
  }
  return false;
}

function ruleMatchesNonResource(r: PolicyRule, path: string): boolean {
  for (const spec of r.nonResourceURLs!) {
    if (spec === '*' || spec === path) return true;
    if (spec.endsWith('*') && path.startsWith(spec.slice(0, -1))) return true;
  }
  return false;
}

export function ruleMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (r.users?.length && !r.users.includes(a.user?.username ?? '')) return false;
  if (r.userGroups?.length && !(a.user?.groups ?? []).some((g) => r.userGroups!.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (a.isResourceRequest) {
    if (r.nonResourceURLs?.length) return false;
    if (r.namespaces?.length && !r.namespaces.includes(a.namespace)) return false;
    if (r.resources?.length && !ruleMatchesResource(r, a)) return false;
  } else {
    if (r.namespaces?.length || r.resources?.length) return false;
    if (r.nonResourceURLs?.length && !ruleMatchesNonResource(r, a.path)) return false;
  }
  return true;
}

/** What a request is evaluated on besides its user (a RequestInfo has these members). */
export type RequestAttributes = Omit<AuditAttributes, 'user'>;
type AuditUserRef = NonNullable<AuditAttributes['user']>;

/** The policy rule evaluator: the first matching rule decides; no match is level None. */
export class PolicyEvaluator {
  private readonly rules: Array<PolicyRule & { config: RequestAuditConfig }>;
  /** Some rule names users or groups: the decision depends on the user, not only on the request. */
  private readonly byUser: boolean;
  /** Decisions of shared (frozen) request attributes, when no rule names users or groups. */
  private readonly decided = new WeakMap<object, RequestAuditConfig>();

  constructor(p: Policy) {
    this.rules = p.rules.map((r) => ({
      ...r,
      config: Object.freeze({
        level: r.level,
        omitStages: [...new Set([...(p.omitStages ?? []), ...(r.omitStages ?? [])])],
        omitManagedFields: r.omitManagedFields ?? p.omitManagedFields ?? false,
      }),
    }));
    this.byUser = p.rules.some((r) => r.users?.length || r.userGroups?.length);
  }

  evaluate(a: AuditAttributes): RequestAuditConfig {
    for (const r of this.rules) if (ruleMatches(r, a)) return r.config;
    return noAudit;
  }

  /**
   * evaluate() of a request. A query-less request's RequestInfo is shared and frozen (request/info.ts): when no rule
   * names users or groups, the decision depends on it alone and is kept with it. (Per user it is not kept: a user
   * object may be new on every request, and a weak entry per request costs the collector more than the rules do.)
   */
  evaluateRequest(user: AuditUserRef | undefined, req: Readonly<RequestAttributes>): RequestAuditConfig {
    const kept = !this.byUser && Object.isFrozen(req);
    let c = kept ? this.decided.get(req) : undefined;
    if (c === undefined) {
      c = this.evaluate({
        user,
        verb: req.verb,
        isResourceRequest: req.isResourceRequest,
        path: req.path,
        apiGroup: req.apiGroup,
        resource: req.resource,
        subresource: req.subresource,
        namespace: req.namespace,
        name: req.name,
      });
      if (kept) this.decided.set(req, c);
    }
    return c;
  }
}
