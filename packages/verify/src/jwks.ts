/**
 * Offline verification of bound ServiceAccount tokens against the issuer's OIDC discovery document and JWKS.
 *
 * What offline verification cannot see (use {@link TokenReviewer} where these matter):
 * - Revocation. kube-apiserver rejects a bound token as soon as its Pod, Secret, Node or ServiceAccount is deleted
 *   (or recreated with a new UID); the signature and `exp` stay valid, so an offline check accepts the token until
 *   it expires — for kubelet-projected tokens that can be up to a year (`warnafter` marks the intended ~1 h).
 * - Key rotation lag. A removed signing key keeps verifying here until the JWKS is fetched again (at most
 *   `jwksRefreshMs`; kube-apiserver sends `Cache-Control: max-age=3600`), and so do tokens it signed (the cache of
 *   verified tokens is emptied when the JWKS changes). A new key is picked up at once: an unknown `kid` triggers a
 *   refetch (at most one per `unknownKidCooldownMs`).
 * - Legacy Secret-based tokens (issuer `kubernetes/serviceaccount`, no `exp`/`aud`) are rejected: they are only
 *   meaningful with a lookup of their Secret.
 * - Audience-agnostic credentials (static tokens, bootstrap tokens, OIDC user tokens) are not handled.
 *
 * @module
 */
import { SecretKeyHasher, SingleFlight, TtlLruCache, raceSignal } from './cache.js';
import { readServiceAccountClaims, serviceAccountUser, type ServiceAccountClaims } from './claims.js';
import { parseJsonAnswer, type KubeConnection } from './connection.js';
import { ConfigError, ReviewError, TokenVerificationError } from './errors.js';
import { HttpClient, type HttpResponse } from './http.js';
import { SUPPORTED_ALGORITHMS, VerificationKey, isSupportedAlgorithm, type JwsAlgorithm } from './jws.js';
import { goQuoteList } from './goquote.js';
import { DEFAULT_MAX_TOKEN_BYTES } from './tokenreview.js';
import { EMPTY_USER, type AuthenticateOptions, type AuthenticationResult, type Authenticator } from './types.js';

/** Default clock leeway for `exp`, `nbf` and `iat`: 60 s, go-jose's `DefaultLeeway` that kube-apiserver uses. */
export const DEFAULT_CLOCK_LEEWAY_SECONDS = 60;
/** Default minimum interval between JWKS refetches caused by unknown key IDs: 10 s. */
export const DEFAULT_UNKNOWN_KID_COOLDOWN_MS = 10_000;
/** JWKS refresh interval when the answer has no `Cache-Control: max-age`: 10 min (as jose's remote JWKS). */
export const DEFAULT_JWKS_REFRESH_MS = 600_000;

/** A JSON Web Key Set (only `keys` is read). */
export interface JsonWebKeySet {
  readonly keys: readonly unknown[];
}

/** Options of {@link JwksVerifier}. Give one key source: `connection`, `discoveryUrl`, `jwksUri`, `jwks` or `issuer`. */
export interface JwksVerifierOptions {
  /**
   * Audiences this service accepts; a token must carry at least one (`aud` ∩ audiences ≠ ∅). Required unless
   * `skipAudienceCheck` is set.
   */
  readonly audiences?: string | readonly string[];
  /**
   * Accept any audience (go-oidc's `SkipClientIDCheck`). Dangerous: tokens minted for the API server or any other
   * service then work here too.
   */
  readonly skipAudienceCheck?: boolean;
  /**
   * Accepted `iss` value(s). Default: the `issuer` of the discovery document. Required with `jwksUri` or `jwks`.
   * When both are known, the discovery document's issuer must be one of these.
   */
  readonly issuer?: string | readonly string[];
  /**
   * API server to discover from, with its CA and credentials (as a go-oidc client does): discovery at
   * `<server>/.well-known/openid-configuration`; keys at the document's `jwks_uri` when it is on the same origin,
   * else at `<server>/openid/v1/jwks` (kube-apiserver always serves its keys there, whatever
   * `--service-account-jwks-uri` advertises) — so credentials never leave the API server's origin.
   */
  readonly connection?: KubeConnection;
  /** Discovery document URL. Default: from `connection`, else `<issuer>/.well-known/openid-configuration`. */
  readonly discoveryUrl?: string;
  /** Fetch keys from this URL and skip discovery (credentials are sent only if it is the connection's origin). */
  readonly jwksUri?: string;
  /** Fixed keys; nothing is fetched. */
  readonly jwks?: JsonWebKeySet;
  /** CA bundle (PEM) for discovery/JWKS URLs that are not the connection's origin. Default: Node's roots. */
  readonly ca?: string | Buffer;
  /** Accepted signature algorithms. Default: all of {@link SUPPORTED_ALGORITHMS} (all asymmetric). */
  readonly algorithms?: readonly JwsAlgorithm[];
  /** Tolerance for `exp`, `nbf`, `iat`. Default 60 s. */
  readonly clockLeewaySeconds?: number;
  /**
   * How long fetched keys are used before a background refetch. Default: the JWKS answer's `Cache-Control:
   * max-age` (kept within 30 s – 1 h), else 10 min.
   */
  readonly jwksRefreshMs?: number;
  /** Minimum time between refetches triggered by unknown `kid`s. Default 10 s. */
  readonly unknownKidCooldownMs?: number;
  /** Longer tokens are rejected without parsing. Default 65 536. */
  readonly maxTokenBytes?: number;
  /**
   * How many verified tokens to remember (until their `exp`, keyed by a keyed hash — no bearer token is kept), so a
   * token presented again skips the signature check; issuer, audience and time claims are still checked on every
   * call. Emptied whenever the JWKS changes. Default 1 000; 0 disables.
   */
  readonly verifiedCacheSize?: number;
  /** Timeout for discovery/JWKS requests not sent through `connection`. Default 10 s. */
  readonly timeoutMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** The result of {@link JwksVerifier.authenticate}: an {@link AuthenticationResult} plus the verified claims. */
export interface JwksAuthenticationResult extends AuthenticationResult {
  /** Present when authenticated. */
  readonly claims?: ServiceAccountClaims;
}

interface Header {
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
}

class KeySet {
  private readonly byKid = new Map<string, VerificationKey[]>();

  constructor(readonly keys: readonly VerificationKey[]) {
    for (const k of keys) {
      if (k.kid === undefined) continue;
      const list = this.byKid.get(k.kid);
      if (list) list.push(k);
      else this.byKid.set(k.kid, [k]);
    }
  }

  find(kid: string | undefined, alg: JwsAlgorithm): VerificationKey[] {
    const pool = kid === undefined ? this.keys : (this.byKid.get(kid) ?? []);
    return pool.filter((k) => k.supports(alg));
  }
}

const FAILED_LOAD_BACKOFF_MS = 1_000;

/**
 * Verifies bound ServiceAccount tokens offline: signature (node:crypto, cached KeyObjects), issuer, audience,
 * `exp`/`nbf`/`iat` with leeway, and the `kubernetes.io` claims. See the module documentation for what an offline
 * check cannot see (revocation, key-removal lag).
 *
 * @example
 * ```ts
 * const verifier = new JwksVerifier({ connection: KubeConnection.inCluster(), audiences: ['my-audience'] });
 * const claims = await verifier.verify(token); // throws TokenVerificationError (401) or ReviewError (503)
 * console.log(claims.namespace, claims.serviceAccount.name, claims.pod?.name);
 * ```
 */
export class JwksVerifier implements Authenticator {
  private readonly audiences: readonly string[];
  private readonly skipAudienceCheck: boolean;
  private issuers: ReadonlySet<string> | undefined;
  private readonly configuredIssuers: readonly string[];
  private readonly algorithms: ReadonlySet<string>;
  private readonly leeway: number;
  private readonly unknownKidCooldownMs: number;
  private readonly maxTokenBytes: number;
  private readonly now: () => number;
  private readonly options: JwksVerifierOptions;
  private http: HttpClient | undefined;

  private keys: KeySet | undefined;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private refreshMs = DEFAULT_JWKS_REFRESH_MS;
  private lastFailure: { error: unknown; at: number } | undefined;
  private jwksUrl: URL | undefined;
  private readonly loads = new SingleFlight<KeySet>();
  private readonly headers = new Map<string, Header>();
  private lastHeaderPart = '';
  private lastHeader: Header | undefined;
  private readonly verified: TtlLruCache<Readonly<Record<string, unknown>>>;
  private readonly remember: boolean;
  private readonly hasher = new SecretKeyHasher();
  private scratch = Buffer.allocUnsafe(2048);
  private jwksText: string | undefined;

  /** @throws {@link ConfigError} `ERR_INVALID_OPTIONS` for missing audiences, issuer or key source. */
  constructor(options: JwksVerifierOptions) {
    this.options = options;
    const auds =
      options.audiences === undefined
        ? []
        : typeof options.audiences === 'string'
          ? [options.audiences]
          : [...options.audiences];
    this.skipAudienceCheck = options.skipAudienceCheck === true;
    if (auds.length === 0 && !this.skipAudienceCheck) {
      throw new ConfigError('ERR_INVALID_OPTIONS', 'JwksVerifier needs audiences (or skipAudienceCheck: true)');
    }
    this.audiences = Object.freeze(auds);
    this.configuredIssuers =
      options.issuer === undefined ? [] : typeof options.issuer === 'string' ? [options.issuer] : [...options.issuer];
    if (this.configuredIssuers.length > 0) this.issuers = new Set(this.configuredIssuers);
    const algs = options.algorithms ?? SUPPORTED_ALGORITHMS;
    for (const a of algs) {
      if (!isSupportedAlgorithm(a))
        throw new ConfigError('ERR_INVALID_OPTIONS', `unsupported algorithm "${String(a)}"`);
    }
    this.algorithms = new Set(algs);
    this.leeway = options.clockLeewaySeconds ?? DEFAULT_CLOCK_LEEWAY_SECONDS;
    this.unknownKidCooldownMs = options.unknownKidCooldownMs ?? DEFAULT_UNKNOWN_KID_COOLDOWN_MS;
    this.maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
    this.now = options.now ?? Date.now;
    this.verified = new TtlLruCache(options.verifiedCacheSize ?? 1_000, this.now);
    this.remember = (options.verifiedCacheSize ?? 1_000) > 0;

    const fixed = options.jwks !== undefined;
    if ((fixed || options.jwksUri) && this.configuredIssuers.length === 0) {
      throw new ConfigError('ERR_INVALID_OPTIONS', 'JwksVerifier needs issuer when jwks or jwksUri is given');
    }
    if (
      !fixed &&
      !options.jwksUri &&
      !options.discoveryUrl &&
      !options.connection &&
      this.configuredIssuers.length === 0
    ) {
      throw new ConfigError(
        'ERR_INVALID_OPTIONS',
        'JwksVerifier needs a key source: connection, issuer, discoveryUrl, jwksUri or jwks',
      );
    }
    for (const [name, value] of [
      ['jwksUri', options.jwksUri],
      ['discoveryUrl', options.discoveryUrl],
      ...this.configuredIssuers.map((i) => ['issuer', i] as const),
    ] as const) {
      if (
        value !== undefined &&
        !URL.canParse(value) &&
        !(name === 'issuer' && (fixed || options.jwksUri || options.connection || options.discoveryUrl))
      ) {
        throw new ConfigError('ERR_INVALID_OPTIONS', `${name} "${value}" is not a URL`);
      }
    }
    if (fixed) {
      try {
        this.keys = toKeySet(options.jwks, 'jwks option');
      } catch (err) {
        throw new ConfigError('ERR_INVALID_OPTIONS', (err as Error).message);
      }
      this.fetchedAt = Number.POSITIVE_INFINITY;
    }
  }

  /**
   * Verifies `token` and returns its claims.
   *
   * @throws {@link TokenVerificationError} when the token is not acceptable (answer 401).
   * @throws {@link ReviewError} when keys could not be fetched (answer 503).
   */
  verify(token: string, options?: AuthenticateOptions): Promise<ServiceAccountClaims> {
    try {
      // Promise.resolve of the slow path's promise is that promise.
      return Promise.resolve(this.start(token, options?.signal));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * {@link Authenticator} interface: `authenticated: false` (with the reason in `error`) for a rejected token;
   * rejects with {@link ReviewError} when keys are unavailable.
   */
  authenticate(token: string, options?: AuthenticateOptions): Promise<JwksAuthenticationResult> {
    let claims: ServiceAccountClaims | Promise<ServiceAccountClaims>;
    try {
      claims = this.start(token, options?.signal);
    } catch (err) {
      return authenticationFailure(err);
    }
    // Keys loaded and the kid known: answered without awaiting anything.
    if (!(claims instanceof Promise)) return Promise.resolve(authenticated(claims));
    return claims.then(authenticated, authenticationFailure);
  }

  /**
   * Verifies `token`: synchronously (claims, or a thrown {@link TokenVerificationError}) when the keys are loaded and
   * its `kid` is known, else a promise (keys to fetch).
   */
  private start(token: string, signal: AbortSignal | undefined): ServiceAccountClaims | Promise<ServiceAccountClaims> {
    if (token.length > this.maxTokenBytes) {
      throw new TokenVerificationError('ERR_JWT_TOO_LARGE', `token longer than ${this.maxTokenBytes} bytes`);
    }
    // Remembered tokens are keyed by a keyed hash, so the cache holds no bearer tokens.
    const key = this.remember ? this.hasher.hash([token]) : '';
    const known = this.remember ? this.verified.get(key) : undefined;
    if (known) {
      this.currentKeys(); // keeps the background refresh going
      return this.checkClaims(known);
    }
    const parsed = this.parse(token);
    const keys = this.currentKeys();
    if (keys) {
      const candidates = keys.find(parsed.header.kid, parsed.header.alg);
      // Fast path: keys loaded and the kid known — no awaits, no allocation beyond the claims.
      if (candidates.length > 0) return this.check(token, key, parsed, candidates);
    }
    return this.verifySlow(token, key, parsed, keys, signal);
  }

  /** Fetches discovery and keys now (e.g. at startup) instead of on the first token. */
  async ready(options: AuthenticateOptions = {}): Promise<void> {
    if (!this.keys) await raceSignal(this.load(), options.signal);
  }

  /** Refetches the keys now. */
  async refresh(): Promise<void> {
    if (this.options.jwks === undefined) await this.load();
  }

  /** Closes this verifier's own HTTP sockets (not the connection's). */
  close(): void {
    this.http?.close();
  }

  private async verifySlow(
    token: string,
    key: string,
    parsed: Parsed,
    keys: KeySet | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ServiceAccountClaims> {
    keys ??= await raceSignal(this.firstLoad(), signal);
    let candidates = keys.find(parsed.header.kid, parsed.header.alg);
    if (candidates.length === 0 && this.options.jwks === undefined) {
      // Maybe the issuer rotated keys: refetch, but not more often than the cooldown.
      if (this.now() - this.lastAttemptAt >= this.unknownKidCooldownMs) {
        keys = await raceSignal(this.load(), signal);
        candidates = keys.find(parsed.header.kid, parsed.header.alg);
      }
    }
    if (candidates.length === 0) {
      throw new TokenVerificationError(
        'ERR_JWKS_NO_MATCHING_KEY',
        parsed.header.kid === undefined
          ? `no ${parsed.header.alg} key in the JWKS`
          : `no ${parsed.header.alg} key with kid "${parsed.header.kid}" in the JWKS`,
      );
    }
    return this.check(token, key, parsed, candidates);
  }

  /** The loaded keys, starting a background refresh when they are stale. */
  private currentKeys(): KeySet | undefined {
    if (this.keys && this.now() - this.fetchedAt >= this.refreshMs && this.loads.size === 0) {
      this.load().catch(() => {}); // stale-while-revalidate; the failure is kept in lastFailure
    }
    return this.keys;
  }

  private firstLoad(): Promise<KeySet> {
    const f = this.lastFailure;
    if (f && this.now() - f.at < FAILED_LOAD_BACKOFF_MS) return Promise.reject(f.error);
    return this.load();
  }

  private load(): Promise<KeySet> {
    return this.loads.run('jwks', async () => {
      this.lastAttemptAt = this.now();
      try {
        const url = this.jwksUrl ?? (this.jwksUrl = await this.resolveJwksUrl());
        const res = await this.get(url, 'JWKS');
        const keys = toKeySet(parseJsonAnswer(res, 'JWKS', url.origin), `JWKS at ${url.href}`);
        const text = res.body.toString('utf8');
        if (text !== this.jwksText) this.verified.clear(); // a removed key must not keep its tokens valid
        this.jwksText = text;
        this.keys = keys;
        this.fetchedAt = this.now();
        this.refreshMs = this.options.jwksRefreshMs ?? maxAgeMs(res) ?? DEFAULT_JWKS_REFRESH_MS;
        this.lastFailure = undefined;
        return keys;
      } catch (err) {
        this.lastFailure = { error: err, at: this.now() };
        throw err;
      }
    });
  }

  private async resolveJwksUrl(): Promise<URL> {
    const o = this.options;
    if (o.jwksUri) return parseUrl(o.jwksUri, 'jwksUri');
    const conn = o.connection;
    const discovery = o.discoveryUrl
      ? parseUrl(o.discoveryUrl, 'discoveryUrl')
      : conn
        ? conn.url('/.well-known/openid-configuration')
        : parseUrl(`${this.configuredIssuers[0]!.replace(/\/+$/, '')}/.well-known/openid-configuration`, 'issuer');
    const res = await this.get(discovery, 'OIDC discovery');
    const doc = parseJsonAnswer(res, 'OIDC discovery', discovery.origin) as Record<string, unknown> | null;
    const issuer = doc && typeof doc === 'object' ? doc.issuer : undefined;
    const jwksUri = doc && typeof doc === 'object' ? doc.jwks_uri : undefined;
    if (typeof issuer !== 'string' || typeof jwksUri !== 'string') {
      throw new ReviewError('bad-response', `OIDC discovery: ${discovery.href} has no issuer or jwks_uri`);
    }
    if (this.issuers === undefined) this.issuers = new Set([issuer]);
    else if (!this.issuers.has(issuer)) {
      throw new ReviewError(
        'bad-response',
        `OIDC discovery: ${discovery.href} names issuer "${issuer}", not one of ${goQuoteList(this.configuredIssuers)}`,
      );
    }
    const advertised = parseUrl(jwksUri, 'jwks_uri');
    if (conn && conn.isSameOrigin(discovery) && !conn.isSameOrigin(advertised)) {
      return conn.url('/openid/v1/jwks');
    }
    return advertised;
  }

  private get(url: URL, what: string): Promise<HttpResponse> {
    const conn = this.options.connection;
    if (conn && conn.isSameOrigin(url)) return conn.request('GET', url);
    this.http ??= new HttpClient({ ca: this.options.ca }, { timeoutMs: this.options.timeoutMs });
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return Promise.reject(new ReviewError('bad-response', `${what}: ${url.href} is not an http(s) URL`));
    }
    return this.http.request({ method: 'GET', url, headers: { accept: 'application/json' } });
  }

  private parse(token: string): Parsed {
    const d1 = token.indexOf('.');
    const d2 = token.indexOf('.', d1 + 1);
    // ASCII only (a cheap check), so the bytes we verify are exactly the text we decode claims from; and a strict
    // signature alphabet, so one signature has one spelling: Node's base64url decoder also takes `+` and `/` and
    // stops at `=`, which are refused here; any other character outside the alphabet is skipped by the decoder,
    // which makes the decoded signature shorter than the text's length implies — `check` refuses that.
    if (
      d1 <= 0 ||
      d2 <= d1 + 1 ||
      d2 === token.length - 1 ||
      token.indexOf('.', d2 + 1) !== -1 ||
      Buffer.byteLength(token, 'utf8') !== token.length ||
      token.indexOf('+', d2) !== -1 ||
      token.indexOf('/', d2) !== -1 ||
      token.indexOf('=', d2) !== -1 ||
      (token.length - d2 - 1) % 4 === 1
    ) {
      throw malformed();
    }
    let header: Header | undefined;
    // Tokens of one issuer share a header (one per signing key): compare with the last one before any lookup.
    if (d1 === this.lastHeaderPart.length && token.startsWith(this.lastHeaderPart)) header = this.lastHeader!;
    else {
      const headerPart = token.slice(0, d1);
      header = this.headers.get(headerPart);
      if (header === undefined) {
        header = parseHeader(headerPart);
        // Headers repeat (one per signing key); a small cache skips their JSON parsing.
        if (this.headers.size >= 64) this.headers.clear();
        this.headers.set(headerPart, header);
      }
      this.lastHeaderPart = headerPart;
      this.lastHeader = header;
    }
    if (!this.algorithms.has(header.alg)) {
      throw new TokenVerificationError('ERR_JWS_ALG_NOT_ALLOWED', `algorithm ${header.alg} is not allowed`);
    }
    return { header, d1, d2 };
  }

  private check(
    token: string,
    key: string,
    parsed: Parsed,
    candidates: readonly VerificationKey[],
  ): ServiceAccountClaims {
    const { header, d1, d2 } = parsed;
    // One reusable buffer for signing input and signature (verification is synchronous, so no call can interleave).
    if (this.scratch.length < token.length)
      this.scratch = Buffer.allocUnsafe(Math.max(token.length, 2 * this.scratch.length));
    const buf = this.scratch;
    buf.write(token, 0, d2, 'latin1');
    const data = buf.subarray(0, d2);
    const sigChars = token.length - d2 - 1;
    const sigLength = buf.write(token.slice(d2 + 1), d2, buf.length - d2, 'base64url');
    // Shorter than the text implies: a character outside the alphabet was skipped (see parse).
    if (sigLength !== (sigChars * 3) >> 2) throw malformed();
    const signature = buf.subarray(d2, d2 + sigLength);
    let ok = false;
    for (const candidate of candidates) {
      if (candidate.verify(header.alg, data, signature)) {
        ok = true;
        break;
      }
    }
    if (!ok) throw new TokenVerificationError('ERR_JWS_SIGNATURE_INVALID', 'signature verification failed');
    let payload: unknown;
    try {
      payload = JSON.parse(buf.toString('utf8', 0, buf.write(token.slice(d1 + 1, d2), 0, buf.length, 'base64url')));
    } catch {
      throw new TokenVerificationError('ERR_JWT_MALFORMED', 'payload is not JSON');
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new TokenVerificationError('ERR_JWT_MALFORMED', 'payload is not a JSON object');
    }
    if (!this.remember) return this.checkClaims(payload as Record<string, unknown>);
    // Remembered payloads are shared between calls: freeze them so no caller can change another's claims.
    const p = deepFreeze(payload as Record<string, unknown>);
    const claims = this.checkClaims(p);
    this.verified.set(key, p, (claims.expiresAt.getTime() / 1000 + this.leeway) * 1000 - this.now());
    return claims;
  }

  private checkClaims(p: Record<string, unknown>): ServiceAccountClaims {
    const iss = p.iss;
    if (typeof iss !== 'string' || !this.issuers?.has(iss)) {
      throw new TokenVerificationError(
        'ERR_JWT_ISSUER_INVALID',
        `token issuer ${JSON.stringify(String(iss))} is invalid`,
      );
    }
    const aud = p.aud;
    const tokenAuds: string[] = typeof aud === 'string' ? [aud] : [];
    if (Array.isArray(aud)) for (const a of aud) if (typeof a === 'string') tokenAuds.push(a);
    const accepted: string[] = [];
    for (const a of this.audiences) if (tokenAuds.includes(a)) accepted.push(a);
    if (accepted.length === 0 && !this.skipAudienceCheck) {
      throw new TokenVerificationError(
        'ERR_JWT_AUDIENCE_INVALID',
        `token audiences ${goQuoteList(tokenAuds)} is invalid for the target audiences ${goQuoteList(this.audiences)}`,
      );
    }
    const now = this.now() / 1000;
    if (typeof p.exp !== 'number') throw new TokenVerificationError('ERR_JWT_CLAIMS_INVALID', 'exp claim is missing');
    if (now - this.leeway > p.exp)
      throw new TokenVerificationError('ERR_JWT_EXPIRED', 'service account token has expired');
    if (typeof p.nbf === 'number' && now + this.leeway < p.nbf) {
      throw new TokenVerificationError('ERR_JWT_NOT_YET_VALID', 'service account token is not valid yet');
    }
    if (typeof p.iat === 'number' && now + this.leeway < p.iat) {
      throw new TokenVerificationError('ERR_JWT_ISSUED_IN_FUTURE', 'service account token is issued in the future');
    }
    return readServiceAccountClaims(
      p,
      this.skipAudienceCheck && accepted.length === 0 ? tokenAuds : accepted,
      tokenAuds,
    );
  }
}

interface Parsed {
  readonly header: Header;
  readonly d1: number;
  readonly d2: number;
}

function malformed(): TokenVerificationError {
  return new TokenVerificationError('ERR_JWT_MALFORMED', 'token is not a compact JWS');
}

function authenticated(claims: ServiceAccountClaims): JwksAuthenticationResult {
  return { authenticated: true, user: serviceAccountUser(claims), audiences: claims.audiences, claims };
}

function authenticationFailure(err: unknown): Promise<JwksAuthenticationResult> {
  if (err instanceof TokenVerificationError) {
    return Promise.resolve({ authenticated: false, user: EMPTY_USER, audiences: [], error: err.message });
  }
  return Promise.reject(err);
}

function parseHeader(part: string): Header {
  let h: unknown;
  try {
    h = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenVerificationError('ERR_JWT_MALFORMED', 'header is not JSON');
  }
  if (!h || typeof h !== 'object' || Array.isArray(h)) {
    throw new TokenVerificationError('ERR_JWT_MALFORMED', 'header is not a JSON object');
  }
  const { alg, kid, crit, b64 } = h as Record<string, unknown>;
  if (crit !== undefined || b64 !== undefined) {
    throw new TokenVerificationError('ERR_JWT_MALFORMED', 'header uses extensions (crit/b64) that are not supported');
  }
  if (!isSupportedAlgorithm(alg)) {
    throw new TokenVerificationError('ERR_JWS_ALG_NOT_ALLOWED', `algorithm ${JSON.stringify(alg)} is not allowed`);
  }
  if (kid !== undefined && typeof kid !== 'string')
    throw new TokenVerificationError('ERR_JWT_MALFORMED', 'kid is not a string');
  return Object.freeze({ alg, kid });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function toKeySet(value: unknown, what: string): KeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new ReviewError('bad-response', `${what} is not a JWK set (no "keys" array)`);
  const usable = keys.map((k) => VerificationKey.fromJwk(k)).filter((k): k is VerificationKey => k !== undefined);
  if (usable.length === 0) throw new ReviewError('bad-response', `${what} has no usable signature verification keys`);
  return new KeySet(usable);
}

function maxAgeMs(res: HttpResponse): number | undefined {
  const cc = res.headers['cache-control'];
  const m = typeof cc === 'string' ? /(?:^|,)\s*max-age=(\d+)/i.exec(cc) : null;
  if (!m) return undefined;
  return Math.min(Math.max(Number(m[1]) * 1000, 30_000), 3_600_000);
}

function parseUrl(value: string, what: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ReviewError('bad-response', `${what} "${value}" is not a URL`);
  }
}
