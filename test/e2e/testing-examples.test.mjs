// The example tests of kubeauth/testing (examples/testing/) run with their own runners — node:test, Vitest,
// Jest — and pass; each asserts exact statuses and messages, so a broken testing API fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function run(argv, env = {}) {
  return new Promise((res) => {
    const p = spawn(argv[0], argv.slice(1), {
      cwd: root,
      env: { ...process.env, ...env, NODE_TEST_CONTEXT: undefined, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => res({ code, out }));
  });
}

test('examples/testing/node-test.test.mjs (node:test)', async () => {
  const r = await run([process.execPath, '--test', 'examples/testing/node-test.test.mjs']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /# pass 4\n/);
  assert.match(r.out, /# fail 0\n/);
});

test('examples/testing/informer.test.mjs (an informer from @kubernetes/client-node)', async () => {
  const r = await run([process.execPath, '--test', 'examples/testing/informer.test.mjs']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /# pass 1\n/);
});

test('examples/testing/vitest (Vitest)', async () => {
  const r = await run([
    process.execPath,
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--root',
    'examples/testing/vitest',
  ]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Tests\s+3 passed \(3\)/);
});

test('examples/testing/jest (Jest, native ESM, child process)', async () => {
  const r = await run(
    [
      process.execPath,
      join(root, 'node_modules/jest/bin/jest.js'),
      '--config',
      'examples/testing/jest/jest.config.mjs',
    ],
    { NODE_OPTIONS: '--experimental-vm-modules' },
  );
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Tests:\s+2 passed, 2 total/);
});
