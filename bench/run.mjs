#!/usr/bin/env node
// kubeauth benchmark report. Figures are given as ratios to floors measured in the same run (bare node:https
// replaying the same bytes, openssl speed, raw node:crypto). A report, not a test: always exits 0.
//   node bench/run.mjs [--quick]      (npm run bench [-- --quick])
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BENCH,
  ROOT,
  json,
  compareToFloor,
  killAll,
  load,
  median,
  request,
  rssMB,
  startFloor,
  startServer,
  stopServer,
} from './lib.mjs';
import { oidcBench } from './oidc.mjs';
import { proxyBench } from './proxy.mjs';
import { rbacBench, syntheticPolicy } from './rbac.mjs';
import { rbacExplainBench } from './rbac-explain.mjs';
import { tokenRequestBench } from './tokenrequest.mjs';
import { verifyBench } from './verify.mjs';
import { ensureWrk } from './wrk.mjs';
import { ensureH2load } from './h2load.mjs';
import { hostileBench } from './hostile.mjs';
import { observeBench } from './observe.mjs';
import { hotpathBench } from './hotpath.mjs';
import { uiBench } from './ui.mjs';
import { seedRbacObjects, seedServiceAccounts } from './seed.mjs';

const QUICK = process.argv.includes('--quick');
const P = QUICK
  ? {
      dur: 2,
      rounds: 3,
      spawns: 5,
      seeded: 50_000,
      list: 10_000,
      distinct: 10_000,
      reviews: 30_000,
      sign: 1,
      rbacSamples: 100_000,
      sarBindings: 10_000,
      sslSecs: 1,
      loop: 0.5,
    }
  : {
      dur: 3,
      rounds: 5,
      spawns: 5,
      seeded: 50_000,
      list: 10_000,
      distinct: 10_000,
      reviews: 100_000,
      sign: 3,
      rbacSamples: 500_000,
      sarBindings: 10_000,
      sslSecs: 2,
      loop: 2,
    };
const CONN = 32;
const results = { quick: QUICK, date: new Date().toISOString(), env: {}, figures: {}, targets: [] };
const F = results.figures;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-bench-'));
const ADMIN = 'bench-admin-token-0123456789';
const tokenFile = path.join(tmp, 'tokens.csv');
writeFileSync(tokenFile, `${ADMIN},bench-admin,uid-admin,"system:masters"\n`);
const common = [`--token-auth-file=${tokenFile}`];
const log = (...a) => console.error('·', ...a);
const r1 = (x, d = 1) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const target = (id, what, value, unit, cmp, goal, extra = '') => {
  const pass = cmp === '<' ? value < goal : value >= goal;
  results.targets.push({
    id,
    what,
    value: r1(value, 2),
    unit,
    target: `${cmp} ${goal}`,
    result: pass ? 'PASS' : 'MISS',
    extra,
  });
};
let current = [];
process.on('exit', killAll);
process.on('SIGINT', () => process.exit(130));

async function main() {
  // ── environment ───────────────────────────────────────────────────────────────────────────────────────
  const hasWrk = ensureWrk(log);
  ensureH2load(log);
  results.env = {
    node: process.version,
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model,
    loadTool: `autocannon ${JSON.parse(readFileSync(path.join(ROOT, 'node_modules/autocannon/package.json'), 'utf8')).version} (HTTP/1.1 keep-alive, ${CONN} connections, separate process); the proxy figure (k): ${hasWrk ? `wrk (one thread, ${CONN} connections), and autocannon for comparison` : 'autocannon (wrk missing)'}; the hot path (p): wrk for HTTP/1.1, h2load for HTTP/2`,
    openssl: execFileSync('openssl', ['version']).toString().trim(),
    mode: QUICK ? 'quick' : 'full',
    loadSeconds: `${P.dur} per run, ${P.rounds} alternating rounds per floor (order flipped each round)`,
    loadAvgAtStart: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  };
  console.log(
    'kubeauth bench —',
    Object.entries(results.env)
      .map(([k, v]) => `${k}: ${v}`)
      .join(' | '),
  );

  // ── (a)/(b) start→ready, idle RSS, empty data dir ───────────────────────────────────────────────────
  log('(a) start→ready, empty data dir');
  const emptyMs = [];
  const emptyReported = [];
  let last;
  for (let i = 0; i < P.spawns; i++) {
    const dir = path.join(tmp, `empty-${i}`);
    const s = await startServer(dir, common);
    emptyMs.push(s.ms);
    emptyReported.push(s.selfMs);
    if (i < P.spawns - 1) await stopServer(s);
    else last = s;
  }
  await sleep(1000);
  F.a_ready_empty_ms = {
    median: median(emptyMs),
    all: emptyMs.map((x) => r1(x)),
    serverReportedMedian: median(emptyReported),
  };
  F.b_rss_idle_empty_mb = rssMB(last.pid);
  await stopServer(last);
  target(
    'a',
    'spawn→ready line, empty data dir (median of 5)',
    F.a_ready_empty_ms.median,
    'ms',
    '<',
    500,
    `server-reported ${F.a_ready_empty_ms.serverReportedMedian} ms`,
  );
  target('b', 'idle RSS after ready, empty', F.b_rss_idle_empty_mb, 'MB', '<', 120);

  // ── (a)/(b)/(d) with 50,000 ServiceAccounts ───────────────────────────────────────────────────────────
  log(`(a) seeding ${P.seeded} ServiceAccounts`);
  const seeded = path.join(tmp, 'seeded');
  await stopServer(await startServer(seeded, common)); // PKI + bootstrap objects
  const t0 = performance.now();
  await seedServiceAccounts(seeded, { listNs: 'list10k', listCount: P.list, total: P.seeded });
  F.seed_ms = performance.now() - t0;
  const seededMs = [];
  const seededReported = [];
  for (let i = 0; i < P.spawns; i++) {
    const s = await startServer(seeded, common);
    seededMs.push(s.ms);
    seededReported.push(s.selfMs);
    if (i < P.spawns - 1) await stopServer(s);
    else last = s;
  }
  await sleep(1000);
  F.a_ready_50k_ms = {
    median: median(seededMs),
    all: seededMs.map((x) => r1(x)),
    serverReportedMedian: median(seededReported),
  };
  F.b_rss_idle_50k_mb = rssMB(last.pid);
  target(
    'a',
    `spawn→ready line, ${P.seeded} SAs (median of 5)`,
    F.a_ready_50k_ms.median,
    'ms',
    '<',
    3000,
    `server-reported ${F.a_ready_50k_ms.serverReportedMedian} ms`,
  );
  target('b', `idle RSS after ready, ${P.seeded} SAs`, F.b_rss_idle_50k_mb, 'MB', '<', 400);
  log('(d) LIST 10,000 ServiceAccounts');
  const listMs = [];
  let listCount = 0;
  for (let i = 0; i < 11; i++) {
    const t = performance.now();
    const r = await request(last.port, 'GET', '/api/v1/namespaces/list10k/serviceaccounts', { token: ADMIN });
    const ms = performance.now() - t;
    if (i > 0) listMs.push(ms); // first one warms the connection
    listCount = JSON.parse(r.body.toString()).items.length;
    F.d_list_bytes = r.body.length;
  }
  F.d_list_ms = { median: median(listMs), items: listCount, all: listMs.map((x) => r1(x)) };
  F.b_rss_after_list_50k_mb = rssMB(last.pid);
  await stopServer(last);
  target('d', `LIST ${listCount} SAs JSON (median of 10)`, F.d_list_ms.median, 'ms', '<', 150);

  // ── main server for HTTP figures ────────────────────────────────────────────────────────────────────
  const mainDir = path.join(tmp, 'main');
  const M = await startServer(mainDir, common);
  current.push(M);
  const cert = readFileSync(path.join(mainDir, 'pki/apiserver.crt'), 'utf8');
  const key = readFileSync(path.join(mainDir, 'pki/apiserver.key'), 'utf8');
  await json(M.port, 'POST', '/api/v1/namespaces/default/serviceaccounts', {
    token: ADMIN,
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bench' } },
  });
  const authH = { authorization: `Bearer ${ADMIN}`, accept: 'application/json' };
  const jsonH = { ...authH, 'content-type': 'application/json' };

  /**
   * Load kubeauth and a floor replaying kubeauth's captured answer; returns {server, floor, ratio}. `on`: another
   * running kubeauth and its serving certificate (default the main server).
   */
  async function versusFloor(name, { method = 'GET', path: p, body, bodies, amount }, on = { server: M, cert, key }) {
    const S = on.server;
    const cap = await request(S.port, method, p, { token: ADMIN, body: body ?? bodies?.[0] });
    if (cap.status >= 300) throw new Error(`${name}: ${cap.status} ${cap.body}`);
    const floor = await startFloor({
      cert: on.cert,
      key: on.key,
      status: cap.status,
      headers: cap.headers,
      body: cap.body,
    });
    const cfg = {
      method,
      path: p,
      headers: body || bodies ? jsonH : authH,
      connections: CONN,
      duration: P.dur,
      amount,
    };
    if (body) cfg.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (bodies) cfg.bodies = bodies;
    const out = {
      ...(await compareToFloor({ server: S, floor, cfg, rounds: P.rounds })),
      responseBytes: cap.body.length,
    };
    await floor.stop();
    if (out.non2xx || out.errors)
      log(`WARNING ${name}: kubeauth statuses ${JSON.stringify(out.statuses)} errors ${out.errors}`);
    log(
      `${name}: kubeauth best ${r1(out.server.rps, 0)} req/s vs floor best ${r1(out.floor.rps, 0)} → ${r1(out.ratio, 3)} (medians ${r1(out.ratioMedian, 3)}, CPU/request ${r1(out.cpuRatio, 3)})`,
    );
    return out;
  }

  // (c) GET one ServiceAccount
  log('(c) GET ServiceAccount vs floor');
  F.c_get_sa = await versusFloor('GET sa', { path: '/api/v1/namespaces/default/serviceaccounts/bench' });
  target('c', 'GET ServiceAccount req/s ÷ bare https floor', F.c_get_sa.ratio, '×', '>=', 0.6, detail(F.c_get_sa));

  // (e) TokenReview, 1 token and 10,000 distinct tokens
  const tokenPath = '/api/v1/namespaces/default/serviceaccounts/bench/token';
  const trBody = (t) =>
    JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: t } });
  const mint = async (port, p) =>
    (
      await json(port, 'POST', p, {
        token: ADMIN,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
      })
    ).status.token;
  const one = await mint(M.port, tokenPath);
  log('(e) TokenReview, 1 token');
  F.e_tokenreview_1 = await versusFloor('TokenReview×1', {
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    body: trBody(one),
  });
  target(
    'e',
    'TokenReview (1 token) req/s ÷ floor',
    F.e_tokenreview_1.ratio,
    '×',
    '>=',
    0.6,
    detail(F.e_tokenreview_1),
  );
  log(`(e) minting ${P.distinct} tokens`);
  const tm = performance.now();
  const tokens = [];
  for (let i = 0; i < P.distinct; i += 64) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(64, P.distinct - i) }, () => mint(M.port, tokenPath)),
    );
    tokens.push(...batch);
  }
  F.e_mint_10k_ms = performance.now() - tm;
  const bodies = tokens.map(trBody);
  log('(e) TokenReview, 10,000 tokens');
  F.e_tokenreview_10k = await versusFloor('TokenReview×10k', {
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    bodies,
  });
  target(
    'e',
    `TokenReview (${P.distinct} tokens) req/s ÷ floor`,
    F.e_tokenreview_10k.ratio,
    '×',
    '>=',
    0.6,
    detail(F.e_tokenreview_10k),
  );

  // (g) RSS after 100,000 reviews in a row
  log(`(g) ${P.reviews} TokenReviews in a row`);
  F.g_rss_before_mb = rssMB(M.pid);
  F.g_run = await load({
    port: M.port,
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    headers: jsonH,
    bodies,
    connections: CONN,
    amount: P.reviews,
  });
  F.g_rss_after_mb = rssMB(M.pid);
  target(
    'g',
    `RSS after ${F.g_run.ok} valid TokenReviews (${P.distinct} distinct tokens)`,
    F.g_rss_after_mb,
    'MB',
    '<',
    300,
    `${r1(F.g_run.rps, 0)} req/s, non2xx ${F.g_run.non2xx}`,
  );

  // (i) SubjectAccessReview over HTTPS, on a server holding the policy of (h)'s largest size (10,000
  // ClusterRoleBindings, 10,000 RoleBindings in 1,000 namespaces, 5,000 roles), seeded into its store.
  log(`(i) seeding the ${P.sarBindings}-binding policy`);
  const rbacDir = path.join(tmp, 'rbac');
  await stopServer(await startServer(rbacDir, common)); // PKI + bootstrap objects
  const policyObjects = syntheticPolicy(P.sarBindings);
  await seedRbacObjects(rbacDir, policyObjects);
  const R = await startServer(rbacDir, common);
  current.push(R);
  log('(i) SubjectAccessReview vs floor');
  // A service account that the policy binds (bench/rbac.mjs: subject sa-2 of ns-2, whose ClusterRoleBinding crb-2
  // grants watch/update on configmaps and jobs), asking to list pods in its namespace: a denial, so the authorizer
  // visits every rule that could apply to it (an allow stops at the first match).
  const sar = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: 'system:serviceaccount:ns-2:sa-2',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns-2', 'system:authenticated'],
      resourceAttributes: { namespace: 'ns-2', verb: 'list', resource: 'pods' },
    },
  };
  F.i_sar = await versusFloor(
    'SAR',
    { method: 'POST', path: '/apis/authorization.k8s.io/v1/subjectaccessreviews', body: JSON.stringify(sar) },
    {
      server: R,
      cert: readFileSync(path.join(rbacDir, 'pki/apiserver.crt'), 'utf8'),
      key: readFileSync(path.join(rbacDir, 'pki/apiserver.key'), 'utf8'),
    },
  );
  F.i_sar.policyObjects = policyObjects.length;
  const answer = await request(R.port, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    token: ADMIN,
    body: JSON.stringify(sar),
  });
  F.i_sar.answer = JSON.parse(answer.body.toString()).status;
  log(`SAR answer: ${JSON.stringify(F.i_sar.answer)}`);
  if (F.i_sar.answer.allowed !== false) throw new Error('(i): the SAR was meant to be denied; the policy changed?');
  await stopServer(R);
  target(
    'i',
    `SubjectAccessReview req/s ÷ floor (${policyObjects.length} RBAC objects)`,
    F.i_sar.ratio,
    '×',
    '>=',
    0.6,
    detail(F.i_sar),
  );

  // (f) TokenRequest signing rate. openssl's rate and kubeauth's are measured in alternating rounds (order flipped
  // each round) and compared best ÷ best, as the HTTP figures are: this host's speed drifts by up to 2× within a
  // minute, so one openssl run at one moment against one kubeauth run at another is mostly noise.
  const opensslRate = (multi) => {
    const args = ['speed', ...(multi ? ['-multi', '2'] : []), '-seconds', String(P.sslSecs), 'rsa2048'];
    const out = execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return Number(/rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/.exec(out)?.[1]);
  };
  const trq = JSON.stringify({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  const ecFile = path.join(tmp, 'sa-ec.pem');
  writeFileSync(ecFile, ecPem);
  // TokenRequests over HTTPS (the RS256 server here, the ES256 one below).
  const tokenRequestLoad = (port) =>
    load({ port, method: 'POST', path: tokenPath, headers: jsonH, body: trq, connections: CONN, duration: P.dur });
  const signRuns = { core: [], multi2: [], inproc: [], https: [] };
  for (let r = 0; r < P.rounds; r++) {
    log(`(f) TokenRequest RS256 vs openssl speed rsa2048, round ${r + 1}/${P.rounds}`);
    const openssl = () => {
      signRuns.core.push(opensslRate(false));
      signRuns.multi2.push(opensslRate(true));
    };
    if (r % 2 === 0) openssl();
    // In-process: issueTokenAsync, signing on libuv's thread pool, no HTTP.
    signRuns.inproc.push(
      (await tokenRequestBench({ keyFile: path.join(mainDir, 'pki/sa.key'), seconds: P.sign })).perSecond,
    );
    signRuns.https.push((await tokenRequestLoad(M.port)).rps);
    if (r % 2 === 1) openssl();
  }
  const bestOf = (a) => Math.max(...a.filter(Number.isFinite));
  F.f_runs = signRuns;
  F.f_openssl_rsa2048_sign_per_s_core = bestOf(signRuns.core);
  F.f_openssl_rsa2048_sign_per_s_multi2 = bestOf(signRuns.multi2);
  const floorSign = F.f_openssl_rsa2048_sign_per_s_core * 2;
  F.f_tokenrequest_rs256_https = { rps: bestOf(signRuns.https) };
  log('(f) TokenRequest ES256 in-process');
  F.f_inproc_rs256_per_s = bestOf(signRuns.inproc);
  F.f_inproc_es256 = await tokenRequestBench({ keyFile: ecFile, seconds: P.sign });
  F.f_inproc_es256_per_s = F.f_inproc_es256.perSecond;
  {
    // Raw node:crypto sign on the same key, one thread: separates Node's own cost from kubeauth's.
    const k = createPrivateKey(readFileSync(path.join(mainDir, 'pki/sa.key')));
    const data = Buffer.from('x'.repeat(700));
    for (let i = 0; i < 20; i++) cryptoSign('sha256', data, k);
    let n = 0;
    const s0 = performance.now();
    while (performance.now() - s0 < P.sign * 1000) for (let i = 0; i < 10; i++, n++) cryptoSign('sha256', data, k);
    F.f_raw_node_sign_rs256_per_s_1thread = n / ((performance.now() - s0) / 1000);
  }

  // (j) verify package against the main server (before stopping it)
  log('(j) verify: TokenReviewer cache, JwksVerifier vs crypto.verify');
  F.j = await verifyBench({ dir: mainDir, token: one, loopSeconds: P.loop });
  log('(k) kubeauth proxy vs calling the upstream directly');
  F.k_proxy = await proxyBench({
    port: M.port,
    dataDir: mainDir,
    adminToken: ADMIN,
    token: one,
    durationSeconds: P.dur,
    connections: CONN,
    rounds: P.rounds,
    useWrk: hasWrk,
  });
  await stopServer(M);

  log('(f) TokenRequest ES256 over HTTPS (second server)');
  const E = await startServer(path.join(tmp, 'ec'), [...common, `--service-account-signing-key-file=${ecFile}`]);
  current.push(E);
  await json(E.port, 'POST', '/api/v1/namespaces/default/serviceaccounts', {
    token: ADMIN,
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bench' } },
  });
  const ecTok = await mint(E.port, tokenPath);
  F.f_es256_header = JSON.parse(Buffer.from(ecTok.split('.')[0], 'base64url').toString());
  F.f_tokenrequest_es256_https = await tokenRequestLoad(E.port);
  await stopServer(E);
  const rsH = F.f_tokenrequest_rs256_https.rps;
  const esH = F.f_tokenrequest_es256_https.rps;
  F.f_ratios = {
    https_rs256_vs_openssl_2cores: rsH / floorSign,
    inproc_rs256_vs_openssl_2cores: F.f_inproc_rs256_per_s / floorSign,
    inproc_rs256_vs_openssl_multi2: F.f_inproc_rs256_per_s / F.f_openssl_rsa2048_sign_per_s_multi2,
    https_rs256_vs_openssl_1core: rsH / F.f_openssl_rsa2048_sign_per_s_core,
    https_es256_vs_rs256: esH / rsH,
    inproc_es256_vs_rs256: F.f_inproc_es256_per_s / F.f_inproc_rs256_per_s,
  };
  target(
    'f',
    'TokenRequest RS256/s in-process (thread pool) ÷ openssl sign/s×2',
    F.f_ratios.inproc_rs256_vs_openssl_2cores,
    '×',
    '>=',
    0.8,
    `${r1(F.f_inproc_rs256_per_s, 0)} vs ${r1(floorSign, 0)} /s (openssl -multi 2: ${r1(F.f_openssl_rsa2048_sign_per_s_multi2, 0)} /s → ${r1(F.f_ratios.inproc_rs256_vs_openssl_multi2, 2)})`,
  );
  target(
    'f',
    'TokenRequest ES256/s ÷ RS256/s in-process',
    F.f_ratios.inproc_es256_vs_rs256,
    '×',
    '>=',
    5,
    `${r1(F.f_inproc_es256_per_s, 0)} vs ${r1(F.f_inproc_rs256_per_s, 0)} /s`,
  );
  target(
    'f',
    '  (info) TokenRequest RS256/s over HTTPS ÷ openssl×2',
    F.f_ratios.https_rs256_vs_openssl_2cores,
    '×',
    '>=',
    0.8,
    `${r1(rsH, 0)} vs ${r1(floorSign, 0)} /s; load generator and TLS share the 2 cores`,
  );
  target(
    'f',
    '  (info) TokenRequest ES256/s ÷ RS256/s over HTTPS',
    F.f_ratios.https_es256_vs_rs256,
    '×',
    '>=',
    5,
    `${r1(esH, 0)} vs ${r1(rsH, 0)} /s; ES256 is bound by HTTP, not signing`,
  );
  target(
    'f',
    '  (info) raw node crypto.sign 1 thread ÷ openssl 1 core',
    F.f_raw_node_sign_rs256_per_s_1thread / F.f_openssl_rsa2048_sign_per_s_core,
    '×',
    '>=',
    0.8,
    `${r1(F.f_raw_node_sign_rs256_per_s_1thread, 0)} vs ${r1(F.f_openssl_rsa2048_sign_per_s_core, 0)} /s`,
  );

  target(
    'j',
    'TokenReviewer.review() cached, calls/s',
    F.j.cachedReviewsPerS,
    '/s',
    '>=',
    1_000_000,
    `${r1(F.j.cachedReviewVsFloor, 3)}× a Map lookup; a new token string per call (as in a server) ${r1(F.j.cachedReviewFreshTokenPerS, 0)}/s, ${r1(F.j.cachedReviewFreshTokenVsFloor, 3)}× a Map lookup of it`,
  );
  target(
    'j',
    'JwksVerifier RS256 ÷ raw crypto.verify',
    F.j.jwksVsRaw,
    '×',
    '>=',
    0.8,
    `${r1(F.j.jwksPerS, 0)} vs ${r1(F.j.rawVerifyPerS, 0)} /s`,
  );

  target(
    'k',
    `kubeauth proxy req/s ÷ upstream called directly (HTTPS, ${F.k_proxy.loadTool})`,
    F.k_proxy.ratio,
    '×',
    '>=',
    0.5,
    proxyDetail(F.k_proxy),
  );

  // (l) TokenReview of an external OIDC ID token (its own provider and kubeauth)
  log('(l) OIDC ID token TokenReview vs floor');
  F.l_oidc = await oidcBench({ durationSeconds: P.dur, connections: CONN, rounds: P.rounds });
  target('l', 'TokenReview of an OIDC ID token req/s ÷ floor', F.l_oidc.ratio, '×', '>=', 0.6, detail(F.l_oidc));

  // (m) hostile bodies at the size limit, one at a time and four clients at a time
  F.m_hostile = await hostileBench({ seconds: QUICK ? 10 : 30, log });
  const m = F.m_hostile;
  target(
    'm',
    `worst body at 3 MiB: server CPU (${m.worstCpu.kind})`,
    m.worstCpu.cpuMs,
    'ms',
    '<',
    200,
    `${r1(m.worstCpu.timesFloor, 2)}× JSON.parse of 3 MiB (${r1(m.floorParseMs, 0)} ms)`,
  );
  target('m', `worst body at 3 MiB: RSS growth (${m.worstRss.kind})`, m.worstRss.rssGrowthMB, 'MB', '<', 100);
  const a = m.underAttack;
  const w = m.underAttackWithWriters;
  target(
    'm',
    '/healthz p99 while 4 clients send the worst bodies anyone may',
    a.healthzP99ms,
    'ms',
    '<',
    100,
    `p50 ${r1(a.healthzP50ms, 1)} ms, max ${r1(a.healthzMaxMs, 0)} ms; ${r1(a.healthzP99TimesQuiet, 2)}× the quiet p99 of the same run (${r1(m.quiet.healthzP99ms, 1)} ms)`,
  );
  target(
    'm',
    'TokenReview req/s under that load ÷ quiet',
    a.tokenReviewRatio,
    '×',
    '>=',
    0.5,
    `${r1(a.tokenReviewRps, 0)} vs ${r1(m.quiet.tokenReviewRps, 0)} req/s (${m.loadTool})`,
  );
  target(
    'm',
    "/healthz p99 with writers' huge valid objects in the mix",
    w.healthzP99ms,
    'ms',
    '<',
    100,
    `max ${r1(w.healthzMaxMs, 0)} ms, ${r1(w.healthzP99TimesQuiet, 2)}× quiet; TokenReview ${r1(w.tokenReviewRatio, 2)}× quiet`,
  );

  // (o) metrics + audit at Metadata to a file vs both off; RequestResponse reported
  log('(o) TokenReview with metrics and audit vs without');
  F.o_observe = await observeBench({
    tmp,
    common,
    admin: ADMIN,
    durationSeconds: P.dur,
    rounds: P.rounds,
    connections: CONN,
    log,
  });
  if (!F.o_observe.skipped)
    target(
      'o',
      'TokenReview req/s, metrics + Metadata audit to a file ÷ both off',
      F.o_observe.metadataRatio,
      '×',
      '>=',
      0.9,
      `${r1(F.o_observe.metadataRps, 0)} vs ${r1(F.o_observe.offRps, 0)} req/s (medians, ${F.o_observe.loadTool}); RequestResponse ${r1(F.o_observe.requestResponseRatio, 2)}×`,
    );

  // (p) the hot path with C load generators: TokenReview, GET ServiceAccount, SubjectAccessReview over HTTP/1.1
  // (wrk) and HTTP/2 (h2load), each against a bare node floor in the same rounds (bench/hotpath.mjs)
  log('(p) hot path: wrk (HTTP/1.1) and h2load (HTTP/2) vs bare node floors');
  F.p_hotpath = await hotpathBench({
    tmp,
    common,
    admin: ADMIN,
    durationSeconds: P.dur,
    rounds: P.rounds,
    connections: CONN,
    sarBindings: P.sarBindings,
    log,
  });
  for (const [key, f] of Object.entries(F.p_hotpath.figures ?? {}))
    target(
      'p',
      `${f.what} over ${f.protocol} req/s ÷ bare node floor (${f.protocol === 'HTTP/2' ? 'h2load' : 'wrk'})`,
      f.ratio,
      '×',
      '>=',
      0.6,
      `${key}: ${detail(f)}`,
    );
  if (F.p_hotpath.skipped) log(`(p) skipped: ${F.p_hotpath.skipped}`);

  // (h) RBAC in-process
  log('(h) RBAC decisions in-process');
  F.h_rbac = [];
  for (const b of [100, 1000, 10_000]) F.h_rbac.push(await rbacBench({ bindings: b, samples: P.rbacSamples }));
  const big = F.h_rbac.at(-1);
  target(
    'h',
    `SAR decision p99 (${big.clusterRoleBindings} CRB + ${big.roleBindings} RB, ${big.roles} roles)`,
    big.p99us,
    'µs',
    '<',
    50,
    `p50 ${r1(big.p50us, 2)} µs`,
  );

  // (r) kubeauth rbac engine in-process, against the authorizer's own decision time as the floor
  log('(r) kubeauth rbac: who-can, explain, matrix, lint, offline load');
  const x = (F.r_rbac_explain = await rbacExplainBench({ samples: QUICK ? 500 : 2000 }));
  const floor = `floor: authorizer decision p99 ${r1(x.floorP99ms * 1000, 1)} µs`;
  const cpu = (ms) => `CPU ${r1(ms, 2)} ms`;
  target(
    'r',
    'who-can p99',
    x.whoCanP99ms,
    'ms',
    '<',
    5,
    `${r1(x.whoCanP99ms / x.floorP99ms, 0)}× ${floor}; p50 ${r1(x.whoCanP50ms, 2)} ms; ${cpu(x.cpu.whoCanP99ms)} p99`,
  );
  target(
    'r',
    'explain p99',
    x.explainP99ms,
    'ms',
    '<',
    1,
    `${r1(x.explainP99ms / x.floorP99ms, 0)}× ${floor}; p50 ${r1(x.explainP50ms * 1000, 1)} µs; ${cpu(x.cpu.explainP99ms)} p99`,
  );
  target('r', `matrix 1 subject × ${x.resources} resources × ${x.namespaces} ns`, x.matrixMs, 'ms', '<', 100, floor);
  target('r', `lint (${x.findings} findings)`, x.lintMs, 'ms', '<', 2000, cpu(x.cpu.lintMs));
  target('r', 'offline load from YAML', x.loadMs, 'ms', '<', 2000, cpu(x.cpu.loadMs));

  // (t) the testing API (kubeauth/testing): its own script, in a child with --expose-gc (RSS per instance)
  log('(t) kubeauth/testing: start, RSS per instance, snapshot/restore');
  const testingJson = path.join(BENCH, 'testing-last-run.json');
  rmSync(testingJson, { force: true });
  try {
    execFileSync(process.execPath, ['--expose-gc', path.join(BENCH, 'testing.mjs')], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 900_000,
    });
    const rows = JSON.parse(readFileSync(testingJson, 'utf8')).rows;
    F.t_testing = rows;
    const start = rows.find((r) => r.what.startsWith('start, in-process'));
    if (start)
      target(
        't',
        'startKubeauth() in-process, median of 7',
        start.value,
        'ms',
        '<',
        300,
        `${start.ratio}× the floor (${start.floor}: ${start.floorValue} ms)`,
      );
  } catch (e) {
    F.t_testing = { skipped: String(e?.message ?? e) };
    log(`WARNING (t) testing bench failed: ${F.t_testing.skipped}`);
  }

  // (u) the web inspector in headless chromium over the same policy, served by kubeauth serve --ui
  log('(u) web inspector: matrix first paint, who-can in the page, bundle size');
  const u = (F.u_ui = await uiBench({ runs: QUICK ? 4 : 7, queries: QUICK ? 10 : 30 }));
  if (u.skipped) log(`(u) skipped: ${u.skipped}`);
  else {
    const paintFloor = `floor: chromium to /version ${r1(u.paintFloorMs, 0)} ms`;
    target(
      'u',
      'matrix view first meaningful paint (median of warm loads)',
      u.matrixPaintMs.median,
      'ms',
      '<',
      1000,
      `${r1(u.matrixPaintMs.median / u.paintFloorMs, 1)}× ${paintFloor}; first (cold) load ${r1(u.matrixPaintMs.first, 0)} ms`,
    );
    target(
      'u',
      'who-can answered in the page (median)',
      u.whoCanInPageMs.median,
      'ms',
      '<',
      100,
      `p95 ${r1(u.whoCanInPageMs.p95, 0)} ms; ${r1(u.whoCanInPageMs.median / u.whoCanBareMs.median, 1)}× floor: the same question over HTTPS from node, median ${r1(u.whoCanBareMs.median, 1)} ms`,
    );
    target(
      'u',
      'bundle gzipped',
      u.bundle.gzipBytes / 1024,
      'KB',
      '<',
      300,
      `${r1(u.bundle.rawBytes / 1024, 1)} KB raw`,
    );
  }
}

/** Best runs, then the two noise-robust views (median runs, CPU per request) of a compareToFloor result. */
function detail(x) {
  return `best ${r1(x.server.rps, 0)} vs ${r1(x.floor.rps, 0)} req/s; medians ${r1(x.ratioMedian, 2)}; CPU/req ${r1(x.cpuRatio, 2)} (${r1(x.server.cpuMicrosPerRequest, 0)} vs ${r1(x.floor.cpuMicrosPerRequest, 0)} µs)`;
}

/** The proxy figure's context: medians, the byte pipe and bare node:http proxy, the autocannon pair. */
function proxyDetail(k) {
  const ac = k.autocannon;
  return [
    `${r1(k.proxyRps, 0)} vs ${r1(k.upstreamRps, 0)} req/s best runs (medians: ${r1(k.ratioMedian, 2)})`,
    `a TLS byte pipe gets ${r1(k.rawPipeVsUpstream, 2)}, a bare node:http reverse proxy ${r1(k.bareProxyVsUpstream, 2)}`,
    ...(ac ? [`with autocannon as the load generator ${r1(ac.ratio, 2)} (medians ${r1(ac.ratioMedian, 2)})`] : []),
  ].join('; ');
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function report() {
  const rows = results.targets;
  const w = [3, 60, 14, 12, 6];
  const line = (c) => c.map((x, i) => String(x).padEnd(w[i] ?? 0)).join(' ');
  console.log('\nSummary (ratios are to floors measured in this run)');
  console.log(line(['id', 'figure', 'value', 'target', 'result', 'detail']));
  for (const r of rows) console.log(line([r.id, r.what, `${r.value} ${r.unit}`, `${r.target}`, r.result, r.extra]));
  if (F.h_rbac) {
    console.log('\nRBAC growth (in-process, warm):');
    for (const x of F.h_rbac)
      console.log(
        `  ${String(x.bindings).padStart(6)} bindings, ${String(x.roles).padStart(5)} roles, ${String(x.namespaces).padStart(4)} ns: p50 ${r1(x.p50us, 2)} µs  p99 ${r1(x.p99us, 2)} µs  (load ${r1(x.loadMs, 0)} ms, allowed ${r1(x.allowedFraction * 100, 1)}%)`,
      );
  }
  if (F.a_ready_empty_ms)
    console.log(
      `\nready ms, empty: ${F.a_ready_empty_ms.all.join(', ')}; 50k SAs: ${F.a_ready_50k_ms?.all.join(', ')} (seed ${r1(F.seed_ms, 0)} ms)`,
    );
  const out = path.join(BENCH, 'last-run.json');
  writeFileSync(out, JSON.stringify(results, (k, v) => (typeof v === 'number' ? r1(v, 3) : v), 2) + '\n');
  console.log(`\nfigures written to ${path.relative(ROOT, out)}`);
}

const t0 = performance.now();
try {
  await main();
} catch (err) {
  console.error('bench error:', err?.stack ?? err);
  results.error = String(err?.stack ?? err);
} finally {
  for (const s of current) await stopServer(s).catch(() => undefined);
  killAll();
  results.elapsedSeconds = (performance.now() - t0) / 1000;
  results.env.loadAvgAtEnd = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  report();
  console.log(
    `load average at start ${results.env.loadAvgAtStart}, at end ${results.env.loadAvgAtEnd} (other processes on this host add noise)`,
  );
  console.log(`elapsed ${r1(results.elapsedSeconds, 0)} s`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}
