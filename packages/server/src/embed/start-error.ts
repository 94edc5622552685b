// The typed error startKubeauth() rejects with when the operating system refuses the start (the data directory
// cannot be created or written, a file named in the flags cannot be read): kube's words for the errno and what to
// do about it, as `kubeauth serve` prints them, with the errno as `code` as Node's own system errors have it.

/** What {@link StartError} carries across the child-process boundary. */
export interface StartErrorFields {
  message: string;
  code: string;
  path: string | undefined;
  dataDir: string | undefined;
}

/**
 * `startKubeauth()` could not start because the operating system refused something: `code` is the errno
 * (`EACCES`, `EPERM`, `EROFS`, `ENOTDIR`, `EEXIST`, `ENOENT`, …), `path` the file or directory, and `dataDir` is set
 * when that path is the data directory or inside it. The message says which path, why, and what to do.
 */
export class StartError extends Error {
  override readonly name = 'StartError';
  readonly code: string;
  readonly path: string | undefined;
  readonly dataDir: string | undefined;

  constructor(f: StartErrorFields, options?: { cause?: unknown }) {
    super(f.message, options);
    this.code = f.code;
    this.path = f.path;
    this.dataDir = f.dataDir;
  }

  fields(): StartErrorFields {
    return { message: this.message, code: this.code, path: this.path, dataDir: this.dataDir };
  }
}
