/**
 * kubeconfig `exec` credential plugins (client.authentication.k8s.io ExecCredential), as client-go runs them
 * (`plugin/pkg/client/auth/exec/exec.go`): the command with its args and env, `KUBERNETES_EXEC_INFO` describing the
 * call, stdout parsed as an `ExecCredential` whose `status.token` is cached until `status.expirationTimestamp`
 * (forever when absent), and run again after a 401. Unlike @kubernetes/client-node, the plugin runs asynchronously
 * (`execFile`), so the event loop never blocks while `aws eks get-token` or `gke-gcloud-auth-plugin` works.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { ReviewError } from './errors.js';
import type { TokenSource } from './token-source.js';

/** The `user.exec` stanza of a kubeconfig. */
export interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  /** `client.authentication.k8s.io/v1` or `v1beta1`. */
  readonly apiVersion: string;
  /** Shown when the command is missing. */
  readonly installHint?: string;
  /** Directory a relative command path (one with a `/`) is resolved against: the kubeconfig's, as client-go does. */
  readonly dir?: string;
}

/** Options of {@link ExecTokenSource}. */
export interface ExecTokenSourceOptions {
  /** How long the plugin may run. Default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Refresh this long before `expirationTimestamp`. Default 10 000 ms. */
  readonly refreshBeforeMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A bearer token from an exec credential plugin, cached until its expiry; concurrent callers share one run.
 * Failures are {@link ReviewError}s of kind `unauthorized`, code `ERR_KUBE_CREDENTIALS` (our own credentials).
 */
export class ExecTokenSource implements TokenSource {
  private cached: { token: string; expiresAt: number } | undefined;
  private running: Promise<string> | undefined;
  private readonly timeoutMs: number;
  private readonly refreshBeforeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly config: ExecConfig,
    options: ExecTokenSourceOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.refreshBeforeMs = options.refreshBeforeMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  token(): Promise<string | undefined> {
    const c = this.cached;
    if (c !== undefined && this.now() < c.expiresAt - this.refreshBeforeMs) return Promise.resolve(c.token);
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  invalidate(): boolean {
    if (this.cached === undefined) return false;
    this.cached = undefined;
    return true;
  }

  private run(): Promise<string> {
    const { command, args = [], env = [], apiVersion } = this.config;
    const info = JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });
    const childEnv: Record<string, string | undefined> = { ...process.env, KUBERNETES_EXEC_INFO: info };
    for (const e of env) childEnv[e.name] = e.value;
    const fail = (message: string, cause?: unknown): ReviewError =>
      new ReviewError('unauthorized', `exec credential plugin "${command}": ${message}`, {
        code: 'ERR_KUBE_CREDENTIALS',
        ...(cause === undefined ? {} : { cause }),
      });
    return new Promise<string>((resolve, reject) => {
      const file =
        this.config.dir && command.includes('/') && !isAbsolute(command)
          ? resolvePath(this.config.dir, command)
          : command;
      execFile(
        file,
        [...args],
        {
          env: childEnv,
          timeout: this.timeoutMs,
          maxBuffer: 1024 * 1024,
          encoding: 'utf8',
        },
        (err, stdout) => {
          if (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === 'ENOENT') {
              return reject(fail(`not found${this.config.installHint ? `; ${this.config.installHint}` : ''}`, err));
            }
            return reject(
              fail(
                err.killed ? `no answer within ${this.timeoutMs} ms` : `failed (${String(code ?? err.message)})`,
                err,
              ),
            );
          }
          let cred: { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> };
          try {
            cred = JSON.parse(stdout) as typeof cred;
          } catch (e) {
            return reject(fail('printed something that is not an ExecCredential (JSON)', e));
          }
          if (cred?.kind !== 'ExecCredential' || cred.apiVersion !== apiVersion) {
            return reject(
              fail(
                `printed kind ${String(cred?.kind)} of ${String(cred?.apiVersion)}, want ExecCredential of ${apiVersion}`,
              ),
            );
          }
          const token = cred.status?.token;
          if (typeof token !== 'string' || token === '') {
            return reject(fail('gave no status.token (client certificates from exec plugins are not supported)'));
          }
          const exp = cred.status?.expirationTimestamp;
          const expiresAt = typeof exp === 'string' ? Date.parse(exp) : Number.POSITIVE_INFINITY;
          if (Number.isNaN(expiresAt)) return reject(fail(`gave an invalid expirationTimestamp "${String(exp)}"`));
          this.cached = { token, expiresAt };
          resolve(token);
        },
      );
    });
  }
}
