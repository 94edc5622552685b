// Machine-readable reports for CI: SARIF 2.1.0 (code scanning), JUnit XML (test reporters), JSON.
import type { AssertionResult } from '../../authz/explain/assertions.js';
import { type Finding, techniques, escalationPathId } from '../../authz/explain/lint.js';
import { formatBinding, formatSubject } from '../../authz/explain/refs.js';

const sarifLevel = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;

export function sarif(findings: readonly Finding[], toolVersion: string): unknown {
  const rules = [
    ...techniques.map((t) => ({
      id: t.id,
      name: t.name,
      shortDescription: { text: t.what },
      help: { text: t.fix },
      properties: { severity: t.severity },
    })),
    {
      id: escalationPathId,
      name: 'escalation-path',
      shortDescription: { text: 'a chain of grants leads to a subject holding more' },
      help: { text: 'break a link of the chain' },
      properties: { severity: 'high' },
    },
  ];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kubeauth rbac lint', version: toolVersion, rules } },
        results: findings.map((f) => ({
          ruleId: f.id,
          level: sarifLevel[f.severity],
          message: { text: `${f.message}. Path: ${f.path.join(' ; ')}. Fix: ${f.fix}` },
          locations: [{ logicalLocations: [{ fullyQualifiedName: formatBinding(f.binding), kind: 'resource' }] }],
          properties: { severity: f.severity, subject: formatSubject(f.subject), path: f.path },
        })),
      },
    ],
  };
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** One test case per finding (each a failure); a clean run is one passing case. */
export function lintJunit(findings: readonly Finding[]): string {
  const cases = findings.length
    ? findings.map(
        (f) =>
          `    <testcase classname="rbac.lint.${f.id}" name="${xml(`${f.technique}: ${formatSubject(f.subject)} via ${formatBinding(f.binding)}`)}">\n` +
          `      <failure type="${f.severity}" message="${xml(f.message)}">${xml([...f.path, `fix: ${f.fix}`].join('\n'))}</failure>\n` +
          `    </testcase>`,
      )
    : ['    <testcase classname="rbac.lint" name="no findings"/>'];
  return suite('kubeauth rbac lint', findings.length, findings.length, cases);
}

export function assertionsJunit(results: readonly AssertionResult[]): string {
  const failed = results.filter((r) => !r.passed).length;
  const cases = results.map((r) => {
    const head = `    <testcase classname="rbac.test" name="${xml(r.name)}">`;
    if (r.passed) return `${head}</testcase>`;
    const e = r.explanation;
    const why = e.allowed
      ? `allowed${e.privileged ? ' (system:masters)' : ''}: ${e.reason}`
      : `denied${e.reason ? `: ${e.reason}` : ''}${e.nearMisses.length ? `; nearest: ${e.nearMisses.map((m) => `${formatBinding(m.binding)} rule ${m.ruleIndex} (${m.mismatch})`).join(', ')}` : ''}`;
    return `${head}\n      <failure message="expected ${r.assertion.expect}">${xml(`${r.assertion.source}: ${why}`)}</failure>\n    </testcase>`;
  });
  return suite('kubeauth rbac test', results.length, failed, cases);
}

function suite(name: string, tests: number, failures: number, cases: string[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${xml(name)}" tests="${tests || 1}" failures="${failures}" errors="0">\n` +
    `${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`
  );
}
