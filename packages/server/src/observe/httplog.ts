// Request logs as kube-apiserver's httplog writes them: one "HTTP" line per request with verb, URI, latency,
// user agent, audit ID, source address and response code. `--logging-format=json` gives pino's JSON lines with
// kube's JSON field names (ts, msg, v); `text` gives klog's header (`I1203 12:00:00.000000 <pid> httplog.go:134]`)
// and key="value" pairs, rendered from the same pino record.
import { pino, type Logger } from 'pino';

export type LoggingFormat = 'text' | 'json';

export interface HttpLogRecord {
  verb: string;
  URI: string;
  latency: string;
  userAgent: string;
  'audit-ID': string;
  srcIP: string;
  user?: string;
  resp: number;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** klog's header: severity, MMDD hh:mm:ss.uuuuuu, pid, caller. */
function klogHeader(ts: number): string {
  const d = new Date(ts);
  const micros = Math.floor((ts % 1000) * 1000);
  return (
    `I${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:` +
    `${pad(d.getUTCSeconds())}.${pad(micros, 6)} ${String(process.pid).padStart(7)} httplog.go:134]`
  );
}

/** A pino destination that turns each JSON record into klog's text form. */
function textDestination(out: NodeJS.WritableStream): { write(s: string): void } {
  return {
    write(s: string) {
      const r = JSON.parse(s) as Record<string, unknown>;
      const { ts, msg, v: _v, ...kv } = r;
      const pairs = Object.entries(kv)
        .map(([k, val]) => `${k}=${typeof val === 'string' ? JSON.stringify(val) : String(val)}`)
        .join(' ');
      out.write(`${klogHeader(Number(ts))} ${JSON.stringify(msg)} ${pairs}\n`);
    },
  };
}

/** Go's time.Duration String() for a latency in milliseconds (`1.234567ms`, `12.5µs`, `1.5s`). */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns < 1000) return `${ns}ns`;
  const trim = (x: number) => String(Number(x.toFixed(6))).replace(/\.?0+$/, '') || '0';
  if (ns < 1e6) return `${trim(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  return `${trim(ns / 1e9)}s`;
}

export class HttpLog {
  private readonly log: Logger;

  constructor(
    readonly verbosity: number,
    format: LoggingFormat,
    out: NodeJS.WritableStream = process.stderr,
  ) {
    this.log = pino(
      {
        base: null,
        messageKey: 'msg',
        timestamp: () => `,"ts":${Date.now()}`,
        // kube's JSON lines carry the verbosity of the call as `v` where pino would write its level.
        formatters: { level: () => ({ v: 2 }) },
      },
      format === 'json' ? out : textDestination(out),
    );
  }

  /** Whether a request line is written at all (`-v=2` and above). */
  get enabled(): boolean {
    return this.verbosity >= 2;
  }

  request(r: HttpLogRecord): void {
    this.log.info(r, 'HTTP');
  }
}
