// (u) The web inspector in headless chromium (Debian's, through playwright-core) over the synthetic policy of (h)
// at 10,000 ClusterRoleBindings, 10,000 RoleBindings and 5,000 roles, served by `kubeauth serve --ui`:
//   - first meaningful paint of the matrix view: from navigation start to the matrix table in the document
//     (the page's `matrix-rendered` mark), a fresh page each time; floor: the same browser navigating to the
//     server's /version (TLS, authentication, a JSON answer) in the same run;
//   - a who-can query answered in the page: from the form's submit to the result table rendered (the first 200
//     grants, as the page asks); floor: the same question as a bare HTTPS request from node;
//   - the bundle's size, gzipped.
//   node bench/ui.mjs        (also part of npm run bench when chromium is installed)
/* global document */ // page.evaluate callbacks run in the browser
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { ROOT, median, pct, request, startServer, stopServer } from './lib.mjs';
import { syntheticPolicy } from './rbac.mjs';
import { seedRbacObjects } from './seed.mjs';

const chromiumPath = process.env.KUBEAUTH_CHROMIUM ?? '/usr/bin/chromium';

export function bundleSize() {
  const dir = path.join(ROOT, 'packages/server/dist/ui');
  let raw = 0;
  let gz = 0;
  const walk = (d) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) walk(p);
      else {
        const b = readFileSync(p);
        raw += b.length;
        gz += gzipSync(b, { level: 9 }).length;
      }
    }
  };
  walk(dir);
  return { rawBytes: raw, gzipBytes: gz };
}

export async function uiBench({ runs = 7, queries = 30 } = {}) {
  if (!existsSync(chromiumPath)) return { skipped: `chromium not found at ${chromiumPath}` };
  const { chromium } = await import(pathToFileURL(path.join(ROOT, 'node_modules/playwright-core/index.mjs')).href);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeauth-ui-bench-'));
  const token = 'ui-bench-token-0123456789';
  writeFileSync(path.join(dir, 'tokens.csv'), `${token},ui-bench,uid-ui,"system:masters"\n`);
  const objects = syntheticPolicy(10_000);
  const counts = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  await seedRbacObjects(dir, objects);
  const server = await startServer(path.join(dir), ['--ui', `--token-auth-file=${path.join(dir, 'tokens.csv')}`]);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
  try {
    const url = `https://127.0.0.1:${server.port}`;
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      extraHTTPHeaders: { Authorization: `Bearer ${token}` },
    });
    // A subject bound in the synthetic policy: a user of some groups, in one namespace.
    const matrixUrl = `${url}/ui/#/matrix?kind=User&name=user-1&groups=group-1&namespace=ns-1`;
    const paint = [];
    const floor = [];
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      await page.goto(`${url}/version`);
      floor.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].responseEnd));
      await page.goto('about:blank');
      await page.goto(matrixUrl);
      await page.waitForSelector('body[data-matrix="ready"]');
      paint.push(await page.evaluate(() => performance.getEntriesByName('matrix-rendered')[0].startTime));
      await page.close();
    }
    // Who-can in the page: the form submitted, the answer rendered (the page records the time on the result).
    const page = await context.newPage();
    await page.goto(`${url}/ui/#/whocan`);
    await page.waitForSelector('form[aria-label="Who can"]');
    const inPage = [];
    const bare = [];
    const verbs = ['get', 'list', 'watch', 'create', 'update', 'delete'];
    const resources = ['pods', 'secrets', 'configmaps', 'services', 'deployments'];
    let grants = 0;
    for (let i = 0; i < queries; i++) {
      const q = { verb: verbs[i % verbs.length], resource: resources[i % resources.length], ns: `ns-${i % 50}` };
      await page.fill('input[name="verb"]', q.verb);
      await page.fill('input[name="resource"]', q.resource);
      await page.fill('input[name="group"]', q.resource === 'deployments' ? 'apps' : '');
      await page.fill('input[name="namespace"]', q.ns);
      await page.evaluate(() => {
        const out = document.querySelector('section[aria-label="Who can: answer"]');
        delete out.dataset.ms;
      });
      await page.click('button[type="submit"]');
      const ms = await page.waitForFunction(
        () => document.querySelector('section[aria-label="Who can: answer"]')?.dataset.ms,
      );
      inPage.push(Number(await ms.jsonValue()));
      grants = Math.max(grants, await page.locator('#whocan-table tbody tr').count());
      const t = performance.now();
      const r = await request(server.port, 'POST', '/ui/api/whocan', {
        token,
        body: JSON.stringify({
          verb: q.verb,
          resource: q.resource,
          group: q.resource === 'deployments' ? 'apps' : '',
          namespace: q.ns,
          limit: 200,
        }),
      });
      bare.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`who-can answered ${r.status}`);
    }
    const sorted = (a) => [...a].sort((x, y) => x - y);
    return {
      objects: counts,
      matrixPaintMs: { first: paint[0], median: median(paint.slice(1)), all: paint },
      paintFloorMs: median(floor.slice(1)),
      whoCanInPageMs: { median: median(inPage), p95: pct(sorted(inPage), 95) },
      whoCanBareMs: { median: median(bare), p95: pct(sorted(bare), 95) },
      whoCanMaxRows: grants,
      bundle: bundleSize(),
    };
  } finally {
    await browser.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await uiBench();
  console.log(JSON.stringify(r, null, 2));
}
