// The flags of metrics, audit and request logs, with kube-apiserver's names, defaults and messages
// (k8s.io/apiserver/pkg/server/options/audit.go, component-base/logs).
import type { FlagSpec } from './flags.js';
import { FlagError } from './flags.js';
import type { LoggingFormat } from '../observe/httplog.js';

export interface OpsOptions {
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogFormat: 'json' | 'legacy';
  auditLogMaxAge: number;
  auditLogMaxBackup: number;
  auditLogMaxSize: number;
  auditLogCompress: boolean;
  loggingFormat: LoggingFormat;
  verbosity: number;
}

export const opsFlagSpecs: FlagSpec[] = [
  {
    name: 'audit-policy-file',
    type: 'string',
    usage: 'Path to the file that defines the audit policy configuration.',
  },
  {
    name: 'audit-log-path',
    type: 'string',
    usage: "If set, all requests coming to the apiserver will be logged to this file.  '-' means standard out.",
  },
  {
    name: 'audit-log-format',
    type: 'string',
    default: 'json',
    usage:
      'Format of saved audits. "legacy" indicates 1-line text format for each event. "json" indicates structured json format. Known formats are legacy,json.',
  },
  {
    name: 'audit-log-maxage',
    type: 'int',
    default: 0,
    usage: 'The maximum number of days to retain old audit log files based on the timestamp encoded in their filename.',
  },
  {
    name: 'audit-log-maxbackup',
    type: 'int',
    default: 0,
    usage:
      "The maximum number of old audit log files to retain. Setting a value of 0 will mean there's no restriction on the number of files.",
  },
  {
    name: 'audit-log-maxsize',
    type: 'int',
    default: 0,
    usage: 'The maximum size in megabytes of the audit log file before it gets rotated.',
  },
  {
    name: 'audit-log-compress',
    type: 'bool',
    default: false,
    usage: 'If set, the rotated log files will be compressed using gzip.',
  },
  {
    name: 'logging-format',
    type: 'string',
    default: 'text',
    usage: 'Sets the log format. Permitted formats: "json", "text".',
  },
  { name: 'v', shorthand: 'v', type: 'int', default: 0, usage: 'number for the log level verbosity' },
];

export const logLevels = ['debug', 'info', 'warn', 'error'];

export function parseOpsOptions(v: Map<string, unknown>): OpsOptions {
  const o: OpsOptions = {
    auditPolicyFile: v.get('audit-policy-file') as string | undefined,
    auditLogPath: v.get('audit-log-path') as string | undefined,
    auditLogFormat: v.get('audit-log-format') as 'json' | 'legacy',
    auditLogMaxAge: v.get('audit-log-maxage') as number,
    auditLogMaxBackup: v.get('audit-log-maxbackup') as number,
    auditLogMaxSize: v.get('audit-log-maxsize') as number,
    auditLogCompress: v.get('audit-log-compress') as boolean,
    loggingFormat: v.get('logging-format') as LoggingFormat,
    verbosity: v.get('v') as number,
  };
  const errs: string[] = [];
  if (o.auditLogFormat !== 'json' && o.auditLogFormat !== 'legacy')
    errs.push(`invalid audit log format ${o.auditLogFormat}, allowed formats are "legacy,json"`);
  for (const [flag, n] of [
    ['audit-log-maxage', o.auditLogMaxAge],
    ['audit-log-maxbackup', o.auditLogMaxBackup],
    ['audit-log-maxsize', o.auditLogMaxSize],
  ] as const)
    if (n < 0) errs.push(`--${flag} ${n} can't be a negative number`);
  if (o.loggingFormat !== 'text' && o.loggingFormat !== 'json')
    errs.push(`format: Unsupported value: "${o.loggingFormat}": supported values: "json", "text"`);
  if (o.verbosity < 0) errs.push(`invalid argument "${o.verbosity}" for "-v, --v" flag: must be non-negative`);
  const level = v.get('log-level');
  if (level !== undefined && !logLevels.includes(level as string))
    errs.push(`--log-level ${JSON.stringify(level)} is not supported: use debug, info, warn or error`);
  if (errs.length) throw new FlagError(errs.join('\n'));
  return o;
}
