// (o) What observing costs: TokenReview throughput (wrk, HTTP/1.1 keep-alive, one token) with kube's metrics and an
// audit policy at Metadata writing to a file, as a ratio to the same server with both off
// (KUBEAUTH_METRICS=off, no audit flags); and the same at RequestResponse. The configurations run one after the
// other in every round (A/B/C, A/B/C, …), so the host's speed swings hit all of them alike; medians are compared.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpuMicros, json, median, startServer, stopServer } from './lib.mjs';
import { ensureWrk, wrkLoad } from './wrk.mjs';

const lua = (body, token) => `wrk.method = "POST"
wrk.body = ${JSON.stringify(body)}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${token}"
`;

async function start(dir, extra, env = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await startServer(dir, extra);
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

export async function observeBench({ tmp, common, admin, durationSeconds, rounds, connections, log }) {
  if (!ensureWrk(log)) return { skipped: 'wrk is not installed' };
  const policy = (level) => {
    const f = path.join(tmp, `policy-${level}.yaml`);
    writeFileSync(
      f,
      `apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: ${level}\n`,
    );
    return f;
  };
  const configs = {
    off: { extra: [], env: { KUBEAUTH_METRICS: 'off' } },
    metadata: {
      extra: [`--audit-policy-file=${policy('Metadata')}`, `--audit-log-path=${path.join(tmp, 'audit-metadata.log')}`],
    },
    requestResponse: {
      extra: [`--audit-policy-file=${policy('RequestResponse')}`, `--audit-log-path=${path.join(tmp, 'audit-rr.log')}`],
    },
  };
  const runs = {};
  for (const [name, c] of Object.entries(configs)) {
    const s = await start(path.join(tmp, `observe-${name}`), [...common, ...c.extra], c.env);
    await json(s.port, 'POST', '/api/v1/namespaces/default/serviceaccounts', {
      token: admin,
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bench' } },
    });
    const minted = await json(s.port, 'POST', '/api/v1/namespaces/default/serviceaccounts/bench/token', {
      token: admin,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    const body = JSON.stringify({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: minted.status.token },
    });
    const script = path.join(tmp, `observe-${name}.lua`);
    writeFileSync(script, lua(body, admin));
    runs[name] = { server: s, script, rps: [], cpu: [] };
  }
  const load = (r, duration) =>
    wrkLoad({
      port: r.server.port,
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      connections,
      duration,
      script: r.script,
    });
  try {
    for (const r of Object.values(runs)) await load(r, 1); // warm-up (JIT, caches)
    for (let i = 0; i < rounds; i++)
      for (const [name, r] of Object.entries(runs)) {
        const cpu0 = cpuMicros(r.server.pid);
        const out = await load(r, durationSeconds);
        if (out.non2xx || out.errors) log(`WARNING observe ${name}: ${out.non2xx} non-2xx, ${out.errors} errors`);
        r.rps.push(out.rps);
        r.cpu.push((cpuMicros(r.server.pid) - cpu0) / Math.max(1, out.ok));
      }
  } finally {
    for (const r of Object.values(runs)) await stopServer(r.server);
  }
  const m = Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, median(r.rps)]));
  // Server CPU µs per request: the view least moved by other load on the host.
  const c = Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, median(r.cpu)]));
  // Each round's ratio to the off server's run of the same round, medians of those: the three runs of a round are
  // seconds apart, so these pairs are less moved by the host's slower swings than the ratio of the medians.
  const paired = (k, key, inverse) =>
    median(runs[k][key].map((v, i) => (inverse ? runs.off[key][i] / v : v / runs.off[key][i])));
  const out = {
    loadTool: 'wrk',
    rounds,
    offRps: m.off,
    metadataRps: m.metadata,
    requestResponseRps: m.requestResponse,
    metadataRatio: m.metadata / m.off,
    requestResponseRatio: m.requestResponse / m.off,
    cpuMicrosPerRequest: c,
    metadataCpuRatio: c.off / c.metadata,
    requestResponseCpuRatio: c.off / c.requestResponse,
    pairedMetadataRatio: paired('metadata', 'rps'),
    pairedRequestResponseRatio: paired('requestResponse', 'rps'),
    pairedMetadataCpuRatio: paired('metadata', 'cpu', true),
    pairedRequestResponseCpuRatio: paired('requestResponse', 'cpu', true),
    runs: Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, r.rps.map(Math.round)])),
  };
  log(
    `observe: off ${Math.round(m.off)} req/s, metrics+Metadata audit ${Math.round(m.metadata)} (${out.metadataRatio.toFixed(3)}), RequestResponse ${Math.round(m.requestResponse)} (${out.requestResponseRatio.toFixed(3)}); CPU µs/request ${c.off.toFixed(0)} / ${c.metadata.toFixed(0)} / ${c.requestResponse.toFixed(0)} (${out.metadataCpuRatio.toFixed(3)}, ${out.requestResponseCpuRatio.toFixed(3)}); paired medians ${out.pairedMetadataRatio.toFixed(3)} (CPU ${out.pairedMetadataCpuRatio.toFixed(3)}), ${out.pairedRequestResponseRatio.toFixed(3)} (CPU ${out.pairedRequestResponseCpuRatio.toFixed(3)})`,
  );
  return out;
}

// `node bench/observe.mjs [--quick] [--rounds=N]`: this figure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-observe-'));
  const admin = 'bench-admin-token-0123456789';
  const tokens = path.join(tmp, 'tokens.csv');
  writeFileSync(tokens, `${admin},bench-admin,uid-admin,"system:masters"\n`);
  const quick = process.argv.includes('--quick');
  const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? (quick ? 3 : 5));
  try {
    const r = await observeBench({
      tmp,
      common: [`--token-auth-file=${tokens}`],
      admin,
      durationSeconds: quick ? 2 : 3,
      rounds,
      connections: 32,
      log: (...a) => console.error('·', ...a),
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
