// Verified claims → user.Info, in kube-apiserver's jwtAuthenticator.AuthenticateToken order: username
// (with the email_verified rule), groups, uid, extra (credential id from jti, then CEL), required claims,
// claim validation rules, user validation rules. Messages from plugin/pkg/authenticator/token/oidc/oidc.go.
import { setKey } from '../../api/ownkeys.js';
import type { UserInfo } from '../../api/types.js';
import { type CompiledExpression, celInput, celKind, evaluate, isOptional, toStringList } from './cel.js';
import type { JwtAuthenticatorConfig } from './types.js';
import type { CelMapper } from './validation.js';
import { asGoBool, asGoString, jsonKind, unmarshalTypeError } from '../../gocompat/json-decode.js';

type Claims = Record<string, unknown>;
type Result<T> = { value: T } | { error: string };

export const credentialIdKey = 'authentication.kubernetes.io/credential-id';

/** stringOrArray: a JSON array of strings, else a single string (the string attempt's error is reported). */
function stringOrArray(v: unknown): Result<string[]> {
  if (v === null) return { value: [] };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string' || x === null)) return { value: v.map((x) => (x as string) ?? '') };
    return { error: unmarshalTypeError(v, 'string') };
  }
  if (typeof v === 'string') return { value: [v] };
  return { error: unmarshalTypeError(v, 'string') };
}

function evalMapping(c: CompiledExpression, claims: Claims): Result<unknown> {
  const r = evaluate(c, { claims: celInput(claims) });
  if ('error' in r) return { error: `expression '${c.expression}' resulted in error: ${r.error}` };
  return r;
}

function username(cfg: JwtAuthenticatorConfig, m: CelMapper, claims: Claims): Result<string> {
  if (m.username) {
    const r = evalMapping(m.username, claims);
    if ('error' in r) return { error: `oidc: error evaluating username claim expression: ${r.error}` };
    if (celKind(r.value) !== 'string')
      return {
        error: 'oidc: error evaluating username claim expression: username claim expression must return a string',
      };
    if (r.value === '') return { error: 'oidc: empty username via CEL expression is not allowed' };
    return { value: r.value as string };
  }
  const claim = cfg.claimMappings.username.claim ?? '';
  if (!Object.hasOwn(claims, claim)) return { error: `oidc: parse username claims "${claim}": claim not present` };
  const name = asGoString(claims[claim]);
  if ('error' in name) return { error: `oidc: parse username claims "${claim}": ${name.error}` };
  if (claim === 'email' && Object.hasOwn(claims, 'email_verified')) {
    const verified = asGoBool(claims.email_verified);
    if ('error' in verified) return { error: `oidc: parse 'email_verified' claim: ${verified.error}` };
    if (!verified.value) return { error: 'oidc: email not verified' };
  }
  const prefix = cfg.claimMappings.username.prefix;
  return { value: prefix ? prefix + name.value : name.value };
}

function groups(cfg: JwtAuthenticatorConfig, m: CelMapper, claims: Claims): Result<string[]> {
  const claim = cfg.claimMappings.groups.claim ?? '';
  if (claim && Object.hasOwn(claims, claim)) {
    const g = stringOrArray(claims[claim]);
    if ('error' in g) return { error: `oidc: parse groups claim "${claim}": ${g.error}` };
    const prefix = cfg.claimMappings.groups.prefix;
    return { value: prefix ? g.value.map((x) => prefix + x) : g.value };
  }
  if (!m.groups) return { value: [] };
  const r = evalMapping(m.groups, claims);
  if ('error' in r) return { error: `oidc: error evaluating group claim expression: ${r.error}` };
  const list = toStringList(r.value);
  if ('error' in list) return { error: `oidc: error evaluating group claim expression: ${list.error}` };
  return list;
}

function uid(cfg: JwtAuthenticatorConfig, m: CelMapper, claims: Claims): Result<string> {
  const claim = cfg.claimMappings.uid.claim ?? '';
  if (claim) {
    if (!Object.hasOwn(claims, claim)) return { error: `oidc: parse uid claim "${claim}": claim not present` };
    const v = asGoString(claims[claim]);
    return 'error' in v ? { error: `oidc: parse uid claim "${claim}": ${v.error}` } : v;
  }
  if (!m.uid) return { value: '' };
  const r = evalMapping(m.uid, claims);
  if ('error' in r) return { error: `oidc: error evaluating uid claim expression: ${r.error}` };
  if (celKind(r.value) !== 'string')
    return { error: 'oidc: error evaluating uid claim expression: uid claim expression must return a string' };
  return { value: r.value as string };
}

function extra(m: CelMapper, claims: Claims): Result<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  if (typeof claims.jti === 'string' && claims.jti) out[credentialIdKey] = [`JTI=${claims.jti}`];
  if (!m.extra) return { value: out };
  // kube evaluates every mapping first; an evaluation error is returned as is (no `oidc:` prefix).
  const results: unknown[] = [];
  for (const e of m.extra) {
    const r = evalMapping(e.compiled, claims);
    if ('error' in r) return r;
    results.push(r.value);
  }
  for (const [i, e] of m.extra.entries()) {
    const list = toStringList(results[i]);
    if ('error' in list)
      return { error: `oidc: error evaluating extra claim expression: ${e.compiled.expression}: ${list.error}` };
    if (list.value.length) setKey(out, e.key, list.value);
  }
  return { value: out };
}

/** checkValidationRulesEvaluation over already evaluated rules. */
function checkRules(
  rules: { compiled: CompiledExpression; message: string }[],
  vars: Record<string, unknown>,
  what: string,
): string | undefined {
  const values: unknown[] = [];
  for (const r of rules) {
    const v = evaluate(r.compiled, vars);
    if ('error' in v) return `oidc: ${what}: expression '${r.compiled.expression}' resulted in error: ${v.error}`;
    values.push(v.value);
  }
  for (const [i, r] of rules.entries()) {
    const v = values[i];
    if (typeof v !== 'boolean' || isOptional(v)) return `oidc: ${what}: validation expression must return a boolean`;
    if (!v) return `oidc: ${what}: validation expression '${r.compiled.expression}' failed: ${r.message}`;
  }
  return undefined;
}

/**
 * claimResolver.expand: a groups claim delivered as an OIDC distributed claim would need an HTTP call per
 * token, which the synchronous request path cannot make — such tokens fail with kube's error frame.
 */
function distributedGroups(cfg: JwtAuthenticatorConfig, claims: Claims): string | undefined {
  const claim = cfg.claimMappings.groups.claim ?? '';
  if (!claim || Object.hasOwn(claims, claim)) return undefined;
  const names = claims._claim_names;
  if (!names || typeof names !== 'object') return undefined;
  const src = (names as Record<string, unknown>)[claim];
  if (typeof src !== 'string') return undefined;
  const frame = 'oidc: could not expand distributed claims: ';
  const sources = claims._claim_sources;
  if (sources === undefined) return frame + 'oidc: no claim sources';
  const ep = sources && typeof sources === 'object' ? (sources as Record<string, unknown>)[src] : undefined;
  if (!ep || typeof ep !== 'object')
    return `${frame}id token _claim_names contained a source ${src} missing in _claims_sources`;
  if (!(ep as { endpoint?: unknown }).endpoint) return undefined; // an aggregated claim: ignored, as kube does
  return `${frame}while getting distributed claim "${claim}": distributed claims are not supported`;
}

/** Maps verified claims to the user, or returns kube-apiserver's error for the first failing step. */
export function mapClaims(cfg: JwtAuthenticatorConfig, m: CelMapper, claims: Claims): Result<UserInfo> {
  const distributed = distributedGroups(cfg, claims);
  if (distributed) return { error: distributed };
  const name = username(cfg, m, claims);
  if ('error' in name) return name;
  const g = groups(cfg, m, claims);
  if ('error' in g) return g;
  const u = uid(cfg, m, claims);
  if ('error' in u) return u;
  const x = extra(m, claims);
  if ('error' in x) return x;
  const user: UserInfo = { username: name.value, groups: g.value };
  if (u.value) user.uid = u.value;
  if (Object.keys(x.value).length) user.extra = x.value;

  for (const rule of cfg.claimValidationRules) {
    if (!rule.claim) continue;
    if (!Object.hasOwn(claims, rule.claim))
      return { error: `oidc: required claim ${rule.claim} not present in ID token` };
    const v = claims[rule.claim];
    // Only string values can match (a Go string unmarshal; null reads as "").
    if (v !== null && typeof v !== 'string')
      return {
        error: `oidc: parse claim ${rule.claim}: json: cannot unmarshal ${jsonKind(v)} into Go value of type string`,
      };
    const got = (v as string | null) ?? '';
    if (got !== (rule.requiredValue ?? ''))
      return {
        error: `oidc: required claim ${rule.claim} value does not match. Got = ${got}, want = ${rule.requiredValue ?? ''}`,
      };
  }
  if (m.claimValidationRules) {
    const err = checkRules(
      m.claimValidationRules,
      { claims: celInput(claims) },
      'error evaluating claim validation expression',
    );
    if (err) return { error: err };
  }
  if (m.userValidationRules) {
    const vars = {
      user: { username: user.username, uid: user.uid ?? '', groups: user.groups, extra: celInput(user.extra ?? {}) },
    };
    const err = checkRules(m.userValidationRules, vars, 'error evaluating user info validation rule');
    if (err) return { error: err };
  }
  return { value: user };
}
