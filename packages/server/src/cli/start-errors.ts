// Start-up failures from the operating system, in Go's words (what kube-apiserver prints for the same errno)
// followed by what to do about it. Node's own text (`EADDRINUSE: address already in use …`) names the errno
// but not the flag that caused it.
import { FlagError } from './flags.js';
import type { ServeOptions } from './options.js';

interface SystemError extends Error {
  code?: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

// syscall.Errno.Error() texts (Go's zerrors_linux.go).
const goErrno: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

/** A FlagError with Go's text and a hint for a system error at start, or undefined when it is none. */
export function explainStartError(e: unknown, o: ServeOptions): FlagError | undefined {
  const err = e as SystemError;
  const text = err?.code ? goErrno[err.code] : undefined;
  if (!text) return undefined;
  if (err.syscall === 'listen' || err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL') {
    const host = o.bindAddress.includes(':') ? `[${o.bindAddress}]` : o.bindAddress;
    const hint =
      err.code === 'EADDRINUSE'
        ? `port ${o.securePort} is taken (another kubeauth or kube-apiserver?): stop it, choose another --secure-port, or use --secure-port 0 for a free port`
        : err.code === 'EADDRNOTAVAIL'
          ? `${o.bindAddress} is not an address of this machine: choose another --bind-address (127.0.0.1 or 0.0.0.0)`
          : `ports below 1024 need privileges: choose --secure-port 6443, or --secure-port 0 for a free port`;
    return new FlagError(`listen tcp ${host}:${o.securePort}: bind: ${text}\n${hint}`);
  }
  const path = err.path ?? '';
  const goOp = err.syscall === 'mkdir' ? 'mkdir' : 'open';
  const line = `${goOp} ${path}: ${text}`;
  if (o.tokenAuthFile && path === o.tokenAuthFile)
    return new FlagError(`${line}\n--token-auth-file ${path} could not be read: check the path`);
  for (const [flag, file] of [
    ['--tls-cert-file', o.tlsCertFile],
    ['--tls-private-key-file', o.tlsPrivateKeyFile],
    ['--client-ca-file', o.clientCaFile],
    ['--service-account-signing-key-file', o.serviceAccountSigningKeyFile],
  ] as const)
    if (file && path === file) return new FlagError(`${line}\n${flag} ${path} could not be read: check the path`);
  if (o.serviceAccountKeyFiles.includes(path))
    return new FlagError(`${line}\n--service-account-key-file ${path} could not be read: check the path`);
  const why =
    err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS'
      ? `kubeauth cannot write there (${text})`
      : err.code === 'ENOTDIR' || err.code === 'EEXIST'
        ? 'a file that is not a directory is in the way'
        : text;
  return new FlagError(
    `${line}\nthe data directory ${o.dataDir} is not usable: ${why}; choose a writable --data-dir (it is created when missing)`,
  );
}
