// The --oidc-* and --authentication-config flag definitions, apart from their (heavier) validation so the
// CLI can list them without loading the CEL engine.

export interface OidcFlagSpec {
  name: string;
  type: 'string' | 'stringArray' | 'stringSlice' | 'bool';
  default?: unknown;
  usage: string;
}

export const authenticationConfigFlag = 'authentication-config';

export const oidcFlagSpecs: OidcFlagSpec[] = [
  {
    name: authenticationConfigFlag,
    type: 'string',
    usage:
      'File with Authentication Configuration to configure the JWT Token authenticator or the anonymous authenticator. ' +
      'Requires the StructuredAuthenticationConfiguration feature gate. ' +
      'This flag is mutually exclusive with the --oidc-* flags if the file configures the JWT Token authenticator. ' +
      'This flag is mutually exclusive with --anonymous-auth if the file configures the Anonymous authenticator.',
  },
  {
    name: 'oidc-issuer-url',
    type: 'string',
    usage:
      'The URL of the OpenID issuer, only HTTPS scheme will be accepted. ' +
      'If set, it will be used to verify the OIDC JSON Web Token (JWT).',
  },
  {
    name: 'oidc-client-id',
    type: 'string',
    usage: 'The client ID for the OpenID Connect client, must be set if oidc-issuer-url is set.',
  },
  {
    name: 'oidc-ca-file',
    type: 'string',
    usage:
      "If set, the OpenID server's certificate will be verified by one of the authorities " +
      "in the oidc-ca-file, otherwise the host's root CA set will be used.",
  },
  {
    name: 'oidc-username-claim',
    type: 'string',
    usage:
      "The OpenID claim to use as the user name. Note that claims other than the default ('sub') " +
      'is not guaranteed to be unique and immutable. This flag is experimental, please see ' +
      'the authentication documentation for further details. (default "sub")',
  },
  {
    name: 'oidc-username-prefix',
    type: 'string',
    usage:
      'If provided, all usernames will be prefixed with this value. If not provided, ' +
      "username claims other than 'email' are prefixed by the issuer URL to avoid " +
      "clashes. To skip any prefixing, provide the value '-'.",
  },
  {
    name: 'oidc-groups-claim',
    type: 'string',
    usage:
      'If provided, the name of a custom OpenID Connect claim for specifying user groups. ' +
      'The claim value is expected to be a string or array of strings. This flag is experimental, ' +
      'please see the authentication documentation for further details.',
  },
  {
    name: 'oidc-groups-prefix',
    type: 'string',
    usage:
      'If provided, all groups will be prefixed with this value to prevent conflicts with ' +
      'other authentication strategies.',
  },
  {
    name: 'oidc-signing-algs',
    type: 'stringSlice',
    usage:
      'Comma-separated list of allowed JOSE asymmetric signing algorithms. JWTs with a ' +
      "supported 'alg' header values are: RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512. " +
      'Values are defined by RFC 7518 https://tools.ietf.org/html/rfc7518#section-3.1. (default [RS256])',
  },
  {
    name: 'oidc-required-claim',
    type: 'stringArray',
    usage:
      'A key=value pair that describes a required claim in the ID Token. ' +
      'If set, the claim is verified to be present in the ID Token with a matching value. ' +
      'Repeat this flag to specify multiple claims.',
  },
];
