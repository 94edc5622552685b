// The flags of metrics, audit and request logs, with kube-apiserver's names, defaults and messages
// (k8s.io/apiserver/pkg/server/options/audit.go, component-base/logs).
import type { FlagSpec } from './flags.js';
import { FlagError } from './flags.js';
import type { LoggingFormat } from '../observe/httplog.js';
import type { AuditWebhookOptions, OpsOptions } from '../observe/options.js';

// The settings themselves belong to observe/ (below cli/ in the layers); the flags map onto them here.
export type { OpsOptions, AuditWebhookOptions } from '../observe/options.js';

const webhookModes = ['batch', 'blocking', 'blocking-strict'];

/** --audit-webhook-*: kube's names, defaults and usage texts (pkg/server/options/audit.go). */
const webhookFlagSpecs: FlagSpec[] = [
  {
    name: 'audit-webhook-config-file',
    type: 'string',
    usage: 'Path to a kubeconfig formatted file that defines the audit webhook configuration.',
  },
  {
    name: 'audit-webhook-initial-backoff',
    type: 'duration',
    default: 10,
    usage: 'The amount of time to wait before retrying the first failed request.',
  },
  {
    name: 'audit-webhook-mode',
    type: 'string',
    default: 'batch',
    usage:
      'Strategy for sending audit events. Blocking indicates sending events should block server responses. Batch causes the backend to buffer and write events asynchronously. Known modes are batch,blocking,blocking-strict.',
  },
  {
    name: 'audit-webhook-batch-buffer-size',
    type: 'int',
    default: 10000,
    usage: 'The size of the buffer to store events before batching and writing. Only used in batch mode.',
  },
  {
    name: 'audit-webhook-batch-max-size',
    type: 'int',
    default: 400,
    usage: 'The maximum size of a batch. Only used in batch mode.',
  },
  {
    name: 'audit-webhook-batch-max-wait',
    type: 'duration',
    default: 30,
    usage:
      "The amount of time to wait before force writing the batch that hadn't reached the max size. Only used in batch mode.",
  },
  {
    name: 'audit-webhook-batch-throttle-enable',
    type: 'bool',
    default: true,
    usage: 'Whether batching throttling is enabled. Only used in batch mode.',
  },
  {
    name: 'audit-webhook-batch-throttle-qps',
    type: 'float',
    default: 10,
    usage: 'Maximum average number of batches per second. Only used in batch mode.',
  },
  {
    name: 'audit-webhook-batch-throttle-burst',
    type: 'int',
    default: 15,
    usage:
      'Maximum number of requests sent at the same moment if ThrottleQPS was not utilized before. Only used in batch mode.',
  },
  {
    name: 'audit-webhook-truncate-enabled',
    type: 'bool',
    default: false,
    usage: 'Whether event and batch truncating is enabled.',
  },
  {
    name: 'audit-webhook-truncate-max-batch-size',
    type: 'int',
    default: 10485760,
    usage:
      'Maximum size of the batch sent to the underlying backend. Actual serialized size can be several hundreds of bytes greater. If a batch exceeds this limit, it is split into several batches of smaller size.',
  },
  {
    name: 'audit-webhook-truncate-max-event-size',
    type: 'int',
    default: 102400,
    usage:
      "Maximum size of the audit event sent to the underlying backend. If the size of an event is greater than this number, first request and response are removed, and if this doesn't reduce the size enough, event is discarded.",
  },
];

/** The webhook options, validated as AuditWebhookOptions.Validate does (only when a config file is given). */
function parseWebhookOptions(v: Map<string, unknown>, errs: string[]): AuditWebhookOptions | undefined {
  const configFile = v.get('audit-webhook-config-file') as string | undefined;
  if (!configFile) return undefined;
  const o: AuditWebhookOptions = {
    configFile,
    mode: v.get('audit-webhook-mode') as AuditWebhookOptions['mode'],
    initialBackoffMs: (v.get('audit-webhook-initial-backoff') as number) * 1000,
    bufferSize: v.get('audit-webhook-batch-buffer-size') as number,
    maxBatchSize: v.get('audit-webhook-batch-max-size') as number,
    maxBatchWaitMs: (v.get('audit-webhook-batch-max-wait') as number) * 1000,
    throttleEnable: v.get('audit-webhook-batch-throttle-enable') as boolean,
    throttleQPS: v.get('audit-webhook-batch-throttle-qps') as number,
    throttleBurst: v.get('audit-webhook-batch-throttle-burst') as number,
  };
  const maxEventSize = v.get('audit-webhook-truncate-max-event-size') as number;
  const maxBatchBytes = v.get('audit-webhook-truncate-max-batch-size') as number;
  if (!webhookModes.includes(o.mode))
    errs.push(`invalid audit webhook mode ${o.mode}, allowed modes are "${webhookModes.join(',')}"`);
  else if (o.mode === 'batch') {
    if (o.bufferSize <= 0)
      errs.push(`invalid audit batch webhook buffer size ${o.bufferSize}, must be a positive number`);
    else if (o.maxBatchSize <= 0)
      errs.push(`invalid audit batch webhook max batch size ${o.maxBatchSize}, must be a positive number`);
    else if (o.throttleEnable && o.throttleQPS <= 0)
      errs.push(`invalid audit batch webhook throttle QPS ${o.throttleQPS}, must be a positive number`);
    else if (o.throttleEnable && o.throttleBurst <= 0)
      errs.push(`invalid audit batch webhook throttle burst ${o.throttleBurst}, must be a positive number`);
  }
  if (maxEventSize <= 0)
    errs.push(`invalid audit truncate webhook max event size ${maxEventSize}, must be a positive number`);
  else if (maxBatchBytes < maxEventSize)
    errs.push(
      `invalid audit truncate webhook max batch size ${maxBatchBytes}, must be greater than max event size (${maxEventSize})`,
    );
  if (v.get('audit-webhook-truncate-enabled')) o.truncate = { maxEventSize, maxBatchSize: maxBatchBytes };
  return o;
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
  ...webhookFlagSpecs,
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
  o.auditWebhook = parseWebhookOptions(v, errs);
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
