// (p) The hot path, measured with C load generators: TokenReview (one token), GET ServiceAccount and
// SubjectAccessReview (a denial under a 25,000-object RBAC policy) against kubeauth, each as a ratio to a bare floor
// measured in the same run: a node server on the same certificate and key answering kubeauth's captured status,
// headers and body (bench/floor.mjs). HTTP/1.1 with wrk (one thread, 32 keep-alive connections, a Lua script for the
// POST body) against node:https; HTTP/2 with h2load (one thread, 8 connections × 4 concurrent streams) against
// node:http2 (its request/response API, the one kubeauth serves with). Rounds alternate floor and kubeauth, flipping the order each round; the headline is best
// run ÷ best run, with the median-run and CPU-per-request ratios beside it (bench/README.md).
//   node bench/hotpath.mjs [--quick] [--only=tokenreview,get-sa,sar] [--protocols=h1,h2] [--cpu-prof=DIR]
// Needs wrk (Debian `wrk`) and h2load (Debian `nghttp2-client`); run as root on Debian it installs them itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareToFloor, json, request, startFloor, startServer, stopServer } from './lib.mjs';
import { h2loadRun, ensureH2load } from './h2load.mjs';
import { syntheticPolicy } from './rbac.mjs';
import { seedRbacObjects } from './seed.mjs';
import { ensureWrk, wrkLoad } from './wrk.mjs';

const lua = (method, body, headers) =>
  [
    `wrk.method = "${method}"`,
    ...(body ? [`wrk.body = ${JSON.stringify(body)}`] : []),
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
    '',
  ].join('\n');

/** The three requests of the hot path on a server whose store holds `sarBindings`' synthetic RBAC policy. */
function requests(token) {
  return [
    {
      id: 'tokenreview',
      what: 'TokenReview (1 token)',
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
    },
    {
      id: 'get-sa',
      what: 'GET ServiceAccount',
      method: 'GET',
      path: '/api/v1/namespaces/default/serviceaccounts/bench',
    },
    {
      // bench/rbac.mjs: sa-2 of ns-2 is bound (crb-2: watch/update configmaps and jobs); asking to list pods is a
      // denial, so the authorizer visits every rule that could apply before it says no.
      id: 'sar',
      what: 'SubjectAccessReview (denied, 25,000 RBAC objects)',
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: JSON.stringify({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'system:serviceaccount:ns-2:sa-2',
          groups: ['system:serviceaccounts', 'system:serviceaccounts:ns-2', 'system:authenticated'],
          resourceAttributes: { namespace: 'ns-2', verb: 'list', resource: 'pods' },
        },
      }),
    },
  ];
}

export async function hotpathBench({
  tmp,
  common,
  admin,
  durationSeconds = 3,
  rounds = 5,
  connections = 32,
  sarBindings = 10_000,
  only,
  protocols = ['h1', 'h2'],
  serverArgs = [],
  nodeArgs = [],
  log = () => {},
}) {
  const tools = { h1: ensureWrk(log), h2: ensureH2load(log) };
  const protos = protocols.filter((p) => tools[p]);
  if (protos.length === 0) return { skipped: 'neither wrk nor h2load is installed' };
  const dir = path.join(tmp, 'hotpath');
  await stopServer(await startServer(dir, common)); // PKI + bootstrap objects
  const policy = syntheticPolicy(sarBindings);
  await seedRbacObjects(dir, policy);
  const S = await startServer(dir, [...common, ...serverArgs], { nodeArgs });
  const cert = readFileSync(path.join(dir, 'pki/apiserver.crt'), 'utf8');
  const key = readFileSync(path.join(dir, 'pki/apiserver.key'), 'utf8');
  const out = {
    loadTools: {
      h1: tools.h1 ? `wrk -t1 -c${connections}` : 'missing',
      h2: tools.h2 ? `h2load -t1 -c${connections / 4} -m4` : 'missing',
    },
    rounds,
    durationSeconds,
    policyObjects: policy.length,
    figures: {},
  };
  try {
    await json(S.port, 'POST', '/api/v1/namespaces/default/serviceaccounts', {
      token: admin,
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bench' } },
    });
    const minted = await json(S.port, 'POST', '/api/v1/namespaces/default/serviceaccounts/bench/token', {
      token: admin,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    for (const rq of requests(minted.status.token)) {
      if (only && !only.includes(rq.id)) continue;
      const cap = await request(S.port, rq.method, rq.path, { token: admin, body: rq.body });
      if (cap.status >= 300) throw new Error(`${rq.id}: ${cap.status} ${cap.body}`);
      if (rq.id === 'sar' && JSON.parse(cap.body.toString()).status.allowed !== false)
        throw new Error('hotpath: the SubjectAccessReview was meant to be denied; the policy changed?');
      const headers = { authorization: `Bearer ${admin}`, accept: 'application/json' };
      if (rq.body) headers['content-type'] = 'application/json';
      const script = path.join(tmp, `hotpath-${rq.id}.lua`);
      writeFileSync(script, lua(rq.method, rq.body, headers));
      const data = path.join(tmp, `hotpath-${rq.id}.body`);
      if (rq.body) writeFileSync(data, rq.body);
      const loaders = {
        h1: (port, duration) => wrkLoad({ port, path: rq.path, connections, duration, script }),
        h2: (port, duration) =>
          h2loadRun({
            port,
            path: rq.path,
            headers,
            clients: connections / 4,
            streams: 4,
            duration,
            data: rq.body ? data : undefined,
          }),
      };
      for (const proto of protos) {
        const floor = await startFloor({
          cert,
          key,
          status: cap.status,
          headers: cap.headers,
          body: cap.body,
          protocol: proto,
        });
        try {
          const r = await compare(loaders[proto], S, floor, rounds, durationSeconds);
          r.responseBytes = cap.body.length;
          out.figures[`${rq.id}_${proto}`] = { what: rq.what, protocol: proto === 'h1' ? 'HTTP/1.1' : 'HTTP/2', ...r };
          if (r.non2xx || r.errors) log(`WARNING hotpath ${rq.id} ${proto}: ${r.non2xx} non-2xx, ${r.errors} errors`);
          log(
            `hotpath ${rq.id} ${proto}: kubeauth ${Math.round(r.server.rps)} req/s vs floor ${Math.round(r.floor.rps)} → ${r.ratio.toFixed(3)} (medians ${r.ratioMedian.toFixed(3)}, CPU/request ${r.cpuRatio.toFixed(3)}: ${r.server.cpuMicrosPerRequest.toFixed(0)} µs vs ${r.floor.cpuMicrosPerRequest.toFixed(0)} µs)`,
          );
        } finally {
          await floor.stop();
        }
      }
    }
  } finally {
    await stopServer(S);
  }
  return out;
}

/** Alternating rounds (floor first, then flipped each round) of one loader against kubeauth and its floor. */
function compare(loader, server, floor, rounds, duration) {
  return compareToFloor({ server, floor, run: loader, rounds, duration });
}

// `node bench/hotpath.mjs [--quick] [--only=…] [--protocols=…] [-- server flags]`: this figure alone (after a build).
if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const dashes = argv.indexOf('--');
  const own = dashes < 0 ? argv : argv.slice(0, dashes);
  const opt = (name) => own.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-hotpath-'));
  const admin = 'bench-admin-token-0123456789';
  const tokens = path.join(tmp, 'tokens.csv');
  writeFileSync(tokens, `${admin},bench-admin,uid-admin,"system:masters"\n`);
  const quick = own.includes('--quick');
  try {
    const r = await hotpathBench({
      tmp,
      common: [`--token-auth-file=${tokens}`],
      admin,
      durationSeconds: Number(opt('duration') ?? (quick ? 2 : 3)),
      rounds: Number(opt('rounds') ?? (quick ? 3 : 5)),
      only: opt('only')?.split(','),
      protocols: opt('protocols')?.split(',') ?? ['h1', 'h2'],
      serverArgs: dashes < 0 ? [] : argv.slice(dashes + 1),
      // --cpu-prof=DIR: a V8 CPU profile of kubeauth over the whole run (node --cpu-prof), written when it stops.
      nodeArgs: opt('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${opt('cpu-prof')}`] : [],
      log: (...a) => console.error('·', ...a),
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
