// `kubeauth keys rotate --data-dir DIR`: key rotation without downtime. The current signing key becomes a
// verify-only key (kept under pki/sa-old/ and still published in the JWKS); a new signing key takes its
// place. Restart (or SIGHUP, later) picks it up. Old keys are pruned with `keys prune` once every token they
// signed has expired (default max lifetime: 1 year for extended projected tokens).
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { FlagError, parseFlags, usage, type FlagSpec } from './flags.js';

const dataDirFlag: FlagSpec = {
  name: 'data-dir',
  type: 'string',
  default: './.kubeauth',
  usage: 'The data directory of the kubeauth whose keys to manage (as given to kubeauth serve).',
};
const olderThanFlag: FlagSpec = {
  name: 'older-than',
  type: 'duration',
  default: 366 * 24 * 3600,
  usage: 'Remove keys retired longer ago than this (keep them for the longest token lifetime you issue).',
};
const algorithmFlag: FlagSpec = {
  name: 'algorithm',
  type: 'string',
  default: 'RS256',
  usage: 'Algorithm of the new signing key: RS256, ES256, ES384 or ES512.',
};

// The key types serviceaccount/keys.ts signs with (and `kubeauth serve` therefore accepts in pki/sa.key).
const generators: Record<string, () => { privateKey: KeyObject }> = {
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};

const subcommands: Record<string, { short: string; flags: FlagSpec[] }> = {
  rotate: {
    short: 'Make a new signing key; the current one is kept for verification',
    flags: [dataDirFlag, algorithmFlag],
  },
  prune: { short: 'Remove retired signing keys older than --older-than', flags: [dataDirFlag, olderThanFlag] },
  list: { short: 'List the signing key and the retired keys', flags: [dataDirFlag] },
};

const keysHelp = `Rotate, prune and list service-account signing keys

Usage:
  kubeauth keys [command]

Available Commands:
${Object.entries(subcommands)
  .map(([n, c]) => `  ${n.padEnd(8)}${c.short}`)
  .join('\n')}

Use "kubeauth keys [command] --help" for more information about a command.
`;

const isHelp = (argv: string[]) => argv.includes('--help') || argv.includes('-h');

/** The data dir's pki/ folder; a missing one is an error (a typo must not "succeed" with nothing to do). */
function pkiDir(dataDirFlagValue: string): string {
  const dataDir = resolve(dataDirFlagValue);
  if (!existsSync(dataDir))
    throw new FlagError(
      `data directory ${dataDir} does not exist: pass the --data-dir that kubeauth serve uses (default ./.kubeauth)`,
    );
  const pki = join(dataDir, 'pki');
  if (!existsSync(pki))
    throw new FlagError(
      `${dataDir} is not a kubeauth data directory (no pki/ in it): start kubeauth serve on it once first`,
    );
  return pki;
}

export async function keysCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(keysHelp);
    return;
  }
  const spec = subcommands[sub];
  if (!spec) throw new FlagError(`unknown command "${sub}" for "kubeauth keys"\nRun 'kubeauth keys --help' for usage.`);
  if (isHelp(rest)) {
    process.stdout.write(`${spec.short}\n\nUsage:\n  kubeauth keys ${sub} [flags]\n\nFlags:\n${usage(spec.flags)}\n`);
    return;
  }
  const { values, args } = parseFlags(spec.flags, rest);
  if (args.length) throw new FlagError(`unexpected argument: ${args[0]}`);
  const pki = pkiDir(values.get('data-dir') as string);
  const current = join(pki, 'sa.key');
  const retired = join(pki, 'sa-old');
  if (sub === 'rotate') {
    const alg = values.get('algorithm') as string;
    const generate = generators[alg];
    if (!generate)
      throw new FlagError(`--algorithm ${JSON.stringify(alg)} is not supported: use RS256, ES256, ES384 or ES512`);
    if (!existsSync(current)) throw new FlagError(`no signing key at ${current}: start kubeauth once first`);
    mkdirSync(retired, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const kept = join(retired, `sa-${stamp}.key`);
    // The new key is made before the current one moves: a failure leaves the data dir as it was.
    const { privateKey } = generate();
    renameSync(current, kept);
    // Retirement time (mtime) is what `keys prune` measures from.
    const now = new Date();
    utimesSync(kept, now, now);
    writeFileSync(current, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    process.stdout.write(
      `new ${alg} signing key written to ${current}; previous key kept for verification in ${retired}\nrestart kubeauth to start signing with it\n`,
    );
    return;
  }
  if (sub === 'prune') {
    const max = (values.get('older-than') as number) * 1000;
    let n = 0;
    for (const f of existsSync(retired) ? readdirSync(retired) : []) {
      const p = join(retired, f);
      if (Date.now() - statSync(p).mtimeMs > max) {
        rmSync(p);
        n++;
      }
    }
    process.stdout.write(`removed ${n} retired key(s)\n`);
    return;
  }
  for (const f of existsSync(retired) ? readdirSync(retired) : [])
    process.stdout.write(`retired ${join(retired, f)}\n`);
  if (existsSync(current)) process.stdout.write(`signing ${current} (${readFileSync(current, 'utf8').length} bytes)\n`);
}
