// Checks test/upstream/ledger.json, the list of upstream Kubernetes tests and what kubeauth does with each, and
// prints `ported / not-applicable / failing / total`. Exits non-zero when an entry is `failing`, when a `ported`
// entry's test file or test name is missing, when an entry lacks what its status needs (a reason, an upstream
// commit), or when an entry that was `ported` in a committed baseline is gone or no longer `ported`.
// Baselines: HEAD and HEAD~1 (so a working-tree edit and the last commit are both checked), or the refs in
// LEDGER_BASE (comma-separated).
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ledgerPath = 'test/upstream/ledger.json';

/** The ledger's problems, as sentences; empty when it is sound. `baselines` are parsed older ledgers. */
export function checkLedger(ledger, baselines = [], readTest = (f) => readFileSync(join(root, f), 'utf8')) {
  const problems = [];
  const counts = { ported: 0, 'not-applicable': 0, failing: 0, total: 0 };
  const ids = new Set();
  const texts = new Map();
  for (const e of ledger.entries) {
    counts.total++;
    if (ids.has(e.id)) problems.push(`${e.id}: duplicate id`);
    ids.add(e.id);
    if (!Object.hasOwn(counts, e.status) || e.status === 'total') {
      problems.push(`${e.id}: unknown status ${JSON.stringify(e.status)}`);
      continue;
    }
    counts[e.status]++;
    // The revision read: a commit, or — where the source index serves a file without naming its commit — the
    // index's id for that exact text (read_file id=…), with `revision` saying what dates it.
    if (
      e.upstream &&
      !/^[0-9a-f]{40}$/.test(e.upstream.commit ?? '') &&
      !(/^[0-9]+$/.test(e.upstream.indexId ?? '') && (e.upstream.revision ?? '').length > 20)
    )
      problems.push(`${e.id}: upstream commit missing`);
    if (e.upstream && !(e.upstream.path && e.upstream.function))
      problems.push(`${e.id}: upstream path/function missing`);
    if (e.status === 'failing') problems.push(`${e.id}: failing: ${e.shows ?? '(no description)'}`);
    if (e.status === 'not-applicable' && !(e.reason && e.reason.length > 20))
      problems.push(`${e.id}: not-applicable without a reason`);
    if (e.status === 'ported') {
      const t = e.test;
      if (!t?.file || !t?.name) {
        problems.push(`${e.id}: ported without test file and name`);
        continue;
      }
      if (!t.name.includes(`[${e.id}]`)) problems.push(`${e.id}: test name does not carry the id`);
      if (!texts.has(t.file)) {
        let text = null;
        try {
          text = readTest(t.file);
        } catch {
          /* missing */
        }
        texts.set(t.file, text);
      }
      const text = texts.get(t.file);
      if (text === null) problems.push(`${e.id}: test file ${t.file} missing`);
      else if (![`'${t.name}'`, `"${t.name}"`, `\`${t.name}\``].some((q) => text.includes(`test(${q}`)))
        problems.push(`${e.id}: no test named ${JSON.stringify(t.name)} in ${t.file}`);
    }
  }
  const now = new Map(ledger.entries.map((e) => [e.id, e]));
  for (const { ref, ledger: base } of baselines)
    for (const e of base.entries)
      if (e.status === 'ported') {
        const cur = now.get(e.id);
        if (!cur) problems.push(`${e.id}: ported in ${ref}, now gone`);
        else if (cur.status !== 'ported') problems.push(`${e.id}: ported in ${ref}, now ${cur.status}`);
      }
  return { counts, problems };
}

function baselineLedgers() {
  const refs = (process.env.LEDGER_BASE ?? 'HEAD,HEAD~1').split(',').filter(Boolean);
  const out = [];
  for (const ref of refs) {
    const r = spawnSync('git', ['show', `${ref}:${ledgerPath}`], { cwd: root, encoding: 'utf8' });
    if (r.status === 0) out.push({ ref, ledger: JSON.parse(r.stdout) });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = join(root, ledgerPath);
  if (!existsSync(path)) {
    console.error(`${ledgerPath} missing`);
    process.exit(1);
  }
  const { counts, problems } = checkLedger(JSON.parse(readFileSync(path, 'utf8')), baselineLedgers());
  console.log(
    `upstream ledger: ${counts.ported} ported / ${counts['not-applicable']} not-applicable / ${counts.failing} failing / ${counts.total} total`,
  );
  for (const p of problems) console.error(`  ${p}`);
  process.exit(problems.length ? 1 : 0);
}
