// kube-apiserver's etcd flags (--etcd-*), for --storage-backend=etcd3.
import type { FlagSpec } from './flags.js';

export interface EtcdOptions {
  servers: string[];
  prefix: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Seconds; 0 = no compaction. */
  compactionInterval: number;
  /** Seconds. */
  healthcheckTimeout: number;
}

export const etcdFlagSpecs: FlagSpec[] = [
  {
    name: 'etcd-servers',
    type: 'stringSlice',
    default: [],
    usage: 'List of etcd servers to connect with (scheme://ip:port), comma separated.',
  },
  {
    name: 'etcd-prefix',
    type: 'string',
    default: '/registry',
    usage: 'The prefix to prepend to all resource paths in etcd.',
  },
  { name: 'etcd-cafile', type: 'string', usage: 'SSL Certificate Authority file used to secure etcd communication.' },
  { name: 'etcd-certfile', type: 'string', usage: 'SSL certification file used to secure etcd communication.' },
  { name: 'etcd-keyfile', type: 'string', usage: 'SSL key file used to secure etcd communication.' },
  {
    name: 'etcd-compaction-interval',
    type: 'duration',
    default: 300,
    usage: 'The interval of compaction requests. If 0, the compaction request from apiserver is disabled.',
  },
  {
    name: 'etcd-healthcheck-timeout',
    type: 'duration',
    default: 2,
    usage: 'The timeout to use when checking etcd health.',
  },
];

export function etcdOptions(v: Map<string, unknown>): EtcdOptions {
  return {
    servers: v.get('etcd-servers') as string[],
    prefix: v.get('etcd-prefix') as string,
    caFile: v.get('etcd-cafile') as string | undefined,
    certFile: v.get('etcd-certfile') as string | undefined,
    keyFile: v.get('etcd-keyfile') as string | undefined,
    compactionInterval: v.get('etcd-compaction-interval') as number,
    healthcheckTimeout: v.get('etcd-healthcheck-timeout') as number,
  };
}

/** kube-apiserver's messages (etcd_options.go Validate) where it has one. */
export function validateEtcd(backend: string, o: EtcdOptions): string[] {
  const errs: string[] = [];
  if (backend !== 'etcd3') return errs;
  if (o.servers.length === 0) errs.push('--etcd-servers must be specified');
  for (const s of o.servers)
    if (!/^https?:\/\/[^/]+$/.test(s)) errs.push(`--etcd-servers ${JSON.stringify(s)} must be scheme://host:port`);
  if (o.compactionInterval < 0) errs.push('--etcd-compaction-interval must be 0 or positive');
  if (o.healthcheckTimeout <= 0) errs.push('--etcd-healthcheck-timeout must be greater than 0');
  return errs;
}
