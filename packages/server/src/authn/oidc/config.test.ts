import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAuthenticationConfiguration, parseAuthenticationConfiguration } from './config.js';

const head = 'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\n';
const issuer = 'https://issuer.example';

function jwtYaml(body: string): string {
  return `${head}jwt:\n${body}`;
}

const invalid = (data: string, message: string, disallowedIssuers?: string[]) =>
  assert.throws(() => parseAuthenticationConfiguration(data, { disallowedIssuers }), {
    message: `invalid authentication configuration: ${message}`,
  });

test('decodes v1, v1beta1 and v1alpha1, YAML or JSON, into the normalized config', () => {
  for (const v of ['v1', 'v1beta1', 'v1alpha1']) {
    const cfg = parseAuthenticationConfiguration(
      JSON.stringify({
        apiVersion: `apiserver.config.k8s.io/${v}`,
        kind: 'AuthenticationConfiguration',
        jwt: [
          {
            issuer: {
              url: issuer,
              discoveryURL: `${issuer}/discovery`,
              audiences: ['a', 'b'],
              audienceMatchPolicy: 'MatchAny',
            },
            claimValidationRules: [
              { claim: 'hd', requiredValue: 'example.org' },
              { expression: 'claims.x == "y"', message: 'm' },
            ],
            claimMappings: {
              username: { expression: 'claims.sub' },
              groups: { claim: 'groups', prefix: '' },
              uid: { claim: 'sub' },
              extra: [{ key: 'example.org/foo', valueExpression: 'claims.foo' }],
            },
            userValidationRules: [{ expression: "!user.username.startsWith('system:')", message: 'no' }],
          },
        ],
      }),
    );
    assert.deepEqual(cfg.jwt[0], {
      issuer: {
        url: issuer,
        discoveryURL: `${issuer}/discovery`,
        audiences: ['a', 'b'],
        audienceMatchPolicy: 'MatchAny',
      },
      claimValidationRules: [
        { claim: 'hd', requiredValue: 'example.org' },
        { expression: 'claims.x == "y"', message: 'm' },
      ],
      claimMappings: {
        username: { expression: 'claims.sub' },
        groups: { claim: 'groups', prefix: '' },
        uid: { claim: 'sub' },
        extra: [{ key: 'example.org/foo', valueExpression: 'claims.foo' }],
      },
      userValidationRules: [{ expression: "!user.username.startsWith('system:')", message: 'no' }],
      signingAlgs: ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'],
    });
  }
  assert.deepEqual(parseAuthenticationConfiguration(`${head}jwt: []\n`), { jwt: [] });
});

test('decode errors read like the strict codec', () => {
  const err = (data: string, message: string) =>
    assert.throws(() => decodeAuthenticationConfiguration(data), { message });
  err('', 'empty config data');
  err('jwt: []\n', `Object 'Kind' is missing in '{"jwt":[]}'`);
  err(
    'kind: AuthenticationConfiguration\n',
    `Object 'apiVersion' is missing in '{"kind":"AuthenticationConfiguration"}'`,
  );
  err(
    'apiVersion: apiserver.config.k8s.io/v2\nkind: AuthenticationConfiguration\n',
    'no kind "AuthenticationConfiguration" is registered for version "apiserver.config.k8s.io/v2" in scheme "pkg/kubeapiserver/options/authentication.go"',
  );
  err(
    jwtYaml(`- issuer: {url: ${issuer}, audiences: [a], foo: 1}\n  bar: 2\n`),
    'strict decoding error: unknown field "jwt[0].issuer.foo", unknown field "jwt[0].bar"',
  );
  err(
    jwtYaml(`- issuer: {url: 5}\n`),
    'json: cannot unmarshal number into Go struct field Issuer.jwt.issuer.url of type string',
  );
  err(
    `${head}jwt: {}\n`,
    'json: cannot unmarshal object into Go struct field AuthenticationConfiguration.jwt of type []v1.JWTAuthenticator',
  );
  err(
    `${head}jwt:\n- issuer:\n    audiences: a\n`,
    'json: cannot unmarshal string into Go struct field Issuer.jwt.issuer.audiences of type []string',
  );
});

test('issuer validation', () => {
  invalid(
    jwtYaml(`- issuer: {url: "", audiences: []}\n  claimMappings: {username: {claim: sub, prefix: ""}}\n`),
    '[jwt[0].issuer.url: Required value, jwt[0].issuer.audiences: Required value: at least one jwt[0].issuer.audiences is required]',
  );
  invalid(
    jwtYaml(
      `- issuer: {url: "${issuer}#x", discoveryURL: "${issuer}/", audiences: [a, a, ""]}\n  claimMappings: {username: {claim: sub, prefix: ""}}\n`,
    ),
    `[jwt[0].issuer.url: Invalid value: "${issuer}#x": URL must not contain a fragment, ` +
      `jwt[0].issuer.audiences[1]: Duplicate value: "a", jwt[0].issuer.audiences[2]: Required value, ` +
      `jwt[0].issuer.audienceMatchPolicy: Invalid value: "": audienceMatchPolicy must be MatchAny for multiple audiences]`,
  );
  invalid(
    jwtYaml(
      `- issuer: {url: "${issuer}", discoveryURL: "${issuer}/", audiences: [a], audienceMatchPolicy: MatchAll}\n  claimMappings: {username: {claim: sub, prefix: ""}}\n`,
    ),
    `[jwt[0].issuer.discoveryURL: Invalid value: "${issuer}/": discoveryURL must be different from URL, ` +
      'jwt[0].issuer.audienceMatchPolicy: Invalid value: "MatchAll": audienceMatchPolicy must be empty or MatchAny for single audience]',
  );
  invalid(
    jwtYaml(
      `- issuer: {url: "${issuer}", audiences: [a], egressSelectorType: other}\n  claimMappings: {username: {claim: sub, prefix: ""}}\n`,
    ),
    'jwt[0].issuer.egressSelectorType: Invalid value: "other": egress selector must be either controlplane or cluster',
  );
  const two = `- issuer: {url: "${issuer}", audiences: [a]}\n  claimMappings: {username: {claim: sub, prefix: ""}}\n`;
  invalid(jwtYaml(two + two), `jwt[1].issuer.url: Duplicate value: "${issuer}"`);
  invalid(
    `${head}jwt: []\nanonymous: {enabled: false, conditions: [{path: /healthz}]}\n`,
    'anonymous.conditions: Invalid value: []apiserver.AnonymousAuthCondition{apiserver.AnonymousAuthCondition{Path:"/healthz"}}: enabled should be set to true when conditions are defined',
  );
});

test('claim mappings and rules validation', () => {
  const iss = `- issuer: {url: "${issuer}", audiences: [a]}\n`;
  invalid(
    jwtYaml(`${iss}  claimMappings: {username: {claim: sub}}\n`),
    'jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set. It can be set to an empty string to disable prefixing',
  );
  invalid(
    jwtYaml(`${iss}  claimMappings: {username: {}}\n`),
    'jwt[0].claimMappings.username: Required value: claim or expression is required',
  );
  invalid(
    jwtYaml(`${iss}  claimMappings: {username: {claim: sub, expression: claims.sub}}\n`),
    'jwt[0].claimMappings.username: Invalid value: "": claim and expression can\'t both be set',
  );
  invalid(
    jwtYaml(`${iss}  claimMappings: {username: {expression: claims.email}}\n`),
    'jwt[0].claimMappings.username.expression: Invalid value: "claims.email": claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression',
  );
  // email_verified used in a validation rule satisfies the check.
  parseAuthenticationConfiguration(
    jwtYaml(
      `${iss}  claimMappings: {username: {expression: claims.email}}\n  claimValidationRules: [{expression: "claims.?email_verified.orValue(true) == true"}]\n`,
    ),
  );
  invalid(
    jwtYaml(`${iss}  claimMappings: {username: {expression: claims.sub, prefix: x}}\n`),
    'jwt[0].claimMappings.username.prefix: Invalid value: "x": may not be specified when expression is set',
  );
  invalid(
    jwtYaml(
      `${iss}  claimMappings: {username: {claim: sub, prefix: ""}}\n  claimValidationRules: [{expression: claims.hd}, {claim: hd, message: m}, {}]\n`,
    ),
    '[jwt[0].claimValidationRules[0].expression: Invalid value: "claims.hd": must evaluate to bool, ' +
      'jwt[0].claimValidationRules[1].message: Invalid value: "m": may not be specified when claim is set, ' +
      'jwt[0].claimValidationRules[2]: Required value: claim or expression is required]',
  );
  const extra = (key: string) =>
    jwtYaml(
      `${iss}  claimMappings:\n    username: {claim: sub, prefix: ""}\n    extra: [{key: "${key}", valueExpression: claims.x}]\n`,
    );
  invalid(
    extra('foo'),
    'jwt[0].claimMappings.extra[0].key: Invalid value: "foo": must be a domain-prefixed path (such as "acme.io/foo")',
  );
  invalid(
    extra('kubernetes.io/foo'),
    'jwt[0].claimMappings.extra[0].key: Invalid value: "kubernetes.io/foo": k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use',
  );
  invalid(
    extra('Example.org/foo'),
    "[jwt[0].claimMappings.extra[0].key: Invalid value: \"Example.org\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), " +
      'jwt[0].claimMappings.extra[0].key: Invalid value: "Example.org/foo": must be lowercase]',
  );
  invalid(
    jwtYaml(
      `${iss}  claimMappings: {username: {claim: sub, prefix: ""}}\n  userValidationRules: [{expression: "user.username"}, {expression: ""}]\n`,
    ),
    '[jwt[0].userValidationRules[0].expression: Invalid value: "user.username": must evaluate to bool, jwt[0].userValidationRules[1].expression: Required value]',
  );
  assert.throws(
    () => parseAuthenticationConfiguration(jwtYaml(`${iss}  claimMappings: {username: {expression: "claims."}}\n`)),
    (e: Error) =>
      e.message.startsWith(
        'invalid authentication configuration: jwt[0].claimMappings.username.expression: Invalid value: "claims.": compilation failed: ERROR: <input>:1:',
      ),
  );
});
