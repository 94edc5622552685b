// `kubeauth rbac who-can|explain|matrix|lint|test`: RBAC answers over a policy from a live server (kubeconfig),
// from manifests (-f), optionally with the bootstrap policy — the same engine the rbac.kubeauth.dev API serves.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as JsYaml from 'js-yaml';
import type { UserInfo } from '../api/types.js';
import { type Assertion, checkAssertions } from '../authz/explain/assertions.js';
import { builtinResources, matrixVerbs, type ResourceInfo } from '../authz/explain/catalog.js';
import { explain } from '../authz/explain/explain.js';
import { describeRule, lint, severities, severityAtLeast, type Severity } from '../authz/explain/lint.js';
import { matrix } from '../authz/explain/matrix.js';
import { loadPolicy, type Policy } from '../authz/explain/policy.js';
import { impliedUser, toAttributes } from '../authz/explain/query.js';
import { formatBinding, formatRole, formatSubject } from '../authz/explain/refs.js';
import { whoCan } from '../authz/explain/who-can.js';
import { serviceAccountUsername } from '../authz/rbac/subjects.js';
import type { KObject } from '../api/types.js';
import { parseKubeconfigFile } from '../pki/kubeconfig.js';
import { FlagError, parseFlags, usage, type FlagSpec } from './flags.js';
import { parseQuery, parseResource, parseServiceAccountFlag, parseSubject } from './rbac/args.js';
import { readLive } from './rbac/live.js';
import { readManifests } from './rbac/manifests.js';
import { structured, table } from './rbac/output.js';
import { assertionsJunit, lintJunit, sarif } from './rbac/report.js';

const sourceFlags: FlagSpec[] = [
  {
    name: 'filename',
    shorthand: 'f',
    type: 'stringArray',
    usage: 'offline: manifest files or directories (YAML/JSON, multi-document, Lists, helm template output)',
  },
  { name: 'with-bootstrap-policy', type: 'bool', usage: "offline: add kube-apiserver's bootstrap roles and bindings" },
  { name: 'kubeconfig', type: 'string', usage: 'live: kubeconfig file (default $KUBECONFIG, else ~/.kube/config)' },
  { name: 'context', type: 'string', usage: 'live: the kubeconfig context to use' },
  {
    name: 'output',
    shorthand: 'o',
    type: 'string',
    default: '',
    usage: 'output format: json|yaml (lint: json|sarif|junit; test: junit)',
  },
];
const scopeFlags: FlagSpec[] = [
  { name: 'namespace', shorthand: 'n', type: 'string', usage: 'the namespace of the request' },
  { name: 'all-namespaces', shorthand: 'A', type: 'bool', usage: 'every namespace' },
];
const userFlags: FlagSpec[] = [
  { name: 'as', type: 'string', usage: 'the user to ask about' },
  { name: 'as-group', type: 'stringArray', usage: 'a group of that user (repeatable)' },
  { name: 'serviceaccount', type: 'string', usage: 'the ServiceAccount to ask about, NAMESPACE:NAME' },
];

const commands: Record<string, { flags: FlagSpec[]; synopsis: string }> = {
  'who-can': {
    synopsis: 'who-can VERB RESOURCE[.GROUP][/SUBRESOURCE] [NAME] [-n NS | -A] | who-can VERB --non-resource-url URL',
    flags: [
      ...scopeFlags,
      { name: 'non-resource-url', type: 'string', usage: 'a non-resource URL such as /metrics' },
      ...sourceFlags,
    ],
  },
  explain: {
    synopsis:
      'explain (--as USER [--as-group G]... | --serviceaccount NS:NAME) VERB RESOURCE[.GROUP][/SUB] [NAME] [-n NS]',
    flags: [
      ...userFlags,
      ...scopeFlags,
      { name: 'non-resource-url', type: 'string', usage: 'a non-resource URL' },
      ...sourceFlags,
    ],
  },
  matrix: {
    synopsis: 'matrix (--as USER [--as-group G]... | --serviceaccount NS:NAME) [-n NS | -A]',
    flags: [
      ...userFlags,
      ...scopeFlags,
      { name: 'verbs', type: 'stringSlice', default: matrixVerbs, usage: 'the verb columns' },
      ...sourceFlags,
    ],
  },
  lint: {
    synopsis: 'lint [--severity LEVEL] [-o json|sarif|junit]',
    flags: [
      {
        name: 'severity',
        type: 'string',
        default: 'info',
        usage: 'lowest severity to report: info|low|medium|high|critical',
      },
      { name: 'fail-on', type: 'string', default: '', usage: 'exit 1 when a finding has at least this severity' },
      { name: 'include-system', type: 'bool', usage: "also lint kube-apiserver's own system: bindings" },
      ...sourceFlags,
    ],
  },
  test: { synopsis: 'test FILE [-o junit]', flags: sourceFlags },
};

const help = `kubeauth rbac — who can, why, and what: RBAC answers for kubeauth, any cluster, or manifests

Usage:
${Object.values(commands)
  .map((c) => `  kubeauth rbac ${c.synopsis}`)
  .join('\n')}

Sources: live from --kubeconfig/--context (needs list on the four RBAC resources), or offline with -f FILE|DIR
(add --with-bootstrap-policy for kube-apiserver's default roles). Run 'kubeauth rbac COMMAND --help' for flags.
`;

export async function rbacCommand(
  argv: string[],
  out: { write(s: string): unknown } = process.stdout,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    out.write(help);
    return 0;
  }
  const cmd = commands[sub];
  if (!cmd) throw new FlagError(`unknown command "${sub}" for "kubeauth rbac"`);
  if (rest.includes('--help') || rest.includes('-h')) {
    out.write(`Usage:\n  kubeauth rbac ${cmd.synopsis}\n\nFlags:\n${usage(cmd.flags)}\n`);
    return 0;
  }
  const { values, args } = parseFlags(cmd.flags, rest);
  const v = <T>(name: string) => values.get(name) as T;
  const outputs: Record<string, string[]> = {
    lint: ['', 'json', 'yaml', 'sarif', 'junit'],
    test: ['', 'json', 'yaml', 'junit'],
  };
  const format = v<string>('output');
  if (!(outputs[sub] ?? ['', 'json', 'yaml']).includes(format))
    throw new FlagError(
      `unable to match a printer suitable for the output format "${format}", allowed formats are: ${(outputs[sub] ?? ['json', 'yaml']).filter(Boolean).join(',')}`,
    );
  if (v<boolean>('all-namespaces') && v<string>('namespace'))
    throw new FlagError('--namespace and --all-namespaces are mutually exclusive');

  const source = await loadSource(values);
  const print = (value: unknown, render: () => string) =>
    out.write(format === 'json' || format === 'yaml' ? structured(value, format) : render());

  switch (sub) {
    case 'who-can': {
      const q = parseQuery(args, v<string>('namespace') ?? '', v<string>('non-resource-url'));
      const r = whoCan(source.policy.index, q, { allNamespaces: v<boolean>('all-namespaces') });
      for (const u of r.unresolved)
        process.stderr.write(`Warning: ${formatBinding(u.binding)} grants nothing: ${u.error}\n`);
      print(r, () =>
        table(
          ['KIND', 'SUBJECT', 'SCOPE', 'BINDING', 'ROLE', 'RULE', 'NOTE'],
          [
            ...r.privileged.map((s) => [
              s.kind,
              s.name,
              '*',
              '-',
              '-',
              '-',
              'privileged: allowed everything, RBAC is not asked',
            ]),
            ...r.grants.map((g) => [
              g.subject.kind,
              g.subject.kind === 'ServiceAccount' ? `${g.subject.namespace}/${g.subject.name}` : g.subject.name,
              g.scope,
              formatBinding(g.binding),
              formatRole(g.role),
              String(g.ruleIndex),
              g.implies ?? '',
            ]),
          ],
        ),
      );
      return 0;
    }
    case 'explain': {
      const user = userFrom(values);
      const q = parseQuery(args, v<string>('namespace') ?? '', v<string>('non-resource-url'));
      const e = explain(source.policy.index, toAttributes(user, q));
      print({ user, request: q, ...e }, () => {
        const lines = [
          `Decision: ${e.allowed ? 'allowed' : 'denied'}${e.privileged ? ' (system:masters: RBAC is not asked)' : ''}`,
        ];
        lines.push(`Reason:   ${e.reason || '(RBAC has no opinion: no rule allows it)'}`);
        if (e.allowedBy.length)
          lines.push(
            '',
            'Allowed by:',
            table(
              ['BINDING', 'ROLE', 'RULE', 'SUBJECT', 'MATCHED'],
              e.allowedBy.map((r) => [
                formatBinding(r.binding),
                formatRole(r.role),
                String(r.ruleIndex),
                formatSubject(r.subject),
                describeRule(r.rule),
              ]),
            ).trimEnd(),
          );
        if (e.nearMisses.length)
          lines.push(
            '',
            'Nearest misses (rules bound to the user that match every attribute but one):',
            table(
              ['BINDING', 'ROLE', 'RULE', 'MISMATCH', 'RULE TEXT'],
              e.nearMisses.map((m) => [
                formatBinding(m.binding),
                formatRole(m.role),
                String(m.ruleIndex),
                m.mismatch,
                describeRule(m.rule),
              ]),
            ).trimEnd(),
          );
        if (e.unresolved.length)
          lines.push(
            '',
            'Bindings that apply but reference a missing role:',
            table(
              ['BINDING', 'ROLE', 'ERROR'],
              e.unresolved.map((u) => [formatBinding(u.binding), formatRole(u.role), u.error]),
            ).trimEnd(),
          );
        return lines.join('\n') + '\n';
      });
      return 0;
    }
    case 'matrix': {
      if (args.length) throw new FlagError(`unexpected arguments: ${args.join(' ')}`);
      const user = userFrom(values);
      const all = v<boolean>('all-namespaces');
      const ns = v<string>('namespace');
      const namespaces = all ? policyNamespaces(source.policy) : [ns ?? ''];
      const m = matrix(source.policy.index, user, {
        resources: matrixResources(source.policy),
        verbs: v<string[]>('verbs'),
        namespaces,
        aggregated: source.live ? undefined : source.policy.aggregated,
        otherAuthorizers: source.live
          ? 'a live cluster may run authorizers besides RBAC (Node, Webhook): they can allow more'
          : undefined,
      });
      for (const why of m.incomplete) process.stderr.write(`Warning: incomplete: ${why}\n`);
      print({ user, ...m }, () => {
        const head = [...(all ? ['NAMESPACE'] : []), 'NAME', ...m.verbs.map((x) => x.toUpperCase())];
        const rows = m.scopes.flatMap((s) =>
          s.rows.map((r) => [
            ...(all ? [s.namespace] : []),
            r.group ? `${r.resource.replace(/^([^/]+)/, `$1.${r.group}`)}` : r.resource,
            ...r.cells,
          ]),
        );
        return table(head, rows);
      });
      return 0;
    }
    case 'lint': {
      const min = severityFlag(v<string>('severity'), 'severity')!;
      const failOn = severityFlag(v<string>('fail-on'), 'fail-on');
      const findings = lint(source.policy.index, source.objects, {
        includeSystem: v<boolean>('include-system'),
      }).filter((f) => severityAtLeast(f.severity, min));
      findings.sort(
        (a, b) => severities.indexOf(b.severity) - severities.indexOf(a.severity) || a.id.localeCompare(b.id),
      );
      if (format === 'sarif') out.write(JSON.stringify(sarif(findings, version()), null, 2) + '\n');
      else if (format === 'junit') out.write(lintJunit(findings));
      else
        print(findings, () =>
          findings.length === 0
            ? 'No findings.\n'
            : table(
                ['SEVERITY', 'ID', 'SUBJECT', 'PATH', 'FIX'],
                findings.map((f) => [f.severity, f.id, formatSubject(f.subject), f.path.join(' ; '), f.fix]),
              ),
        );
      return failOn && findings.some((f) => severityAtLeast(f.severity, failOn)) ? 1 : 0;
    }
    case 'test': {
      if (args.length !== 1) throw new FlagError('you must specify exactly one FILE of assertions');
      const results = checkAssertions(source.policy.index, readAssertions(args[0]!));
      if (format === 'junit') out.write(assertionsJunit(results));
      else
        print(
          results.map((r) => ({
            name: r.name,
            passed: r.passed,
            expect: r.assertion.expect,
            allowed: r.explanation.allowed,
            reason: r.explanation.reason,
          })),
          () =>
            table(
              ['RESULT', 'ASSERTION', 'REASON'],
              results.map((r) => [
                r.passed ? 'PASS' : 'FAIL',
                r.name,
                r.explanation.reason || (r.explanation.privileged ? 'system:masters' : '-'),
              ]),
            ) + `${results.filter((r) => r.passed).length}/${results.length} passed\n`,
        );
      return results.every((r) => r.passed) ? 0 : 1;
    }
  }
  return 0;
}

interface Source {
  policy: Policy;
  /** Every object read (ServiceAccounts and Secrets too, for lint). */
  objects: KObject[];
  live: boolean;
}

async function loadSource(values: Map<string, unknown>): Promise<Source> {
  const files = (values.get('filename') as string[] | undefined) ?? [];
  const bootstrap = values.get('with-bootstrap-policy') === true;
  if (files.length) {
    const objects = readManifests(files);
    return { policy: loadPolicy(objects, { withBootstrapPolicy: bootstrap, aggregate: true }), objects, live: false };
  }
  if (bootstrap) throw new FlagError('--with-bootstrap-policy is for offline sources (-f): a live server has its own');
  const path =
    (values.get('kubeconfig') as string | undefined) ||
    process.env.KUBECONFIG?.split(':')[0] ||
    join(homedir(), '.kube', 'config');
  if (!existsSync(path))
    throw new FlagError(`no kubeconfig at ${path}: pass --kubeconfig, or -f FILE|DIR for manifests`);
  const conn = parseKubeconfigFile(path, { context: (values.get('context') as string | undefined) || undefined });
  const objects = await readLive(conn);
  return { policy: loadPolicy(objects), objects, live: true };
}

/** --as/--as-group or --serviceaccount, with the groups kube's authenticators (and impersonation) add. */
function userFrom(values: Map<string, unknown>): UserInfo {
  const as = values.get('as') as string | undefined;
  const sa = values.get('serviceaccount') as string | undefined;
  const groups = (values.get('as-group') as string[] | undefined) ?? [];
  if (as && sa) throw new FlagError('--as and --serviceaccount are mutually exclusive');
  if (sa) {
    const { namespace, name } = parseServiceAccountFlag(sa);
    return impliedUser(serviceAccountUsername(namespace, name), groups);
  }
  if (!as) throw new FlagError('you must specify --as USER or --serviceaccount NAMESPACE:NAME');
  return impliedUser(as, groups);
}

function severityFlag(v: string, flag: string): Severity | undefined {
  if (!v) return undefined;
  if (!(severities as readonly string[]).includes(v))
    throw new FlagError(`invalid --${flag} "${v}": expected one of ${severities.join(', ')}`);
  return v as Severity;
}

/** The namespaces a policy mentions (its Roles and RoleBindings), for -A. */
function policyNamespaces(p: Policy): string[] {
  const set = new Set<string>();
  for (const o of p.objects) if (o.metadata?.namespace) set.add(o.metadata.namespace);
  return [...set].sort();
}

/** Kubernetes' built-in resources plus any other the policy names explicitly (custom resources). */
function matrixResources(p: Policy): ResourceInfo[] {
  const out = [...builtinResources];
  const extra: ResourceInfo[] = [];
  const known = new Set(out.map((r) => `${r.group}/${r.resource}`));
  for (const o of p.objects) {
    if (o.kind !== 'Role' && o.kind !== 'ClusterRole') continue;
    for (const rule of (o.rules as Array<{ apiGroups?: string[]; resources?: string[] }> | undefined) ?? [])
      for (const g of rule.apiGroups ?? [])
        for (const r of rule.resources ?? []) {
          if (g === '*' || r.includes('*') || known.has(`${g}/${r}`)) continue;
          known.add(`${g}/${r}`);
          extra.push({ group: g, resource: r, namespaced: true });
        }
  }
  // Sorted: the order objects arrive in (a LIST, files) must not change the answer.
  extra.sort((a, b) => (a.group + '/' + a.resource < b.group + '/' + b.resource ? -1 : 1));
  return [...out, ...extra];
}

function readAssertions(file: string): Assertion[] {
  let doc: unknown;
  try {
    doc = JsYaml.load(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FlagError(`error reading ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { assertions?: unknown })?.assertions;
  if (!Array.isArray(list)) throw new FlagError(`${file}: expected a list of assertions (or an "assertions:" list)`);
  return list.map((raw, i) => {
    const where = `${file}: assertion ${i + 1}`;
    const a = (raw ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
    if (a.expect !== 'allow' && a.expect !== 'deny') throw new FlagError(`${where}: expect must be allow or deny`);
    if (!str('verb')) throw new FlagError(`${where}: verb is required`);
    const subject =
      typeof a.subject === 'string'
        ? parseSubject(a.subject)
        : a.subject && typeof a.subject === 'object'
          ? parseSubject(
              [
                (a.subject as Record<string, string>).kind,
                (a.subject as Record<string, string>).namespace,
                (a.subject as Record<string, string>).name,
              ]
                .filter((x) => x !== undefined)
                .join('/'),
            )
          : undefined;
    if (!subject)
      throw new FlagError(`${where}: subject is required (User/NAME, Group/NAME or ServiceAccount/NS/NAME)`);
    const url = str('nonResourceURL');
    if (!url && !str('resource')) throw new FlagError(`${where}: resource or nonResourceURL is required`);
    const query = url
      ? { verb: str('verb')!, nonResourceURL: url }
      : {
          verb: str('verb')!,
          ...parseResource(str('resource')!),
          name: str('name') ?? '',
          namespace: str('namespace') ?? '',
        };
    const groups = Array.isArray(a.groups) ? a.groups.filter((g): g is string => typeof g === 'string') : undefined;
    return { subject, groups, query, expect: a.expect, source: where };
  });
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}
