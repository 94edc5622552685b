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
import { generateKeyPairSync } from 'node:crypto';
import { FlagError, parseFlags } from './flags.js';

const flags = [
  { name: 'data-dir', type: 'string' as const, default: './.kubeauth', usage: 'kubeauth data directory' },
  {
    name: 'older-than',
    type: 'duration' as const,
    default: 366 * 24 * 3600,
    usage: 'prune: remove retired keys older than this',
  },
  { name: 'algorithm', type: 'string' as const, default: 'RS256', usage: 'rotate: RS256 or ES256' },
];

export async function keysCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseFlags(flags, rest);
  const pki = join(resolve(values.get('data-dir') as string), 'pki');
  const current = join(pki, 'sa.key');
  const retired = join(pki, 'sa-old');
  if (sub === 'rotate') {
    if (!existsSync(current)) throw new FlagError(`no signing key at ${current}: start kubeauth once first`);
    mkdirSync(retired, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const kept = join(retired, `sa-${stamp}.key`);
    renameSync(current, kept);
    // Retirement time (mtime) is what `keys prune` measures from.
    const now = new Date();
    utimesSync(kept, now, now);
    const alg = values.get('algorithm') as string;
    const { privateKey } =
      alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(current, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    process.stdout.write(
      `new signing key written to ${current}; previous key kept for verification in ${retired}\nrestart kubeauth to start signing with it\n`,
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
  if (sub === 'list') {
    for (const f of existsSync(retired) ? readdirSync(retired) : [])
      process.stdout.write(`retired ${join(retired, f)}\n`);
    if (existsSync(current))
      process.stdout.write(`signing ${current} (${readFileSync(current, 'utf8').length} bytes)\n`);
    return;
  }
  throw new FlagError(`unknown command "${sub ?? ''}" for "kubeauth keys"`);
}
