// `kubeauth audit2rbac --audit-log FILE (--user U | --serviceaccount NS:NAME) [--namespace NS] [-o yaml|json]`:
// prints the least-privilege RBAC objects for what the subject did, as kubectl would print them.
// `--verify` also replays the log through kubeauth's RBAC authorizer with only those objects and reports, on
// stderr, the requests refused and the rule parts nothing needed (both empty, or the command fails).
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FlagError, parseFlags, usage, type FlagSpec } from '../cli/flags.js';
import { generateRbac } from './generate.js';
import { readAuditLog, subjectUsername, type Subject } from './requests.js';

const flags: FlagSpec[] = [
  { name: 'audit-log', type: 'string', usage: 'audit.k8s.io/v1 log (JSON lines) to read' },
  { name: 'user', type: 'string', usage: 'the user whose requests to allow' },
  { name: 'serviceaccount', type: 'string', usage: 'the service account (NAMESPACE:NAME) whose requests to allow' },
  { name: 'namespace', type: 'string', usage: 'only requests in this namespace' },
  { name: 'name', type: 'string', usage: 'name of the generated objects (default audit2rbac:<username>)' },
  { name: 'output', shorthand: 'o', type: 'string', default: 'yaml', usage: 'output format: yaml or json' },
  { name: 'verify', type: 'bool', default: false, usage: 'replay the log against the result and report on stderr' },
];

function subjectOf(v: Map<string, unknown>): Subject {
  const user = v.get('user') as string | undefined;
  const sa = v.get('serviceaccount') as string | undefined;
  if ((user === undefined) === (sa === undefined))
    throw new FlagError('exactly one of --user or --serviceaccount is required');
  if (user !== undefined) {
    if (!user) throw new FlagError('--user must not be empty');
    return { kind: 'User', name: user };
  }
  const m = /^([^:]+):([^:]+)$/.exec(sa!);
  if (!m) throw new FlagError(`--serviceaccount ${JSON.stringify(sa)} must be NAMESPACE:NAME`);
  return { kind: 'ServiceAccount', namespace: m[1]!, name: m[2]! };
}

export async function audit2rbacCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      `Usage:\n  kubeauth audit2rbac --audit-log FILE (--user U | --serviceaccount NS:NAME) [flags]\n\nFlags:\n${usage(flags)}\n`,
    );
    return;
  }
  const { values, args } = parseFlags(flags, argv);
  if (args.length) throw new FlagError(`unexpected argument ${JSON.stringify(args[0])}`);
  const file = values.get('audit-log') as string | undefined;
  if (!file) throw new FlagError('--audit-log is required');
  const output = values.get('output') as string;
  if (output !== 'yaml' && output !== 'json')
    throw new FlagError(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: json,yaml`,
    );
  const subject = subjectOf(values);
  const namespace = values.get('namespace') as string | undefined;
  const { requests } = readAuditLog(readFileSync(file, 'utf8'), { subject, namespace });
  if (!requests.length)
    throw new FlagError(
      `no requests by ${subjectUsername(subject)}${namespace !== undefined ? ` in namespace ${namespace}` : ''} in ${file}`,
    );
  const objects = generateRbac(requests, { subject, name: values.get('name') as string | undefined });
  if (output === 'json')
    process.stdout.write(
      JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items: objects }, null, 4) + '\n',
    );
  else process.stdout.write(objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
  if (values.get('verify')) {
    const { replay, unneeded } = await import('./replay.js');
    const user = { username: subjectUsername(subject), groups: [] };
    const denied = replay(objects, requests, user);
    const extra = unneeded(objects, requests, user);
    process.stderr.write(
      `replayed ${requests.length} requests: ${denied.length} refused; ${extra.length} rule parts not needed\n`,
    );
    for (const d of denied) process.stderr.write(`refused: ${JSON.stringify(d)}\n`);
    for (const e of extra) process.stderr.write(`not needed: ${e}\n`);
    if (denied.length || extra.length) process.exitCode = 1;
  }
}
