// Hostile bodies at the size limit: what one costs the server (CPU of the whole process, worker threads included,
// and RSS growth), and what four clients sending them nonstop cost everyone else (/healthz latency, TokenReview
// rate against the same server unloaded, measured with wrk). Floor: JSON.parse of a 3 MiB document in this process.
//   node bench/hostile.mjs [seconds] [anyone|writers]     (also part of npm run bench; a phase name runs only it)
import { aliasBomb, fill } from '../test/hostile/bodies.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuMicros, json, killAll, pct, request, rssMB, startServer, stopServer } from './lib.mjs';
import { ensureWrk, wrkLoad } from './wrk.mjs';

const LIMIT = 3 * 1024 * 1024;
const SSR = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const CMS = '/api/v1/namespaces/default/configmaps';
const ssrJson = (rest) => `{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview",${rest}}`;
const ssrYaml = (rest) => `apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\n${rest}`;
const bomb = aliasBomb();

/** The worst body of each kind, each just under the 3 MiB limit. */
export function worstBodies() {
  const room = LIMIT - 256;
  return [
    {
      kind: 'JSON: tiny unknown keys',
      path: SSR,
      ct: 'application/json',
      body: ssrJson(fill((i) => `"k${i}":1,`, room) + '"z":1'),
    },
    {
      kind: 'JSON: one long list',
      path: SSR,
      ct: 'application/json',
      body: ssrJson(`"x":[${fill(() => '1,', room)}1]`),
    },
    {
      kind: 'JSON: nested past the limit, padded',
      path: SSR,
      ct: 'application/json',
      body: '['.repeat(1001) + ' '.repeat(room - 1001),
    },
    {
      kind: 'YAML: tiny keys',
      path: SSR,
      ct: 'application/yaml',
      body: ssrYaml(fill((i) => `${i.toString(36)}x: v\n`, room)),
    },
    {
      kind: 'YAML: flow mapping',
      path: SSR,
      ct: 'application/yaml',
      body: `{apiVersion: authentication.k8s.io/v1, kind: SelfSubjectReview, ${fill((i) => `k${i}: v, `, room)}z: 1}`,
    },
    { kind: 'YAML: long list', path: SSR, ct: 'application/yaml', body: ssrYaml('x:\n' + fill(() => '- 1\n', room)) },
    { kind: 'YAML: nested flow sequences', path: SSR, ct: 'application/yaml', body: '['.repeat(room) },
    {
      kind: 'YAML: anchors on every key',
      path: SSR,
      ct: 'application/yaml',
      body: ssrYaml(fill((i) => `x${i.toString(36)}: &a${i.toString(36)} v\n`, room)),
    },
    { kind: 'YAML: alias bomb', path: SSR, ct: 'application/yaml', body: bomb },
    {
      kind: 'apply (YAML), dry run',
      method: 'PATCH',
      path: `${CMS}/w?dryRun=All&fieldManager=b`,
      ct: 'application/apply-patch+yaml',
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w\ndata:\n' + fill((i) => `  k${i}: v\n`, room - 60),
    },
    {
      kind: 'merge patch: long list, dry run',
      method: 'PATCH',
      path: `${CMS}/target?dryRun=All`,
      ct: 'application/merge-patch+json',
      body: `{"x":[${fill(() => '1,', room)}1]}`,
    },
    {
      kind: 'protobuf: garbage',
      path: CMS,
      ct: 'application/vnd.kubernetes.protobuf',
      body: 'k8s\0' + 'x'.repeat(room),
    },
  ];
}

/** JSON.parse of 3 MiB of tiny keys, in this process: the floor the per-body CPU is compared with. */
function parseFloorMs() {
  const text = `{${fill((i) => `"k${i}":1,`, LIMIT - 64)}"z":1}`;
  JSON.parse(text);
  const t = process.cpuUsage();
  for (let i = 0; i < 5; i++) JSON.parse(text);
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000 / 5;
}

/** The server's CPU and RSS for one body: CPU from /proc over the request, RSS sampled every 5 ms for the peak. */
async function costOf(s, token, b) {
  const rss0 = rssMB(s.pid);
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMB(s.pid))), 5);
  const cpu0 = cpuMicros(s.pid);
  const t0 = performance.now();
  const r = await request(s.port, b.method ?? 'POST', b.path, {
    token,
    body: b.body,
    headers: { 'content-type': b.ct },
  });
  const wallMs = performance.now() - t0;
  // /proc's CPU counters tick every 10 ms: wait for the tick that follows the answer.
  await new Promise((res) => setTimeout(res, 20));
  const cpuMs = (cpuMicros(s.pid) - cpu0) / 1000;
  clearInterval(sampler);
  return { kind: b.kind, status: r.status, cpuMs, wallMs, rssGrowthMB: peak - rss0 };
}

/** A child process that sends the worst bodies one after another for `seconds`, from the `offset`th on. */
function attacker(port, token, seconds, bodies, offset) {
  const file = path.join(os.tmpdir(), `kubeauth-hostile-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ port, token, seconds, bodies, offset }));
  const code = `
    const { readFileSync, rmSync } = require('node:fs');
    const https = require('node:https');
    const cfg = JSON.parse(readFileSync(process.argv[1], 'utf8'));
    rmSync(process.argv[1]);
    const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    const end = Date.now() + cfg.seconds * 1000;
    let sent = 0;
    const one = (b) => new Promise((res) => {
      const req = https.request({ host: '127.0.0.1', port: cfg.port, method: b.method || 'POST', path: b.path, agent,
        headers: { authorization: 'Bearer ' + cfg.token, 'content-type': b.ct } }, (r) => { r.resume(); r.on('end', res); });
      req.on('error', res);
      req.end(b.body);
    });
    (async () => { for (let i = cfg.offset; Date.now() < end; i++) { await one(cfg.bodies[i % cfg.bodies.length]); sent++; } console.log(sent); })();
  `;
  const p = spawn(process.execPath, ['-e', code, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  return new Promise((res) => p.on('exit', () => res(Number(out.trim()) || 0)));
}

/**
 * /healthz latencies: one request started every 20 ms whatever the earlier ones are doing (a stall delays every
 * probe that falls into it, as it delays every client), until `until` resolves.
 */
async function probeHealthz(port, until) {
  const lat = [];
  const pending = [];
  let done = false;
  void until.then(() => (done = true));
  while (!done) {
    const t = performance.now();
    pending.push(request(port, 'GET', '/healthz').then(() => lat.push(performance.now() - t)));
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(pending);
  return lat.sort((a, b) => a - b);
}

/**
 * Four clients sending `bodies` round-robin for `seconds`, with /healthz probed and TokenReview measured. With no
 * bodies, the same phase without attackers: the quiet floor (/healthz beside the TokenReview load alone).
 */
async function underAttack(s, attackerToken, seconds, bodies, tokenReview) {
  // Each client starts at a different kind and goes round all of them, so every kind is in the mix.
  const attackers = bodies.length
    ? Promise.all([0, 1, 2, 3].map((i) => attacker(s.port, attackerToken, seconds, bodies, (i * bodies.length) >> 2)))
    : new Promise((r) => setTimeout(() => r([0]), seconds * 1000));
  const healthz = probeHealthz(s.port, attackers);
  await new Promise((r) => setTimeout(r, 2000));
  const loaded = await tokenReview();
  const sent = (await attackers).reduce((a, b) => a + b, 0);
  const lat = await healthz;
  return {
    seconds,
    kinds: bodies.map((b) => b.kind),
    hostileBodiesSent: sent,
    healthzP50ms: pct(lat, 50),
    healthzP99ms: pct(lat, 99),
    healthzMaxMs: lat[lat.length - 1],
    healthzSamples: lat.length,
    tokenReviewRps: loaded?.rps,
  };
}

export async function hostileBench({ seconds = 30, rounds = 3, log = () => {}, only } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-bench-hostile-'));
  const admin = 'bench-hostile-admin-token';
  // The attacker of the first phase is an ordinary user with no grants (anyone may create a SelfSubjectReview).
  const anyoneToken = 'bench-hostile-anyone-token';
  writeFileSync(
    path.join(dir, 'tokens.csv'),
    `${admin},bench-admin,uid-admin,"system:masters"\n${anyoneToken},bench-anyone,uid-anyone\n`,
  );
  const s = await startServer(path.join(dir, 'data'), [`--token-auth-file=${path.join(dir, 'tokens.csv')}`]);
  try {
    await json(s.port, 'POST', CMS, {
      token: admin,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' } },
    });
    const floorMs = parseFloorMs();
    const bodies = worstBodies();
    log('(m) one worst-case body per kind at the 3 MiB limit');
    const perKind = [];
    for (const b of only ? [] : bodies) {
      await costOf(s, admin, b); // warm
      perKind.push(await costOf(s, admin, b));
    }

    // TokenReview with wrk: a ServiceAccount token, one POST body, 32 connections.
    const sa = await json(s.port, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {
      token: admin,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    const lua = path.join(dir, 'tokenreview.lua');
    const trBody = JSON.stringify({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: sa.status.token },
    });
    writeFileSync(
      lua,
      `wrk.method = "POST"\nwrk.body = '${trBody}'\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${admin}"\n`,
    );
    const hasWrk = ensureWrk(log);
    const phaseSeconds = Math.max(6, Math.round(seconds / rounds));
    // TokenReview runs from 2 s into a phase, while the attackers are at it.
    const trSeconds = Math.max(3, phaseSeconds - 4);
    const tokenReview = () =>
      hasWrk
        ? wrkLoad({
            port: s.port,
            path: '/apis/authentication.k8s.io/v1/tokenreviews',
            script: lua,
            duration: trSeconds,
          })
        : undefined;
    // The floor, measured in this run: the same phase with no attackers (after a warm-up run of the load).
    if (hasWrk)
      await wrkLoad({ port: s.port, path: '/apis/authentication.k8s.io/v1/tokenreviews', script: lua, duration: 2 });
    // What anyone may send (a SelfSubjectReview needs no grant beyond authentication), then everything,
    // including a writer's valid but huge objects (large applies are computed on the decoding worker).
    const anyone = bodies.filter((b) => b.path === SSR);
    const phases = [
      ['quiet', anyoneToken, []],
      ...(only === 'writers' ? [] : [['anyone', anyoneToken, anyone]]),
      ...(only === 'anyone' ? [] : [['writers', admin, bodies]]),
    ];
    // The host's speed swings from one second to the next: the phases alternate in rounds (order rotated each
    // round), each phase `seconds / rounds` long, and each figure is the best round (load from elsewhere only
    // ever makes a figure worse), with the median of the rounds beside it.
    const runs = Object.fromEntries(phases.map(([name]) => [name, []]));
    for (let r = 0; r < rounds; r++)
      for (let i = 0; i < phases.length; i++) {
        const [name, token, list] = phases[(i + r) % phases.length];
        log(`(m) round ${r + 1}/${rounds}: ${name}, ${phaseSeconds} s (/healthz probed, TokenReview ${trSeconds} s)`);
        runs[name].push(await underAttack(s, token, phaseSeconds, list, tokenReview));
      }
    const summary = (name) => {
      const rs = runs[name];
      if (!rs?.length) return undefined;
      const p99 = rs.map((x) => x.healthzP99ms).sort((a, b) => a - b);
      const rps = rs.map((x) => x.tokenReviewRps ?? NaN).sort((a, b) => b - a);
      return {
        seconds: phaseSeconds,
        rounds: rs.length,
        hostileBodiesSent: rs.reduce((a, x) => a + x.hostileBodiesSent, 0),
        healthzP99ms: p99[0],
        healthzP99MedianMs: p99[p99.length >> 1],
        healthzP50ms: Math.min(...rs.map((x) => x.healthzP50ms)),
        healthzMaxMs: Math.min(...rs.map((x) => x.healthzMaxMs)),
        tokenReviewRps: rps[0],
        tokenReviewMedianRps: rps[rps.length >> 1],
        runs: rs.map(({ kinds: _k, ...x }) => x),
      };
    };
    const quiet = summary('quiet');
    const against = (x) =>
      x && {
        ...x,
        healthzP99TimesQuiet: x.healthzP99ms / quiet.healthzP99ms,
        tokenReviewRatio: x.tokenReviewRps / quiet.tokenReviewRps,
        tokenReviewMedianRatio: x.tokenReviewMedianRps / quiet.tokenReviewMedianRps,
      };
    const byAnyone = against(summary('anyone'));
    const byWriters = against(summary('writers'));
    const worstCpu = perKind.length ? perKind.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a)) : { cpuMs: NaN };
    const worstRss = perKind.length ? perKind.reduce((a, b) => (b.rssGrowthMB > a.rssGrowthMB ? b : a)) : {};
    return {
      floorParseMs: floorMs,
      perKind,
      worstCpu: { kind: worstCpu.kind, cpuMs: worstCpu.cpuMs, timesFloor: worstCpu.cpuMs / floorMs },
      worstRss: { kind: worstRss.kind, rssGrowthMB: worstRss.rssGrowthMB },
      loadTool: hasWrk ? 'wrk -t1 -c32 (POST body by Lua script)' : 'none (wrk missing)',
      quiet,
      underAttack: byAnyone,
      underAttackWithWriters: byWriters,
    };
  } finally {
    await stopServer(s);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.on('exit', killAll);
  const r = await hostileBench({
    seconds: Number(process.argv[2] ?? 30),
    only: process.argv[3],
    log: (...a) => console.error('·', ...a),
  });
  console.log(JSON.stringify(r, null, 2));
}
