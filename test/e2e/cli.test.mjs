// The kubeauth command line: help for every command, version, and start-up errors that say what went wrong
// (in Go's words where kube-apiserver prints the same) and what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainJs, startKubeauth } from './harness.mjs';

function kubeauth(args) {
  return new Promise((res) =>
    execFile(process.execPath, [mainJs, ...args], (err, stdout, stderr) =>
      res({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

test('kubeauth --help lists every command; each command and subcommand has help', async () => {
  const top = await kubeauth(['--help']);
  assert.equal(top.code, 0);
  for (const c of ['serve', 'proxy', 'token', 'keys', 'rbac', 'ui', 'version', 'help'])
    assert.match(top.stdout, new RegExp(`^  ${c} +\\S`, 'm'), c);
  assert.equal((await kubeauth([])).stdout, top.stdout);
  assert.equal((await kubeauth(['help'])).stdout, top.stdout);
  const keys = await kubeauth(['keys', '--help']);
  assert.equal(keys.code, 0);
  for (const c of ['rotate', 'prune', 'list']) assert.match(keys.stdout, new RegExp(`^  ${c} +\\S`, 'm'));
  assert.equal((await kubeauth(['help', 'keys'])).stdout, keys.stdout);
  assert.equal((await kubeauth(['keys'])).stdout, keys.stdout);
  const rotate = await kubeauth(['keys', 'rotate', '--help']);
  assert.match(rotate.stdout, /^Usage:\n {2}kubeauth keys rotate \[flags\]$/m);
  assert.match(
    rotate.stdout,
    /--algorithm string +Algorithm of the new signing key: RS256, ES256, ES384 or ES512\. \(default "RS256"\)/,
  );
  assert.match((await kubeauth(['keys', 'prune', '--help'])).stdout, /--older-than duration .*\(default 8784h0m0s\)\n/);
  assert.match((await kubeauth(['keys', 'list', '--help'])).stdout, /kubeauth keys list \[flags\]/);
  const token = await kubeauth(['token', '--help']);
  assert.equal(token.code, 0);
  assert.match(token.stdout, /^ {2}inspect +Print a token's header and claims/m);
  assert.match((await kubeauth(['token', 'inspect', '--help'])).stdout, /kubeauth token inspect TOKEN/);
  assert.match((await kubeauth(['serve', '--help'])).stdout, /--secure-port int +The port on which to serve HTTPS/);
  assert.match((await kubeauth(['proxy', '--help'])).stdout, /kubeauth proxy --upstream URL \[flags\]/);
  assert.match((await kubeauth(['version', '--help'])).stdout, /kubeauth version/);
});

test('kubeauth version and --version', async () => {
  for (const args of [['version'], ['--version']]) {
    const r = await kubeauth(args);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'kubeauth 0.1.0 (Kubernetes v1.33.0 API)\n');
  }
});

test('unknown commands and flags say how to get help', async () => {
  let r = await kubeauth(['frobnicate']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `Error: unknown command "frobnicate" for "kubeauth"\nRun 'kubeauth --help' for usage.\n`);
  r = await kubeauth(['keys', 'shred']);
  assert.equal(r.stderr, `Error: unknown command "shred" for "kubeauth keys"\nRun 'kubeauth keys --help' for usage.\n`);
  r = await kubeauth(['token', 'mint']);
  assert.equal(
    r.stderr,
    `Error: unknown command "mint" for "kubeauth token"\nRun 'kubeauth token --help' for usage.\n`,
  );
  r = await kubeauth(['keys', 'list', '--older-than=1h']);
  assert.equal(r.stderr, 'Error: unknown flag: --older-than\n');
});

test('keys commands refuse a data dir that is not one, and change nothing', async () => {
  const r = await kubeauth(['keys', 'prune', '--data-dir', '/typo']);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'Error: data directory /typo does not exist: pass the --data-dir that kubeauth serve uses (default ./.kubeauth)\n',
  );
  const empty = mkdtempSync(join(tmpdir(), 'kubeauth-cli-'));
  try {
    const l = await kubeauth(['keys', 'list', '--data-dir', empty]);
    assert.equal(l.code, 1);
    assert.equal(
      l.stderr,
      `Error: ${empty} is not a kubeauth data directory (no pki/ in it): start kubeauth serve on it once first\n`,
    );
    assert.deepEqual(readdirSync(empty), []);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('keys rotate --algorithm ES384 makes a P-384 key that the restarted server signs with; unknown algorithms are refused', async () => {
  let s = await startKubeauth();
  const dir = s.dir;
  try {
    await s.kubectl(['create', 'token', 'default']); // the first key is on disk
    await s.stop({ keepDir: true });
    const bad = await kubeauth(['keys', 'rotate', '--data-dir', dir, '--algorithm', 'PS256']);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'Error: --algorithm "PS256" is not supported: use RS256, ES256, ES384 or ES512\n');
    assert.deepEqual(readdirSync(join(dir, 'pki')).includes('sa-old'), false, 'a refused rotation changes nothing');
    const r = await kubeauth(['keys', 'rotate', '--data-dir', dir, '--algorithm', 'ES384']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^new ES384 signing key written to /);
    const key = createPrivateKey(readFileSync(join(dir, 'pki/sa.key')));
    assert.equal(key.asymmetricKeyDetails.namedCurve, 'secp384r1');
    s = await startKubeauth([], { dataDir: dir });
    const token = (await s.kubectl(['create', 'token', 'default'])).stdout.trim();
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).alg, 'ES384');
    const review = await s.kubectl(['create', '-f', '-', '-o', 'jsonpath={.status.user.username}'], {
      input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
    });
    assert.equal(review.stdout, 'system:serviceaccount:default:default', review.stderr);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve: a port in use, an unusable data dir and a missing token file say what to do', async () => {
  const s = await startKubeauth();
  const tmp = mkdtempSync(join(tmpdir(), 'kubeauth-cli-'));
  try {
    const port = new URL(s.url).port;
    let r = await kubeauth([
      'serve',
      `--secure-port=${port}`,
      `--data-dir=${join(tmp, 'a')}`,
      '--storage-backend=memory',
    ]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `Error: listen tcp 127.0.0.1:${port}: bind: address already in use\n` +
        `port ${port} is taken (another kubeauth or kube-apiserver?): stop it, choose another --secure-port, or use --secure-port 0 for a free port\n`,
    );
    writeFileSync(join(tmp, 'file'), '');
    r = await kubeauth(['serve', '--secure-port=0', `--data-dir=${join(tmp, 'file/dir')}`]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `Error: mkdir ${join(tmp, 'file/dir')}: not a directory\n` +
        `the data directory ${join(tmp, 'file/dir')} is not usable: a file that is not a directory is in the way; choose a writable --data-dir (it is created when missing)\n`,
    );
    // A directory kubeauth may not write to: EACCES. Root ignores file modes, so as root the command runs as
    // `nobody` (setpriv); the message names the path, the reason and the flag to change.
    const readOnly = join(tmp, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    chmodSync(tmp, 0o755);
    const denied = join(readOnly, 'data');
    const serveDenied = ['serve', '--secure-port=0', `--data-dir=${denied}`];
    r =
      process.getuid?.() === 0
        ? await new Promise((res) =>
            execFile(
              'setpriv',
              ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, mainJs, ...serveDenied],
              (err, stdout, stderr) => res({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
            ),
          )
        : await kubeauth(serveDenied);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `Error: mkdir ${denied}: permission denied\n` +
        `the data directory ${denied} is not usable: kubeauth cannot write there (permission denied); choose a writable --data-dir (it is created when missing)\n`,
    );
    r = await kubeauth([
      'serve',
      '--secure-port=0',
      `--data-dir=${join(tmp, 'b')}`,
      '--token-auth-file=/nonexistent/tokens.csv',
    ]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'Error: open /nonexistent/tokens.csv: no such file or directory\n--token-auth-file /nonexistent/tokens.csv could not be read: check the path\n',
    );
    r = await kubeauth(['serve', '--secure-port=70000']);
    assert.equal(r.stderr, 'Error: --secure-port 70000 must be between 0 and 65535, inclusive. 0 picks a free port\n');
    r = await kubeauth(['serve', '--log-level=loud']);
    assert.equal(r.stderr, 'Error: --log-level "loud" is not supported: use debug, info, warn or error\n');
  } finally {
    await s.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
