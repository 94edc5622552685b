// Bundles the `kubeauth` command (packages/server/dist/cli/main.js, compiled by tsc) into a few files under
// packages/server/dist/bin. Why: Node 20 spends ~200 ms resolving and compiling ~170 separate ES modules at
// every start; one bundle loads in a fraction of that (start-to-ready is a target of the foundation issue).
// Dependencies stay external (resolved from node_modules as usual); lazily imported parts (OIDC, proxy,
// token/keys commands) become their own chunks so a plain `serve` does not load them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'packages/server/dist/bin');
rmSync(outdir, { recursive: true, force: true });
// What every bundle here shares: ESM for node 20, dependencies resolved from node_modules as usual. Less to parse
// at start; no keepNames: its __name() wrappers run on every closure creation, in hot paths too.
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  minifyWhitespace: true,
  minifySyntax: true,
};
await build({
  ...common,
  entryPoints: { kubeauth: path.join(root, 'packages/server/dist/cli/main.js') },
  outdir,
  splitting: true,
  // Keep the shebang from main.js only; chunks have none.
  chunkNames: 'chunks/[name]-[hash]',
});

// The body-decoding worker (api/decode/thread.js) is its own entry: the bundled code that starts it looks for it
// beside itself, in dist/bin or dist/bin/chunks, so it is written to both.
for (const dir of [outdir, path.join(outdir, 'chunks')])
  await build({
    ...common,
    entryPoints: { thread: path.join(root, 'packages/server/dist/api/decode/thread.js') },
    outdir: dir,
  });
