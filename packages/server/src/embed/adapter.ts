// The one place the testing API touches the server's start-up: flags in, a running server out. When the
// flags are mapped onto the server's configuration as `kubeauth serve` maps them, plus the test's clock.
import { serverConfig } from '../cli/config.js';
import { parseServeOptions } from '../cli/options.js';
import { explainStartError } from '../cli/start-errors.js';
import { StartError } from './start-error.js';
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
  try {
    return await startServer(await serverConfig(o));
  } catch (e) {
    const explained = explainStartError(e, o);
    if (!explained) throw e;
    const err = e as NodeJS.ErrnoException;
    const path = err.path;
    const inDataDir = path !== undefined && (path === o.dataDir || path.startsWith(o.dataDir + '/'));
    throw new StartError(
      {
        // The CLI's text, with the option's name in place of the flag's.
        message: explained.message.replace('choose a writable --data-dir', 'choose a writable dataDir'),
        code: err.code ?? 'UNKNOWN',
        path,
        dataDir: inDataDir ? o.dataDir : undefined,
      },
      { cause: e },
    );
  }
}
