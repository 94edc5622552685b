// Runs node's test runner over compiled tests: unit tests live beside the code (dist/**/*.test.js),
// e2e tests in test/e2e, the hostile-input suite in test/hostile and the ports of upstream Kubernetes tests in
// test/upstream (*.test.mjs). Node 20's --test takes no globs, so we list the files here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const which = process.argv[2] ?? 'all';
const filter = process.argv[3];
function walk(dir, out, pred) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === 'node_modules') continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out, pred);
    else if (pred(p)) out.push(p);
  }
  return out;
}
const files = [];
// `fuzz`: only the property-based targets (*.fuzz.test.js), with 100,000 cases each instead of CI's 2,000.
if (which === 'fuzz') {
  process.env.FUZZ_RUNS ??= '100000';
  for (const pkg of ['packages/server/dist', 'packages/verify/dist'])
    walk(pkg, files, (p) => p.endsWith('.fuzz.test.js'));
}
if (which === 'unit' || which === 'all')
  for (const pkg of ['packages/server/dist', 'packages/verify/dist']) walk(pkg, files, (p) => p.endsWith('.test.js'));
if (which === 'e2e' || which === 'all') walk('test/e2e', files, (p) => p.endsWith('.test.mjs'));
if (which === 'hostile' || which === 'all') walk('test/hostile', files, (p) => p.endsWith('.test.mjs'));
if (which === 'upstream' || which === 'all') walk('test/upstream', files, (p) => p.endsWith('.test.mjs'));
const selected = filter ? files.filter((f) => f.includes(filter)) : files;
if (selected.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...selected], { stdio: 'inherit' });
process.exit(r.status ?? 1);
