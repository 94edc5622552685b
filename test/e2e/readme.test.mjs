// The README runs verbatim: every ```sh doctest block of README.md, docs/*.md and examples/README.md, in order, in
// one bash session (set -euo pipefail) on a copy of the repository, so the files the commands name must exist and the commands
// must succeed. `doctest background wait="TEXT"` blocks run in the background (the server, the proxy) and the
// session continues once their output shows TEXT; everything started is stopped at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The marked blocks of a Markdown text: { code, background, wait }. */
export function doctestBlocks(markdown) {
  const out = [];
  const re = /^```sh doctest([^\n]*)\n([\s\S]*?)^```$/gm;
  let m;
  while ((m = re.exec(markdown))) {
    const attrs = m[1];
    out.push({ code: m[2], background: /\bbackground\b/.test(attrs), wait: /wait="([^"]*)"/.exec(attrs)?.[1] });
  }
  return out;
}

function script(blocks) {
  const lines = [
    'set -euo pipefail',
    'set -m', // every background job in its own process group, so the whole group is stopped at the end
    'cleanup() { for p in $(jobs -p); do kill -TERM -- -"$p" 2>/dev/null || true; done; wait || true; }',
    'trap cleanup EXIT',
  ];
  blocks.forEach((b, i) => {
    lines.push(`echo "--- doctest block ${i + 1}" >&2`);
    if (!b.background) {
      lines.push(b.code);
      return;
    }
    const log = `"$DOCTEST_DIR/background-${i + 1}.log"`;
    lines.push(`( ${b.code.trim()}\n) > ${log} 2>&1 &`, `bg=$!`);
    // Wait on the line the block prints when ready (or its exit, which fails the test with its output).
    lines.push(
      `until grep -q ${JSON.stringify(b.wait ?? '')} ${log}; do`,
      `  if ! kill -0 "$bg" 2>/dev/null; then echo "background block ${i + 1} exited:" >&2; cat ${log} >&2; exit 1; fi`,
      '  sleep 0.1',
      'done',
    );
  });
  return lines.join('\n') + '\n';
}

test(
  'README.md, docs/*.md and examples/README.md: every marked shell block runs verbatim, in order',
  { timeout: 600_000 },
  async () => {
    const docs = [
      'README.md',
      ...readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
      'examples/README.md',
    ];
    const blocks = docs.flatMap((d) => doctestBlocks(readFileSync(join(root, d), 'utf8')));
    assert.ok(blocks.length >= 5, 'the README has marked blocks');

    // A copy as a fresh clone has it: tracked and new (not ignored) files, plus this checkout's installed
    // dependencies and build (a clone would get them from `npm ci` and the first `npm start`).
    const copy = mkdtempSync(join(tmpdir(), 'kubeauth-readme-'));
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const f of files) {
      try {
        cpSync(join(root, f), join(copy, f), { preserveTimestamps: true });
      } catch (e) {
        if (e.code !== 'ENOENT') throw e; // deleted but not yet committed
      }
    }
    for (const pkg of ['packages/server', 'packages/verify'])
      cpSync(join(root, pkg, 'dist'), join(copy, pkg, 'dist'), { recursive: true, preserveTimestamps: true });
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const work = join(copy, '.doctest');
    mkdirSync(work);
    writeFileSync(join(work, 'run.sh'), script(blocks));
    try {
      const r = await new Promise((res) => {
        const p = spawn('bash', [join(work, 'run.sh')], {
          cwd: copy,
          env: { ...process.env, DOCTEST_DIR: work, HOME: work, KUBECONFIG: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (out += d));
        p.on('exit', (code) => res({ code, out }));
      });
      assert.equal(r.code, 0, r.out);
      // What the README says the walkthrough shows.
      assert.match(r.out, /kube-api-access-/);
      assert.match(r.out, /authenticated: true/);
      assert.match(r.out, /hello system:serviceaccount:proxy-demo:caller/);
      assert.match(
        r.out,
        /"message":"forbidden: User \\"system:serviceaccount:proxy-demo:caller\\" cannot get path \\"\/other\\"".*"code":403\}\n/,
      );
      assert.match(r.out, /\n401\n/);
      // kubeauth rbac over the risky fixture: who-can lists the grant, explain names the near miss on the verb.
      assert.match(r.out, /User +dev +apps +RoleBinding\/apps\/dev-deploys +Role\/apps\/deployer +0/);
      assert.match(r.out, /RoleBinding\/apps\/dev-deploys +Role\/apps\/deployer +0 +verb /);
      // The audit walkthrough: the second server wrote kube's httplog line for the list (and grep found the event).
      const logs = readdirSync(work)
        .filter((f) => f.startsWith('background-'))
        .map((f) => readFileSync(join(work, f), 'utf8'));
      assert.ok(
        logs.some((l) => /httplog\.go:\d+\] "HTTP" verb="LIST" URI="\/api\/v1\/namespaces/.test(l)),
        'the audit server logged the request',
      );
      // examples/README.md: the TokenReview service answered the caller's identity.
      assert.match(r.out, /\{"username":"system:serviceaccount:my-namespace:caller","groups":\[/);
      // `npm start` said what it was doing while it built, then printed the ready line.
      const start = readFileSync(join(work, 'background-1.log'), 'utf8');
      assert.match(
        start,
        /^\[1\/3\] compiling TypeScript \(tsc -b\)… done in [\d.]+ s\n\[2\/3\] bundling the kubeauth command \(esbuild\)… done in [\d.]+ s\n\[3\/3\] starting kubeauth serve\n/m,
      );
      assert.match(start, /kubeauth ready on https:\/\/127\.0\.0\.1:6443 in \d+ ms/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  },
);
