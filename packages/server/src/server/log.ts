// Structured logs as JSON lines on stderr (stdout carries only the ready line and command output).
import type { Logger } from './apiserver.js';
import { hasKey } from '../api/ownkeys.js';

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type Level = keyof typeof levels;

export function createLogger(
  level: string = 'info',
  out: NodeJS.WritableStream = process.stderr,
): Logger & {
  warn(msg: string, f?: Record<string, unknown>): void;
  debug(msg: string, f?: Record<string, unknown>): void;
  /** Why the sink cannot take more lines (closed, ended or failed), or undefined while it can. */
  sinkError(): string | undefined;
} {
  const min = levels[hasKey(levels, level) ? (level as Level) : 'info'];
  const write = (l: Level, msg: string, f?: Record<string, unknown>) => {
    if (levels[l] < min) return;
    out.write(JSON.stringify({ level: l, time: new Date().toISOString(), msg, ...f }) + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    sinkError: () => sinkError(out),
  };
}

/** Why a writable stream cannot take more writes, or undefined. */
export function sinkError(out: NodeJS.WritableStream): string | undefined {
  const w = out as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean; errored?: Error | null };
  if (w.errored) return `log sink failed: ${w.errored.message}`;
  if (w.destroyed) return 'log sink closed';
  if (w.writableEnded || !w.writable) return 'log sink ended';
  return undefined;
}
