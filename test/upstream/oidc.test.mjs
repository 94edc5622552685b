// Ports of test/integration/auth/oidc_test.go (kubernetes/kubernetes; revision in ledger.json): ID tokens with
// upstream's claims, signed by a local issuer (issuer.mjs), sent as bearer tokens to kubeauth started with the
// --oidc-* flags or an AuthenticationConfiguration. Each case asserts what upstream asserts: the SelfSubjectReview
// user, and listing pods in "default" (allowed by upstream's developer role, 401 for a refused token, or RBAC's
// Forbidden message). A refused token is only checked once a good token of the same issuer has been accepted, so a
// 401 can never come from an issuer kubeauth has not loaded yet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../e2e/harness.mjs';
import { startServer, call2, create } from './lib.mjs';
import { startIssuer, newKey, signJwt } from './issuer.mjs';

const clientID = 'f403b682-603f-4ec9-b3e4-cf111ef36f7c';
const claimedUsername = 'john_doe';
const prefix = 'k8s-';
const now = () => Math.floor(Date.now() / 1000);

let issuer;
const rsa = newKey('RS256');
const ecdsa = newKey('ES256');
const stranger = newKey('RS256'); // never published
const servers = [];
before(async () => {
  issuer = await startIssuer();
  issuer.jwks = [rsa, ecdsa];
});
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await issuer?.close();
});

/** kubeauth with `args`, RBAC on, and upstream's developer role (list pods in default) bound to k8s-john_doe. */
async function server(args) {
  const s = await startServer(args);
  servers.push(s);
  await create(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'developer-role' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
  });
  await create(s, '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'developer-role-binding' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'developer-role' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `${prefix}${claimedUsername}` }],
  });
  return s;
}

/** Writes an AuthenticationConfiguration (JSON is YAML) and returns its path. */
function configFile(jwt) {
  const file = join(mkdtempSync(join(tmpdir(), 'kubeauth-authn-')), 'authn.yaml');
  writeFileSync(file, authConfig(jwt));
  return file;
}
const authConfig = (jwt) =>
  JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1beta1', kind: 'AuthenticationConfiguration', jwt });

/**
 * upstream's newAuthConfigBuilder: the issuer with its CA, audiences (clientID unless given), and the username
 * from `sub` with the k8s- prefix unless a claim or expression is given.
 */
function jwtAuthenticator(url, o = {}) {
  const a = {
    issuer: {
      url,
      certificateAuthority: issuer.caPem,
      audiences: o.audiences ?? [clientID],
      ...(o.audiences ? { audienceMatchPolicy: 'MatchAny' } : {}),
      ...(o.discoveryURL ? { discoveryURL: o.discoveryURL } : {}),
    },
    claimMappings: {
      username: o.usernameExpression
        ? { expression: o.usernameExpression }
        : { claim: o.usernameClaim ?? 'sub', prefix },
      ...(o.groupsExpression ? { groups: { expression: o.groupsExpression } } : {}),
      ...(o.uidExpression ? { uid: { expression: o.uidExpression } } : {}),
      ...(o.extra ? { extra: o.extra.map(([key, valueExpression]) => ({ key, valueExpression })) } : {}),
    },
  };
  if (o.claimValidationRules) a.claimValidationRules = o.claimValidationRules;
  if (o.userValidationRules) a.userValidationRules = o.userValidationRules;
  return a;
}

const idToken = (iss, claims, key = rsa) => signJwt(key, { iss, aud: clientID, exp: now() + 1200, ...claims });

const ssr = (s, token) =>
  call2(s, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    method: 'POST',
    token,
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
  });
const listPods = (s, token, anonymous = false) => call2(s, '/api/v1/namespaces/default/pods', { token, anonymous });

/** Waits until kubeauth accepts a good token of `iss` (its issuer loaded); `good` signs one. */
async function ready(s, good) {
  await eventually(async () => (await listPods(s, good())).status !== 401, 20_000, 100);
}

const forbidden = (user) =>
  `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "default"`;
const userInfo = (username, extra = {}) => ({ username, groups: ['system:authenticated'], ...extra });

// ---- TestOIDC: the --oidc-* flags --------------------------------------------------------------------------

const oidcFlags = (o = {}) => [
  `--oidc-issuer-url=${issuer.url}${o.path ?? ''}`,
  `--oidc-client-id=${clientID}`,
  `--oidc-ca-file=${o.caFile}`,
  `--oidc-username-prefix=${o.usernamePrefix ?? prefix}`,
  ...(o.usernameClaim ? [`--oidc-username-claim=${o.usernameClaim}`] : []),
  ...(o.signingAlgs ? [`--oidc-signing-algs=${o.signingAlgs}`] : []),
];
function caFile() {
  const f = join(mkdtempSync(join(tmpdir(), 'kubeauth-oidc-ca-')), 'ca.crt');
  writeFileSync(f, issuer.caPem);
  return f;
}

test('[it.oidc.TestOIDC.id-token-is-ok] --oidc-*: an ID token with the minimum claims lists pods', async () => {
  const iss = `${issuer.url}/flags-user`;
  const s = await server(oidcFlags({ path: '/flags-user', caFile: caFile(), usernameClaim: 'user' }));
  const token = () => idToken(iss, { user: claimedUsername });
  await ready(s, token);
  const r = await listPods(s, token());
  assert.equal(r.status, 200, r.body);
});

let flags;
async function flagsServer() {
  if (flags) return flags;
  const iss = `${issuer.url}/flags`;
  const s = await server(oidcFlags({ path: '/flags', caFile: caFile() }));
  await ready(s, () => idToken(iss, { sub: claimedUsername }));
  return (flags = { s, iss });
}

test('[it.oidc.TestOIDC.id-token-signature-can-not-be-verified-due-to-wrong-jwks] --oidc-*: a token signed with an unpublished key is 401', async () => {
  const { s, iss } = await flagsServer();
  const r = await listPods(s, idToken(iss, { sub: claimedUsername }, stranger));
  assert.equal(r.status, 401, r.body);
});

test('[it.oidc.TestOIDC.id-token-is-okay-but-username-is-empty] --oidc-*: an empty username claim is the user ""', async () => {
  const iss = `${issuer.url}/flags-noprefix`;
  const s = await server(oidcFlags({ path: '/flags-noprefix', caFile: caFile(), usernamePrefix: '-' }));
  await ready(s, () => idToken(iss, { sub: 'someone' }));
  const r = await listPods(s, idToken(iss, { sub: '' }));
  // the claim based approach is still allowed to use empty usernames
  assert.equal(r.status, 403, r.body);
  assert.equal(r.json.message, forbidden(''));
});

test('[it.oidc.TestOIDC.ecdsa-id-token-is-ok] --oidc-*: an ES256 ID token lists pods', async () => {
  const iss = `${issuer.url}/flags-ecdsa`;
  const s = await server(oidcFlags({ path: '/flags-ecdsa', caFile: caFile(), signingAlgs: 'ES256' }));
  const token = () => idToken(iss, { sub: claimedUsername }, ecdsa);
  await ready(s, token);
  assert.equal((await listPods(s, token())).status, 200);
});

test('[it.oidc.TestOIDC.shared-id-token-is-expired] --oidc-*: an expired ID token is 401', async () => {
  const { s, iss } = await flagsServer();
  const r = await listPods(s, idToken(iss, { sub: claimedUsername, exp: now() - 1200 }));
  assert.equal(r.status, 401, r.body);
});

test('[it.oidc.TestOIDC.shared-refresh-flow-does-not-return-id-token] --oidc-*: no ID token at all is system:anonymous', async () => {
  const { s } = await flagsServer();
  const r = await listPods(s, undefined, true);
  assert.equal(r.status, 403, r.body);
  assert.equal(r.json.message, forbidden('system:anonymous'));
});

// ---- TestStructuredAuthenticationConfig and TestStructuredAuthenticationConfigCEL: one server, one issuer URL
// (a path of the local issuer) per case, each with the case's claim mappings and rules. ----------------------

const cases = {
  'structured-ok': { usernameClaim: 'user' },
  'structured-default': {},
  'structured-empty-username': { usernameExpression: 'claims.sub' },
  'structured-ecdsa': {},
  'cel-username': { audiences: [clientID, 'another-audience'] },
  'cel-groups': {
    audiences: [clientID, 'another-audience'],
    groupsExpression: '(claims.roles.split(",") + claims.other_roles.split(",")).map(role, "prefix:" + role)',
  },
  'cel-claim-rule': {
    audiences: [clientID, 'another-audience'],
    claimValidationRules: [
      { expression: 'claims.hd == "example.com"', message: 'the hd claim must be set to example.com' },
    ],
  },
  'cel-extra': {
    audiences: [clientID, 'another-audience'],
    extra: [
      ['example.org/foo', "'bar'"],
      ['example.org/baz', 'claims.baz'],
    ],
    userValidationRules: [
      {
        expression: "'bar' in user.extra['example.org/foo'] && 'qux' in user.extra['example.org/baz']",
        message: 'example.org/foo must be bar and example.org/baz must be qux',
      },
    ],
  },
  'cel-uid': { audiences: [clientID, 'another-audience'], uidExpression: 'claims.uid' },
  'cel-user-rule': {
    audiences: [clientID, 'another-audience'],
    groupsExpression: '(claims.roles.split(",") + claims.other_roles.split(",")).map(role, "system:" + role)',
    userValidationRules: [
      {
        expression: "user.groups.all(group, !group.startsWith('system:'))",
        message: 'groups cannot used reserved system: prefix',
      },
    ],
  },
  'cel-audiences': {
    audiences: ['baz', 'foo'],
    uidExpression: 'claims.uid',
    claimValidationRules: [
      {
        expression: 'sets.equivalent(claims.aud, ["bar", "foo", "baz"])',
        message: 'aud claim must be exactly match list ["bar", "foo", "baz"]',
      },
    ],
  },
  'cel-jti': { audiences: [clientID, 'another-audience'] },
};
let structured;
async function structuredServer() {
  if (structured) return structured;
  const url = (k) => `${issuer.url}/${k}`;
  const file = configFile(Object.entries(cases).map(([k, o]) => jwtAuthenticator(url(k), o)));
  const s = await server([`--authentication-config=${file}`]);
  await ready(s, () => idToken(url('structured-default'), { sub: claimedUsername }));
  return (structured = { s, url });
}

/** upstream's check: the SelfSubjectReview user (when given), then listing pods answers `status`. */
async function expectUser(s, token, want, status = 200) {
  if (want) {
    const r = await ssr(s, token);
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json.status.userInfo, want);
  }
  const r = await listPods(s, token);
  assert.equal(r.status, status, r.body);
  return r;
}

test('[it.oidc.TestStructuredAuthenticationConfig.id-token-is-ok] AuthenticationConfiguration: username from the "user" claim', async () => {
  const { s, url } = await structuredServer();
  await expectUser(s, idToken(url('structured-ok'), { user: claimedUsername }));
});

test('[it.oidc.TestStructuredAuthenticationConfig.id-token-signature-can-not-be-verified-due-to-wrong-jwks] AuthenticationConfiguration: an unpublished key is 401', async () => {
  const { s, url } = await structuredServer();
  await expectUser(s, idToken(url('structured-default'), { sub: claimedUsername }, stranger), undefined, 401);
});

test('[it.oidc.TestStructuredAuthenticationConfig.id-token-is-okay-but-username-is-empty] AuthenticationConfiguration: an empty username from an expression is 401', async () => {
  const { s, url } = await structuredServer();
  await expectUser(s, idToken(url('structured-empty-username'), { sub: '' }), undefined, 401);
});

test('[it.oidc.TestStructuredAuthenticationConfig.ecdsa-id-token-is-ok] AuthenticationConfiguration: an ES256 ID token', async () => {
  const { s, url } = await structuredServer();
  await expectUser(s, idToken(url('structured-ecdsa'), { sub: claimedUsername }, ecdsa));
});

test('[it.oidc.TestStructuredAuthenticationConfig.shared-id-token-is-expired] AuthenticationConfiguration: an expired ID token is 401', async () => {
  const { s, url } = await structuredServer();
  await expectUser(s, idToken(url('structured-default'), { sub: claimedUsername, exp: now() - 1200 }), undefined, 401);
});

test('[it.oidc.TestStructuredAuthenticationConfig.shared-refresh-flow-does-not-return-id-token] AuthenticationConfiguration: no ID token is system:anonymous', async () => {
  const { s } = await structuredServer();
  const r = await listPods(s, undefined, true);
  assert.equal(r.status, 403, r.body);
  assert.equal(r.json.message, forbidden('system:anonymous'));
});

const k8sJohn = `${prefix}${claimedUsername}`;

test('[it.oidc.TestStructuredAuthenticationConfigCEL.username-cel-expression-is-ok] the jti is the credential id', async () => {
  const { s, url } = await structuredServer();
  const token = idToken(url('cel-username'), { sub: claimedUsername, jti: '0123456789' });
  await expectUser(
    s,
    token,
    userInfo(k8sJohn, { extra: { 'authentication.kubernetes.io/credential-id': ['JTI=0123456789'] } }),
  );
});

test('[it.oidc.TestStructuredAuthenticationConfigCEL.groups-cel-expression-is-ok] groups from a CEL expression', async () => {
  const { s, url } = await structuredServer();
  const token = idToken(url('cel-groups'), { sub: claimedUsername, roles: 'foo,bar', other_roles: 'baz,qux' });
  await expectUser(s, token, {
    username: k8sJohn,
    groups: ['prefix:foo', 'prefix:bar', 'prefix:baz', 'prefix:qux', 'system:authenticated'],
  });
});

test('[it.oidc.TestStructuredAuthenticationConfigCEL.claim-validation-rule-fails] a failed claim validation rule is 401', async () => {
  const { s, url } = await structuredServer();
  await expectUser(s, idToken(url('cel-claim-rule'), { sub: claimedUsername, hd: 'notexample.com' }), undefined, 401);
});

test('[it.oidc.TestStructuredAuthenticationConfigCEL.extra-mapping-cel-expressions-are-ok] extra from CEL, with the credential id', async () => {
  const { s, url } = await structuredServer();
  const token = idToken(url('cel-extra'), { sub: claimedUsername, baz: 'qux', jti: '0123456789' });
  await expectUser(
    s,
    token,
    userInfo(k8sJohn, {
      extra: {
        'authentication.kubernetes.io/credential-id': ['JTI=0123456789'],
        'example.org/foo': ['bar'],
        'example.org/baz': ['qux'],
      },
    }),
  );
});

test('[it.oidc.TestStructuredAuthenticationConfigCEL.uid-cel-expression-is-ok] uid from a CEL expression', async () => {
  const { s, url } = await structuredServer();
  await expectUser(
    s,
    idToken(url('cel-uid'), { sub: claimedUsername, uid: '1234' }),
    userInfo(k8sJohn, { uid: '1234' }),
  );
});

test('[it.oidc.TestStructuredAuthenticationConfigCEL.user-validation-rule-fails] a failed user validation rule is 401', async () => {
  const { s, url } = await structuredServer();
  const token = idToken(url('cel-user-rule'), { sub: claimedUsername, roles: 'foo,bar', other_roles: 'baz,qux' });
  await expectUser(s, token, undefined, 401);
});

test('[it.oidc.TestStructuredAuthenticationConfigCEL.multiple-audiences-check-with-claim-validation-rule-is-ok] several audiences, MatchAny', async () => {
  const { s, url } = await structuredServer();
  const token = idToken(url('cel-audiences'), { sub: claimedUsername, aud: ['foo', 'bar', 'baz'], uid: '1234' });
  await expectUser(s, token, userInfo(k8sJohn, { uid: '1234' }));
});

test('[it.oidc.TestStructuredAuthenticationConfigCEL.non-string-jti-claim-doesn-t-result-in-authentication-error] a numeric jti is no credential id, and no error', async () => {
  const { s, url } = await structuredServer();
  await expectUser(s, idToken(url('cel-jti'), { sub: claimedUsername, jti: 1234 }), userInfo(k8sJohn));
});

// ---- TestStructuredAuthenticationDiscoveryURL and TestMultipleJWTAuthenticators -------------------------------

/**
 * The discovery document is fetched from jwt.issuer.discoveryURL and names the issuer URL (not the server it is
 * served from); tokens carry that issuer. Two issuer URLs per server (an issuer may appear once per config).
 */
async function discoveryCase(issuerURL, discoveryPrefix) {
  const prefixPath = discoveryPrefix ? `/${discoveryPrefix}` : '';
  return { issuerURL, prefixPath };
}
async function discoveryServer(pairs) {
  const tag = Math.random().toString(36).slice(2, 8);
  const jwt = [];
  for (const { issuerURL, prefixPath } of pairs) {
    // Each case gets its own discovery path on the local server, which names the case's issuer.
    const base = `/disc-${tag}-${jwt.length}${prefixPath}`;
    issuer.discovery.set(base, issuerURL);
    jwt.push(
      jwtAuthenticator(issuerURL, {
        audiences: ['foo'],
        discoveryURL: `${issuer.url}${base}/.well-known/openid-configuration`,
        claimValidationRules: [
          { expression: 'claims.hd == "example.com"', message: 'the hd claim must be set to example.com' },
        ],
      }),
    );
  }
  const s = await server([`--authentication-config=${configFile(jwt)}`]);
  return s;
}
const discoveryToken = (iss) =>
  signJwt(rsa, { iss, sub: claimedUsername, aud: 'foo', exp: now() + 1200, hd: 'example.com' });

let discoveryServers;
async function discoveryPair(i) {
  discoveryServers ??= Promise.all([
    discoveryServer([
      await discoveryCase('https://example.com', ''),
      await discoveryCase('https://example.com/a/b/foo', 'c/d/bar'),
    ]),
    discoveryServer([
      await discoveryCase('https://example.com', 'c/d/bar'),
      await discoveryCase('https://example.com/a/b/foo', ''),
    ]),
  ]);
  return (await discoveryServers)[i];
}
async function expectDiscovered(s, iss) {
  await ready(s, () => discoveryToken(iss));
  await expectUser(s, discoveryToken(iss), userInfo(k8sJohn), 200);
}

test('[it.oidc.TestStructuredAuthenticationDiscoveryURL.discovery-url-and-issuer-url-with-no-path] discoveryURL, no paths', async () => {
  await expectDiscovered(await discoveryPair(0), 'https://example.com');
});
test('[it.oidc.TestStructuredAuthenticationDiscoveryURL.discovery-url-has-path-issuer-url-has-no-path] discoveryURL with a path', async () => {
  await expectDiscovered(await discoveryPair(1), 'https://example.com');
});
test('[it.oidc.TestStructuredAuthenticationDiscoveryURL.discovery-url-has-no-path-issuer-url-has-path] issuer URL with a path', async () => {
  await expectDiscovered(await discoveryPair(1), 'https://example.com/a/b/foo');
});
test('[it.oidc.TestStructuredAuthenticationDiscoveryURL.discovery-url-and-issuer-url-have-paths] both with paths', async () => {
  await expectDiscovered(await discoveryPair(0), 'https://example.com/a/b/foo');
});

test('[it.oidc.TestMultipleJWTAuthenticators] two JWT authenticators, each with its own mappings', async () => {
  const first = `${issuer.url}/multi-1`;
  issuer.discovery.set('/multi-2', 'https://example.com');
  const file = configFile([
    jwtAuthenticator(first, {
      audiences: ['foo'],
      claimValidationRules: [
        { expression: 'claims.hd == "example.com"', message: 'the hd claim must be set to example.com' },
      ],
    }),
    jwtAuthenticator('https://example.com', {
      audiences: ['bar'],
      discoveryURL: `${issuer.url}/multi-2/.well-known/openid-configuration`,
      groupsExpression: '(claims.roles.split(",") + claims.other_roles.split(",")).map(role, "system:" + role)',
      uidExpression: 'claims.uid',
    }),
  ]);
  const s = await server([`--authentication-config=${file}`]);
  const one = () =>
    signJwt(rsa, { iss: first, sub: claimedUsername, aud: 'foo', exp: now() + 1200, hd: 'example.com' });
  const two = () =>
    signJwt(ecdsa, {
      iss: 'https://example.com',
      sub: 'not_john_doe',
      aud: 'bar',
      roles: 'role1,role2',
      other_roles: 'role3,role4',
      exp: now() + 1200,
      uid: '1234',
    });
  await ready(s, one);
  await eventually(async () => (await ssr(s, two())).status === 201, 20_000, 100);
  let r = await ssr(s, one());
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status.userInfo, userInfo(k8sJohn));
  r = await ssr(s, two());
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.status.userInfo, {
    username: 'k8s-not_john_doe',
    groups: ['system:role1', 'system:role2', 'system:role3', 'system:role4', 'system:authenticated'],
    uid: '1234',
  });
});

// ---- TestStructuredAuthenticationConfigReload ----------------------------------------------------------------

/** A server on `jwt`; `swap(next)` replaces the file atomically (rename, as upstream does). */
async function reloadServer(jwt) {
  const file = configFile(jwt);
  const s = await server([`--authentication-config=${file}`]);
  const swap = (next) => {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, next);
    renameSync(tmp, file);
  };
  return { s, swap };
}
const reloadIssuer = (k) => `${issuer.url}/reload-${k}`;
const okConfig = (k, o = {}) => [
  jwtAuthenticator(reloadIssuer(k), { audiences: [clientID, 'another-audience'], ...o }),
];

test('[it.oidc.TestStructuredAuthenticationConfigReload.old-valid-config-to-new-valid-config] a new username expression is used once loaded', async () => {
  const { s, swap } = await reloadServer(okConfig('a'));
  const token = () => idToken(reloadIssuer('a'), { sub: claimedUsername });
  await ready(s, token);
  await expectUser(s, token(), userInfo(k8sJohn));
  swap(authConfig(okConfig('a', { usernameExpression: "'panda-' + claims.sub" })));
  await eventually(
    async () => (await ssr(s, token())).json?.status?.userInfo?.username === 'panda-john_doe',
    30_000,
    200,
  );
  const r = await expectUser(s, token(), userInfo('panda-john_doe'), 403);
  assert.equal(r.json.message, forbidden('panda-john_doe'));
});

test('[it.oidc.TestStructuredAuthenticationConfigReload.old-empty-config-to-new-valid-config] tokens start working once an issuer is added', async () => {
  const { s, swap } = await reloadServer([]);
  const token = () => idToken(reloadIssuer('b'), { sub: claimedUsername });
  assert.equal((await listPods(s, token())).status, 401);
  swap(authConfig(okConfig('b', { usernameExpression: "'snorlax-' + claims.sub" })));
  await eventually(async () => (await ssr(s, token())).status === 201, 30_000, 200);
  const r = await expectUser(s, token(), userInfo('snorlax-john_doe'), 403);
  assert.equal(r.json.message, forbidden('snorlax-john_doe'));
});

test('[it.oidc.TestStructuredAuthenticationConfigReload.old-valid-config-to-new-valid-empty-config-should-cause-tokens-to-stop-working] an emptied config drops the issuer', async () => {
  const { s, swap } = await reloadServer(okConfig('c'));
  const token = () => idToken(reloadIssuer('c'), { sub: claimedUsername });
  await ready(s, token);
  await expectUser(s, token(), userInfo(k8sJohn));
  swap(authConfig([]));
  await eventually(async () => (await listPods(s, token())).status === 401, 30_000, 200);
});

test('[it.oidc.TestStructuredAuthenticationConfigReload.old-valid-config-to-new-structurally-invalid-config-should-be-ignored] a config whose CEL does not compile is ignored', async () => {
  const { s, swap } = await reloadServer(okConfig('d'));
  const token = () => idToken(reloadIssuer('d'), { sub: claimedUsername });
  await ready(s, token);
  swap(authConfig(okConfig('d', { usernameExpression: "'k8s-' + claimss.sub" })));
  // Upstream sleeps past the reload timeout; here the server's own log says it refused the file.
  await eventually(async () => /failed to validate authentication config/.test(s.stderr()), 30_000, 200);
  await expectUser(s, token(), userInfo(k8sJohn));
});

test('[it.oidc.TestStructuredAuthenticationConfigReload.old-valid-config-to-new-valid-config-with-typo-should-be-ignored] an issuer that cannot be verified (no CA) is not switched to', async () => {
  const { s, swap } = await reloadServer(okConfig('e'));
  const token = () => idToken(reloadIssuer('e'), { sub: claimedUsername });
  await ready(s, token);
  const typo = okConfig('e');
  delete typo[0].issuer.certificateAuthority;
  swap(authConfig(typo));
  await eventually(async () => /failed to update authentication config/.test(s.stderr()), 90_000, 500);
  await expectUser(s, token(), userInfo(k8sJohn));
});

test('[it.oidc.TestStructuredAuthenticationConfigReload.old-invalid-config-to-new-valid-config] a config that could not be used is replaced by a good one', async () => {
  const broken = okConfig('f');
  delete broken[0].issuer.certificateAuthority;
  const { s, swap } = await reloadServer(broken);
  const token = () => idToken(reloadIssuer('f'), { sub: claimedUsername });
  assert.equal((await listPods(s, token())).status, 401);
  swap(authConfig(okConfig('f')));
  await eventually(async () => (await ssr(s, token())).status === 201, 30_000, 200);
  await expectUser(s, token(), userInfo(k8sJohn));
});
