// `npm start`: builds kubeauth, saying what it is doing (a first build takes a while), then runs
// `kubeauth serve` with any arguments given after `--` (`npm start -- --secure-port 0`).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const steps = [
  [
    'compiling TypeScript (tsc -b)',
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/server', 'packages/verify'],
  ],
  ['bundling the kubeauth command (esbuild)', [path.join(root, 'scripts/bundle.mjs')]],
];
for (const [i, [what, argv]] of steps.entries()) {
  const t = performance.now();
  process.stderr.write(`[${i + 1}/${steps.length + 1}] ${what}…`);
  const r = spawnSync(process.execPath, argv, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`\nbuild failed (${what}); the errors are above\n`);
    process.exit(r.status ?? 1);
  }
  process.stderr.write(` done in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}
process.stderr.write(`[${steps.length + 1}/${steps.length + 1}] starting kubeauth serve\n`);
const child = spawn(
  process.execPath,
  [path.join(root, 'packages/server/dist/bin/kubeauth.js'), 'serve', ...process.argv.slice(2)],
  {
    cwd: process.cwd(),
    stdio: 'inherit',
  },
);
// Ctrl-C reaches the server through the terminal's process group; a SIGTERM to npm is passed on.
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
