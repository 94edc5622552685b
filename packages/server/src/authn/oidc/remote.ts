// One issuer's remote state: discovery document and JWKS, fetched in the background (never per request)
// and kept in memory. Startup tolerates a dead issuer: initialisation retries with capped exponential
// backoff (kube-apiserver polls every 10 s) and the authenticator reports "not initialized" meanwhile.
// A token with an unknown kid asks for a JWKS refresh, at most one per `minRefreshIntervalMs`; a
// request that comes too soon schedules the next allowed one, so a rotated key is picked up promptly.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { get, parseJsonResponse, type HttpResult } from './fetch.js';
import type { KeyLookup } from './verify.js';
import type { Logger } from './types.js';
import { goQuote } from '../../gocompat/quote.js';
import { jsonKind } from '../../gocompat/json-decode.js';

export interface RemoteOptions {
  issuer: string;
  discoveryURL?: string;
  ca?: string;
  log: Logger;
  /** First retry delay after a failed initialisation (doubles up to maxRetryMs). */
  initialRetryMs: number;
  maxRetryMs: number;
  /** Lower bound between two JWKS fetches triggered by unknown kids. */
  minRefreshIntervalMs: number;
  /** Background JWKS refresh period (0 = only on unknown kids). */
  refreshIntervalMs: number;
  timeoutMs: number;
  /** Called after every change of the key set (the token cache is dropped then). */
  onKeys?: () => void;
}

interface Jwk {
  kid?: unknown;
  use?: unknown;
  kty?: unknown;
}

export class KeySet implements KeyLookup {
  private readonly byKid = new Map<string, KeyObject[]>();
  constructor(
    readonly all: readonly KeyObject[] = [],
    kids: readonly string[] = [],
  ) {
    all.forEach((k, i) => {
      const kid = kids[i] ?? '';
      const list = this.byKid.get(kid);
      if (list) list.push(k);
      else this.byKid.set(kid, [k]);
    });
  }
  candidates(kid: string): readonly KeyObject[] {
    return kid === '' ? this.all : (this.byKid.get(kid) ?? []);
  }
  hasKid(kid: string): boolean {
    return this.byKid.has(kid);
  }
}

/** Parses a JWKS document: signing keys only; keys node cannot import are skipped (logged by the caller). */
export function parseJwks(doc: unknown): { keys: KeySet; skipped: string[] } {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new Error(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type jose.JSONWebKeySet`);
  const raw = (doc as { keys?: unknown }).keys ?? [];
  if (!Array.isArray(raw))
    throw new Error(
      `json: cannot unmarshal ${jsonKind(raw)} into Go struct field JSONWebKeySet.keys of type []jose.JSONWebKey`,
    );
  const list = raw as Jwk[];
  const keys: KeyObject[] = [];
  const kids: string[] = [];
  const skipped: string[] = [];
  for (const jwk of list) {
    if (!jwk || typeof jwk !== 'object' || jwk.use === 'enc') continue;
    try {
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      keys.push(key);
      kids.push(typeof jwk.kid === 'string' ? jwk.kid : '');
    } catch (e) {
      skipped.push(`${typeof jwk.kid === 'string' ? jwk.kid : '?'}: ${(e as Error).message}`);
    }
  }
  return { keys: new KeySet(keys, kids), skipped };
}

export class RemoteIssuer {
  keys: KeySet | undefined;
  jwksURI: string | undefined;
  /** Why the issuer is not usable yet (for health checks); undefined once initialised. */
  initError: string | undefined = 'not yet initialized';
  private stopped = false;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private periodicTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private lastRefresh = 0;
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly o: RemoteOptions) {}

  start(): void {
    if (this.stopped || this.timer || this.keys) return;
    void this.init(0);
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const t of [this.timer, this.refreshTimer, this.periodicTimer]) if (t) clearTimeout(t);
    for (const w of this.readyWaiters.splice(0)) w();
  }

  get ready(): boolean {
    return this.keys !== undefined;
  }

  /** Resolves true once initialised, false on timeout or stop. */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(this.ready), timeoutMs);
      t.unref();
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve(this.ready);
      });
    });
  }

  private async init(attempt: number): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      const jwksURI = await this.discover();
      const keys = await this.fetchKeys(jwksURI);
      if (this.stopped) return;
      this.jwksURI = jwksURI;
      this.setKeys(keys);
      this.initError = undefined;
      this.lastRefresh = Date.now();
      this.schedulePeriodic();
      for (const w of this.readyWaiters.splice(0)) w();
    } catch (e) {
      if (this.stopped) return;
      this.initError = (e as Error).message;
      this.o.log.error('oidc authenticator: initializing plugin', { issuer: this.o.issuer, err: this.initError });
      const delay = Math.min(this.o.maxRetryMs, this.o.initialRetryMs * 2 ** attempt);
      this.timer = setTimeout(() => void this.init(attempt + 1), delay);
      this.timer.unref();
    }
  }

  /** oidc.NewProvider: GET <issuer>/.well-known/openid-configuration (or discoveryURL), check `issuer`. */
  private async discover(): Promise<string> {
    const wellKnown = this.o.issuer.replace(/\/+$/, '') + '/.well-known/openid-configuration';
    let r: HttpResult;
    try {
      r = await get(this.o.discoveryURL ?? wellKnown, this.httpOptions());
    } catch (e) {
      // The Go client reports the URL it was asked for, before the discovery-URL rewrite.
      throw new Error((e as Error).message.replace(goQuote(this.o.discoveryURL ?? wellKnown), goQuote(wellKnown)), {
        cause: e,
      });
    }
    if (r.code !== 200) throw new Error(`${r.status}: ${r.body}`);
    let doc: unknown;
    try {
      doc = parseJsonResponse(r);
    } catch (e) {
      throw new Error(`oidc: failed to decode provider discovery object: ${(e as Error).message}`, { cause: e });
    }
    const d = (doc ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    const got = typeof d.issuer === 'string' ? d.issuer : '';
    if (got !== this.o.issuer)
      throw new Error(
        `oidc: issuer did not match the issuer returned by provider, expected ${goQuote(this.o.issuer)} got ${goQuote(got)}`,
      );
    if (typeof d.jwks_uri !== 'string' || !d.jwks_uri) throw new Error('oidc: discovery document has no jwks_uri');
    return d.jwks_uri;
  }

  /** remoteKeySet.updateKeys. */
  private async fetchKeys(jwksURI: string): Promise<KeySet> {
    let r: HttpResult;
    try {
      r = await get(jwksURI, this.httpOptions());
    } catch (e) {
      throw new Error(`oidc: get keys failed ${(e as Error).message}`, { cause: e });
    }
    if (r.code !== 200) throw new Error(`oidc: get keys failed: ${r.status} ${r.body}`);
    let parsed: ReturnType<typeof parseJwks>;
    try {
      parsed = parseJwks(parseJsonResponse(r));
    } catch (e) {
      throw new Error(`oidc: failed to decode keys: ${(e as Error).message} ${r.body}`, { cause: e });
    }
    for (const s of parsed.skipped)
      this.o.log.error('oidc authenticator: skipping unusable JWK', { issuer: this.o.issuer, key: s });
    return parsed.keys;
  }

  private httpOptions() {
    return { ca: this.o.ca, timeoutMs: this.o.timeoutMs, signal: this.abort.signal };
  }

  private setKeys(keys: KeySet): void {
    this.keys = keys;
    this.o.onKeys?.();
  }

  private schedulePeriodic(): void {
    if (!this.o.refreshIntervalMs || this.stopped) return;
    if (this.periodicTimer) clearTimeout(this.periodicTimer);
    this.periodicTimer = setTimeout(() => {
      this.periodicTimer = undefined;
      void this.refresh().finally(() => this.schedulePeriodic());
    }, this.o.refreshIntervalMs);
    this.periodicTimer.unref();
  }

  /** A token named a kid we do not have: refresh now, or as soon as the rate limit allows. */
  requestRefresh(): void {
    if (this.stopped || !this.jwksURI || this.refreshing || this.refreshTimer) return;
    const wait = this.lastRefresh + this.o.minRefreshIntervalMs - Date.now();
    if (wait <= 0) {
      void this.refresh();
      return;
    }
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, wait);
    this.refreshTimer.unref();
  }

  /** Fetches the JWKS again (single flight). A failure keeps the old keys. */
  refresh(): Promise<void> {
    if (this.refreshing || this.stopped || !this.jwksURI) return this.refreshing ?? Promise.resolve();
    this.lastRefresh = Date.now();
    const uri = this.jwksURI;
    this.refreshing = this.fetchKeys(uri)
      .then((keys) => {
        if (!this.stopped) this.setKeys(keys);
      })
      .catch((e: Error) => {
        if (!this.stopped)
          this.o.log.error('oidc authenticator: refreshing keys', { issuer: this.o.issuer, err: e.message });
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
