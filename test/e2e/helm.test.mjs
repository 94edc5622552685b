// Helm 4 (client-go 1.35) drives a chart of identity and access objects through install/upgrade/rollback/
// uninstall with `--wait` (Helm 4's watcher: streaming lists that must end with the initial-events bookmark),
// both with server-side apply (Helm 4's default) and with client-side three-way merges.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubeauth, helm } from './harness.mjs';
import { call } from './http.mjs';

const chart = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/rbac-chart');
const h = helm();
let s;
let home;

before(async () => {
  if (!h.path) return;
  s = await startKubeauth();
  home = mkdtempSync(join(tmpdir(), 'kubeauth-helm-'));
});
after(async () => {
  await s?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Runs Helm with its state in temp dirs; resolves {code, stdout, stderr}. */
function run(...argv) {
  const env = {
    ...process.env,
    KUBECONFIG: s.kubeconfig,
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  return new Promise((res) =>
    execFile(h.path, argv, { env }, (err, stdout, stderr) => res({ code: err ? (err.code ?? 1) : 0, stdout, stderr })),
  );
}
async function ok(...argv) {
  const r = await run(...argv);
  assert.equal(r.code, 0, `helm ${argv.join(' ')}\n${r.stderr}`);
  return r;
}

const get = async (path) => call(s, path);
const names = (ns, rel) => ({
  sa: `/api/v1/namespaces/${ns}/serviceaccounts/${rel}-app`,
  cm: `/api/v1/namespaces/${ns}/configmaps/${rel}-config`,
  secret: `/api/v1/namespaces/${ns}/secrets/${rel}-secret`,
  role: `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/${rel}-reader`,
  rb: `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/${rel}-reader`,
  cr: `/apis/rbac.authorization.k8s.io/v1/clusterroles/${rel}-${ns}-ns-viewer`,
  crb: `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${rel}-${ns}-ns-viewer`,
});

/** What the release's objects say now: the values upgrade and rollback change, or 404s. */
async function state(ns, rel) {
  const n = names(ns, rel);
  const [cm, secret, role, rb, sa, cr, crb] = await Promise.all(
    [n.cm, n.secret, n.role, n.rb, n.sa, n.cr, n.crb].map(get),
  );
  return {
    statuses: [cm, secret, role, rb, sa, cr, crb].map((r) => r.status),
    greeting: cm.json?.data?.greeting,
    password: secret.json?.data && Buffer.from(secret.json.data.password, 'base64').toString(),
    verbs: role.json?.rules?.[0]?.verbs,
    subjects: rb.json?.subjects,
  };
}

for (const [label, mode, ns] of [
  ['server-side apply (Helm 4 default)', [], 'helm-ssa'],
  ['client-side three-way merge', ['--server-side=false'], 'helm-csa'],
]) {
  test(
    `helm install/upgrade/rollback/uninstall --wait with ${label}`,
    { skip: h.path ? false : `helm 4 absent: ${h.why}` },
    async () => {
      const rel = 'idp';
      const common = ['-n', ns, '--wait', '--timeout=60s'];
      const inst = await ok('install', rel, chart, '--create-namespace', ...mode, ...common);
      assert.match(inst.stdout, /STATUS: deployed\nREVISION: 1\n/);
      assert.deepEqual(await state(ns, rel), {
        statuses: [200, 200, 200, 200, 200, 200, 200],
        greeting: 'hello',
        password: 's3cret',
        verbs: ['get', 'list'],
        // Served as a real server does: no `apiGroup: ""` for a ServiceAccount subject.
        subjects: [{ kind: 'ServiceAccount', name: `${rel}-app`, namespace: ns }],
      });

      const up = await ok(
        'upgrade',
        rel,
        chart,
        ...mode,
        ...common,
        '--set',
        'greeting=bye',
        '--set',
        'password=n3w',
        '--set',
        'verbs={get,list,watch}',
      );
      assert.match(up.stdout, /STATUS: deployed\nREVISION: 2\n/);
      const upgraded = await state(ns, rel);
      assert.deepEqual(
        [upgraded.greeting, upgraded.password, upgraded.verbs],
        ['bye', 'n3w', ['get', 'list', 'watch']],
      );

      const rb = await ok('rollback', rel, '1', '-n', ns, '--wait', '--timeout=60s');
      assert.equal(rb.stdout, 'Rollback was a success! Happy Helming!\n');
      const back = await state(ns, rel);
      assert.deepEqual([back.greeting, back.password, back.verbs], ['hello', 's3cret', ['get', 'list']]);

      const hist = await ok('history', rel, '-n', ns, '-o', 'json');
      assert.deepEqual(
        JSON.parse(hist.stdout).map((r) => [r.revision, r.status, r.description]),
        [
          [1, 'superseded', 'Install complete'],
          [2, 'superseded', 'Upgrade complete'],
          [3, 'deployed', 'Rollback to 1'],
        ],
      );

      const un = await ok('uninstall', rel, '-n', ns, '--wait', '--timeout=60s');
      assert.equal(un.stdout, `release "${rel}" uninstalled\n`);
      assert.deepEqual((await state(ns, rel)).statuses, [404, 404, 404, 404, 404, 404, 404]);
      // Helm keeps its release records as Secrets; none is left.
      const secrets = await get(`/api/v1/namespaces/${ns}/secrets?labelSelector=owner%3Dhelm`);
      assert.equal(secrets.status, 200);
      assert.deepEqual(secrets.json.items, []);
    },
  );
}

test(
  'helm upgrade --wait of a release that is not installed fails with its own message',
  {
    skip: h.path ? false : `helm 4 absent: ${h.why}`,
  },
  async () => {
    const r = await run('upgrade', 'nope', chart, '-n', 'helm-ssa', '--wait', '--timeout=10s');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: UPGRADE FAILED: "nope" has no deployed releases\n');
  },
);
