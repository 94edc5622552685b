import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  authenticationFromFlags,
  mutuallyExclusiveMessage,
  oidcConfigFromFlags,
  oidcFlagSpecs,
  specifiedTogetherMessage,
} from './options.js';

const flags = (o: Record<string, unknown>) => new Map(Object.entries(o));
const issuer = 'https://issuer.example';

test('flag specs carry kube-apiserver names and types', () => {
  assert.deepEqual(
    oidcFlagSpecs.map((f) => `${f.name}:${f.type}`),
    [
      'authentication-config:string',
      'oidc-issuer-url:string',
      'oidc-client-id:string',
      'oidc-ca-file:string',
      'oidc-username-claim:string',
      'oidc-username-prefix:string',
      'oidc-groups-claim:string',
      'oidc-groups-prefix:string',
      'oidc-signing-algs:stringSlice',
      'oidc-required-claim:stringArray',
    ],
  );
});

test('no flags → no authenticator', () => {
  assert.equal(oidcConfigFromFlags(flags({})), undefined);
});

test('defaults: sub with <issuer># prefix, RS256', () => {
  assert.deepEqual(oidcConfigFromFlags(flags({ 'oidc-issuer-url': issuer, 'oidc-client-id': 'kube' })), [
    {
      issuer: { url: issuer, audiences: ['kube'] },
      claimValidationRules: [],
      claimMappings: { username: { claim: 'sub', prefix: `${issuer}#` }, groups: {}, uid: {}, extra: [] },
      userValidationRules: [],
      signingAlgs: ['RS256'],
    },
  ]);
});

test('username prefix: none for email, "-" disables, explicit kept; groups and required claims', () => {
  const one = (o: Record<string, unknown>) =>
    oidcConfigFromFlags(flags({ 'oidc-issuer-url': issuer, 'oidc-client-id': 'kube', ...o }))![0]!;
  assert.deepEqual(one({ 'oidc-username-claim': 'email' }).claimMappings.username, { claim: 'email', prefix: '' });
  assert.deepEqual(one({ 'oidc-username-prefix': '-' }).claimMappings.username, { claim: 'sub', prefix: '' });
  assert.deepEqual(one({ 'oidc-username-prefix': 'oidc:' }).claimMappings.username, { claim: 'sub', prefix: 'oidc:' });
  const c = one({
    'oidc-groups-claim': 'groups',
    'oidc-groups-prefix': 'oidc:',
    'oidc-required-claim': ['hd = example.org', 'tenant=a=b', 'hd=example.com'],
    'oidc-signing-algs': ['ES256', 'RS256'],
  });
  assert.deepEqual(c.claimMappings.groups, { claim: 'groups', prefix: 'oidc:' });
  assert.deepEqual(c.claimValidationRules, [
    { claim: 'hd', requiredValue: 'example.com' },
    { claim: 'tenant', requiredValue: 'a=b' },
  ]);
  assert.deepEqual(c.signingAlgs, ['ES256', 'RS256']);
});

test('validation messages', () => {
  const err = (o: Record<string, unknown>, msg: string, disallowed?: string[]) =>
    assert.throws(() => oidcConfigFromFlags(flags(o), { disallowedIssuers: disallowed }), { message: msg });
  err({ 'oidc-username-claim': 'email' }, specifiedTogetherMessage);
  err({ 'oidc-issuer-url': issuer }, specifiedTogetherMessage);
  err({ 'authentication-config': '/x.yaml', 'oidc-client-id': 'kube' }, mutuallyExclusiveMessage);
  assert.equal(mutuallyExclusiveMessage, 'authentication-config file and oidc-* flags are mutually exclusive');
  assert.equal(
    specifiedTogetherMessage,
    'oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set',
  );
  err(
    { 'oidc-issuer-url': 'http://issuer.example', 'oidc-client-id': 'kube' },
    'invalid authentication configuration: jwt[0].issuer.url: Invalid value: "http://issuer.example": URL scheme must be https',
  );
  err(
    { 'oidc-issuer-url': 'https://u:p@issuer.example?x=1', 'oidc-client-id': 'kube' },
    'invalid authentication configuration: [jwt[0].issuer.url: Invalid value: "https://u:p@issuer.example?x=1": URL must not contain a username or password, jwt[0].issuer.url: Invalid value: "https://u:p@issuer.example?x=1": URL must not contain a query]',
  );
  err(
    { 'oidc-issuer-url': issuer, 'oidc-client-id': 'kube' },
    `invalid authentication configuration: jwt[0].issuer.url: Invalid value: "${issuer}": URL must not overlap with disallowed issuers: [${issuer} https://other]`,
    ['https://other', issuer],
  );
  err(
    { 'oidc-issuer-url': issuer, 'oidc-client-id': 'kube', 'oidc-signing-algs': ['HS256'] },
    'oidc: unsupported signing alg: "HS256"',
  );
  err(
    { 'oidc-issuer-url': issuer, 'oidc-client-id': 'kube', 'oidc-required-claim': ['nope'] },
    'invalid argument "nope" for "--oidc-required-claim" flag: malformed pair, expect string=string',
  );
  err(
    { 'oidc-issuer-url': issuer, 'oidc-client-id': 'kube', 'oidc-ca-file': '/nonexistent/ca.crt' },
    'open /nonexistent/ca.crt: no such file or directory',
  );
});

test('CA file must hold certificates; --authentication-config loads the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-oidc-opts-'));
  try {
    const ca = join(dir, 'ca.crt');
    writeFileSync(ca, 'not a certificate');
    assert.throws(
      () => oidcConfigFromFlags(flags({ 'oidc-issuer-url': issuer, 'oidc-client-id': 'kube', 'oidc-ca-file': ca })),
      {
        message:
          'invalid authentication configuration: jwt[0].issuer.certificateAuthority: Invalid value: "<omitted>": data does not contain any valid RSA or ECDSA certificates',
      },
    );
    const file = join(dir, 'authn.yaml');
    const yaml = [
      'apiVersion: apiserver.config.k8s.io/v1beta1',
      'kind: AuthenticationConfiguration',
      'jwt:',
      '- issuer:',
      `    url: ${issuer}`,
      '    audiences: [kube]',
      '  claimMappings:',
      '    username: {claim: sub, prefix: "oidc:"}',
      'anonymous:',
      '  enabled: true',
      '  conditions: [{path: /healthz}]',
    ].join('\n');
    writeFileSync(file, yaml);
    const r = authenticationFromFlags(flags({ 'authentication-config': file }));
    assert.equal(r.jwt.length, 1);
    assert.deepEqual(r.jwt[0]!.claimMappings.username, { claim: 'sub', prefix: 'oidc:' });
    assert.deepEqual(r.anonymous, { enabled: true, conditions: [{ path: '/healthz' }] });
    assert.deepEqual(r.file, { path: file, data: yaml });
    assert.throws(() => authenticationFromFlags(flags({ 'authentication-config': join(dir, 'missing.yaml') })), {
      message: `failed to load authentication configuration from file "${join(dir, 'missing.yaml')}": open ${join(dir, 'missing.yaml')}: no such file or directory`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
