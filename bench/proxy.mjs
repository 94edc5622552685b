// `kubeauth proxy` throughput vs calling the upstream directly (bench/run.mjs).
//
// What is compared (the floor). The upstream is a bare node:http(s) server in its own process answering every
// request with the same small body. It listens twice, on plain HTTP and on HTTPS (the data dir's serving
// certificate), and the proxy is started with the same certificate:
//   - floor ("calling the upstream directly"): the load generator → upstream over HTTPS, keep-alive. The load tools
//     speak HTTPS, and a client-facing endpoint is HTTPS either way — the proxy's is — so the fair floor is the same
//     TLS + HTTP/1.1 keep-alive work the proxy's front side does, on the same upstream process and handler;
//   - proxy (the headline figure): load generator → proxy over HTTPS → upstream over plain HTTP on loopback, the
//     usual sidecar layout of kube-rbac-proxy (the app listens on 127.0.0.1 and the proxy terminates TLS);
//   - proxy with an HTTPS upstream (`proxyTlsUpstreamRps`, optional, information): TLS on the second leg too;
//   - a bare node:http reverse proxy (`bareProxyRps`, information): the same topology (HTTPS in, keep-alive agent to
//     the plain HTTP upstream, piped bodies) without any authentication or header handling — what a Node proxy
//     written the usual way costs here, so `ratioToBareProxy` is the share of its throughput kubeauth keeps;
//   - a byte pipe (`rawPipeRps`, information): TLS in, one plain upstream connection per client connection, bytes
//     copied as they come, no HTTP at all — about the least any Node TLS-terminating proxy can cost here.
// Every proxied request carries `Authorization: Bearer <SA token>` and goes through the whole request flow —
// TokenReview and SubjectAccessReview answered from the proxy's caches after the warm-up, the bearer token removed,
// identity headers added (`--auth-header-fields-enabled`), X-Forwarded-For appended, bodies streamed. Direct calls
// send the same headers. Each side runs once per round, `rounds` rounds, the order flipped each round; the headline
// ratio is best run ÷ best run (as bench/lib.mjs compareToFloor), with the median-run ratio beside it.
//
// The load generator. On one host the load generator, the proxy and the upstream share the cores: two processes
// when the upstream is called directly, three through the proxy. Whatever CPU the load generator spends per request
// is taken from the proxy side only, which in a real deployment (clients elsewhere, proxy and app in one pod) it is
// not. autocannon, the load tool of every other figure (bench/load.mjs), is a Node process and costs about as much
// CPU per request as the servers it loads: called directly, the upstream's rate was bounded by autocannon's as much as
// by the upstream's own. So the headline pair is measured with wrk (C, one thread, about a third of autocannon's CPU
// per request; bench/wrk.mjs, installed with apt-get when missing), and with autocannon as well (`autocannon`, for
// comparison with earlier runs). Without wrk every side runs on autocannon and `loadTool` says so.
// Note: on a 2-core host ratios well below 1 are expected whatever the proxy's own cost: the proxy has to do at
// least what the upstream does (TLS, HTTP parsing) plus a client request of its own.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { createServer as tlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { ROOT, json, load, request } from './lib.mjs';
import { wrkLoad } from './wrk.mjs';

const SELF = fileURLToPath(import.meta.url);
// The same `kubeauth` as bench/lib.mjs starts: the bundle when it has been built, else tsc's output.
const BUNDLE = path.join(ROOT, 'packages/server/dist/bin/kubeauth.js');
const MAIN = existsSync(BUNDLE) ? BUNDLE : path.join(ROOT, 'packages/server/dist/cli/main.js');
const BODY = 'upstream says hello\n';
const BENCH_PATH = '/bench';
const children = new Set();

/**
 * @param {{ port: number, dataDir: string, adminToken: string, token: string, durationSeconds?: number,
 *   connections?: number, tlsUpstream?: boolean, bareProxy?: boolean, warmupSeconds?: number, main?: string,
 *   proxyNodeArgs?: string[] }} o
 *   port: running kubeauth; dataDir: its data dir (admin.kubeconfig, pki/); adminToken: a system:masters token;
 *   token: a ServiceAccount token of default/bench for the server's default API audience; tlsUpstream: also measure
 *   the proxy with an HTTPS upstream (default false); bareProxy: also measure a bare node:http reverse proxy (true);
 *   rawPipe: also measure the byte pipe (true). useWrk: measure with wrk (the caller checked it is there; default
 *   false: autocannon); autocannonToo: with wrk, measure upstream and proxy with autocannon as well (true).
 *   warmupSeconds: load on each side before measuring (default 1); rounds: runs per side (default 3).
 *   Takes rounds × sides × durationSeconds, sides being 2 + bareProxy + rawPipe + tlsUpstream (+ 2 with wrk and
 *   autocannonToo), plus warmupSeconds per server started and ~3 s of set-up.
 */
export async function proxyBench({
  port,
  dataDir,
  adminToken,
  token,
  durationSeconds = 3,
  connections = 32,
  tlsUpstream = false,
  bareProxy = true,
  rawPipe = true,
  useWrk = false,
  autocannonToo = true,
  warmupSeconds = 1,
  rounds = 3,
  main = MAIN, // the kubeauth entry point to run `proxy` with
  proxyNodeArgs = [], // e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile the proxies
}) {
  const pki = (f) => path.join(dataDir, 'pki', f);
  const cert = readFileSync(pki('apiserver.crt'), 'utf8');
  const key = readFileSync(pki('apiserver.key'), 'utf8');
  await allowServiceAccount(port, adminToken);
  const upstream = await startUpstream({ cert, key });
  const proxies = [];
  try {
    const aud = audiencesOf(token);
    const proxyArgs = (url) => [
      `--upstream=${url}`,
      '--secure-listen-address=127.0.0.1:0',
      `--kubeconfig=${path.join(dataDir, 'admin.kubeconfig')}`,
      `--tls-cert-file=${pki('apiserver.crt')}`,
      `--tls-private-key-file=${pki('apiserver.key')}`,
      `--auth-token-audiences=${aud.join(',')}`,
      '--auth-header-fields-enabled',
      `--upstream-ca-file=${pki('ca.crt')}`,
    ];
    const plain = await startProxy(main, proxyArgs(`http://127.0.0.1:${upstream.httpPort}/`), proxyNodeArgs);
    proxies.push(plain);
    const tls = tlsUpstream
      ? await startProxy(main, proxyArgs(`https://127.0.0.1:${upstream.httpsPort}/`), proxyNodeArgs)
      : undefined;
    if (tls) proxies.push(tls);
    for (const p of proxies) await warm(p.port, token);
    const bare = bareProxy ? await startBareProxy({ cert, key, upstreamPort: upstream.httpPort }) : undefined;
    const pipe = rawPipe ? await startBareProxy({ cert, key, upstreamPort: upstream.httpPort, raw: true }) : undefined;
    for (const b of [bare, pipe]) {
      if (!b) continue;
      proxies.push(b);
      const r = await request(b.port, 'GET', BENCH_PATH, { token });
      if (r.status !== 200 || r.body.toString() !== BODY) throw new Error(`bare proxy: ${r.status}`);
    }
    const direct = await request(upstream.httpsPort, 'GET', BENCH_PATH, { token });
    if (direct.status !== 200 || direct.body.toString() !== BODY) throw new Error(`upstream: ${direct.status}`);

    const cfg = {
      method: 'GET',
      path: BENCH_PATH,
      headers: { authorization: `Bearer ${token}`, accept: '*/*' },
      connections,
      duration: durationSeconds,
    };
    const tools = { wrk: wrkLoad, autocannon: load };
    const headline = useWrk ? 'wrk' : 'autocannon';
    // CPU time of the upstream and the proxy processes per run (Linux /proc), and the load generator's own (it
    // reports it), to see who is the bottleneck.
    const run = async (tool, name, p) => {
      const pids = [upstream.pid, ...proxies.map((x) => x.pid)];
      const before = pids.map(cpuSeconds);
      const r = await tools[tool]({ ...cfg, port: p });
      const used = pids.map((pid, i) => cpuSeconds(pid) - before[i]);
      const total = r.ok + r.non2xx;
      const proxySecs = used.slice(1).reduce((a, b) => a + b, 0);
      r.cpu = {
        upstreamUsPerReq: (used[0] * 1e6) / total,
        ...(name === 'upstream' ? {} : { proxyUsPerReq: (proxySecs * 1e6) / total }),
        upstreamCores: used[0] / r.secs,
        proxyCores: proxySecs / r.secs,
        loadUsPerReq: r.loadUsPerReq,
      };
      return r;
    };
    // The sides, each [load tool, name, port]. The headline pair (upstream, proxy) is measured with wrk when it is
    // there; with autocannon too, for comparison with earlier runs (a Node load generator costs the proxy side
    // more: see the note at the top of this file).
    const sides = [
      [headline, 'upstream', upstream.httpsPort],
      ...(pipe ? [[headline, 'rawPipe', pipe.port]] : []),
      ...(bare ? [[headline, 'bare', bare.port]] : []),
      [headline, 'proxy', plain.port],
      ...(tls ? [[headline, 'proxyTlsUpstream', tls.port]] : []),
      ...(useWrk && autocannonToo
        ? [
            ['autocannon', 'upstream', upstream.httpsPort],
            ['autocannon', 'proxy', plain.port],
          ]
        : []),
    ];
    // Warm-up under load (JIT tiers, heap sizing, connection pools): the first seconds of a fresh Node process are
    // markedly slower and would penalise whichever side runs first.
    for (const p of [upstream.httpsPort, ...proxies.map((x) => x.port)]) {
      await tools[headline]({ ...cfg, port: p, duration: warmupSeconds });
    }
    // Alternating rounds, order flipped each round, so drift in background load hits every side alike; each side's
    // best run is its least disturbed capacity.
    const runs = {};
    for (let r = 0; r < rounds; r++) {
      for (const [tool, name, p] of r % 2 === 0 ? sides : [...sides].reverse()) {
        (runs[`${tool}:${name}`] ??= []).push(await run(tool, name, p));
      }
    }
    const side = (tool, name) => (runs[`${tool}:${name}`] ? merge(runs[`${tool}:${name}`]) : undefined);
    const up = side(headline, 'upstream');
    const px = side(headline, 'proxy');
    const tl = side(headline, 'proxyTlsUpstream');
    const bp = side(headline, 'bare');
    const rp = side(headline, 'rawPipe');
    const acUp = useWrk ? side('autocannon', 'upstream') : undefined;
    const acPx = useWrk ? side('autocannon', 'proxy') : undefined;
    const upstreamRequestsSeen = await upstream.count();
    const all = { upstream: up, proxy: px, bareProxy: bp, rawPipe: rp, proxyTlsUpstream: tl };
    const each = (f) =>
      Object.fromEntries(
        Object.entries(all)
          .filter(([, v]) => v)
          .map(([k, v]) => [k, f(v)]),
      );
    return {
      loadTool: headline,
      proxyRps: px.rps,
      upstreamRps: up.rps,
      ratio: px.rps / up.rps,
      ratioMedian: px.medianRps / up.medianRps,
      ...(rp ? { rawPipeRps: rp.rps, rawPipeVsUpstream: rp.rps / up.rps, ratioToRawPipe: px.rps / rp.rps } : {}),
      ...(bp ? { bareProxyRps: bp.rps, bareProxyVsUpstream: bp.rps / up.rps, ratioToBareProxy: px.rps / bp.rps } : {}),
      ...(tl ? { proxyTlsUpstreamRps: tl.rps, ratioTlsUpstream: tl.rps / up.rps } : {}),
      ...(acUp && acPx
        ? {
            autocannon: {
              proxyRps: acPx.rps,
              upstreamRps: acUp.rps,
              ratio: acPx.rps / acUp.rps,
              ratioMedian: acPx.medianRps / acUp.medianRps,
              runs: { upstream: acUp.runs, proxy: acPx.runs },
              cpu: { upstream: acUp.cpu, proxy: acPx.cpu },
            },
          }
        : {}),
      runs: each((v) => v.runs),
      latencyMs: each((v) => ({ p50: v.p50ms, p99: v.p99ms })),
      failures: each((v) => ({ non2xx: v.non2xx, errors: v.errors, statuses: v.statuses })),
      cpu: each((v) => v.cpu),
      upstreamRequestsSeen,
      responseBytes: BODY.length,
      connections,
      durationSeconds,
      floor: 'load → upstream over HTTPS keep-alive (same process and handler the proxy forwards to)',
    };
  } finally {
    for (const p of proxies) await p.stop();
    await upstream.stop();
  }
}

/** A ClusterRole allowing GET on the benchmark path and its binding to ServiceAccount default/bench. */
async function allowServiceAccount(port, adminToken) {
  const put = async (collection, obj) => {
    const r = await request(port, 'POST', `/apis/rbac.authorization.k8s.io/v1/${collection}`, {
      token: adminToken,
      body: obj,
    });
    if (r.status >= 300 && r.status !== 409) throw new Error(`POST ${collection}: ${r.status} ${r.body}`);
  };
  await put('clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'bench-proxy' },
    rules: [{ nonResourceURLs: [BENCH_PATH], verbs: ['get'] }],
  });
  await put('clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'bench-proxy' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'bench-proxy' },
    subjects: [{ kind: 'ServiceAccount', name: 'bench', namespace: 'default' }],
  });
  // The binding is in force (kubeauth's authorizer reads the store; checked with a SubjectAccessReview).
  const sar = await json(port, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    token: adminToken,
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'system:serviceaccount:default:bench',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
        nonResourceAttributes: { path: BENCH_PATH, verb: 'get' },
      },
    },
  });
  if (!sar.status?.allowed) throw new Error(`RBAC for the bench SA not in force: ${JSON.stringify(sar.status)}`);
}

/** User + system CPU seconds of a process so far (Linux), NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [utime, stime] = f
      .slice(f.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 13)
      .map(Number);
    return (utime + stime) / 100; // USER_HZ
  } catch {
    return NaN;
  }
}

function audiencesOf(token) {
  const { aud } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  return Array.isArray(aud) ? aud : [aud];
}

/** Proxied requests answer the upstream's body; no token → 401. Fills the TokenReview and SAR caches. */
async function warm(port, token) {
  const none = await request(port, 'GET', BENCH_PATH);
  if (none.status !== 401) throw new Error(`proxy without a token: ${none.status} ${none.body}`);
  for (let i = 0; i < 20; i++) {
    const r = await request(port, 'GET', BENCH_PATH, { token });
    if (r.status !== 200 || r.body.toString() !== BODY) {
      throw new Error(`proxy: ${r.status} ${r.body.toString().slice(0, 300)}`);
    }
  }
}

/** One side's runs: rps is the best run's, medianRps the median's; latency from the best run. */
function merge(list) {
  const best = list.reduce((a, b) => (b.rps > a.rps ? b : a));
  const sorted = list.map((r) => r.rps).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    rps: best.rps,
    medianRps: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    runs: list.map((r) => r.rps),
    p50ms: best.p50ms,
    p99ms: best.p99ms,
    non2xx: list.reduce((n, r) => n + r.non2xx, 0),
    errors: list.reduce((n, r) => n + r.errors, 0),
    statuses: list.map((r) => r.statuses),
    cpu: list.map((r) => r.cpu),
  };
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** `kubeauth proxy` in its own process; resolves with its port once it logs that it is proxying. */
function startProxy(main, args, nodeArgs = []) {
  const child = track(
    spawn(process.execPath, [...nodeArgs, main, 'proxy', ...args], { stdio: ['ignore', 'ignore', 'pipe'] }),
  );
  return new Promise((resolve, reject) => {
    let err = '';
    const onData = (d) => {
      err += d;
      const m = /"msg":"proxying https:\/\/127\.0\.0\.1:(\d+) to /.exec(err);
      if (m) {
        child.stderr.off('data', onData);
        // Keep draining (error lines), and show them: a proxy answering 5xx says why there.
        child.stderr.on('data', (x) => process.stderr.write(`proxy: ${x}`));
        resolve({ port: Number(m[1]), pid: child.pid, stop: () => stopChild(child) });
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`kubeauth proxy exited ${code}: ${err.slice(-2000)}`)));
  });
}

/** The upstream (this file run as a script) in its own process: {httpPort, httpsPort, count(), stop()}. */
function startUpstream({ cert, key }) {
  const child = track(spawn(process.execPath, [SELF, '--upstream'], { stdio: ['pipe', 'pipe', 'inherit'] }));
  child.stdin.end(JSON.stringify({ cert, key }));
  return new Promise((resolve, reject) => {
    let out = '';
    let pending;
    child.stdout.on('data', (d) => {
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const msg = JSON.parse(line);
        if (msg.httpPort) {
          resolve({
            httpPort: msg.httpPort,
            httpsPort: msg.httpsPort,
            pid: child.pid,
            count: () =>
              new Promise((r) => {
                pending = r;
                child.kill('SIGUSR2');
              }),
            stop: () => stopChild(child),
          });
        } else if (msg.count !== undefined && pending) {
          pending(msg.count);
          pending = undefined;
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`upstream exited ${code}`)));
  });
}

/** Calls `f` with the JSON a child process is given on stdin (the serving certificate and key). */
function onStdinJson(f) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d) => (input += d));
  process.stdin.on('end', () => f(JSON.parse(input)));
}

/** The bare reverse proxy, or with `raw` the byte pipe (this file run as a script), in its own process. */
function startBareProxy({ cert, key, upstreamPort, raw = false }) {
  const child = track(
    spawn(process.execPath, [SELF, raw ? '--raw-pipe' : '--bare-proxy', String(upstreamPort)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  child.stdin.end(JSON.stringify({ cert, key }));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /bare proxy on (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), pid: child.pid, stop: () => stopChild(child) });
    });
    child.once('exit', (code) => reject(new Error(`bare proxy exited ${code}`)));
  });
}

/** Bare proxy process: HTTPS in, keep-alive agent to the HTTP upstream, headers passed as they are, bodies piped. */
function runBareProxy(upstreamPort) {
  onStdinJson(({ cert, key }) => {
    const agent = new http.Agent({ keepAlive: true });
    const srv = https.createServer({ cert, key, keepAliveTimeout: 60_000 }, (req, res) => {
      const up = http.request(
        { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent },
        (upRes) => {
          res.writeHead(upRes.statusCode, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    srv.listen(0, '127.0.0.1', () => process.stdout.write(`bare proxy on ${srv.address().port}\n`));
  });
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * Byte pipe process: TLS in, and for each client connection one plain connection to the upstream, bytes copied both
 * ways as they come (no HTTP at all). What any Node TLS-terminating proxy costs here at the least.
 */
function runRawPipe(upstreamPort) {
  onStdinJson(({ cert, key }) => {
    const srv = tlsServer({ cert, key }, (client) => {
      const up = net.connect(upstreamPort, '127.0.0.1');
      for (const s of [client, up]) {
        s.setNoDelay(true);
        s.on('error', () => {
          client.destroy();
          up.destroy();
        });
        s.on('close', () => (s === up ? client : up).destroy());
      }
      client.on('data', (d) => up.write(d));
      up.on('data', (d) => client.write(d));
    });
    srv.listen(0, '127.0.0.1', () => process.stdout.write(`bare proxy on ${srv.address().port}\n`));
  });
  process.on('SIGTERM', () => process.exit(0));
}

/** Upstream process: the same fixed answer on HTTP and HTTPS, keep-alive. */
function runUpstream() {
  onStdinJson(async ({ cert, key }) => {
    let count = 0;
    const handler = (req, res) => {
      count++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': BODY.length });
        res.end(BODY);
      });
    };
    const plain = http.createServer({ keepAliveTimeout: 60_000 }, handler);
    const tls = https.createServer({ cert, key, keepAliveTimeout: 60_000 }, handler);
    let connections = 0;
    plain.on('connection', () => connections++);
    tls.on('secureConnection', () => connections++);
    await Promise.all([plain, tls].map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r))));
    process.stdout.write(
      JSON.stringify({ httpPort: plain.address().port, httpsPort: tls.address().port, pid: process.pid }) + '\n',
    );
    process.on('SIGUSR2', () =>
      process.stdout.write(JSON.stringify({ count: { requests: count, connections } }) + '\n'),
    );
  });
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  if (process.argv[2] === '--upstream') runUpstream();
  else if (process.argv[2] === '--bare-proxy') runBareProxy(Number(process.argv[3]));
  else if (process.argv[2] === '--raw-pipe') runRawPipe(Number(process.argv[3]));
}
