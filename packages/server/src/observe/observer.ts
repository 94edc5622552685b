// What an operator sees of each request: kube-apiserver's metrics, the audit event(s) and the request log line,
// fed from the filter chain by a handful of calls (the request info, the authentication result, the
// authorization decision, the handler context) and finished when the response closes. The Audit-Id header is
// set on every response (taken from the request's Audit-ID header when the client sent one, as kube does).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { UserInfo } from '../api/types.js';
import type { AuthnResult } from '../authn/chain.js';
import type { AuthorizerResult } from '../authz/authorizer.js';
import type { RequestInfo } from '../request/info.js';
import type { ApiServerMetrics, RequestSeries } from '../metrics/apiserver.js';
import { compressUsername } from '../metrics/apiserver.js';
import { requestLabels, type RequestLabels } from '../metrics/labels.js';
import type { PolicyEvaluator, RequestAuditConfig, Stage } from '../audit/policy.js';
import { withoutManagedFields, type AuditEvent, type AuditUser, type ResponseStatus } from '../audit/event.js';
import { microTime } from '../registry/meta.js';
import type { DecisionRing } from '../audit/decisions.js';
import { goDuration, type HttpLog } from './httplog.js';

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/**
 * Where audit events go. A sink that returns a promise is blocking (the webhook's blocking modes): the request, or
 * its response, is held until it settles, and `false` at RequestReceived fails the request.
 */
export interface AuditSink {
  processEvents(...events: AuditEvent[]): void | Promise<boolean>;
}

export interface ObserverDeps {
  metrics?: ApiServerMetrics;
  /** `blocking`: some sink returns promises (the response's end is then held for the last event). */
  audit?: { policy: PolicyEvaluator; sinks: AuditSink[]; blocking?: boolean };
  httpLog?: HttpLog;
  /** The kind served at group/version/resource (watch metrics are labelled by kind). */
  kindOf?: (group: string, version: string, resource: string) => string | undefined;
  /** The web inspector's live trace: every request's authentication and authorization outcome. */
  decisions?: DecisionRing;
}

const mutatingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// An authenticated user is often the same object request after request (a cached token review, a static token):
// its audit form is built once per object. Events are only serialized, never changed, so sharing it is safe.
const auditUsers = new WeakMap<UserInfo, AuditUser>();

function auditUser(u: UserInfo): AuditUser {
  let out = auditUsers.get(u);
  if (!out) auditUsers.set(u, (out = buildAuditUser(u)));
  return out;
}

function buildAuditUser(u: UserInfo): AuditUser {
  const out: AuditUser = { username: u.username };
  if (u.uid) out.uid = u.uid;
  if (u.groups?.length) out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

function sourceIPs(req: Req): string[] {
  const ips: string[] = [];
  const xff = req.headers['x-forwarded-for'];
  if (typeof xff === 'string') for (const p of xff.split(',')) if (p.trim()) ips.push(p.trim());
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && real.trim() && !ips.includes(real.trim())) ips.push(real.trim());
  let remote = req.socket?.remoteAddress ?? '';
  if (remote.startsWith('::ffff:')) remote = remote.slice(7);
  if (remote && !ips.includes(remote)) ips.push(remote);
  return ips;
}

// The series of a request whose labels follow from its (memoized, shared) RequestInfo alone: no query string that
// could carry dryRun, and not a PATCH (whose content type makes an apply). Most requests are such.
const seriesByInfo = new WeakMap<ApiServerMetrics, WeakMap<RequestInfo, RequestSeries>>();

function seriesOf(m: ApiServerMetrics, req: Req, info: RequestInfo, rawQuery: string, query: URLSearchParams) {
  const method = req.method ?? 'GET';
  const shared = rawQuery === '' && method !== 'PATCH' && Object.isFrozen(info);
  let byInfo: WeakMap<RequestInfo, RequestSeries> | undefined;
  if (shared) {
    byInfo = seriesByInfo.get(m);
    if (byInfo === undefined) seriesByInfo.set(m, (byInfo = new WeakMap()));
    const s = byInfo.get(info);
    if (s !== undefined) return s;
  }
  const s = m.requestSeries(requestLabels(method, info, rawQuery, query, req.headers['content-type']));
  byInfo?.set(info, s);
  return s;
}

/** One request's observation. */
export class Trace {
  private readonly start = performance.now();
  private readonly startEpoch = Date.now();
  private mark = this.start;
  private series: RequestSeries | undefined;
  private mutating: boolean;
  private user: UserInfo | undefined;
  private impersonated: UserInfo | undefined;
  private annotations: Record<string, string> = {};
  /** The handler's context (its audit annotations, filled as it runs, and the request body). */
  private ctx: { annotations: Record<string, string>; body?: Buffer } | undefined;
  private audit: RequestAuditConfig | undefined;
  private watch: { group: string; version: string; kind: string } | undefined;
  private longRunning = false;
  private responseChunks: Buffer[] | undefined;
  private errorBody: string | undefined;
  private started = false;
  private panicked = false;
  /** The last audit event (ResponseComplete, Panic, or ResponseStarted of a failed authentication) was emitted. */
  private completed = false;
  /** Writes wait for this: a blocking sink still sending ResponseStarted (watch). */
  private gate: Promise<unknown> | undefined;
  private authnError: string | undefined;
  private decision: AuthorizerResult | undefined;
  readonly auditID: string;
  /** Source address and IPs, for the audit events and the request log only (empty when neither is on). */
  private readonly remote: string = '';
  private readonly ips: string[] = [];

  constructor(
    private readonly o: ObserverDeps,
    private readonly req: Req,
    private readonly res: Res,
    private readonly info: RequestInfo,
    rawQuery: string,
    query: URLSearchParams,
  ) {
    const given = req.headers['audit-id'];
    this.auditID = typeof given === 'string' && given ? given : randomUUID();
    res.setHeader('Audit-Id', this.auditID);
    this.mutating = mutatingMethods.has(req.method ?? '');
    const m = o.metrics;
    if (m) {
      this.series = seriesOf(m, req, info, rawQuery, query);
      m.requestStarted(this.mutating);
    }
    // Read now: an HTTP/2 stream's socket is gone once it has closed.
    if (o.audit || o.httpLog?.enabled || o.decisions) {
      this.remote = `${req.socket?.remoteAddress ?? ''}:${req.socket?.remotePort ?? ''}`;
      this.ips = sourceIPs(req);
    }
  }

  /** The response has closed (the server's one 'close' listener calls this). */
  closed(): void {
    try {
      this.finish();
    } catch (e) {
      // Observing must never take the server down.
      process.emitWarning(`request observer: ${String((e as Error)?.stack ?? e)}`);
    }
  }

  /**
   * The authentication outcome: metrics, and the RequestReceived event with the authenticated user. A promise when
   * a blocking audit sink is sending that event: the request waits for it, and is failed (kube's "failed to store
   * audit event") when it resolves false.
   */
  authenticated(r: AuthnResult): Promise<boolean> | undefined {
    const now = performance.now();
    const m = this.o.metrics;
    if (m) {
      const result = 'user' in r ? 'success' : 'error' in r ? 'error' : 'failure';
      if ('user' in r) m.authenticatedUser(compressUsername(r.user.username)).inc();
      const s = m.authentication(result);
      s.attempts.inc();
      s.duration.observe((now - this.mark) / 1000);
    }
    this.mark = now;
    if (!('user' in r)) this.authnError = 'error' in r ? r.error : 'no credentials';
    if ('user' in r) {
      this.user = r.user;
      if (r.annotations && this.o.audit) Object.assign(this.annotations, r.annotations);
    }
    if (this.o.audit) {
      this.audit = this.o.audit.policy.evaluate({
        user: this.user,
        verb: this.info.verb,
        isResourceRequest: this.info.isResourceRequest,
        path: this.info.path,
        apiGroup: this.info.apiGroup,
        resource: this.info.resource,
        subresource: this.info.subresource,
        namespace: this.info.namespace,
        name: this.info.name,
      });
      if (this.audit.level !== 'None') {
        this.captureResponse();
        // A failed authentication has only the one event, at ResponseStarted (WithFailedAuthenticationAudit).
        if ('user' in r) {
          const held = this.emit('RequestReceived');
          if (held)
            return held.then((ok) => {
              if (!ok) {
                // kube's WithAudit returns before its deferred ResponseComplete: this request has no more events.
                this.completed = true;
                this.o.metrics?.auditRequestsRejected.inc();
              }
              return ok;
            });
        }
      }
    }
    return undefined;
  }

  impersonating(u: UserInfo): void {
    this.impersonated = u;
  }

  /** The authorization decision: metrics and the decision annotations; watches start being counted. */
  authorized(d: AuthorizerResult): void {
    const now = performance.now();
    const m = this.o.metrics;
    const result = d.decision === 'Allow' ? 'allowed' : d.decision === 'Deny' ? 'denied' : 'no-opinion';
    if (m) {
      const s = m.authorization(result);
      s.attempts.inc();
      s.duration.observe((now - this.mark) / 1000);
    }
    this.mark = now;
    this.decision = d;
    // The decision annotations are the audit events' only (kube's authorization filter adds them to the event).
    if (this.o.audit) {
      this.annotations['authorization.k8s.io/decision'] = d.decision === 'Allow' ? 'allow' : 'forbid';
      this.annotations['authorization.k8s.io/reason'] = d.reason;
    }
    if (d.decision === 'Allow' && this.info.verb === 'watch' && this.info.isResourceRequest) this.startWatch();
  }

  /** The handler's context: its audit annotations (filled as it runs) and the request body. */
  handling(ctx: { annotations: Record<string, string>; body?: Buffer }): void {
    this.ctx = ctx;
  }

  /** A handler threw something that is not a Status: the audit stage is Panic. */
  panic(): void {
    this.panicked = true;
  }

  private startWatch(): void {
    const { apiGroup: group, apiVersion: version, resource } = this.info;
    const kind = this.o.kindOf?.(group, version, resource) ?? '';
    this.longRunning = true;
    const m = this.o.metrics;
    if (m) {
      this.watch = { group, version, kind };
      m.registeredWatchers.inc(this.watch);
      m.longRunning.inc(this.sizeLabels(this.series!.labels));
    }
    // Every event of a watch is one write; the first one is where the response has started.
    const res = this.res as unknown as { write: (...a: unknown[]) => boolean };
    const write = res.write.bind(res);
    res.write = (...a: unknown[]) => {
      if (!this.started) {
        this.started = true;
        if (this.audit && this.audit.level !== 'None') this.hold(this.emit('ResponseStarted'));
      }
      if (this.watch) m!.watchEvents.inc(this.watch);
      if (this.gate) {
        this.hold(this.gate.then(() => write(...a)));
        return true;
      }
      return write(...a);
    };
  }

  private sizeLabels(l: RequestLabels): Omit<RequestLabels, 'dry_run'> {
    const { dry_run: _d, ...rest } = l;
    return rest;
  }

  /** Later writes (and the end) wait for `p` too. */
  private hold(p: Promise<unknown> | undefined): void {
    if (!p) return;
    const gate = p.then(
      () => undefined,
      () => undefined,
    );
    this.gate = gate;
    void gate.then(() => {
      if (this.gate === gate) this.gate = undefined;
    });
  }

  /**
   * Keeps what the response's audit event needs: the Status of an error, the whole body at RequestResponse. With a
   * blocking sink the last event is emitted when the response ends, and the end waits until it has been sent (kube
   * sends it before its handler returns, while the response is still buffered).
   */
  private captureResponse(): void {
    const res = this.res as unknown as { end: (...a: unknown[]) => unknown };
    const end = res.end.bind(res);
    const whole = this.audit!.level === 'RequestResponse' && this.info.verb !== 'watch';
    const blocking = this.o.audit!.blocking;
    res.end = (...a: unknown[]) => {
      const chunk = a[0];
      if (chunk && typeof chunk !== 'function' && (whole || this.res.statusCode >= 400)) {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
        if (this.res.statusCode >= 400) this.errorBody = text;
        if (whole) this.responseChunks = [Buffer.from(text, 'utf8')];
      }
      if (!blocking) return end(...a);
      const before = this.gate;
      if (before) {
        void before.then(() => this.endHeld(end, a));
        return this.res;
      }
      return this.endHeld(end, a);
    };
  }

  private endHeld(end: (...a: unknown[]) => unknown, a: unknown[]): unknown {
    if (this.completed) return end(...a);
    const held = this.emitLast();
    if (!held) return end(...a);
    void held.then(
      () => end(...a),
      () => end(...a),
    );
    return this.res;
  }

  /** The request's last event: ResponseStarted of a failed authentication, Panic or ResponseComplete. */
  private emitLast(): Promise<boolean> | undefined {
    this.completed = true;
    if (!this.user) return this.emit('ResponseStarted');
    return this.emit(this.panicked ? 'Panic' : 'ResponseComplete');
  }

  private responseStatus(): ResponseStatus {
    const code = this.panicked ? 500 : this.res.statusCode;
    const rs: ResponseStatus = { metadata: {}, code };
    if (this.errorBody) {
      try {
        const s = JSON.parse(this.errorBody) as Record<string, unknown>;
        if (s.kind === 'Status') {
          if (s.status) rs.status = s.status as string;
          if (s.message) rs.message = s.message as string;
          if (s.reason) rs.reason = s.reason as string;
          if (s.details) rs.details = s.details;
        }
      } catch {
        // not JSON (YAML was asked for): the code alone
      }
    }
    return { metadata: {}, ...(rs.status ? { status: rs.status } : {}), ...rest(rs), code };
  }

  /** Sends the event of `stage` to every sink: a promise if a blocking sink is sending it (true: all delivered). */
  private emit(stage: Stage): Promise<boolean> | undefined {
    const a = this.audit!;
    if (a.omitStages.includes(stage)) return undefined;
    const info = this.info;
    // Members are added in the order of the Go type, which is the order of the JSON.
    const ev = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: a.level,
      auditID: this.auditID,
      stage,
      requestURI: this.req.url ?? '/',
      verb: info.verb,
      // Failed authentication: kube's UserInfo with every member empty, which omitempty writes as {}.
      user: this.user ? auditUser(this.user) : ({} as AuditUser),
    } as AuditEvent;
    if (stage !== 'RequestReceived' && this.impersonated) ev.impersonatedUser = auditUser(this.impersonated);
    ev.sourceIPs = this.ips;
    const ua = this.req.headers['user-agent'];
    if (ua) ev.userAgent = ua;
    if (info.isResourceRequest) {
      ev.objectRef = { resource: info.resource };
      if (info.namespace) ev.objectRef.namespace = info.namespace;
      if (info.name) ev.objectRef.name = info.name;
      if (info.apiGroup) ev.objectRef.apiGroup = info.apiGroup;
      if (info.apiVersion) ev.objectRef.apiVersion = info.apiVersion;
      if (info.subresource) ev.objectRef.subresource = info.subresource;
    }
    if (stage !== 'RequestReceived') ev.responseStatus = this.responseStatus();
    if (a.level === 'Request' || a.level === 'RequestResponse') {
      const body = this.ctx?.body;
      const obj = body && parseJson(body);
      if (obj !== undefined) ev.requestObject = a.omitManagedFields ? withoutManagedFields(obj) : obj;
      if (stage === 'ResponseComplete' && this.responseChunks) {
        const out = parseJson(Buffer.concat(this.responseChunks));
        if (out !== undefined) ev.responseObject = a.omitManagedFields ? withoutManagedFields(out) : out;
      }
    }
    ev.requestReceivedTimestamp = microTime(this.startEpoch);
    ev.stageTimestamp = microTime(this.startEpoch + (performance.now() - this.start));
    const ann = stage === 'RequestReceived' ? {} : { ...this.annotations, ...this.ctx?.annotations };
    const keys = Object.keys(ann).sort();
    if (keys.length) ev.annotations = Object.fromEntries(keys.map((k) => [k, ann[k]!]));
    if (this.o.metrics) this.o.metrics.auditEvents.inc();
    let held: Promise<boolean>[] | undefined;
    for (const s of this.o.audit!.sinks) {
      const p = s.processEvents(ev);
      if (p) (held ??= []).push(p);
    }
    if (!held) return undefined;
    return held.length === 1 ? held[0] : Promise.all(held).then((oks) => oks.every(Boolean));
  }

  private finish(): void {
    const elapsed = performance.now() - this.start;
    const m = this.o.metrics;
    const code = this.panicked ? 500 : this.res.statusCode;
    const s = this.series;
    if (m && s) {
      m.requestFinished(this.mutating);
      // kube counts requests its handlers served; a non-resource path nobody serves (404) is not one.
      if (this.info.isResourceRequest || code !== 404) {
        s.total(code).inc();
        if (!this.longRunning) s.duration.observe(elapsed / 1000);
        const verb = s.labels.verb;
        // Its label names leave dry_run out.
        if (verb === 'GET' || verb === 'LIST') s.sizes.observe(Number(this.res.getHeader('content-length') ?? 0));
      }
      if (this.watch) {
        m.registeredWatchers.dec(this.watch);
        m.longRunning.dec(this.sizeLabels(s.labels));
      }
    }
    // Not yet emitted when nothing is held, or when the connection closed before the response ended.
    if (this.audit && this.audit.level !== 'None' && !this.completed) void this.emitLast();
    if (this.o.decisions) this.recordDecision(code, elapsed);
    const log = this.o.httpLog;
    if (log?.enabled) {
      const rec = {
        verb: this.series?.labels.verb ?? this.req.method ?? '',
        URI: this.req.url ?? '/',
        latency: goDuration(elapsed),
        userAgent: String(this.req.headers['user-agent'] ?? ''),
        'audit-ID': this.auditID,
        srcIP: this.remote,
        ...(log.verbosity >= 4 && this.user ? { user: this.user.username } : {}),
        resp: code,
      };
      log.request(rec);
    }
  }

  private recordDecision(code: number, elapsed: number): void {
    const i = this.info;
    const allowed = this.decision?.decision === 'Allow';
    // The inspector's own page and polls would drown everything else: its allowed requests are left out.
    if (allowed && !i.isResourceRequest && (i.path === '/ui' || i.path.startsWith('/ui/'))) return;
    if (!this.user && this.authnError === undefined) return;
    const u = this.impersonated ?? this.user;
    this.o.decisions!.record({
      time: new Date(this.startEpoch).toISOString(),
      auditID: this.auditID,
      user: this.user?.username ?? '',
      groups: this.user ? [...this.user.groups] : [],
      ...(this.impersonated ? { impersonatedUser: u!.username } : {}),
      verb: i.verb,
      resourceRequest: i.isResourceRequest,
      apiGroup: i.apiGroup,
      resource: i.resource,
      subresource: i.subresource,
      namespace: i.namespace,
      name: i.name,
      path: i.path,
      decision: !this.user ? 'unauthenticated' : allowed ? 'allow' : 'forbid',
      reason: !this.user ? (this.authnError ?? '') : (this.decision?.reason ?? ''),
      code,
      latencyMs: Math.round(elapsed * 1000) / 1000,
    });
  }
}

function rest(rs: ResponseStatus): Partial<ResponseStatus> {
  const out: Partial<ResponseStatus> = {};
  if (rs.message) out.message = rs.message;
  if (rs.reason) out.reason = rs.reason;
  if (rs.details) out.details = rs.details;
  return out;
}

function parseJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}

export class RequestObserver {
  constructor(readonly o: ObserverDeps) {}

  /**
   * The request's observation; the caller keeps it for the request's length (and calls its `panic()` when a handler
   * throws something that is not a Status). It is not kept here: a WeakMap from responses to their traces holds every
   * request's objects (the trace refers to its response) until a full collection.
   */
  begin(req: Req, res: Res, info: RequestInfo, rawQuery: string, query: URLSearchParams): Trace {
    return new Trace(this.o, req, res, info, rawQuery, query);
  }
}
