// External JWT (OIDC ID token) authentication, as kube-apiserver's structured JWT authenticators:
// JwtAuthenticator is one issuer (oidc.New), OidcAuthenticators the audience-agnostic union of them that
// --oidc-* or --authentication-config configure, reloadable in place. The request path is synchronous and
// memory-only: keys come from RemoteIssuer's background fetches, verified tokens from a small cache.
import { readFile } from 'node:fs/promises';
import { LruCache } from '../../cache/lru.js';
import { freezeUser, type TokenAuthenticator, type TokenOutcome } from '../types.js';
import type { UserInfo } from '../../api/types.js';
import { b64urlDecode } from '../../serviceaccount/base64url.js';
import { decodeAuthenticationConfiguration } from './config.js';
import { mapClaims } from './mapping.js';
import { checkSigningAlgs } from './options.js';
import { RemoteIssuer } from './remote.js';
import { silentLogger, type AuthenticationConfiguration, type JwtAuthenticatorConfig, type Logger } from './types.js';
import {
  aggregateFieldErrors,
  caError,
  validateAuthenticationConfiguration,
  validateJwtAuthenticator,
  type CelMapper,
} from './validation.js';
import { verifyIdToken } from './verify.js';
import { aggregate } from '../../api/errors.js';
import { fieldErrorString, forbidden } from '../../api/field.js';

export interface JwtAuthenticatorOptions {
  log?: Logger;
  /** Clock in ms (tests); defaults to Date.now. */
  now?: () => number;
  /** Service-account issuers: refused as JWT issuers. */
  disallowedIssuers?: readonly string[];
  /** Initialisation retry: first delay, doubling up to maxRetryMs (kube-apiserver polls every 10 s). */
  initialRetryMs?: number;
  maxRetryMs?: number;
  /** Minimum time between JWKS fetches caused by unknown kids. */
  minRefreshIntervalMs?: number;
  /** Periodic JWKS refresh (0 disables). */
  refreshIntervalMs?: number;
  /** HTTP timeout of discovery/JWKS requests (Go client: 30 s). */
  timeoutMs?: number;
  /** Verified-token cache: entries and the longest time one is trusted without re-verifying. */
  cacheSize?: number;
  cacheTtlMs?: number;
}

const defaults = {
  initialRetryMs: 1000,
  maxRetryMs: 10_000,
  minRefreshIntervalMs: 5000,
  refreshIntervalMs: 3_600_000,
  timeoutMs: 30_000,
  cacheSize: 4096,
  cacheTtlMs: 30_000,
};

/** untrustedIssuer: the unverified `iss` of a compact JWT, or undefined if it does not parse. */
export function untrustedIssuer(token: string): string | undefined {
  if (token.trimStart().startsWith('{')) return undefined;
  const d1 = token.indexOf('.');
  const d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
  if (d2 < 0 || token.indexOf('.', d2 + 1) >= 0) return undefined;
  const payload = b64urlDecode(token.slice(d1 + 1, d2));
  if (!payload) return undefined;
  let iss: unknown;
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    iss = (parsed as { iss?: unknown }).iss ?? '';
  } catch {
    return undefined;
  }
  if (typeof iss !== 'string') return undefined;
  return iss === 'accounts.google.com' ? 'https://accounts.google.com' : iss;
}

interface CacheEntry {
  user: UserInfo;
  untilMs: number;
}

/** One issuer. Construction validates (throws kube's aggregate); start() begins the background fetches. */
export class JwtAuthenticator implements TokenAuthenticator {
  readonly issuer: string;
  private readonly mapper: CelMapper;
  private readonly remote: RemoteIssuer;
  private readonly now: () => number;
  /** Go prints time.Now()'s monotonic reading in the nbf error; a test clock has none. */
  private readonly realClock: boolean;
  private readonly cache: LruCache<string, CacheEntry>;
  private readonly cacheTtlMs: number;

  constructor(
    readonly config: JwtAuthenticatorConfig,
    o: JwtAuthenticatorOptions = {},
  ) {
    const { errors, mapper } = validateJwtAuthenticator(config, null, o.disallowedIssuers);
    if (errors.length) throw new Error(aggregateFieldErrors(errors));
    checkSigningAlgs(config.signingAlgs);
    if (config.issuer.certificateAuthority && caError(config.issuer.certificateAuthority))
      throw new Error(`Failed to read the CA contents: ${caError(config.issuer.certificateAuthority)}`);
    const egress = config.issuer.egressSelectorType;
    if (egress) throw new Error(`oidc: egress lookup required with egress selector type "${egress}"`);
    this.issuer = config.issuer.url;
    this.mapper = mapper;
    this.now = o.now ?? Date.now;
    this.cache = new LruCache(o.cacheSize ?? defaults.cacheSize);
    this.cacheTtlMs = o.cacheTtlMs ?? defaults.cacheTtlMs;
    this.remote = new RemoteIssuer({
      issuer: config.issuer.url,
      discoveryURL: config.issuer.discoveryURL,
      ca: config.issuer.certificateAuthority,
      log: o.log ?? silentLogger,
      initialRetryMs: o.initialRetryMs ?? defaults.initialRetryMs,
      maxRetryMs: o.maxRetryMs ?? defaults.maxRetryMs,
      minRefreshIntervalMs: o.minRefreshIntervalMs ?? defaults.minRefreshIntervalMs,
      refreshIntervalMs: o.refreshIntervalMs ?? defaults.refreshIntervalMs,
      timeoutMs: o.timeoutMs ?? defaults.timeoutMs,
      // A changed key set may have dropped a key: verified tokens must be checked again.
      onKeys: () => this.cache.clear(),
    });
    this.realClock = !o.now;
  }

  start(): void {
    this.remote.start();
  }

  stop(): void {
    this.remote.stop();
    this.cache.clear();
  }

  get ready(): boolean {
    return this.remote.ready;
  }

  /** Resolves true once discovery and JWKS have been fetched. */
  waitReady(timeoutMs = 60_000): Promise<boolean> {
    return this.remote.waitReady(timeoutMs);
  }

  /** Fetches the JWKS again now (tests, admin); the unknown-kid path does this by itself. */
  refreshKeys(): Promise<void> {
    return this.remote.refresh();
  }

  /** kube-apiserver's HealthCheck: undefined when ready. */
  healthCheck(): string | undefined {
    if (this.remote.ready) return undefined;
    return `oidc: authenticator for issuer "${this.issuer}" is not healthy: ${
      this.remote.initError === 'not yet initialized'
        ? `oidc: authenticator for issuer "${this.issuer}" is not initialized`
        : this.remote.initError
    }`;
  }

  /** A cached verification result for this exact token, if still valid. */
  cached(token: string, audiences: string[]): TokenOutcome | undefined {
    const hit = this.cache.get(token);
    if (!hit) return undefined;
    if (hit.untilMs < this.now()) {
      this.cache.delete(token);
      return undefined;
    }
    return { user: hit.user, audiences };
  }

  authenticateToken(token: string, audiences: string[]): TokenOutcome {
    const hit = this.cached(token, audiences);
    if (hit) return hit;
    if (untrustedIssuer(token) !== this.issuer) return null;
    return this.verify(token, audiences);
  }

  /** The issuer already matched. */
  verify(token: string, audiences: string[]): TokenOutcome {
    const keys = this.remote.keys;
    if (!keys) return { error: 'oidc: authenticator not initialized' };
    const now = this.now();
    const v = verifyIdToken(token, keys, {
      issuer: this.issuer,
      audiences: this.config.issuer.audiences,
      signingAlgs: this.config.signingAlgs,
      now: () => now,
      realClock: this.realClock,
    });
    if ('error' in v) {
      if (v.unknownKey) this.remote.requestRefresh();
      return { error: `oidc: verify token: ${v.error}` };
    }
    const mapped = mapClaims(this.config, this.mapper, v.claims);
    if ('error' in mapped) return mapped;
    const user = freezeUser(mapped.value);
    this.remember(token, user, Math.min(v.expiryMs, now + this.cacheTtlMs));
    return { user, audiences };
  }

  private remember(token: string, user: UserInfo, untilMs: number): void {
    this.cache.set(token, { user, untilMs });
  }
}

export interface OidcAuthenticatorsOptions extends JwtAuthenticatorOptions {
  /**
   * API audiences. kube-apiserver wraps its JWT authenticators audience-agnostically: they only answer
   * when the requested audiences intersect these, and report the intersection. Empty = pass-through.
   */
  apiAudiences?: string[];
  /** How long reload() waits for the new issuers to become healthy (kube: one minute). */
  reloadTimeoutMs?: number;
  /** How long a replaced authenticator keeps running for in-flight work (kube: one minute). */
  retireAfterMs?: number;
}

/** The JWT authenticators of one configuration: the token goes to the one whose issuer it names. */
export class OidcAuthenticators implements TokenAuthenticator {
  private current: JwtAuthenticator[];
  private byIssuer: Map<string, JwtAuthenticator>;

  constructor(
    configs: JwtAuthenticatorConfig[],
    private readonly o: OidcAuthenticatorsOptions = {},
  ) {
    this.current = OidcAuthenticators.build(configs, o);
    this.byIssuer = new Map(this.current.map((a) => [a.issuer, a]));
  }

  /** Builds and validates every authenticator (all or nothing). */
  private static build(configs: JwtAuthenticatorConfig[], o: JwtAuthenticatorOptions): JwtAuthenticator[] {
    const errs = validateAuthenticationConfiguration({ jwt: configs }, o.disallowedIssuers);
    if (errs.length) throw new Error(`invalid authentication configuration: ${aggregateFieldErrors(errs)}`);
    return configs.map((c) => new JwtAuthenticator(c, o));
  }

  get authenticators(): readonly JwtAuthenticator[] {
    return this.current;
  }

  start(): void {
    for (const a of this.current) a.start();
  }

  stop(): void {
    for (const a of this.current) a.stop();
  }

  /** Resolves true when every issuer is initialised (false on timeout). */
  async waitReady(timeoutMs = 60_000): Promise<boolean> {
    const r = await Promise.all(this.current.map((a) => a.waitReady(timeoutMs)));
    return r.every(Boolean);
  }

  /** Aggregated health of the issuers; undefined when all are ready. */
  healthCheck(): string | undefined {
    const errs = this.current.map((a) => a.healthCheck()).filter((e): e is string => !!e);
    return errs.length ? aggregate(errs) : undefined;
  }

  /**
   * Replaces the configuration (authenticationConfigUpdater): the new authenticators must all become
   * healthy within reloadTimeoutMs, else they are dropped and the error thrown — the old ones stay.
   */
  async reload(configs: JwtAuthenticatorConfig[]): Promise<void> {
    const next = OidcAuthenticators.build(configs, this.o);
    for (const a of next) a.start();
    const ok = await Promise.all(next.map((a) => a.waitReady(this.o.reloadTimeoutMs ?? 60_000)));
    if (!ok.every(Boolean)) {
      const errs = next.map((a) => a.healthCheck()).filter((e): e is string => !!e);
      for (const a of next) a.stop();
      throw new Error(aggregate([...errs, 'context deadline exceeded']));
    }
    const old = this.current;
    this.current = next;
    this.byIssuer = new Map(next.map((a) => [a.issuer, a]));
    const retire = setTimeout(() => old.forEach((a) => a.stop()), this.o.retireAfterMs ?? 60_000);
    retire.unref();
  }

  authenticateToken(token: string, audiences: string[]): TokenOutcome {
    const api = this.o.apiAudiences ?? [];
    let auds = audiences;
    if (api.length) {
      auds = audiences.filter((a) => api.includes(a));
      if (!auds.length) return null;
    }
    for (const a of this.current) {
      const hit = a.cached(token, auds);
      if (hit) return hit;
    }
    const iss = untrustedIssuer(token);
    const a = iss === undefined ? undefined : this.byIssuer.get(iss);
    return a ? a.verify(token, auds) : null;
  }
}

/** reloadable config file watcher's view of one accepted configuration. */
export interface WatchOptions {
  /** Poll period (kube-apiserver: fsnotify plus a one-minute resync). */
  intervalMs?: number;
  disallowedIssuers?: readonly string[];
  /** Contents already loaded at startup; changes are detected against it. */
  initialData?: string;
  /** The startup configuration's `anonymous` section: a reload may not change it. */
  initialAnonymous?: AuthenticationConfiguration['anonymous'];
}

export interface Watcher {
  close(): void;
  /** Runs one check now (tests). */
  poll(): Promise<void>;
}

/**
 * Re-reads --authentication-config every few seconds. A file that does not decode or validate is logged
 * and remembered (not retried until it changes again); a failed update (issuers not reachable) is retried.
 */
export function watchAuthenticationConfig(
  path: string,
  onChange: (config: AuthenticationConfiguration) => Promise<void> | void,
  log: Logger,
  o: WatchOptions = {},
): Watcher {
  let tracked = o.initialData;
  let running: Promise<void> | undefined;
  let closed = false;
  const check = async (): Promise<void> => {
    let data: string;
    try {
      data = await readFile(path, 'utf8');
    } catch (e) {
      log.error('failed to read authentication config file', { path, err: (e as Error).message });
      return;
    }
    if (tracked === undefined) {
      tracked = data;
      return;
    }
    if (data === tracked || closed) return;
    let cfg: AuthenticationConfiguration;
    try {
      cfg = decodeAuthenticationConfiguration(data);
    } catch (e) {
      log.error('failed to load authentication config', { path, err: (e as Error).message });
      tracked = data;
      return;
    }
    const errs = validateAuthenticationConfiguration(cfg, o.disallowedIssuers).map(fieldErrorString);
    if (JSON.stringify(cfg.anonymous) !== JSON.stringify(o.initialAnonymous))
      errs.push(fieldErrorString(forbidden('anonymous', 'changed from initial configuration file')));
    if (errs.length) {
      log.error('failed to validate authentication config', { path, err: aggregate(errs) });
      tracked = data;
      return;
    }
    try {
      await onChange(cfg);
    } catch (e) {
      log.error('failed to update authentication config', { path, err: (e as Error).message });
      return;
    }
    tracked = data;
    log.info('reloaded authentication config', { path });
  };
  const poll = (): Promise<void> => (running ??= check().finally(() => (running = undefined)));
  const timer = setInterval(() => void poll(), o.intervalMs ?? 3000);
  timer.unref();
  if (tracked === undefined) void poll();
  return {
    close: () => {
      closed = true;
      clearInterval(timer);
    },
    poll,
  };
}
