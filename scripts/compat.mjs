// `npm run compat`: runs the client compatibility matrix (scripts/compat/) against a freshly started kubeauth,
// writes docs/compatibility.md, and exits 1 if a cell that passed in the committed docs/compatibility.md fails
// now. `--check` compares without writing (what test/e2e/compat.test.mjs does in CI).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allClients, reportedVersion } from './clients.mjs';
import { startKubeauth } from '../test/e2e/harness.mjs';
import { runMatrix, clientNodeVersion } from './compat/run.mjs';
import { render, regressions } from './compat/doc.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docPath = join(root, 'docs/compatibility.md');

/** The committed file (so a regression written to the working tree still fails until it is committed). */
function committedDoc() {
  try {
    return execFileSync('git', ['show', 'HEAD:docs/compatibility.md'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  } catch {
    try {
      return readFileSync(docPath, 'utf8');
    } catch {
      return '';
    }
  }
}

export async function compat({ write, concurrency, log = console.log, baseline } = {}) {
  const clients = allClients();
  for (const c of clients) {
    if (c.path) c.version = reportedVersion(c.kind, c.path);
    else log(`skipped ${c.name}: ${c.why}`);
  }
  clients.push({
    name: '@kubernetes/client-node',
    kind: 'library',
    path: 'node_modules/@kubernetes/client-node',
    version: clientNodeVersion,
  });
  const server = await startKubeauth();
  const work = mkdtempSync(join(tmpdir(), 'kubeauth-compat-'));
  let tables;
  try {
    tables = await runMatrix(server, clients, { concurrency, workDir: work, log });
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const result = regressions(baseline ?? committedDoc(), tables);
  if (write) writeFileSync(docPath, render(tables, clients));
  return { ...result, tables };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const quiet = process.argv.includes('--quiet');
  const { regressed, skipped } = await compat({
    write: !check,
    concurrency: Number(process.env.COMPAT_CONCURRENCY) || 6,
    log: quiet ? () => undefined : console.log,
  });
  for (const s of skipped) console.log(`skipped (client absent): ${s}`);
  if (!check) console.log(`wrote ${docPath}`);
  if (regressed.length) {
    console.error(`${regressed.length} regression(s) against the committed docs/compatibility.md:`);
    for (const r of regressed) console.error(`  ${r}`);
    process.exit(1);
  }
}
