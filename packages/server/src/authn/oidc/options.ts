// --oidc-* and --authentication-config, as pkg/kubeapiserver/options/authentication.go defines them: the
// flags become one structured JWT authenticator (1.30+), the two sources are mutually exclusive, and both go
// through the same validation. Defaults live here, not in the specs, because "was any --oidc-* flag given"
// is part of the validation (kube tracks it with a flag tracker).
import { readFileSync } from 'node:fs';
import { loadAuthenticationConfigFile, type LoadOptions } from './config.js';
import { goFileError } from './gofmt.js';
import { aggregateFieldErrors, validateAuthenticationConfiguration } from './validation.js';
import { allValidSigningAlgs, type AnonymousAuthConfig, type JwtAuthenticatorConfig } from './types.js';

export { authenticationConfigFlag, oidcFlagSpecs, type OidcFlagSpec } from './flag-specs.js';
import { authenticationConfigFlag, oidcFlagSpecs } from './flag-specs.js';

const oidcFlagNames = oidcFlagSpecs.map((f) => f.name).filter((n) => n.startsWith('oidc-'));

export const mutuallyExclusiveMessage = 'authentication-config file and oidc-* flags are mutually exclusive';
export const specifiedTogetherMessage =
  'oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set';

/** cliflag.MapStringStringNoSplit: `key=value`, both sides trimmed; last one wins. */
function requiredClaims(values: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of (values as string[] | undefined) ?? []) {
    const eq = raw.indexOf('=');
    if (eq < 0)
      throw new Error(
        `invalid argument "${raw}" for "--oidc-required-claim" flag: malformed pair, expect string=string`,
      );
    out.set(raw.slice(0, eq).trim(), raw.slice(eq + 1).trim());
  }
  return out;
}

/**
 * The --oidc-* flags as one JWT authenticator config, or undefined when none was given (or when
 * --authentication-config supplies the authenticators instead). `values` holds only flags actually given.
 * Throws kube-apiserver's messages.
 */
export function oidcConfigFromFlags(
  values: Map<string, unknown>,
  o: LoadOptions = {},
): JwtAuthenticatorConfig[] | undefined {
  const str = (n: string) => (values.get(n) as string | undefined) ?? '';
  const flagsSet = oidcFlagNames.some((n) => values.get(n) !== undefined);
  if (str(authenticationConfigFlag)) {
    if (flagsSet) throw new Error(mutuallyExclusiveMessage);
    return undefined;
  }
  if (!flagsSet) return undefined;
  const issuerURL = str('oidc-issuer-url');
  const clientID = str('oidc-client-id');
  if (!issuerURL || !clientID) throw new Error(specifiedTogetherMessage);
  const claims = requiredClaims(values.get('oidc-required-claim'));

  const usernameClaim = values.has('oidc-username-claim') ? str('oidc-username-claim') : 'sub';
  const usernamePrefixFlag = str('oidc-username-prefix');
  // Legacy behaviour (kubernetes#31380): claims other than email get the issuer URL as prefix.
  let usernamePrefix = usernamePrefixFlag;
  if (usernamePrefixFlag === '' && usernameClaim !== 'email') usernamePrefix = issuerURL + '#';
  if (usernamePrefixFlag === '-') usernamePrefix = '';

  const cfg: JwtAuthenticatorConfig = {
    issuer: { url: issuerURL, audiences: [clientID] },
    claimValidationRules: [...claims].map(([claim, requiredValue]) => ({ claim, requiredValue })),
    claimMappings: {
      username: { claim: usernameClaim, prefix: usernamePrefix },
      groups: {},
      uid: {},
      extra: [],
    },
    userValidationRules: [],
    signingAlgs: values.has('oidc-signing-algs') ? [...(values.get('oidc-signing-algs') as string[])] : ['RS256'],
  };
  const groupsClaim = str('oidc-groups-claim');
  if (groupsClaim) cfg.claimMappings.groups = { claim: groupsClaim, prefix: str('oidc-groups-prefix') };
  const caFile = str('oidc-ca-file');
  if (caFile) {
    try {
      cfg.issuer.certificateAuthority = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new Error(goFileError(caFile, e), { cause: e });
    }
  }
  const errs = validateAuthenticationConfiguration({ jwt: [cfg] }, o.disallowedIssuers);
  if (errs.length) throw new Error(`invalid authentication configuration: ${aggregateFieldErrors(errs)}`);
  checkSigningAlgs(cfg.signingAlgs);
  return [cfg];
}

/** oidc.New's allowlist check. */
export function checkSigningAlgs(algs: readonly string[]): void {
  for (const alg of algs.length ? algs : ['RS256'])
    if (!allValidSigningAlgs.includes(alg)) throw new Error(`oidc: unsupported signing alg: "${alg}"`);
}

export interface AuthenticationFromFlags {
  jwt: JwtAuthenticatorConfig[];
  /** From the file's `anonymous` (the CLI must then refuse an explicit --anonymous-auth). */
  anonymous?: AnonymousAuthConfig;
  /** The --authentication-config path and the text loaded from it (for watchAuthenticationConfig). */
  file?: { path: string; data: string };
}

/** Either source of JWT authenticators: --authentication-config (loaded and validated) or the --oidc-* flags. */
export function authenticationFromFlags(values: Map<string, unknown>, o: LoadOptions = {}): AuthenticationFromFlags {
  const fromFlags = oidcConfigFromFlags(values, o);
  const path = (values.get(authenticationConfigFlag) as string | undefined) ?? '';
  if (!path) return { jwt: fromFlags ?? [] };
  const { config, data } = loadAuthenticationConfigFile(path, o);
  return { jwt: config.jwt, ...(config.anonymous ? { anonymous: config.anonymous } : {}), file: { path, data } };
}
