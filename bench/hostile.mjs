// Hostile bodies at the size limit: what one costs the server (CPU of the whole process, worker threads included,
// and RSS growth), and what four clients sending them nonstop cost everyone else (/healthz latency, TokenReview
// rate against the same server unloaded, measured with wrk). Floor: JSON.parse of a 3 MiB document in this process.
//   node bench/hostile.mjs [seconds] [anyone|writers|kinds] [filter]   (also part of npm run bench; a phase name runs
//   only it; `kinds` only the per-kind table: every content type × worst shape, rows whose name matches the regular expression `filter`)
import { aliasBomb, fill } from '../test/hostile/bodies.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// ---- The per-kind table: every content type × every worst shape, each body just under the 3 MiB limit. ----

const ROOM = LIMIT - 512;
/** Levels of each nest in the "deep" shape: at kubeauth's nesting limit (limits.ts: 1,000) with the wrapping. */
const NEST = 990;
const nestJson = (i) => '['.repeat(NEST) + i + ']'.repeat(NEST);

/** The JSON members of each shape, inside a ConfigMap named `name` (object text with `{` and `}`). */
const jsonShapes = {
  keys: (head) => `{${head}"data":{${fill((i) => `"k${i}":"v",`, ROOM)}"z":"v"}}`,
  'unknown keys': (head) => `{${head}${fill((i) => `"u${i}":1,`, ROOM)}"z":1}`,
  deep: (head) => `{${head}${fill((i) => `"x${i}":${nestJson(i)},`, ROOM - 2 * NEST)}"z":1}`,
  'long string': (head) => `{${head}"data":{"k":"${'x'.repeat(ROOM)}"}}`,
};
const cmHead = (name) => `"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},`;
/** For the long list the metadata stays open (finalizers go into it). */
const cmHeadOpen = (name) => `"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}",`;
const jsonBody = (shape, name) =>
  shape === 'long list'
    ? `{${cmHeadOpen(name)}"finalizers":[${fill((i) => `"example.com/f${i}",`, ROOM)}"example.com/z"]}}`
    : jsonShapes[shape](cmHead(name));
/** A patch body: the same members without apiVersion, kind and name. */
const patchBody = (shape) =>
  shape === 'long list'
    ? `{"metadata":{"finalizers":[${fill((i) => `"example.com/f${i}",`, ROOM)}"example.com/z"]}}`
    : jsonShapes[shape]('');

const yamlHead = (name) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const yamlBody = (shape, name) => {
  const h = yamlHead(name);
  switch (shape) {
    case 'keys':
      return `${h}data:\n${fill((i) => `  k${i}: v\n`, ROOM)}`;
    case 'unknown keys':
      return h + fill((i) => `u${i}: 1\n`, ROOM);
    case 'deep':
      return h + fill((i) => `x${i}: ${nestJson(i)}\n`, ROOM - 2 * NEST);
    case 'long list':
      return `${h}  finalizers:\n${fill((i) => `  - example.com/f${i}\n`, ROOM)}`;
    case 'long string':
      return `${h}data:\n  k: ${'x'.repeat(ROOM)}\n`;
    case 'aliases':
      return `${h}data:\n  k: &a v\n${fill((i) => `  k${i}: *a\n`, ROOM)}`;
    case 'anchors':
      return `${h}data:\n${fill((i) => `  k${i}: &a${i} v\n`, ROOM)}`;
    case 'alias bomb':
      return h + bomb;
  }
  return undefined;
};

/** Kubernetes protobuf (runtime.Unknown around a core.ConfigMap), written by hand: tag, varint length, bytes. */
function varint(n) {
  const out = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
const pbField = (no, bytes) => {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
  return Buffer.concat([varint((no << 3) | 2), varint(b.length), b]);
};
function protobufBody(shape, name) {
  const parts = [];
  let n = 0;
  const push = (b) => (parts.push(b), (n += b.length));
  const meta = [pbField(1, name)];
  if (shape === 'long list') {
    for (let i = 0; n < ROOM; i++) push(pbField(14, `example.com/f${i}`));
    meta.push(Buffer.concat(parts.splice(0)));
  }
  const cm = [pbField(1, Buffer.concat(meta))];
  if (shape === 'keys')
    for (let i = 0; n < ROOM; i++) push(pbField(2, Buffer.concat([pbField(1, `k${i}`), pbField(2, 'v')])));
  else if (shape === 'long string') push(pbField(2, Buffer.concat([pbField(1, 'k'), pbField(2, 'x'.repeat(ROOM))])));
  else if (shape !== 'long list') return undefined;
  cm.push(Buffer.concat(parts));
  const unknown = Buffer.concat([
    pbField(1, Buffer.concat([pbField(1, 'v1'), pbField(2, 'ConfigMap')])),
    pbField(2, Buffer.concat(cm)),
  ]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

/** RFC 6902 operations with the shape's content (the target ConfigMap has no data: the first op adds it). */
function jsonPatchBody(shape) {
  const op = (path, value) => `{"op":"add","path":"${path}","value":${value}},`;
  switch (shape) {
    case 'keys':
      return `[${op('/data', '{}')}${fill((i) => op(`/data/k${i}`, '"v"'), ROOM)}${op('/data/z', '"v"').slice(0, -1)}]`;
    case 'unknown keys':
      return `[${fill((i) => op(`/u${i}`, '1'), ROOM)}${op('/z', '1').slice(0, -1)}]`;
    case 'deep':
      return `[${fill((i) => op(`/x${i}`, nestJson(i)), ROOM - 2 * NEST)}${op('/z', '1').slice(0, -1)}]`;
    case 'long list':
      return `[${op('/metadata/finalizers', `[${fill((i) => `"example.com/f${i}",`, ROOM)}"example.com/z"]`).slice(0, -1)}]`;
    case 'long string':
      return `[${op('/data', `{"k":"${'x'.repeat(ROOM)}"}`).slice(0, -1)}]`;
  }
  return undefined;
}

export const matrixShapes = [
  'keys',
  'unknown keys',
  'deep',
  'long list',
  'long string',
  'aliases',
  'anchors',
  'alias bomb',
];

/**
 * One body per content type and shape (undefined where the shape cannot be written in that content type). Writes
 * go to ConfigMaps (dry run, so nothing is stored and each request is alike); patches to the ConfigMap `target`.
 */
export function matrixBodies() {
  const out = [];
  const post = `${CMS}?dryRun=All`;
  const patch = `${CMS}/target?dryRun=All`;
  const apply = `${CMS}/w?dryRun=All&fieldManager=bench`;
  for (const shape of matrixShapes) {
    const add = (type, method, p, ct, body) =>
      body !== undefined && out.push({ kind: `${type}: ${shape}`, type, shape, method, path: p, ct, body });
    const json = Object.hasOwn(jsonShapes, shape) || shape === 'long list';
    add('JSON', 'POST', post, 'application/json', json ? jsonBody(shape, 'w') : undefined);
    add('YAML', 'POST', post, 'application/yaml', yamlBody(shape, 'w'));
    add('protobuf', 'POST', post, 'application/vnd.kubernetes.protobuf', protobufBody(shape, 'w'));
    add('JSON patch', 'PATCH', patch, 'application/json-patch+json', jsonPatchBody(shape));
    add('merge patch', 'PATCH', patch, 'application/merge-patch+json', json ? patchBody(shape) : undefined);
    add(
      'strategic merge patch',
      'PATCH',
      patch,
      'application/strategic-merge-patch+json',
      json ? patchBody(shape) : undefined,
    );
    add('apply (YAML)', 'PATCH', apply, 'application/apply-patch+yaml', yamlBody(shape, 'w'));
    add('apply (JSON)', 'PATCH', apply, 'application/apply-patch+yaml', json ? jsonBody(shape, 'w') : undefined);
  }
  for (const b of out) if (b.body.length > LIMIT) throw new Error(`${b.kind}: ${b.body.length} bytes, over the limit`);
  return out;
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
  const main0 = threadCpuMicros(s.pid);
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
  const servingMs = (threadCpuMicros(s.pid) - main0) / 1000;
  clearInterval(sampler);
  let answer;
  try {
    const st = JSON.parse(r.body.toString());
    answer = st.kind === 'Status' ? `${st.reason ?? ''}: ${String(st.message).slice(0, 60)}` : st.kind;
  } catch {
    answer = r.body.toString().slice(0, 60);
  }
  return {
    kind: b.kind,
    status: r.status,
    answer,
    bytes: b.body.length,
    cpuMs,
    servingMs,
    wallMs,
    rssGrowthMB: peak - rss0,
  };
}

/** The CPU time of one thread of `pid` (the serving thread: tid = pid), in µs. */
function threadCpuMicros(pid, tid = pid) {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

/** The per-kind figures as a markdown table: one row per body. */
export function kindsTable(rows) {
  const lines = [
    '| content type | shape | answer | CPU ms (serving thread) | wall ms | RSS growth MB |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.type ?? r.kind} | ${r.shape ?? ''} | ${r.status} ${r.answer.replace(/\|/g, '\\|')} | ${r.cpuMs.toFixed(0)} (${r.servingMs.toFixed(0)}) | ${r.wallMs.toFixed(0)} | ${r.rssGrowthMB.toFixed(0)} |`,
    );
  return lines.join('\n');
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

export async function hostileBench({ seconds = 30, rounds = 3, log = () => {}, only, filter } = {}) {
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
    // What anyone may send (SelfSubjectReview), then every content type × shape on ConfigMaps.
    const kinds = [
      ...bodies.filter((b) => b.path === SSR).map((b) => ({ ...b, type: 'SelfSubjectReview', shape: b.kind })),
      ...matrixBodies(),
    ].filter((b) => !filter || new RegExp(filter).test(b.kind));
    const perKind = [];
    for (const b of only && only !== 'kinds' ? [] : kinds) {
      // The first run warms the code up; its RSS growth counts too (the heap grows the first time).
      const cold = await costOf(s, admin, b);
      const warm = await costOf(s, admin, b);
      perKind.push({
        ...warm,
        type: b.type,
        shape: b.shape,
        rssGrowthMB: Math.max(cold.rssGrowthMB, warm.rssGrowthMB),
      });
      log(`(m) ${b.kind}: ${warm.status} ${warm.cpuMs.toFixed(0)} ms CPU (${warm.servingMs.toFixed(0)} serving)`);
    }
    if (only === 'kinds') return { floorParseMs: floorMs, perKind, table: kindsTable(perKind) };

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
    filter: process.argv[4],
    log: (...a) => console.error('·', ...a),
  });
  if (r.perKind.length) console.error(kindsTable(r.perKind));
  console.log(JSON.stringify(r, null, 2));
}
