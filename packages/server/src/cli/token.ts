// `kubeauth token inspect TOKEN` (or `-` for stdin): prints the JOSE header and claims, unverified —
// what `step crypto jwt inspect --insecure` shows.
import { readFileSync } from 'node:fs';
import { FlagError } from './flags.js';

export function decodeSegments(token: string): { header: unknown; payload: unknown; signature: string } {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new FlagError('token is not a compact JWS (want three dot-separated parts)');
  const dec = (s: string) => {
    try {
      return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    } catch {
      throw new FlagError('token segment is not base64url-encoded JSON');
    }
  };
  return { header: dec(parts[0]!), payload: dec(parts[1]!), signature: parts[2]! };
}

export async function tokenCommand(argv: string[]): Promise<void> {
  const [sub, arg] = argv;
  if (sub !== 'inspect') throw new FlagError(`unknown command "${sub ?? ''}" for "kubeauth token"`);
  const token = !arg || arg === '-' ? readFileSync(0, 'utf8') : arg;
  process.stdout.write(JSON.stringify(decodeSegments(token), null, 2) + '\n');
}
