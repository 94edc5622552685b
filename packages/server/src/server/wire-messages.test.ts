// Wire answers that must match kube-apiserver byte for byte: routes create-only resources lack, the reviews'
// validation messages, the signing key's place in the JWKS, omitempty subjects and boolean field selectors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverConfig } from '../cli/config.js';
import { parseServeOptions } from '../cli/options.js';
import { startServer, type RunningServer } from './app.js';

let dir = '';
let s: RunningServer;

async function start(extra: string[], data: string): Promise<RunningServer> {
  const server = await startServer(
    await serverConfig(
      parseServeOptions([
        '--secure-port=0',
        `--data-dir=${join(dir, data)}`,
        '--storage-backend=memory',
        '--log-level=error',
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        ...extra,
      ]),
    ),
  );
  await server.settle();
  return server;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeauth-wire-messages-'));
  writeFileSync(join(dir, 'tokens.csv'), 'admin-token,admin,admin-uid,"system:masters"\n');
  s = await start([], 'data');
});
after(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
  json: Record<string, unknown>;
  contentType: string | undefined;
}

function call(method: string, path: string, body?: unknown, server = s): Promise<Answer> {
  return new Promise((res, rej) => {
    const u = new URL(server.url);
    const r = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method,
        ca: server.caPem,
        headers: { Authorization: 'Bearer admin-token', 'Content-Type': 'application/json' },
      },
      (resp) => {
        let b = '';
        resp.setEncoding('utf8');
        resp.on('data', (d: string) => (b += d));
        resp.on('end', () =>
          res({
            status: resp.statusCode!,
            body: b,
            json: JSON.parse(b) as Record<string, unknown>,
            contentType: resp.headers['content-type'],
          }),
        );
      },
    );
    r.on('error', rej);
    r.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const methodNotAllowed =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server does not allow this method on the requested resource","reason":"MethodNotAllowed","details":{},"code":405}';
const notFound =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}';

test('TokenReview without a token: 400 naming the package, not the group', async () => {
  const r = await call('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: {},
  });
  assert.equal(r.status, 400);
  assert.equal(r.json.message, 'token is required for TokenReview in authentication');
  assert.equal(r.json.reason, 'BadRequest');
});

test('create-only collections: any method but POST is go-restful 405 as a Status', async () => {
  const paths = [
    '/apis/authentication.k8s.io/v1/tokenreviews',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews',
    '/api/v1/namespaces/default/serviceaccounts/default/token',
  ];
  for (const p of paths)
    for (const [method, suffix] of [
      ['GET', ''],
      ['GET', '?watch=true'],
      ['DELETE', ''],
      ['PUT', ''],
    ] as const) {
      const r = await call(method, p + suffix, method === 'PUT' ? {} : undefined);
      assert.deepEqual(
        [r.status, r.body, r.contentType],
        [405, methodNotAllowed, 'application/json'],
        `${method} ${p}`,
      );
    }
});

test('paths without any route on create-only resources: 404', async () => {
  for (const [method, p] of [
    ['GET', '/apis/authentication.k8s.io/v1/tokenreviews/x'],
    ['POST', '/apis/authentication.k8s.io/v1/tokenreviews/x'],
    ['GET', '/apis/authentication.k8s.io/v1/watch/tokenreviews'],
    ['GET', '/apis/authorization.k8s.io/v1/localsubjectaccessreviews'],
    ['POST', '/apis/authorization.k8s.io/v1/localsubjectaccessreviews'],
    ['GET', '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews/x'],
    ['POST', '/apis/authorization.k8s.io/v1/namespaces/default/subjectaccessreviews'],
  ] as const) {
    const r = await call(method, p, method === 'POST' ? {} : undefined);
    assert.deepEqual([r.status, r.body], [404, notFound], `${method} ${p}`);
  }
});

test('access-review validation: 422 with the empty internal kind', async () => {
  const cases = [
    ['/apis/authorization.k8s.io/v1/subjectaccessreviews', 'SubjectAccessReview', { user: 'u' }],
    ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'SelfSubjectAccessReview', {}],
    [
      '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews',
      'LocalSubjectAccessReview',
      { user: 'u' },
    ],
  ] as const;
  for (const [path, kind, spec] of cases) {
    const r = await call('POST', path, {
      apiVersion: 'authorization.k8s.io/v1',
      kind,
      metadata: kind === 'LocalSubjectAccessReview' ? { namespace: 'default' } : undefined,
      spec,
    });
    assert.equal(r.status, 422, kind);
    assert.deepEqual(r.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      reason: 'Invalid',
      details: {
        group: 'authorization.k8s.io',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
            field: 'spec.resourceAttributes',
          },
        ],
      },
      code: 422,
    });
  }
});

test('a ServiceAccount subject is stored and served without an apiGroup', async () => {
  const r = await call('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'rb1' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [
      { kind: 'ServiceAccount', name: 'default', namespace: 'default' },
      { kind: 'ServiceAccount', name: 'other', namespace: 'default', apiGroup: '' },
      { kind: 'User', name: 'u' },
    ],
  });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json.subjects, [
    { kind: 'ServiceAccount', name: 'default', namespace: 'default' },
    { kind: 'ServiceAccount', name: 'other', namespace: 'default' },
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' },
  ]);
  const got = await call('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/rb1');
  assert.deepEqual(got.json.subjects, r.json.subjects);
  const boot = await call(
    'GET',
    '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:controller:attachdetach-controller',
  );
  assert.deepEqual(boot.json.subjects, [
    { kind: 'ServiceAccount', name: 'attachdetach-controller', namespace: 'kube-system' },
  ]);
});

const names = (r: Answer) => (r.json.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name);

test('field selectors match an unset boolean as "false"', async () => {
  for (const [name, spec] of [
    ['plain', {}],
    ['cordoned', { unschedulable: true }],
  ] as const) {
    const r = await call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec });
    assert.equal(r.status, 201, r.body);
  }
  let r = await call('GET', '/api/v1/nodes?fieldSelector=spec.unschedulable%3Dfalse');
  assert.deepEqual(names(r), ['plain']);
  r = await call('GET', '/api/v1/nodes?fieldSelector=spec.unschedulable!%3Dtrue');
  assert.deepEqual(names(r), ['plain']);
  r = await call('GET', '/api/v1/nodes?fieldSelector=spec.unschedulable%3Dtrue');
  assert.deepEqual(names(r), ['cordoned']);
  r = await call('GET', '/api/v1/nodes?fieldSelector=spec.unschedulable%3D');
  assert.deepEqual(names(r), []);

  for (const [name, hostNetwork] of [
    ['pod-a', undefined],
    ['pod-b', true],
  ] as const) {
    const p = await call('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { hostNetwork, containers: [{ name: 'c', image: 'nginx' }] },
    });
    assert.equal(p.status, 201, p.body);
  }
  r = await call('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.hostNetwork%3Dfalse');
  assert.deepEqual(names(r), ['pod-a']);
  r = await call('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.hostNetwork%3Dtrue');
  assert.deepEqual(names(r), ['pod-b']);
  // status.podIPs is accepted as a label but never in the selectable set: always "".
  r = await call('GET', '/api/v1/namespaces/default/pods?fieldSelector=status.podIPs%3D');
  assert.deepEqual(names(r), ['pod-a', 'pod-b']);
});

test('key files without a signing key file: the generated key still verifies and is published', async () => {
  const pub = join(dir, 'other.pub');
  writeFileSync(
    pub,
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
  );
  const other = await start([`--service-account-key-file=${pub}`], 'keyfile');
  try {
    const tr = await call(
      'POST',
      '/api/v1/namespaces/default/serviceaccounts/default/token',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} },
      other,
    );
    assert.equal(tr.status, 201, tr.body);
    const token = (tr.json.status as { token: string }).token;
    const review = await call(
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      other,
    );
    const status = review.json.status as { authenticated?: boolean; error?: string };
    assert.equal(status.authenticated, true, JSON.stringify(status));
    const kid = (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
    const jwks = await call('GET', '/openid/v1/jwks', undefined, other);
    assert.equal((jwks.json.keys as Array<{ kid: string }>)[1]?.kid, kid, jwks.body);
    assert.equal((jwks.json.keys as unknown[]).length, 2);
  } finally {
    await other.close();
  }
});
