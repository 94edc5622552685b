// Atomic file replacement: write a temp file beside the target, fsync, rename. A crash leaves either
// the old file or the new one, never a truncated key or certificate.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

const tempName = (path: string) => `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const tmp = tempName(path);
  // 'wx': the temp name is new, so the mode given here is the file's mode (less the umask).
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Synchronous twin for callers that must not return before the file exists (e.g. the kubeconfig). */
export function writeFileAtomicSync(path: string, data: string | Buffer, mode = 0o600): void {
  const tmp = tempName(path);
  const fd = openSync(tmp, 'wx', mode);
  let open = true;
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
    open = false;
    closeSync(fd);
    renameSync(tmp, path);
  } catch (err) {
    // Close only our own descriptor: a number closed twice may already belong to someone else.
    if (open) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
}
