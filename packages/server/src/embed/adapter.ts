// The one place the testing API touches the server's start-up: flags in, a running server out. When the
// flags are mapped onto the server's configuration as `kubeauth serve` maps them, plus the test's clock.
import { serverConfig } from '../cli/config.js';
import { parseServeOptions } from '../cli/options.js';
import { startServer, type RunningServer } from '../server/app.js';
import type { Clock } from '../clock/clock.js';

export interface EmbeddedStart {
  dataDir: string;
  storage: 'memory' | 'sqlite';
  clock: Clock;
  logLevel: string;
  /** Further `kubeauth serve` flags, e.g. `--authorization-mode=AlwaysAllow`. */
  flags: string[];
}

export async function startEmbedded(s: EmbeddedStart): Promise<RunningServer> {
  const o = parseServeOptions([
    '--secure-port=0',
    `--data-dir=${s.dataDir}`,
    `--storage-backend=${s.storage}`,
    `--log-level=${s.logLevel}`,
    ...s.flags,
  ]);
  o.clock = s.clock;
  return startServer(await serverConfig(o));
}
