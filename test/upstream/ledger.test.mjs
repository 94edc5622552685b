// The ledger check runs as a test: the real ledger must pass, and each rule must catch what it is for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLedger } from '../../scripts/ledger.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

test('the ledger passes its check and prints the counts', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/ledger.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^upstream ledger: \d+ ported \/ \d+ not-applicable \/ 0 failing \/ \d+ total$/m);
  // The README shows the same line, so its counts cannot go stale.
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.ok(readme.includes(`\n${r.stdout.trim()}\n`), `README.md must show: ${r.stdout.trim()}`);
});

const up = { repo: 'kubernetes/kubernetes', path: 'x_test.go', commit: 'a'.repeat(40), function: 'TestX' };
const ported = (id, name = `[${id}] t`) => ({ id, upstream: up, status: 'ported', test: { file: 'f.mjs', name } });
const files = { 'f.mjs': "test('[a] t', () => {});\ntest('[b] t', () => {});\n" };
const read = (f) => {
  if (!Object.hasOwn(files, f)) throw new Error('missing');
  return files[f];
};

test('rules: failing, missing test, missing name, missing reason, dropped or demoted ported entries', () => {
  assert.deepEqual(checkLedger({ entries: [ported('a'), ported('b')] }, [], read).problems, []);
  const bad = checkLedger(
    {
      entries: [
        { id: 'c', upstream: up, status: 'failing', shows: 'wrong status code' },
        ported('d'),
        { ...ported('e'), test: { file: 'nope.mjs', name: '[e] t' } },
        { id: 'f', upstream: up, status: 'not-applicable' },
        { ...ported('g', 'no id here') },
        { id: 'b', upstream: up, status: 'not-applicable', reason: 'a reason that is long enough to read' },
      ],
    },
    [{ ref: 'HEAD', ledger: { entries: [ported('a'), ported('b')] } }],
    read,
  );
  assert.deepEqual(bad.counts, { ported: 3, 'not-applicable': 2, failing: 1, total: 6 });
  assert.deepEqual(bad.problems, [
    'c: failing: wrong status code',
    'd: no test named "[d] t" in f.mjs',
    'e: test file nope.mjs missing',
    'f: not-applicable without a reason',
    'g: test name does not carry the id',
    'g: no test named "no id here" in f.mjs',
    'a: ported in HEAD, now gone',
    'b: ported in HEAD, now not-applicable',
  ]);
});

test('rules: a revision is a commit, or the source index id of the text read with what dates it', () => {
  const { commit: _c, ...noCommit } = up;
  const e = (id, upstream) => ({
    id,
    upstream,
    status: 'not-applicable',
    reason: 'a reason that is long enough to read',
  });
  const r = checkLedger({
    entries: [
      e('a', { ...noCommit, indexId: '123', revision: '1.31 or later (ktesting.Init)' }),
      e('b', { ...noCommit, indexId: '123' }),
      e('c', noCommit),
    ],
  });
  assert.deepEqual(r.problems, ['b: upstream commit missing', 'c: upstream commit missing']);
});

test('the generated table: one row per upstream file, and no block without the markers', async () => {
  const { coverageTable, withBlock } = await import('../../scripts/ledger.mjs');
  const table = coverageTable({ entries: [ported('a'), ported('b'), { id: 'x', upstream: null, status: 'ported' }] });
  assert.match(table, /\| `x_test.go` \| 2 \| 0 \| 0 \| 2 \|/);
  assert.match(table, /\| \(no upstream test: pinned shortcuts\) \| 1 \| 0 \| 0 \| 1 \|/);
  assert.match(table, /upstream ledger: 3 ported \/ 0 not-applicable \/ 0 failing \/ 3 total/);
  assert.equal(withBlock('no markers here', table), undefined);
});
