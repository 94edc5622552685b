// The normalized JWT authenticator configuration: kube-apiserver's internal apiserver.JWTAuthenticator
// (k8s.io/apiserver/pkg/apis/apiserver), built either from --oidc-* flags or from an
// AuthenticationConfiguration file. Field names follow the API so error paths read the same.

export interface ClaimOrExpression {
  claim?: string;
  expression?: string;
}

export interface PrefixedClaimOrExpression extends ClaimOrExpression {
  /** undefined = Go's nil pointer (not set); '' = set but empty (no prefixing). */
  prefix?: string;
}

export interface ExtraMapping {
  key: string;
  valueExpression: string;
}

export interface ClaimValidationRule {
  claim?: string;
  requiredValue?: string;
  expression?: string;
  message?: string;
}

export interface UserValidationRule {
  expression: string;
  message?: string;
}

export interface Issuer {
  url: string;
  discoveryURL?: string;
  /** PEM bundle trusted for discovery and JWKS fetches (replaces the host roots, like Go's RootCAs). */
  certificateAuthority?: string;
  audiences: string[];
  audienceMatchPolicy?: string;
  egressSelectorType?: string;
}

export interface JwtAuthenticatorConfig {
  issuer: Issuer;
  claimValidationRules: ClaimValidationRule[];
  claimMappings: {
    username: PrefixedClaimOrExpression;
    groups: PrefixedClaimOrExpression;
    uid: ClaimOrExpression;
    extra: ExtraMapping[];
  };
  userValidationRules: UserValidationRule[];
  /**
   * Accepted JOSE algorithms. --oidc-signing-algs for the flags (default RS256); every valid algorithm
   * for an --authentication-config file (kube-apiserver: "any alg is fine as long it matches a public key").
   */
  signingAlgs: string[];
}

export interface AnonymousAuthConfig {
  enabled: boolean;
  conditions: { path: string }[];
}

/** A decoded --authentication-config file. */
export interface AuthenticationConfiguration {
  jwt: JwtAuthenticatorConfig[];
  anonymous?: AnonymousAuthConfig;
}

/** oidc.AllValidSigningAlgorithms(): sorted, as Go's sets.List returns them. */
export const allValidSigningAlgs: readonly string[] = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
];

/** The structured logger the server passes around (server/apiserver.ts Logger is compatible). */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
