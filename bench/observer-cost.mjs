// What observing costs a request, in process (beside figure o): the request observer with kube's metrics and an
// audit policy writing to a file, driven through one TokenReview-shaped request (authenticated, allowed, a body,
// a 201 answer) with stand-in request and response objects, minus the same observer with both off (its floor, in
// the same round). CPU µs per request, median of the rounds. No HTTP, no load tool: far less moved by other work
// on the host than figure (o), so it shows what a change to observe/, audit/ or metrics/ saves.
//   node bench/observer-cost.mjs [--level=Metadata|RequestResponse] [ROOT ...]
// Each ROOT is a checkout with a build (default: this one); given several, they are loaded side by side and
// measured in alternating rounds (e.g. a build of the previous version against this one).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URLSearchParams } from 'node:url';
import { ROOT } from './lib.mjs';

const args = process.argv.slice(2);
const level = args.find((a) => a.startsWith('--level='))?.slice(8) ?? 'Metadata';
const dists = args.filter((a) => !a.startsWith('--'));
if (!dists.length) dists.push(ROOT);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-observer-cost-'));
const builds = [];
for (const d of dists) {
  const imp = (p) => import(path.resolve(d, 'packages/server/dist', p));
  const { RequestObserver } = await imp('observe/observer.js');
  const { ApiServerMetrics } = await imp('metrics/apiserver.js');
  const { PolicyEvaluator, parsePolicy } = await imp('audit/policy.js');
  const { LogBackend } = await imp('audit/log-backend.js');
  const { requestInfoNoQuery } = await imp('request/info.js');
  const logPath = path.join(tmp, `audit-${builds.length}.log`);
  const mk = (on) => {
    const metrics = new ApiServerMetrics({ defaultMetrics: false });
    const log = new LogBackend({
      path: logPath,
      format: 'json',
      maxAgeDays: 0,
      maxBackups: 0,
      maxSizeMB: 0,
      compress: false,
    });
    const policy = new PolicyEvaluator(
      parsePolicy(
        `apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: ${level}\n`,
      ),
    );
    return { obs: new RequestObserver(on ? { metrics, audit: { policy, sinks: [log] } } : {}), log };
  };
  builds.push({ d, on: mk(true), off: mk(false), requestInfoNoQuery, times: [] });
}
const user = {
  username: 'bench-admin',
  uid: 'uid-admin',
  groups: ['system:masters', 'system:authenticated'],
  extra: {},
};
const socket = { remoteAddress: '127.0.0.1', remotePort: 40000 };
const body = Buffer.from(
  JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'x'.repeat(900) } }),
);
const answer = JSON.stringify({
  kind: 'TokenReview',
  apiVersion: 'authentication.k8s.io/v1',
  metadata: { creationTimestamp: null },
  spec: { token: 'x'.repeat(900) },
  status: {
    authenticated: true,
    user: { username: 'system:serviceaccount:default:bench', uid: 'u', groups: ['a', 'b'] },
  },
});
function once(b, which) {
  const req = {
    method: 'POST',
    url: '/apis/authentication.k8s.io/v1/tokenreviews',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
    socket,
  };
  const headers = {};
  const res = {
    statusCode: 201,
    setHeader(k, v) {
      headers[k.toLowerCase()] = v;
    },
    getHeader: (k) => headers[k.toLowerCase()],
    end() {
      return this;
    },
    write() {
      return true;
    },
  };
  const info = b.requestInfoNoQuery('POST', '/apis/authentication.k8s.io/v1/tokenreviews');
  const t = b[which].obs.begin(req, res, info, '', new URLSearchParams());
  t.authenticated({ user, warnings: [] });
  t.authorized({ decision: 'Allow', reason: '' });
  t.handling({ annotations: {}, body });
  res.end(answer);
  t.closed();
}
const batch = 32; // requests per event-loop turn (the log backend writes once per turn)
async function run(b, which, n) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i += batch) {
    for (let j = 0; j < batch; j++) once(b, which);
    await new Promise((r) => setImmediate(r));
  }
  const c = process.cpuUsage(t0);
  return (c.user + c.system) / n;
}
const N = Number(process.env.N ?? 20000),
  rounds = Number(process.env.ROUNDS ?? 9);
for (const b of builds) {
  await run(b, 'on', 2000);
  await run(b, 'off', 2000);
}
for (let r = 0; r < rounds; r++)
  for (const b of r % 2 ? [...builds].reverse() : builds) {
    const off = await run(b, 'off', N);
    const on = await run(b, 'on', N);
    b.times.push(on - off);
  }
const med = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
};
for (const b of builds)
  console.log(
    `${b.d}: observing costs ${med(b.times).toFixed(2)} µs of CPU a request (metrics + ${level} audit; rounds ${b.times.map((x) => x.toFixed(1)).join(' ')})`,
  );
rmSync(tmp, { recursive: true, force: true });
