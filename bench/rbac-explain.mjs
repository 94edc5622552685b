// (i) `kubeauth rbac` engine in-process over the synthetic policy of (h) at 10,000 ClusterRoleBindings,
// 10,000 RoleBindings and 5,000 roles: who-can, explain, a matrix over 100 namespaces, lint, and loading the
// policy offline from a multi-document YAML file. The floor is the authorizer's own decision on the same index.
// Every figure is wall-clock time, as the targets are; beside each, the process CPU time of the same work
// (getrusage), which a host shared with other work inflates far less (see bench/README.md).
//   node bench/rbac-explain.mjs        (also part of npm run bench)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, pct } from './lib.mjs';
import { syntheticPolicy } from './rbac.mjs';

const dist = (p) => import(path.join(ROOT, 'packages/server/dist', p));
const RESOURCES = ['pods', 'services', 'configmaps', 'secrets', 'deployments', 'jobs', 'events', 'leases'];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** CPU milliseconds (user + system) the process spent in fn. */
function cpuOf(fn) {
  const c = process.cpuUsage();
  fn();
  const u = process.cpuUsage(c);
  return (u.user + u.system) / 1000;
}

/** Per-call CPU milliseconds, sorted. */
function cpuEach(n, fn) {
  return Array.from({ length: n }, (_, i) => cpuOf(() => fn(i))).sort((a, b) => a - b);
}

function timeEach(n, fn) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    out[i] = performance.now() - t;
  }
  return Array.from(out).sort((a, b) => a - b);
}

export async function rbacExplainBench({ samples = 2000 } = {}) {
  const { readManifests } = await dist('cli/rbac/manifests.js');
  const { loadPolicy } = await dist('authz/explain/policy.js');
  const { whoCan } = await dist('authz/explain/who-can.js');
  const { explain } = await dist('authz/explain/explain.js');
  const { matrix } = await dist('authz/explain/matrix.js');
  const { lint } = await dist('authz/explain/lint.js');
  const { builtinResources, matrixVerbs } = await dist('authz/explain/catalog.js');
  const { impliedUser, toAttributes } = await dist('authz/explain/query.js');
  const { RbacAuthorizer } = await dist('authz/rbac/authorizer.js');
  const JsYaml = await import(pathToFileURL(path.join(ROOT, 'node_modules/js-yaml/index.js')).href);

  const objects = syntheticPolicy(10_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-rbac-bench-'));
  try {
    const file = path.join(dir, 'policy.yaml');
    writeFileSync(file, objects.map((o) => JsYaml.dump(o)).join('---\n'));
    const loads = [];
    const loadsCpu = [];
    let policy;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      loadsCpu.push(cpuOf(() => (policy = loadPolicy(readManifests([file]), { aggregate: true }))));
      loads.push(performance.now() - t);
    }
    const counts = policy.index.counts;
    const namespaces = [...new Set(objects.map((o) => o.metadata.namespace).filter(Boolean))].sort().slice(0, 100);
    const rand = (n) => Math.floor(Math.random() * n);
    const query = () => ({
      verb: VERBS[rand(7)],
      apiGroup: '',
      resource: RESOURCES[rand(8)],
      namespace: namespaces[rand(namespaces.length)],
    });
    const user = () =>
      rand(3) === 0
        ? impliedUser(`user-${rand(2000)}`, [`group-${rand(500)}`])
        : impliedUser(`system:serviceaccount:${namespaces[rand(namespaces.length)]}:sa-${rand(100)}`);
    const cases = Array.from({ length: samples }, () => ({ u: user(), q: query() }));
    const authz = new RbacAuthorizer(policy.index);
    // Warm up every path once.
    for (const c of cases.slice(0, 200)) {
      authz.authorize(toAttributes(c.u, c.q));
      explain(policy.index, toAttributes(c.u, c.q));
      whoCan(policy.index, c.q);
    }
    const floor = timeEach(samples, (i) => authz.authorize(toAttributes(cases[i].u, cases[i].q)));
    const ex = timeEach(samples, (i) => explain(policy.index, toAttributes(cases[i].u, cases[i].q)));
    const who = timeEach(Math.min(samples, 500), (i) => whoCan(policy.index, cases[i].q));
    const subject = impliedUser('user-7', ['group-7']);
    const mx = timeEach(5, () =>
      matrix(policy.index, subject, { resources: builtinResources, verbs: matrixVerbs, namespaces }),
    );
    const lintRuns = timeEach(3, () => lint(policy.index, objects));
    const findings = lint(policy.index, objects).length;
    // The same work again, in CPU time.
    const floorCpu = cpuEach(samples, (i) => authz.authorize(toAttributes(cases[i].u, cases[i].q)));
    const exCpu = cpuEach(samples, (i) => explain(policy.index, toAttributes(cases[i].u, cases[i].q)));
    const whoCpu = cpuEach(Math.min(samples, 500), (i) => whoCan(policy.index, cases[i].q));
    const lintCpu = cpuEach(3, () => lint(policy.index, objects));
    return {
      counts,
      namespaces: namespaces.length,
      resources: builtinResources.length,
      floorP99ms: pct(floor, 99),
      floorP50ms: pct(floor, 50),
      explainP99ms: pct(ex, 99),
      explainP50ms: pct(ex, 50),
      whoCanP99ms: pct(who, 99),
      whoCanP50ms: pct(who, 50),
      matrixMs: pct(mx, 50),
      lintMs: pct(lintRuns, 50),
      findings,
      loadMs: pct(
        loads.sort((a, b) => a - b),
        50,
      ),
      cpu: {
        floorP99ms: pct(floorCpu, 99),
        explainP50ms: pct(exCpu, 50),
        explainP99ms: pct(exCpu, 99),
        whoCanP50ms: pct(whoCpu, 50),
        whoCanP99ms: pct(whoCpu, 99),
        lintMs: pct(lintCpu, 50),
        loadMs: pct(
          loadsCpu.sort((a, b) => a - b),
          50,
        ),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await rbacExplainBench();
  const f = (ms) => `${ms < 1 ? (ms * 1000).toFixed(1) + ' µs' : ms.toFixed(1) + ' ms'}`;
  console.log(
    `policy: ${r.counts.clusterRoleBindings} CRB, ${r.counts.roleBindings} RB, ${r.counts.clusterRoles + r.counts.roles} roles`,
  );
  const c = r.cpu;
  console.log(`floor  authorizer decision p50 ${f(r.floorP50ms)} p99 ${f(r.floorP99ms)} (CPU p99 ${f(c.floorP99ms)})`);
  console.log(
    `explain  p50 ${f(r.explainP50ms)} p99 ${f(r.explainP99ms)} (${(r.explainP99ms / r.floorP99ms).toFixed(1)}× floor p99; target < 1 ms); CPU p50 ${f(c.explainP50ms)} p99 ${f(c.explainP99ms)}`,
  );
  console.log(
    `who-can  p50 ${f(r.whoCanP50ms)} p99 ${f(r.whoCanP99ms)} (${(r.whoCanP99ms / r.floorP99ms).toFixed(0)}× floor p99; target < 5 ms); CPU p50 ${f(c.whoCanP50ms)} p99 ${f(c.whoCanP99ms)}`,
  );
  console.log(
    `matrix   1 subject × ${r.resources} resources × 8 verbs × ${r.namespaces} ns: ${f(r.matrixMs)} (= ${((r.matrixMs / (r.resources * 8 * r.namespaces)) * 1000).toFixed(2)} µs per cell vs floor p50 ${f(r.floorP50ms)}; target < 100 ms)`,
  );
  console.log(`lint     ${f(r.lintMs)} (${r.findings} findings; target < 2 s); CPU ${f(c.lintMs)}`);
  console.log(`load     offline from YAML ${f(r.loadMs)} (target < 2 s); CPU ${f(c.loadMs)}`);
}
