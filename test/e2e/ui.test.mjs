// The web inspector in a real browser: Debian's chromium driven by playwright-core (an explicit executablePath;
// nothing is downloaded). `kubeauth serve --ui` with a known policy: each view loads, answers, and shows the
// subjects, cells and diagnosis `kubeauth rbac` and the server give; keyboard use and labels are checked, the
// console stays clean, and a screenshot of each view is kept in test/artifacts/. Then `kubeauth ui --kubeconfig`
// against a second kubeauth (no --ui) standing in for any cluster. The HTTP side (401/403 Status, /ui/ off
// without --ui) needs no browser and always runs.
/* global document */ // page.evaluate callbacks run in the browser
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { mainJs, startKubeauth } from './harness.mjs';

const chromium = process.env.KUBEAUTH_CHROMIUM ?? '/usr/bin/chromium';
const noBrowser = existsSync(chromium)
  ? false
  : `chromium not found at ${chromium} (install Debian's: apt-get install -y chromium; .ci/run does)`;
const artifacts = new URL('../artifacts/', import.meta.url).pathname;

const policy = `
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: team}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [pods/log], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: team}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: builder-reads-secrets}
subjects: [{kind: ServiceAccount, name: builder, namespace: team}]
roleRef: {kind: ClusterRole, name: secret-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-runner, namespace: team}
rules:
- {apiGroups: [""], resources: [pods], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-runs-pods, namespace: team}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: pod-runner, apiGroup: rbac.authorization.k8s.io}
`;

let dir;
let s;
let other;
const tokens = 'viewer-token,viewer,viewer-uid\nnobody-token,nobody,nobody-uid\nops-token,ops,ops-uid\n';

/** One HTTPS request to a started server; resolves {status, body, json}. */
function call(url, { method = 'GET', token, body } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const req = request(url, { method, headers, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, body: text, json, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const cli = (argv) =>
  new Promise((res) =>
    execFile(process.execPath, [mainJs, ...argv], { maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      res({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
    ),
  );

/** `kubeauth ui` on a free port; resolves {url, server, stop}. */
async function startUi(kubeconfig) {
  const child = spawn(process.execPath, [mainJs, 'ui', '--kubeconfig', kubeconfig, '--address', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`kubeauth ui exited ${code}: ${err}`)));
  });
  const m = /^kubeauth ui: (http:\/\/127\.0\.0\.1:\d+\/ui\/) — cluster (\S+) \(context/.exec(line);
  assert.ok(m, line);
  return {
    url: m[1],
    server: m[2],
    stop: () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A copy of a server's admin kubeconfig that authenticates with a bearer token instead. */
function tokenKubeconfig(server, token, name) {
  const kc = parse(readFileSync(server.kubeconfig, 'utf8'));
  kc.users = [{ name, user: { token } }];
  for (const c of kc.contexts) c.context.user = name;
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(path, stringify(kc));
  return path;
}

async function applyPolicy(server) {
  const r = await server.kubectl(['apply', '-f', '-'], { input: policy });
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeauth-ui-'));
  const tokenFile = join(dir, 'tokens.csv');
  writeFileSync(tokenFile, tokens);
  [s, other] = await Promise.all([
    startKubeauth(['--ui', `--token-auth-file=${tokenFile}`]),
    startKubeauth([`--token-auth-file=${tokenFile}`]),
  ]);
  await Promise.all([applyPolicy(s), applyPolicy(other)]);
  for (const srv of [s, other]) {
    const r = await srv.kubectl([
      'create',
      'clusterrolebinding',
      'viewer-ui',
      '--clusterrole=kubeauth:ui-viewer',
      '--user=viewer',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const o = await srv.kubectl([
      'create',
      'clusterrolebinding',
      'ops-admin',
      '--clusterrole=cluster-admin',
      '--user=ops',
    ]);
    assert.equal(o.code, 0, o.stderr);
  }
});
after(async () => {
  await Promise.all([s?.stop(), other?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('HTTP side of --ui', () => {
  test('the page and its API are behind authentication and RBAC, with kube Status errors', async () => {
    const anon = await call(`${s.url}/ui/`);
    assert.equal(anon.status, 403);
    assert.equal(anon.json.message, 'forbidden: User "system:anonymous" cannot get path "/ui/"');
    const bad = await call(`${s.url}/ui/api/info`, { token: 'wrong' });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.reason, 'Unauthorized');
    const nobody = await call(`${s.url}/ui/api/whocan`, { method: 'POST', token: 'nobody-token', body: {} });
    assert.equal(nobody.status, 403);
    assert.equal(nobody.json.message, 'forbidden: User "nobody" cannot post path "/ui/api/whocan"');
    const page = await call(`${s.url}/ui/`, { token: 'viewer-token' });
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.match(page.headers['content-security-policy'], /default-src 'self'/);
    assert.match(page.body, /kubeauth inspector/);
  });

  test('bad questions are 400 BadRequest Status, unknown API paths 404, wrong methods 405', async () => {
    const missing = await call(`${s.url}/ui/api/whocan`, { method: 'POST', token: 'viewer-token', body: {} });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.reason, 'BadRequest');
    assert.equal(missing.json.message, 'verb is required');
    const garbage = await new Promise((resolve, reject) => {
      const req = request(
        `${s.url}/ui/api/matrix`,
        { method: 'POST', headers: { Authorization: 'Bearer viewer-token' }, rejectUnauthorized: false },
        (res) => {
          let t = '';
          res.on('data', (d) => (t += d));
          res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(t) }));
        },
      );
      req.on('error', reject);
      req.end('{not json');
    });
    assert.equal(garbage.status, 400);
    assert.match(garbage.json.message, /^the request body is not JSON/);
    const badSubject = await call(`${s.url}/ui/api/matrix`, {
      method: 'POST',
      token: 'viewer-token',
      body: { subject: { kind: 'Robot', name: 'x' } },
    });
    assert.equal(badSubject.status, 400);
    assert.equal(badSubject.json.message, 'subject.kind must be User, Group or ServiceAccount');
    const unknown = await call(`${s.url}/ui/api/nope`, { token: 'viewer-token' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.reason, 'NotFound');
    const wrong = await call(`${s.url}/ui/api/whocan`, { token: 'viewer-token' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.json.reason, 'MethodNotAllowed');
    const traversal = await call(`${s.url}/ui/..%2f..%2fpackage.json`, { token: 'viewer-token' });
    assert.equal(traversal.status, 404);
  });

  test('without --ui, /ui/ is the 404 of any unknown path', async () => {
    const r = await call(`${other.url}/ui/`, { token: 'ops-token' });
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  });

  test('kubeauth ui: a kubeconfig that cannot list RBAC objects is told so (503), other hosts are refused', async () => {
    const ui = await startUi(tokenKubeconfig(other, 'nobody-token', 'nobody'));
    try {
      const r = await fetch(`${ui.url}api/whocan`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ verb: 'get', resource: 'pods' }),
      });
      assert.equal(r.status, 503);
      const st = await r.json();
      assert.equal(st.reason, 'ServiceUnavailable');
      assert.match(
        st.message,
        /^cannot list clusterroles\.rbac\.authorization\.k8s\.io at the cluster scope \(HTTP 403: /,
      );
      const port = new URL(ui.url).port;
      const rebound = await new Promise((resolve, reject) =>
        httpGet({ host: '127.0.0.1', port, path: '/ui/api/info', headers: { Host: `evil.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject),
      );
      assert.equal(rebound, 403);
      const cross = await fetch(`${ui.url}api/refresh`, { method: 'POST', headers: { Origin: 'http://evil.example' } });
      assert.equal(cross.status, 403);
    } finally {
      await ui.stop();
    }
  });

  test('the API answers as kubeauth rbac does', async () => {
    const api = await call(`${s.url}/ui/api/whocan`, {
      method: 'POST',
      token: 'viewer-token',
      body: { verb: 'get', resource: 'pods', namespace: 'team' },
    });
    assert.equal(api.status, 200);
    const c = await cli(['rbac', 'who-can', 'get', 'pods', '-n', 'team', '--kubeconfig', s.kubeconfig, '-o', 'json']);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(api.json.grants, JSON.parse(c.stdout).grants);
  });
});

describe('in chromium', { skip: noBrowser }, () => {
  let browser;
  const problems = [];
  let pw;

  before(async () => {
    pw = await import('playwright-core');
    browser = await pw.chromium.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox'] });
    mkdirSync(artifacts, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  async function open(url, headers = { Authorization: 'Bearer viewer-token' }) {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      extraHTTPHeaders: headers,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(url);
    return { page, context };
  }

  /** Every input, select and textarea on the page has a label a screen reader announces. */
  async function assertLabelled(page) {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
        .map((e) => e.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
  }

  test('who-can: the subjects, bindings and roles that grant a request', async () => {
    const { page, context } = await open(`${s.url}/ui/#/whocan?verb=get&resource=pods&namespace=team`);
    const rows = page.locator('#whocan-table tbody tr');
    await rows.filter({ hasText: 'RoleBinding/team/read-pods' }).first().waitFor();
    const alice = await rows.filter({ hasText: 'RoleBinding/team/read-pods' }).first().innerText();
    assert.match(alice, /User\s+alice\s+team\s+RoleBinding\/team\/read-pods\s+Role\/team\/pod-reader\s+0/);
    // As many grant rows as kubeauth rbac lists, plus the system:masters row.
    const c = await cli(['rbac', 'who-can', 'get', 'pods', '-n', 'team', '--kubeconfig', s.kubeconfig, '-o', 'json']);
    assert.equal(await rows.count(), JSON.parse(c.stdout).grants.length + 1);
    assert.equal(await page.locator('nav a[aria-current="page"]').innerText(), 'Who can');
    await assertLabelled(page);
    // Keyboard: the first Tab reaches the skip link, and following it puts focus on the content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await page.screenshot({ path: join(artifacts, 'ui-whocan.png'), fullPage: false });
    await context.close();
  });

  test('matrix: every cell as kubeauth rbac matrix has it, each a link to its explanation', async () => {
    const { page, context } = await open(`${s.url}/ui/#/matrix?kind=User&name=alice&namespace=team`);
    await page.locator('#matrix-table tbody tr').first().waitFor();
    const cells = await page.evaluate(() =>
      [...document.querySelectorAll('#matrix-table tbody tr')].map((tr) => [
        tr.querySelector('th').textContent,
        ...[...tr.querySelectorAll('td')].map((td) => td.className.replace('cell-', '')),
      ]),
    );
    const c = await cli(['rbac', 'matrix', '--as', 'alice', '-n', 'team', '--kubeconfig', s.kubeconfig, '-o', 'json']);
    assert.equal(c.code, 0, c.stderr);
    const want = JSON.parse(c.stdout).scopes[0].rows.map((r) => [
      r.group ? r.resource.replace(/^([^/]+)/, `$1.${r.group}`) : r.resource,
      ...r.cells,
    ]);
    assert.deepEqual(cells, want);
    assert.ok(cells.some((r) => r[0] === 'pods' && r[1] === 'yes'));
    await assertLabelled(page);
    await page.screenshot({ path: join(artifacts, 'ui-matrix.png') });
    // Keyboard: focus the denied "delete pods" cell and follow it.
    await page.getByRole('link', { name: 'delete pods: denied' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#decision').waitFor();
    assert.equal(await page.locator('#decision').innerText(), 'Denied');
    const misses = await page.locator('#near-misses tbody tr').allInnerTexts();
    assert.ok(
      misses.some((m) => /RoleBinding\/team\/read-pods\s+Role\/team\/pod-reader\s+0\s+verb/.test(m)),
      misses.join('\n'),
    );
    await page.screenshot({ path: join(artifacts, 'ui-explain.png') });
    await context.close();
  });

  test('graph: a filtered selection drawn, escalation paths highlighted', async () => {
    const { page, context } = await open(`${s.url}/ui/#/graph?text=builder&risky=1`);
    await page.locator('#graph-svg').waitFor();
    const summary = await page.locator('#graph-summary').innerText();
    assert.match(summary, /^1 of \d+ bindings match; 1 drawn/);
    const labels = await page.locator('#graph-svg .node text').allTextContents();
    for (const l of ['sa team/builder', 'builder-reads-secrets', 'secret-reader', 'get,list secrets'])
      assert.ok(labels.includes(l), `${l} in ${labels}`);
    assert.ok((await page.locator('#graph-svg .node[class*="sev-"]').count()) >= 2);
    assert.ok((await page.locator('#graph-findings tbody tr').count()) >= 1);
    // A subject node is a link to its matrix, reachable from the keyboard.
    const sa = page.getByRole('link', { name: /Matrix of ServiceAccount: sa team\/builder/ });
    await sa.focus();
    await page.screenshot({ path: join(artifacts, 'ui-graph.png') });
    await page.keyboard.press('Enter');
    await page.locator('#matrix-table').waitFor();
    assert.ok(
      await page.getByRole('link', { name: 'get secrets: allowed' }).count(),
      'the builder ServiceAccount may get secrets',
    );
    await context.close();
  });

  test('token doctor: verified, audience mismatch, recreated ServiceAccount, and the command that fixes it', async () => {
    const good = (await s.kubectl(['create', 'token', 'builder', '-n', 'team'])).stdout.trim();
    const vault = (await s.kubectl(['create', 'token', 'builder', '-n', 'team', '--audience=vault'])).stdout.trim();
    const { page, context } = await open(`${s.url}/ui/#/token`);
    await assertLabelled(page);
    const diagnose = async (token, audiences = '') => {
      await page.getByLabel('JWT').fill(token);
      await page.getByLabel(/^Audiences/).fill(audiences);
      await page.getByRole('button', { name: 'Diagnose' }).click();
      await page.locator('#verdict').waitFor();
      const out = {
        verdict: await page.locator('#verdict').innerText(),
        checks: await page.locator('#checks').innerText(),
        kubectl: (await page.locator('#kubectl').count()) ? await page.locator('#kubectl').innerText() : '',
      };
      await page.locator('#verdict').evaluate((e) => e.removeAttribute('id')); // stays shown until the next answer
      return out;
    };
    const ok = await diagnose(good);
    assert.match(ok.verdict, /^TokenReview: authenticated as system:serviceaccount:team:builder/);
    assert.match(ok.checks, /PASS signature: verified by key \S+ \(RS256\)/);
    assert.equal(ok.kubectl, 'kubectl create token builder -n team');
    assert.equal(page.url().includes(good.slice(0, 20)), false, 'the token never enters the URL');
    await page.screenshot({ path: join(artifacts, 'ui-token.png'), fullPage: true });

    const aud = await diagnose(vault);
    assert.match(
      aud.verdict,
      /^TokenReview: not authenticated — \[invalid bearer token, token audiences \["vault"\] is invalid/,
    );
    assert.match(aud.checks, /FAIL audience: audience mismatch/);
    const audOk = await diagnose(vault, 'vault');
    assert.match(audOk.verdict, /authenticated as system:serviceaccount:team:builder for \["vault"\]/);
    assert.equal(audOk.kubectl, 'kubectl create token builder -n team --audience=vault');

    // The ServiceAccount deleted and created again: same name, new uid.
    assert.equal((await s.kubectl(['delete', 'sa', 'builder', '-n', 'team'])).code, 0);
    assert.equal((await s.kubectl(['create', 'sa', 'builder', '-n', 'team'])).code, 0);
    const re = await diagnose(good);
    assert.match(re.verdict, /service account UID \(\S+\) does not match claim/);
    assert.match(re.checks, /FAIL serviceAccount: ServiceAccount team\/builder was recreated: uid now/);

    const junk = await diagnose('not-a-token');
    assert.match(junk.checks, /FAIL format: not a compact JWT/);
    await context.close();
  });

  test('live trace: recent decisions, filtered, with a click-through to explain', async () => {
    const forbidden = await call(`${s.url}/api/v1/namespaces/team/secrets`, { token: 'nobody-token' });
    assert.equal(forbidden.status, 403);
    const { page, context } = await open(`${s.url}/ui/#/trace?decision=forbid&user=nobody`);
    const row = page.locator('#trace-table tbody tr', { hasText: 'secrets' }).first();
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /nobody\s+list\s+secrets\s+team\s+forbid\s+\s*403/);
    await assertLabelled(page);
    await page.screenshot({ path: join(artifacts, 'ui-trace.png') });
    await row.getByRole('link', { name: /^Explain list secrets for nobody/ }).click();
    await page.locator('#decision').waitFor();
    assert.equal(await page.locator('#decision').innerText(), 'Denied');
    await context.close();
  });

  test('kubeauth ui --kubeconfig against another cluster: computed here, credentials kept here', async () => {
    // A kubeconfig with a bearer token, to check that the page never receives it.
    const opsKc = tokenKubeconfig(other, 'ops-token', 'ops');
    const ui = await startUi(opsKc);
    try {
      const m = [undefined, ui.url, ui.server];
      assert.equal(m[2], other.url);
      const bodies = [];
      const { page, context } = await open(`${m[1]}#/whocan?verb=get&resource=pods&namespace=team`, {});
      page.on('response', async (r) => bodies.push(await r.text().catch(() => '')));
      await page.locator('#whocan-table tbody tr', { hasText: 'RoleBinding/team/read-pods' }).first().waitFor();
      const c = await cli(['rbac', 'who-can', 'get', 'pods', '-n', 'team', '--kubeconfig', opsKc, '-o', 'json']);
      assert.equal(await page.locator('#whocan-table tbody tr').count(), JSON.parse(c.stdout).grants.length + 1);
      assert.match(await page.locator('#whoami').innerText(), /^Local inspector for https:\/\/127\.0\.0\.1:\d+/);

      await page.goto(`${m[1]}#/matrix?kind=User&name=alice&namespace=team`);
      await page.locator('#matrix-table').waitFor();
      assert.ok(await page.getByRole('link', { name: 'list pods: allowed' }).count());
      assert.ok(await page.getByRole('link', { name: 'delete pods: denied' }).count());
      await page.screenshot({ path: join(artifacts, 'ui-local-matrix.png') });

      // The token doctor of a cluster without kubeauth's API: its JWKS and its TokenReview.
      const token = (await other.kubectl(['create', 'token', 'builder', '-n', 'team'])).stdout.trim();
      await page.goto(`${m[1]}#/token`);
      await page.getByLabel('JWT').fill(token);
      await page.getByRole('button', { name: 'Diagnose' }).click();
      await page.locator('#verdict').waitFor();
      assert.match(await page.locator('#verdict').innerText(), /authenticated as system:serviceaccount:team:builder/);
      assert.match(await page.locator('#checks').innerText(), /PASS signature: verified by key/);

      await page.goto(`${m[1]}#/trace`);
      await page.getByText(/^No trace: this cluster keeps no decision trace/).waitFor();

      assert.ok(!bodies.some((b) => b.includes('ops-token')), 'the kubeconfig token never reaches the page');
      await context.close();
    } finally {
      await ui.stop();
    }
  });

  test('no console errors or warnings in any view', () => {
    assert.deepEqual(problems, []);
  });
});
