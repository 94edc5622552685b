// ValidateAuthenticationConfiguration / CompileAndValidateJWTAuthenticator from
// k8s.io/apiserver/pkg/apis/apiserver/validation/validation.go (1.34, feature gates at their defaults):
// same checks, order, field paths and messages. Compiles the CEL expressions on the way.
import { X509Certificate } from 'node:crypto';
import {
  type FieldError,
  Path,
  duplicate,
  fieldErrorString,
  forbidden,
  internal,
  omitValue,
  invalid,
  required,
  tooMany,
} from '../../api/field.js';
import { aggregate } from '../../api/errors.js';
import { isDNS1123Subdomain, regexError } from '../../api/validation/names.js';
import { type CompiledExpression, compile, selectsClaim } from './cel.js';
import { goUrlParse } from './gofmt.js';
import type {
  AuthenticationConfiguration,
  ClaimValidationRule,
  JwtAuthenticatorConfig,
  PrefixedClaimOrExpression,
  UserValidationRule,
} from './types.js';
import { goQuote } from '../../gocompat/quote.js';

/** The compiled expressions of one authenticator (authenticationcel.CELMapper). */
export interface CelMapper {
  username?: CompiledExpression;
  groups?: CompiledExpression;
  uid?: CompiledExpression;
  extra?: { key: string; compiled: CompiledExpression }[];
  claimValidationRules?: { compiled: CompiledExpression; message: string }[];
  userValidationRules?: { compiled: CompiledExpression; message: string }[];
}

/** Go's ErrorList.ToAggregate().Error(). */
export function aggregateFieldErrors(errs: FieldError[]): string {
  return aggregate(errs.map(fieldErrorString));
}

const sortedList = (s: Iterable<string>) => `[${[...s].sort().join(' ')}]`;

export function validateAuthenticationConfiguration(
  c: AuthenticationConfiguration,
  disallowedIssuers: readonly string[] = [],
): FieldError[] {
  const root = Path.root('jwt');
  if (c.jwt.length > 64) return [tooMany(root.toString(), c.jwt.length, 64)];
  const errs: FieldError[] = [];
  const seenIssuers = new Set<string>();
  const seenDiscovery = new Set<string>();
  c.jwt.forEach((a, i) => {
    const p = root.index(i);
    errs.push(...validateJwtAuthenticator(a, p, disallowedIssuers).errors);
    if (seenIssuers.has(a.issuer.url)) errs.push(duplicate(p.child('issuer', 'url').toString(), a.issuer.url));
    seenIssuers.add(a.issuer.url);
    const d = a.issuer.discoveryURL ?? '';
    if (d) {
      if (seenDiscovery.has(d)) errs.push(duplicate(p.child('issuer', 'discoveryURL').toString(), d));
      seenDiscovery.add(d);
    }
  });
  if (c.anonymous && !c.anonymous.enabled && c.anonymous.conditions.length > 0)
    // Go prints this bad value with %#v; field.ts has no such rendering, so it goes into the detail.
    errs.push(
      invalid(
        'anonymous.conditions',
        omitValue,
        `[]apiserver.AnonymousAuthCondition{${c.anonymous.conditions
          .map((x) => `apiserver.AnonymousAuthCondition{Path:${goQuote(x.path)}}`)
          .join(', ')}}: enabled should be set to true when conditions are defined`,
      ),
    );
  return errs;
}

/** Validates one authenticator; `path` is null for CompileAndValidateJWTAuthenticator (paths from `issuer`). */
export function validateJwtAuthenticator(
  a: JwtAuthenticatorConfig,
  path: Path | null,
  disallowedIssuers: readonly string[] = [],
): { errors: FieldError[]; mapper: CelMapper } {
  const p = path ?? Path.root('');
  const state: State = { mapper: {}, usesEmailClaim: false, usesEmailVerifiedClaim: false };
  const errors = [
    ...validateIssuer(a, p.child('issuer'), new Set(disallowedIssuers)),
    ...validateClaimValidationRules(state, a.claimValidationRules, p.child('claimValidationRules')),
    ...validateClaimMappings(state, a, p.child('claimMappings')),
    ...validateUserValidationRules(state, a.userValidationRules, p.child('userValidationRules')),
  ];
  return { errors, mapper: state.mapper };
}

interface State {
  mapper: CelMapper;
  usesEmailClaim: boolean;
  usesEmailVerifiedClaim: boolean;
}

function validateIssuer(a: JwtAuthenticatorConfig, p: Path, disallowed: Set<string>): FieldError[] {
  const is = a.issuer;
  const errs: FieldError[] = [];
  const urlPath = p.child('url').toString();
  if (!is.url) errs.push(required(urlPath));
  else errs.push(...validateURL(is.url, disallowed, urlPath));
  const d = is.discoveryURL ?? '';
  if (d) {
    const dp = p.child('discoveryURL').toString();
    if (is.url && is.url.replace(/\/+$/, '') === d.replace(/\/+$/, ''))
      errs.push(invalid(dp, d, 'discoveryURL must be different from URL'));
    errs.push(...validateURL(d, new Set(), dp));
  }
  errs.push(...validateAudiences(is.audiences, is.audienceMatchPolicy ?? '', p));
  if (is.certificateAuthority) {
    const why = caError(is.certificateAuthority);
    if (why) errs.push(invalid(p.child('certificateAuthority').toString(), '<omitted>', why));
  }
  const e = is.egressSelectorType ?? '';
  if (e && e !== 'controlplane' && e !== 'cluster')
    errs.push(
      invalid(p.child('egressSelectorType').toString(), e, 'egress selector must be either controlplane or cluster'),
    );
  return errs;
}

function validateURL(raw: string, disallowed: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (disallowed.has(raw))
    errs.push(invalid(path, raw, `URL must not overlap with disallowed issuers: ${sortedList(disallowed)}`));
  const u = goUrlParse(raw);
  if ('error' in u) return [...errs, invalid(path, raw, u.error)];
  if (u.scheme !== 'https') errs.push(invalid(path, raw, 'URL scheme must be https'));
  if (u.hasUser) errs.push(invalid(path, raw, 'URL must not contain a username or password'));
  if (u.rawQuery) errs.push(invalid(path, raw, 'URL must not contain a query'));
  if (u.fragment) errs.push(invalid(path, raw, 'URL must not contain a fragment'));
  return errs;
}

function validateAudiences(auds: string[], policy: string, issuerPath: Path): FieldError[] {
  const p = issuerPath.child('audiences');
  const policyPath = issuerPath.child('audienceMatchPolicy').toString();
  if (auds.length === 0) return [required(p.toString(), `at least one ${p} is required`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  auds.forEach((aud, i) => {
    if (!aud) errs.push(required(p.index(i).toString()));
    if (seen.has(aud)) errs.push(duplicate(p.index(i).toString(), aud));
    seen.add(aud);
  });
  if (auds.length > 1 && policy !== 'MatchAny')
    errs.push(invalid(policyPath, policy, 'audienceMatchPolicy must be MatchAny for multiple audiences'));
  if (auds.length === 1 && policy && policy !== 'MatchAny')
    errs.push(invalid(policyPath, policy, 'audienceMatchPolicy must be empty or MatchAny for single audience'));
  return errs;
}

/** certutil.NewPoolFromBytes: every CERTIFICATE block must parse and there must be at least one. */
export function caError(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      return 'x509: malformed certificate';
    }
  }
  return blocks.length ? undefined : 'data does not contain any valid RSA or ECDSA certificates';
}

function compileAt(
  variable: 'claims' | 'user',
  expression: string,
  want: 'any' | 'bool',
  path: string,
): CompiledExpression | FieldError {
  const r = compile(variable, expression, want);
  if ('run' in r) return r;
  return r.type === 'invalid' ? invalid(path, expression, r.detail) : internal(path, r.detail);
}

const isFieldError = (v: CompiledExpression | FieldError): v is FieldError => 'detail' in v && 'type' in v;

function validateClaimValidationRules(state: State, rules: ClaimValidationRule[], p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seenClaims = new Set<string>();
  const seenExpressions = new Set<string>();
  const compiled: { compiled: CompiledExpression; message: string }[] = [];
  rules.forEach((rule, i) => {
    const rp = p.index(i);
    const claim = rule.claim ?? '';
    const expression = rule.expression ?? '';
    if (claim && expression) errs.push(invalid(rp.toString(), claim, "claim and expression can't both be set"));
    else if (!claim && !expression) errs.push(required(rp.toString(), 'claim or expression is required'));
    else if (claim) {
      if (rule.message)
        errs.push(invalid(rp.child('message').toString(), rule.message, 'may not be specified when claim is set'));
      if (seenClaims.has(claim)) errs.push(duplicate(rp.child('claim').toString(), claim));
      seenClaims.add(claim);
    } else {
      if (rule.requiredValue)
        errs.push(
          invalid(
            rp.child('requiredValue').toString(),
            rule.requiredValue,
            'may not be specified when expression is set',
          ),
        );
      if (seenExpressions.has(expression)) {
        errs.push(duplicate(rp.child('expression').toString(), expression));
        return;
      }
      seenExpressions.add(expression);
      const c = compileAt('claims', expression, 'bool', rp.child('expression').toString());
      if (isFieldError(c)) errs.push(c);
      else compiled.push({ compiled: c, message: rule.message ?? '' });
    }
  });
  if (compiled.length) {
    state.mapper.claimValidationRules = compiled;
    state.usesEmailVerifiedClaim ||= compiled.some((c) => selectsClaim(c.compiled.ast, 'email_verified'));
  }
  return errs;
}

function validatePrefixClaimOrExpression(
  m: PrefixedClaimOrExpression,
  p: Path,
  claimOrExpressionRequired: boolean,
): { compiled?: CompiledExpression; errors: FieldError[] } {
  const errs: FieldError[] = [];
  const claim = m.claim ?? '';
  const expression = m.expression ?? '';
  let compiled: CompiledExpression | undefined;
  if (expression && claim) errs.push(invalid(p.toString(), '', "claim and expression can't both be set"));
  else if (!expression && !claim && claimOrExpressionRequired)
    errs.push(required(p.toString(), 'claim or expression is required'));
  else if (expression) {
    if (m.prefix !== undefined)
      errs.push(invalid(p.child('prefix').toString(), m.prefix, 'may not be specified when expression is set'));
    const c = compileAt('claims', expression, 'any', p.child('expression').toString());
    if (isFieldError(c)) errs.push(c);
    else compiled = c;
  } else if (claim && m.prefix === undefined) {
    errs.push(
      required(
        p.child('prefix').toString(),
        'prefix is required when claim is set. It can be set to an empty string to disable prefixing',
      ),
    );
  }
  return { compiled, errors: errs };
}

function isKubernetesDomainPrefix(key: string): boolean {
  const slash = key.indexOf('/');
  const domain = slash >= 0 ? key.slice(0, slash) : '';
  return (
    domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io') || domain === 'k8s.io' || domain.endsWith('.k8s.io')
  );
}

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRegexp = new RegExp('^' + httpPathFmt + '$');

/** utilvalidation.IsDomainPrefixedPath. */
function isDomainPrefixedPath(path: string, value: string): FieldError[] {
  if (!value) return [required(path)];
  const slash = value.indexOf('/');
  const host = slash >= 0 ? value.slice(0, slash) : value;
  const rest = slash >= 0 ? value.slice(slash + 1) : '';
  if (slash < 0 || !host || !rest)
    return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  if (!httpPathRegexp.test(rest)) errs.push(invalid(path, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

function validateClaimMappings(state: State, a: JwtAuthenticatorConfig, p: Path): FieldError[] {
  const m = a.claimMappings;
  const errs: FieldError[] = [];
  const u = validatePrefixClaimOrExpression(m.username, p.child('username'), true);
  errs.push(...u.errors);
  if (!u.errors.length && u.compiled) {
    state.usesEmailClaim ||= selectsClaim(u.compiled.ast, 'email');
    state.usesEmailVerifiedClaim ||= selectsClaim(u.compiled.ast, 'email_verified');
    state.mapper.username = u.compiled;
  }
  const g = validatePrefixClaimOrExpression(m.groups, p.child('groups'), false);
  errs.push(...g.errors);
  if (!g.errors.length && g.compiled) state.mapper.groups = g.compiled;

  const uidClaim = m.uid.claim ?? '';
  const uidExpr = m.uid.expression ?? '';
  if (uidClaim && uidExpr) errs.push(invalid(p.child('uid').toString(), '', "claim and expression can't both be set"));
  else if (uidExpr) {
    const c = compileAt('claims', uidExpr, 'any', p.child('uid', 'expression').toString());
    if (isFieldError(c)) errs.push(c);
    else state.mapper.uid = c;
  }

  const extras: { key: string; compiled: CompiledExpression }[] = [];
  const seenKeys = new Set<string>();
  m.extra.forEach((e, i) => {
    const ep = p.child('extra').index(i);
    const keyPath = ep.child('key').toString();
    errs.push(...isDomainPrefixedPath(keyPath, e.key));
    if (e.key !== e.key.toLowerCase()) errs.push(invalid(keyPath, e.key, 'must be lowercase'));
    if (isKubernetesDomainPrefix(e.key))
      errs.push(invalid(keyPath, e.key, 'k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use'));
    if (seenKeys.has(e.key)) {
      errs.push(duplicate(keyPath, e.key));
      return;
    }
    seenKeys.add(e.key);
    if (!e.valueExpression) {
      errs.push(required(ep.child('valueExpression').toString()));
      return;
    }
    const c = compileAt('claims', e.valueExpression, 'any', ep.child('valueExpression').toString());
    if (isFieldError(c)) errs.push(c);
    else extras.push({ key: e.key, compiled: c });
  });
  if (extras.length) {
    state.mapper.extra = extras;
    state.usesEmailVerifiedClaim ||= extras.some((x) => selectsClaim(x.compiled.ast, 'email_verified'));
  }
  if (state.usesEmailClaim && !state.usesEmailVerifiedClaim)
    errs.push(
      invalid(
        p.child('username', 'expression').toString(),
        m.username.expression ?? '',
        'claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression',
      ),
    );
  return errs;
}

function validateUserValidationRules(state: State, rules: UserValidationRule[], p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  const compiled: { compiled: CompiledExpression; message: string }[] = [];
  rules.forEach((rule, i) => {
    const ep = p.index(i).child('expression').toString();
    if (!rule.expression) {
      errs.push(required(ep));
      return;
    }
    if (seen.has(rule.expression)) {
      errs.push(duplicate(ep, rule.expression));
      return;
    }
    seen.add(rule.expression);
    const c = compileAt('user', rule.expression, 'bool', ep);
    if (isFieldError(c)) errs.push(c);
    else compiled.push({ compiled: c, message: rule.message ?? '' });
  });
  if (compiled.length) state.mapper.userValidationRules = compiled;
  return errs;
}

/** `--anonymous-auth` vs the file's `anonymous` (pkg/kubeapiserver/options/authentication.go). */
export const anonymousFlagConflict = fieldErrorString(
  forbidden(
    'anonymous',
    '--anonymous-auth flag cannot be set when anonymous field is configured in authentication configuration file',
  ),
);
