// --authentication-config: decodes an AuthenticationConfiguration (apiserver.config.k8s.io v1alpha1, v1beta1,
// v1; YAML or JSON) the way kube-apiserver's strict codec does — YAML 1.1 to JSON, unknown fields refused
// with `strict decoding error: unknown field "…"`, type mismatches with encoding/json's wording — then
// validates it (validation.ts). Messages: pkg/kubeapiserver/options/authentication.go.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { goFileError } from './gofmt.js';
import { aggregateFieldErrors, validateAuthenticationConfiguration } from './validation.js';
import {
  allValidSigningAlgs,
  type AuthenticationConfiguration,
  type JwtAuthenticatorConfig,
  type PrefixedClaimOrExpression,
} from './types.js';
import { goQuote } from '../../gocompat/quote.js';
import { jsonKind } from '../../gocompat/json-decode.js';

export const authenticationConfigGroup = 'apiserver.config.k8s.io';
const versions = new Set(['v1alpha1', 'v1beta1', 'v1']);

type Schema =
  | { t: 'string' }
  | { t: 'bool' }
  | { t: 'array'; of: Schema; goType: string }
  | { t: 'struct'; name: string; fields: Record<string, Schema> };

const str: Schema = { t: 'string' };
const struct = (name: string, fields: Record<string, Schema>): Schema => ({ t: 'struct', name, fields });
const array = (of: Schema, goType: string): Schema => ({ t: 'array', of, goType });

/** The external types (identical in v1alpha1, v1beta1 and v1 as of 1.34); `pkg` names them in errors. */
function schemaFor(pkg: string): Schema {
  const prefixed = struct('PrefixedClaimOrExpression', { claim: str, prefix: str, expression: str });
  return struct('AuthenticationConfiguration', {
    apiVersion: str,
    kind: str,
    jwt: array(
      struct('JWTAuthenticator', {
        issuer: struct('Issuer', {
          url: str,
          discoveryURL: str,
          certificateAuthority: str,
          audiences: array(str, '[]string'),
          audienceMatchPolicy: str,
          egressSelectorType: str,
        }),
        claimValidationRules: array(
          struct('ClaimValidationRule', { claim: str, requiredValue: str, expression: str, message: str }),
          `[]${pkg}.ClaimValidationRule`,
        ),
        claimMappings: struct('ClaimMappings', {
          username: prefixed,
          groups: prefixed,
          uid: struct('ClaimOrExpression', { claim: str, expression: str }),
          extra: array(struct('ExtraMapping', { key: str, valueExpression: str }), `[]${pkg}.ExtraMapping`),
        }),
        userValidationRules: array(
          struct('UserValidationRule', { expression: str, message: str }),
          `[]${pkg}.UserValidationRule`,
        ),
      }),
      `[]${pkg}.JWTAuthenticator`,
    ),
    anonymous: struct('AnonymousAuthConfig', {
      enabled: { t: 'bool' },
      conditions: array(struct('AnonymousAuthCondition', { path: str }), `[]${pkg}.AnonymousAuthCondition`),
    }),
  });
}

interface DecodeState {
  typeError?: string;
  unknown: string[];
}

/**
 * Walks `v` against `s` like sigs.k8s.io/json's strict, case-sensitive Unmarshal: records the first type
 * error (Go keeps decoding and reports it at the end) and every unknown field with its full path.
 */
function decode(
  v: unknown,
  s: Schema,
  pkg: string,
  st: DecodeState,
  path: string,
  goPath: string,
  struct: string,
): unknown {
  if (v === null) return undefined;
  const mismatch = (goType: string) => {
    st.typeError ??= struct
      ? `json: cannot unmarshal ${jsonKind(v)} into Go struct field ${struct}.${goPath} of type ${goType}`
      : `json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goType}`;
    return undefined;
  };
  switch (s.t) {
    case 'string':
      return typeof v === 'string' ? v : mismatch('string');
    case 'bool':
      return typeof v === 'boolean' ? v : mismatch('bool');
    case 'array':
      if (!Array.isArray(v)) return mismatch(s.goType);
      return v.map((item, i) => decode(item, s.of, pkg, st, `${path}[${i}]`, goPath, struct));
    case 'struct': {
      if (typeof v !== 'object' || Array.isArray(v)) return mismatch(`${pkg}.${s.name}`);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        const fs = Object.hasOwn(s.fields, k) ? s.fields[k] : undefined;
        const p = path ? `${path}.${k}` : k;
        if (!fs) {
          st.unknown.push(`unknown field "${p}"`);
          continue;
        }
        out[k] = decode(item, fs, pkg, st, p, goPath ? `${goPath}.${k}` : k, s.name);
      }
      return out;
    }
  }
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === 'object' ? (v as Rec) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const s = (v: unknown): string => (typeof v === 'string' ? v : '');

function prefixed(v: unknown): PrefixedClaimOrExpression {
  const r = rec(v);
  const out: PrefixedClaimOrExpression = {};
  if (s(r.claim)) out.claim = s(r.claim);
  if (s(r.expression)) out.expression = s(r.expression);
  if (typeof r.prefix === 'string') out.prefix = r.prefix;
  return out;
}

function toJwt(v: unknown): JwtAuthenticatorConfig {
  const r = rec(v);
  const is = rec(r.issuer);
  const cm = rec(r.claimMappings);
  const uid = rec(cm.uid);
  return {
    issuer: {
      url: s(is.url),
      ...(s(is.discoveryURL) ? { discoveryURL: s(is.discoveryURL) } : {}),
      ...(s(is.certificateAuthority) ? { certificateAuthority: s(is.certificateAuthority) } : {}),
      audiences: arr(is.audiences).map(s),
      ...(s(is.audienceMatchPolicy) ? { audienceMatchPolicy: s(is.audienceMatchPolicy) } : {}),
      ...(s(is.egressSelectorType) ? { egressSelectorType: s(is.egressSelectorType) } : {}),
    },
    claimValidationRules: arr(r.claimValidationRules).map((x) => {
      const c = rec(x);
      return {
        ...(s(c.claim) ? { claim: s(c.claim) } : {}),
        ...(s(c.requiredValue) ? { requiredValue: s(c.requiredValue) } : {}),
        ...(s(c.expression) ? { expression: s(c.expression) } : {}),
        ...(s(c.message) ? { message: s(c.message) } : {}),
      };
    }),
    claimMappings: {
      username: prefixed(cm.username),
      groups: prefixed(cm.groups),
      uid: {
        ...(s(uid.claim) ? { claim: s(uid.claim) } : {}),
        ...(s(uid.expression) ? { expression: s(uid.expression) } : {}),
      },
      extra: arr(cm.extra).map((x) => ({ key: s(rec(x).key), valueExpression: s(rec(x).valueExpression) })),
    },
    userValidationRules: arr(r.userValidationRules).map((x) => ({
      expression: s(rec(x).expression),
      ...(optStr(rec(x).message) ? { message: s(rec(x).message) } : {}),
    })),
    // kube-apiserver allows every known algorithm for authenticators from the file.
    signingAlgs: [...allValidSigningAlgs],
  };
}

/**
 * loadAuthenticationConfigFromData: decode only (no validation). Throws with the codec's error text:
 * `empty config data`, `Object 'Kind' is missing in '…'`, `strict decoding error: unknown field "…"`, …
 */
export function decodeAuthenticationConfiguration(data: string): AuthenticationConfiguration {
  if (data.length === 0) throw new Error('empty config data');
  // go-yaml v2 (YAML 1.1: yes/on are booleans) into interface{}: timestamps stay strings.
  const doc = parseDocument(data, {
    version: '1.1',
    uniqueKeys: true,
    customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  if (doc.errors.length)
    throw new Error(`error converting YAML to JSON: yaml: ${doc.errors[0]!.message.split('\n')[0]}`);
  const raw = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const oneLine = JSON.stringify(raw ?? null);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(raw)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  const r = raw as Rec;
  const apiVersion = typeof r.apiVersion === 'string' ? r.apiVersion : '';
  const kind = typeof r.kind === 'string' ? r.kind : '';
  if (!kind) throw new Error(`Object 'Kind' is missing in '${oneLine}'`);
  if (!apiVersion) throw new Error(`Object 'apiVersion' is missing in '${oneLine}'`);
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  if (group !== authenticationConfigGroup || !versions.has(version) || kind !== 'AuthenticationConfiguration') {
    if (group === authenticationConfigGroup && versions.has(version) && kind === 'AuthorizationConfiguration')
      throw new Error('expected AuthenticationConfiguration, got *apiserver.AuthorizationConfiguration');
    throw new Error(
      `no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/kubeapiserver/options/authentication.go"`,
    );
  }
  const st: DecodeState = { unknown: [] };
  const out = rec(decode(raw, schemaFor(version), version, st, '', '', ''));
  if (st.typeError) throw new Error(st.typeError);
  if (st.unknown.length) throw new Error(`strict decoding error: ${st.unknown.join(', ')}`);
  const cfg: AuthenticationConfiguration = { jwt: arr(out.jwt).map(toJwt) };
  if (out.anonymous !== undefined) {
    const a = rec(out.anonymous);
    cfg.anonymous = {
      enabled: a.enabled === true,
      conditions: arr(a.conditions).map((c) => ({ path: s(rec(c).path) })),
    };
  }
  return cfg;
}

export interface LoadOptions {
  /** --service-account-issuer values: JWT issuers may not reuse them. */
  disallowedIssuers?: readonly string[];
}

/** Decodes and validates; throws `invalid authentication configuration: <aggregate>` on field errors. */
export function parseAuthenticationConfiguration(data: string, o: LoadOptions = {}): AuthenticationConfiguration {
  const cfg = decodeAuthenticationConfiguration(data);
  const errs = validateAuthenticationConfiguration(cfg, o.disallowedIssuers);
  if (errs.length) throw new Error(`invalid authentication configuration: ${aggregateFieldErrors(errs)}`);
  return cfg;
}

/** Startup load of --authentication-config, with kube-apiserver's wrapping. Returns the raw text too. */
export function loadAuthenticationConfigFile(
  path: string,
  o: LoadOptions = {},
): { config: AuthenticationConfiguration; data: string } {
  let data: string;
  let cfg: AuthenticationConfiguration;
  try {
    data = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`failed to load authentication configuration from file ${goQuote(path)}: ${goFileError(path, e)}`, {
      cause: e,
    });
  }
  try {
    cfg = decodeAuthenticationConfiguration(data);
  } catch (e) {
    throw new Error(`failed to load authentication configuration from file ${goQuote(path)}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const errs = validateAuthenticationConfiguration(cfg, o.disallowedIssuers);
  if (errs.length) throw new Error(`invalid authentication configuration: ${aggregateFieldErrors(errs)}`);
  return { config: cfg, data };
}
