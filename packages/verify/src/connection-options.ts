/**
 * The settings of a connection to a Kubernetes API server, apart from the connection itself so that the
 * kubeconfig reader can produce them without importing the client.
 *
 * @module
 */
/** Tuning shared by every way of creating a `KubeConnection`. */
export interface ConnectionTuning {
  /**
   * Overall timeout of one API request, from sending it to the last byte of the answer.
   * Default 10 000 ms (`DEFAULT_TIMEOUT_MS`), the same as client-go's webhook authenticators.
   */
  readonly timeoutMs?: number;
  /** How often a token file is re-read. Default 60 000 ms, as client-go. */
  readonly tokenRefreshMs?: number;
  /** Maximum sockets kept to the API server. Default 64. */
  readonly maxSockets?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** Explicit connection settings. PEM values may be given inline (`ca`) or as file paths (`caFile`). */
export interface ConnectionOptions extends ConnectionTuning {
  /** API server URL, e.g. `https://10.96.0.1:443` (a path prefix is kept: `https://rancher/k8s/clusters/c-1`). */
  readonly server: string;
  /** CA bundle (PEM) to trust for the server. Default: Node's built-in roots. */
  readonly ca?: string | Buffer;
  /** Path of a CA bundle (PEM); ignored when `ca` is set. */
  readonly caFile?: string;
  /** Bearer token for our own requests. */
  readonly token?: string;
  /** File holding the bearer token, re-read every `tokenRefreshMs`. Wins over `token` once read. */
  readonly tokenFile?: string;
  /** Client certificate (PEM) for mutual TLS. */
  readonly cert?: string | Buffer;
  /** Path of the client certificate; ignored when `cert` is set. */
  readonly certFile?: string;
  /** Private key (PEM) of the client certificate. */
  readonly key?: string | Buffer;
  /** Path of the private key; ignored when `key` is set. */
  readonly keyFile?: string;
  /** Do not verify the server's certificate. For development only. */
  readonly insecureSkipTLSVerify?: boolean;
  /** Name to verify the server certificate against instead of the URL's host (kubeconfig `tls-server-name`). */
  readonly tlsServerName?: string;
}
