// The client compatibility matrix (scripts/compat/): every kubectl version present, Helm 4 and
// @kubernetes/client-node run their fixed command sets against a started kubeauth; a cell that is `pass` in the
// committed docs/compatibility.md and fails now is a regression. Absent client binaries are skipped, with why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compat } from '../../scripts/compat.mjs';
import { regressions, render, parse } from '../../scripts/compat/doc.mjs';

const committed = readFileSync(new URL('../../docs/compatibility.md', import.meta.url), 'utf8');

test('no cell that passes in docs/compatibility.md fails now', async (t) => {
  const { regressed, skipped, tables } = await compat({ write: false, baseline: committed, log: () => undefined });
  for (const s of skipped) t.diagnostic(`skipped (client absent): ${s}`);
  const improved = tables.flatMap((tb) =>
    tb.rows.flatMap((r) =>
      tb.columns
        .filter((c) => tb.cells.get(r.id)?.get(c.key)?.result === 'pass')
        .filter((c) => parse(committed).get(`${tb.table}\t${r.id}\t${c.key}`) !== 'pass')
        .map((c) => `${tb.table} ${c.key} \`${r.id}\``),
    ),
  );
  for (const i of improved) t.diagnostic(`now passes (run npm run compat to record it): ${i}`);
  assert.deepEqual(regressed, []);
});

test('the regression check reports a cell that passed and fails now, and nothing else', () => {
  const row = { id: 'version', title: 'v', steps: () => [] };
  const other = { id: 'explain', title: 'e', steps: () => [] };
  const table = (a, b) => ({
    table: 'kubectl',
    columns: [{ key: '1.27' }, { key: '1.35', client: { why: 'not installed' } }],
    rows: [row, other],
    cells: new Map([
      ['version', new Map([['1.27', a], ...(b ? [['1.35', b]] : [])])],
      ['explain', new Map([['1.27', { result: 'fail', error: 'boom' }]])],
    ]),
  });
  const pass = { result: 'pass' };
  const before = render([table(pass, pass)], []);
  assert.match(before, /^\| `version` \| pass \| pass \|$/m);
  assert.match(before, /^\| `explain` \| fail \| absent \|$/m);
  // Same results: nothing to report. A failing cell that failed before is not a regression.
  assert.deepEqual(regressions(before, [table(pass, pass)]), { regressed: [], skipped: [] });
  // A pass that fails now is; a pass whose client is now absent is reported as skipped.
  assert.deepEqual(regressions(before, [table({ result: 'fail', error: 'exit 1' }, undefined)]), {
    regressed: ['kubectl 1.27 `version`: exit 1'],
    skipped: ['kubectl 1.35 `version`: not installed'],
  });
  // An expected failure of a cell that passed before is a regression too.
  assert.equal(regressions(before, [table({ result: 'expected-fail', error: 'x' }, pass)]).regressed.length, 1);
});
