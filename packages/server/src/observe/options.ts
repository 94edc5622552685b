// What metrics, audit and request logging are set up from (kube-apiserver's audit and logging options);
// cli/ops-flags.ts maps the flags onto it.
import type { LoggingFormat } from './httplog.js';

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
  auditWebhook?: AuditWebhookOptions;
}

export interface AuditWebhookOptions {
  configFile: string;
  mode: 'batch' | 'blocking' | 'blocking-strict';
  initialBackoffMs: number;
  bufferSize: number;
  maxBatchSize: number;
  maxBatchWaitMs: number;
  throttleEnable: boolean;
  throttleQPS: number;
  throttleBurst: number;
  truncate?: { maxEventSize: number; maxBatchSize: number };
}
