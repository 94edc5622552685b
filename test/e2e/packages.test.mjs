// The npm packages work outside this repository: both tarballs from `npm pack` install into an empty project,
// where `npx kubeauth --version` and `npx kubeauth serve` run, `kubeauth`, `kubeauth/testing` and
// `@kubeauth/verify` import, and their types check under strict TypeScript. The tarballs hold no tests or sources.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let dir;
let packed;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeauth-pack-'));
  const out = await run(
    'npm',
    ['pack', '--json', '--pack-destination', dir, '-w', 'packages/server', '-w', 'packages/verify'],
    {
      cwd: root,
      maxBuffer: 64 << 20,
    },
  );
  packed = JSON.parse(out.stdout);
  const project = join(dir, 'app');
  cpSync(join(root, 'test/e2e/fixtures/empty-project'), project, { recursive: true });
  // --ignore-scripts, then the repository's own build of the same better-sqlite3 version: the native module
  // is not compiled a second time (a few minutes on CI) and is the very one the rest of the suite uses.
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      ...packed.map((p) => join(dir, p.filename)),
    ],
    { cwd: project, maxBuffer: 64 << 20 },
  );
  const want = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  const got = JSON.parse(readFileSync(join(project, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  assert.equal(got, want, 'the same better-sqlite3 as the repository');
  cpSync(join(root, 'node_modules/better-sqlite3/build'), join(project, 'node_modules/better-sqlite3/build'), {
    recursive: true,
  });
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

test('tarballs: built code, types and the launcher only; no tests, sources, maps or build info', () => {
  const byName = Object.fromEntries(packed.map((p) => [p.name, p]));
  assert.deepEqual(Object.keys(byName).sort(), ['@kubeauth/verify', 'kubeauth']);
  for (const p of packed) {
    const files = p.files.map((f) => f.path);
    const bad = files.filter(
      (f) =>
        /\.test\.|\/test\/|testutil|\.map$|tsbuildinfo|\.ts$/.test(f.replace(/\.d\.ts$/, '.js')) ||
        f.startsWith('src/'),
    );
    assert.deepEqual(bad, [], `${p.name} ships no tests or sources`);
    process.stdout.write(
      `# ${p.filename}: ${p.size} bytes packed, ${p.unpackedSize} unpacked, ${files.length} files\n`,
    );
  }
  const server = byName.kubeauth.files.map((f) => f.path);
  for (const f of [
    'bin/kubeauth.js',
    'dist/bin/kubeauth.js',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/embed/index.js',
    'dist/embed/index.d.ts',
    'dist/embed/child.js',
    // The web inspector's page (kubeauth serve --ui, kubeauth ui).
    'dist/ui/index.html',
  ])
    assert.ok(server.includes(f), `kubeauth ships ${f}`);
});

test('runtime dependencies are exactly the packages shipped code imports', () => {
  // Every bare import in the shipped JavaScript of each tarball, by package name.
  for (const p of packed) {
    const dirOf = p.name === 'kubeauth' ? 'packages/server' : 'packages/verify';
    const imported = new Set();
    for (const f of p.files.map((x) => x.path).filter((x) => x.endsWith('.js') && x.startsWith('dist/'))) {
      const text = readFileSync(join(root, dirOf, f), 'utf8');
      const specifiers =
        /\b(?:import|export)\s*[\w$*{}\s,]*?\s*from\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]|(?:\brequire|\))\(\s*['"]([^'"]+)['"]\s*\)/g;
      for (const m of text.matchAll(specifiers)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (spec.startsWith('node:') || spec.startsWith('.')) continue;
        const parts = spec.split('/');
        imported.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
      }
    }
    const pkg = JSON.parse(readFileSync(join(root, dirOf, 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}).sort(), [...imported].sort(), p.name);
  }
});

test('the bin is a file in the repository, so npm ci links it before any build', async () => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages/server/package.json'), 'utf8'));
  assert.equal(pkg.bin.kubeauth, 'bin/kubeauth.js');
  const tracked = await run('git', ['ls-files', '-s', 'packages/server/bin/kubeauth.js'], { cwd: root });
  assert.match(tracked.stdout, /^100755 /, 'tracked and executable');
});

test('npx kubeauth --version and version in the installed project', async () => {
  const project = join(dir, 'app');
  const v = await run('npx', ['--no-install', 'kubeauth', '--version'], { cwd: project });
  assert.equal(v.stdout, 'kubeauth 0.1.0 (Kubernetes v1.33.0 API)\n');
  const w = await run('npx', ['--no-install', 'kubeauth', 'version'], { cwd: project });
  assert.equal(w.stdout, v.stdout);
});

test('npx kubeauth serve in the installed project answers kubectl', async () => {
  const project = join(dir, 'app');
  const child = spawn('npx', ['--no-install', 'kubeauth', 'serve', '--secure-port=0', '--log-level=warn'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    const line = await new Promise((res, rej) => {
      let out = '';
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) res(out);
      });
      child.on('exit', (c) => rej(new Error(`serve exited ${c}: ${err}`)));
    });
    assert.match(line, /^kubeauth ready on https:\/\/127\.0\.0\.1:\d+ in \d+ ms/);
    assert.ok(existsSync(join(project, '.kubeauth/kubeauth.db')), 'the SQLite store is in ./.kubeauth');
    const r = await run('kubectl', ['get', 'ns', 'default', '-o', 'name'], {
      env: { ...process.env, KUBECONFIG: join(project, '.kubeauth/admin.kubeconfig') },
    });
    assert.equal(r.stdout, 'namespace/default\n');
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    await gone;
  }
});

test('imports and types: kubeauth, kubeauth/testing and @kubeauth/verify', async () => {
  const project = join(dir, 'app');
  writeFileSync(
    join(project, 'check.ts'),
    `import { startServer, parseServeOptions, kubeauthVersion } from 'kubeauth';
import { startKubeauth, type Kubeauth } from 'kubeauth/testing';
import { TokenReviewer, KubeConnection } from '@kubeauth/verify';
const kube: Kubeauth = await startKubeauth({ clock: 'manual' });
await kube.createNamespace('a');
await kube.createServiceAccount('a', 'b');
const { token } = await kube.token('a', 'b', { audiences: ['x'] });
const conn = new KubeConnection({ server: kube.url, ca: kube.caPem });
const reviewer = new TokenReviewer({ connection: conn, audiences: ['x'] });
const s: string = kubeauthVersion;
void [startServer, parseServeOptions, reviewer, token, s];
await kube.close();
console.log('ok');
`,
  );
  await run(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      'false',
      '--target',
      'es2022',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--typeRoots',
      join(root, 'node_modules/@types'),
      '--types',
      'node',
      'check.ts',
    ],
    { cwd: project },
  ).catch((e) => assert.fail(`tsc: ${e.stdout}${e.stderr}`));
  const js = readFileSync(join(project, 'check.ts'), 'utf8')
    .replace(/import \{([^}]*)\}/g, (m, names) => m.replace(names, names.replace(/type \w+,?\s*/g, '')))
    .replace(/: Kubeauth|: string/g, '');
  writeFileSync(join(project, 'check.mjs'), js);
  const r = await run(process.execPath, ['check.mjs'], { cwd: project });
  assert.equal(r.stdout, 'ok\n');
});
