// Helpers for the ports of upstream Kubernetes tests (see ledger.json and docs/fidelity.md): a kubeauth started
// with RBAC authorization and a token file of plain users, and small JSON request helpers over HTTPS.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeauth } from '../e2e/harness.mjs';
import { request as httpsRequest } from 'node:https';
import http2 from 'node:http2';
import { call, adminCredentials } from '../e2e/http.mjs';

export { call };

/** Token-file users: `token,user,uid,"groups"`. A user's bearer token is `<name>-token`. */
export const users = {
  alice: { uid: 'unique-id', groups: ['devs', 'admins'] },
  bob: { uid: '' },
  dave: {},
  'pod-reader': {},
  'job-writer': {},
  'job-writer-namespace': {},
  'user-with-no-permissions': {},
  // auth_test.go ports: upstream gives each test its own server and ABAC policy for bob; here one RBAC server
  // holds the bindings of several tests, so each test's "bob" is its own user.
  'bob-namespace': {},
  'bob-kind': {},
  'bob-readonly': {},
  'imp-alice': {},
  'imp-bob': {},
};
export const tokenOf = (name) => `${name}-token`;

/**
 * Starts kubeauth with `args` plus a token file of `users` (on `dataDir` when given, kept for a restart), and proves that RBAC authorization is on before any
 * test runs: an authenticated user with no bindings must be refused (403) listing Secrets. Without this guard a
 * port could pass against a server with authorization off.
 */
export async function startServer(args = [], { authorization = 'RBAC', dataDir } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-upstream-'));
  const file = join(dir, 'tokens.csv');
  const lines = Object.entries(users).map(
    ([name, u]) => `${tokenOf(name)},${name},${u.uid ?? name}${u.groups ? `,"${u.groups.join(',')}"` : ''}`,
  );
  writeFileSync(file, lines.join('\n') + '\n');
  const mode = authorization === 'RBAC' ? [] : [`--authorization-mode=${authorization}`];
  const s = await startKubeauth([`--token-auth-file=${file}`, ...mode, ...args], { dataDir });
  if (authorization === 'RBAC') await assertRbacOn(s);
  else await assertModeOn(s, authorization);
  return s;
}

/**
 * The guard for the two ports that run upstream's non-RBAC modes (auth_test.go TestAuthModeAlwaysAllow and
 * TestAuthModeAlwaysDeny): the same unbound user is allowed, or refused with AlwaysDeny's reason.
 */
async function assertModeOn(s, mode) {
  const r = await call(s, '/api/v1/namespaces/default/secrets', { token: tokenOf('user-with-no-permissions') });
  if (mode === 'AlwaysAllow') return assert.equal(r.status, 200, `AlwaysAllow is not on: ${r.body}`);
  assert.equal(mode, 'AlwaysDeny');
  assert.equal(r.status, 403, `AlwaysDeny is not on: ${r.body}`);
  assert.equal(
    r.json.message,
    'secrets is forbidden: User "user-with-no-permissions" cannot list resource "secrets" in API group "" in the namespace "default": Everything is forbidden.',
  );
}

/** The RBAC guard: an unbound user is refused with RBAC's exact Forbidden message. */
export async function assertRbacOn(s) {
  const r = await call(s, '/api/v1/namespaces/default/secrets', { token: tokenOf('user-with-no-permissions') });
  assert.equal(r.status, 403, `authorization is not on: ${r.body}`);
  assert.equal(
    r.json.message,
    'secrets is forbidden: User "user-with-no-permissions" cannot list resource "secrets" in API group "" in the namespace "default"',
  );
}

/**
 * Opens a watch (`path` with `watch=1`) as the admin; `next(type)` resolves the next event of that type.
 * Events are read as the server streams them; nothing waits on time.
 */
export function watch(s, path) {
  const events = [];
  const waiters = [];
  let buf = '';
  let stop = () => {};
  const ready = new Promise((resolve, reject) => {
    const u = new URL(s.url);
    const creds = adminCredentials(s.kubeconfig);
    const r = httpsRequest({ host: u.hostname, port: u.port, path, method: 'GET', ...creds }, (res) => {
      resolve(res);
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
          for (const w of waiters.splice(0)) w();
        }
      });
    });
    r.on('error', reject);
    r.end();
    stop = () => r.destroy();
  });
  let seen = 0;
  return {
    ready,
    close: () => stop(),
    async next(type) {
      for (;;) {
        while (seen < events.length) {
          const e = events[seen++];
          if (e.type === type) return e;
        }
        await new Promise((r) => waiters.push(r));
      }
    },
  };
}

/** POST/PUT/PATCH/GET/DELETE with a JSON body as the admin (or `token`); resolves {status, json, headers}. */
export function req(s, method, path, body, opts = {}) {
  const headers = { ...(opts.headers ?? {}) };
  if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  return call(s, path, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers,
    token: opts.token,
  });
}

/** Creates an object as the admin and returns it; fails the test on any other status than 201. */
export async function create(s, path, body) {
  const r = await req(s, 'POST', path, body);
  assert.equal(r.status, 201, `POST ${path}: ${r.body}`);
  return r.json;
}

export async function del(s, path) {
  const r = await req(s, 'DELETE', path);
  assert.equal(r.status, 200, `DELETE ${path}: ${r.body}`);
}

export async function createNamespace(s, name) {
  return create(s, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** The decoded JWT payload (no verification). */
export function payload(token) {
  const parts = token.split('.');
  assert.equal(parts.length, 3, 'token did not have three parts');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

/** A TokenReview as the admin; resolves its status. */
export async function tokenReview(s, token, audiences) {
  const r = await req(s, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token, ...(audiences ? { audiences } : {}) },
  });
  assert.equal(r.status, 201, r.body);
  return r.json.status;
}

/** Asserts the review failed (an error, not authenticated), as upstream's doTokenReview(expectErr=true). */
export async function expectRejected(s, token, audiences) {
  const st = await tokenReview(s, token, audiences);
  assert.notEqual(st.authenticated, true, JSON.stringify(st));
  assert.ok(st.error, `expected an error, got ${JSON.stringify(st)}`);
  return st;
}

/** Asserts the review succeeded without error; resolves the user. */
export async function expectAccepted(s, token, audiences) {
  const st = await tokenReview(s, token, audiences);
  assert.equal(st.error, undefined, JSON.stringify(st));
  assert.equal(st.authenticated, true, JSON.stringify(st));
  return st.user;
}

/** The `Warning` header texts of a response (kube's `299 - "text"` form). */
export function warnings(r) {
  const h = r.headers.warning;
  if (!h) return [];
  const all = Array.isArray(h) ? h : [h];
  return all.flatMap((v) => [...v.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1')));
}

/**
 * One request over HTTP/2, as Go clients (client-go, and so upstream's integration tests) speak to kube-apiserver:
 * h2 carries any method token (HTTP/1.1 parsers refuse methods they do not know, such as `NOSUCHVERB`).
 * Options as `call`; resolves {status, headers, body, json}.
 */
export function call2(s, path, { method = 'GET', body, headers = {}, token, anonymous = false } = {}) {
  const admin = adminCredentials(s.kubeconfig);
  const creds = anonymous || token ? {} : { cert: admin.cert, key: admin.key };
  return new Promise((resolve, reject) => {
    const session = http2.connect(s.url, { ca: admin.ca, ...creds });
    session.on('error', reject);
    const r = session.request({
      ':method': method,
      ':path': path,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined && !headers['content-type'] ? { 'content-type': 'application/json' } : {}),
      ...headers,
    });
    const chunks = [];
    let head = {};
    r.on('response', (h) => (head = h));
    r.on('data', (d) => chunks.push(d));
    r.on('end', () => {
      session.close();
      const text = Buffer.concat(chunks).toString('utf8');
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status: head[':status'], headers: head, body: text, json });
    });
    r.on('error', (e) => {
      session.close();
      reject(e);
    });
    // Node ends a HEAD (or GET) request's stream itself.
    if (r.writableEnded) return;
    r.end(body);
  });
}
