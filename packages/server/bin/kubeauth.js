#!/usr/bin/env node
// The `kubeauth` command's launcher. It exists before any build, so `npm ci` can link it into
// node_modules/.bin: it runs the bundled command (dist/bin/kubeauth.js), and in a source checkout that has
// not been built yet it builds first, saying so; an installed package always ships the bundle.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(pkg, 'dist/bin/kubeauth.js');
if (!existsSync(bundle)) {
  const repo = join(pkg, '../..');
  if (!existsSync(join(repo, 'scripts/bundle.mjs'))) {
    process.stderr.write(`Error: ${bundle} is missing: this kubeauth package is incomplete; reinstall it\n`);
    process.exit(1);
  }
  process.stderr.write(`kubeauth is not built yet; building it first (npm run build in ${repo}, about a minute)\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'build', '--silent'], { cwd: repo, stdio: ['ignore', 2, 2] });
  if (r.status !== 0 || !existsSync(bundle)) {
    process.stderr.write(`Error: building kubeauth failed; run 'npm run build' in ${repo} and read its errors\n`);
    process.exit(1);
  }
}
await import(pathToFileURL(bundle).href);
